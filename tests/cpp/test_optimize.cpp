// The optimiser (zbb/optimize.hpp): hand-solved least-cost and max-effect cases, explanations of
// infeasible questions, and properties over generated models (monotonicity, every constraint
// checked independently, cost attribution summing exactly to the total).
#include <catch2/catch.hpp>
#include <limits>
#include <random>

#include "generate.hpp"
#include "zbb/io.hpp"
#include "zbb/optimize.hpp"

using zbb::decimal;
using zbb::money;

namespace {

zbb::activity act(std::string id, std::string partner = "P1", double min = 0,
                  std::optional<double> max = {}) {
    zbb::activity a;
    a.id = std::move(id);
    a.partner = std::move(partner);
    a.min = min;
    a.max = max;
    return a;
}
zbb::resource res(std::string id, const char* price, std::optional<double> available = {}) {
    zbb::resource r;
    r.id = std::move(id);
    r.price = decimal::parse(price, {});
    r.available = available;
    return r;
}
double cents(const money& m) {
    return static_cast<double>(m.minor_units());
}

// One goal G (0 -> 10). A1: +1 per unit, own cost 10, needs 0.5 M. A2: +2 per unit, own cost 30,
// needs 0.1 M. M (support): own cost 20 per unit.
// Full unit costs (reciprocal method): A1 = 10 + 0.5 * 20 = 20, A2 = 30 + 0.1 * 20 = 32, so one
// indicator unit costs 20 through A1 and 16 through A2.
zbb::model support_model(std::optional<double> a2_max = {}) {
    zbb::model m;
    m.partners = {{"P1", ""}};
    m.goals = {{"G", "", "", 0, 10, 1}};
    m.activities = {act("A1"), act("A2", "P1", 0, a2_max), act("M")};
    m.resources = {res("R1", "10"), res("R2", "30"), res("RM", "20")};
    m.consumption = {{"A1", "R1", 1}, {"A2", "R2", 1}, {"M", "RM", 1}};
    m.support = {{"M", "A1", 0.5}, {"M", "A2", 0.1}};
    m.effects = {{"G", "A1", 1}, {"G", "A2", 2}};
    return m;
}

// Every by-goal breakdown sums exactly to the total: the attribution of costs to goals.
void require_attribution_exact(const zbb::budget& b) {
    money sum;
    for (const auto& a : b.by_goal.amounts) sum += a;
    REQUIRE(sum == b.total);
    money by_activity;
    for (const auto& a : b.by_activity.amounts) by_activity += a;
    REQUIRE(by_activity == b.total);
}

// Checks an optimal plan against every constraint, independently of the solver: volumes within
// bounds, non-negative direct volumes, (I - S) x = d, resources within availability, targets
// (least-cost) or the frame (max-effect), exact cross-footing.
void require_valid_plan(const zbb::linked_model& lm, const zbb::optimize_result& r,
                        std::optional<decimal> budget_cap = {},
                        std::vector<zbb::partner_cap> caps = {}) {
    INFO("status " << zbb::to_string(r.status) << ": " << r.message);
    REQUIRE(r.optimal());
    REQUIRE(r.budget);
    const auto& b = *r.budget;
    const auto& src = lm.source();
    for (int a = 0; a < lm.activities().size(); ++a) {
        const auto& A = src.activities[static_cast<std::size_t>(a)];
        const double x = b.volumes[a], tol = 1e-6 * std::max(1.0, x);
        REQUIRE(x >= A.min - tol);
        if (A.max) REQUIRE(x <= *A.max + tol);
        REQUIRE(b.direct_volumes[a] >= 0.0);
    }
    const zbb::dense_vector residual = b.volumes - lm.support() * b.volumes - b.direct_volumes;
    REQUIRE(residual.cwiseAbs().maxCoeff() <=
            1e-6 * std::max(1.0, b.volumes.cwiseAbs().maxCoeff()));
    const zbb::dense_vector need = lm.consumption() * b.volumes;
    for (int k = 0; k < lm.resources().size(); ++k) {
        const auto& R = src.resources[static_cast<std::size_t>(k)];
        if (R.available) REQUIRE(need[k] <= *R.available * (1 + 1e-7) + 1e-7);
    }
    for (std::size_t g = 0; g < src.goals.size(); ++g) {
        const auto& G = src.goals[g];
        const double p = b.projected[static_cast<Eigen::Index>(g)];
        REQUIRE(r.goals[g].projected == p);
        REQUIRE(r.goals[g].attainment >= 0.0);
        REQUIRE(r.goals[g].attainment <= 1.0);
        if (r.objective == zbb::optimize_objective::least_cost) {
            const double tol = 1e-6 * std::max(1.0, std::fabs(G.target));
            if (G.target >= G.baseline)
                REQUIRE(p >= G.target - tol);
            else
                REQUIRE(p <= G.target + tol);
            REQUIRE(r.goals[g].marginal_cost >= 0.0);
        }
    }
    if (budget_cap)
        REQUIRE(b.total <= money::parse(budget_cap->text(), b.currency.minor_digits, {}));
    for (const auto& c : caps) {
        const int p = lm.partners().find(c.partner);
        REQUIRE(b.by_partner.amounts[static_cast<std::size_t>(p)] <=
                money::parse(c.cap.text(), b.currency.minor_digits, {}));
    }
    require_attribution_exact(b);
    REQUIRE(b.warnings.empty());
}

}  // namespace

TEST_CASE("least-cost: the cheaper activity per indicator unit, support included", "[optimize]") {
    // Unbounded: A2 at 16 per indicator unit beats A1 at 20. x_A2 = 5, M = 0.5,
    // cost = 5 * 30 + 0.5 * 20 = 160; one more indicator unit costs 16.
    const zbb::linked_model lm(support_model());
    const auto r = zbb::least_cost(lm);
    require_valid_plan(lm, r);
    CHECK(r.budget->volumes[0] == Approx(0).margin(1e-9));
    CHECK(r.budget->volumes[1] == Approx(5));
    CHECK(r.budget->volumes[2] == Approx(0.5));
    CHECK(cents(r.budget->total) == 16000);
    CHECK(r.goals[0].marginal_cost == Approx(16));
    CHECK(r.goals[0].reached);
    CHECK(cents(r.budget->by_goal.amounts[0]) == 16000);
    CHECK(r.binding.empty());
}

TEST_CASE("least-cost: a binding max bound moves the rest to the dearer activity", "[optimize]") {
    // A2 <= 3 gives 6 indicator units; the other 4 come from A1: x_A1 = 4,
    // M = 0.5 * 4 + 0.1 * 3 = 2.3; cost = 4 * 10 + 3 * 30 + 2.3 * 20 = 176. One more indicator unit
    // now costs 20 (A1). Each extra unit of A2's max replaces 2 units of A1 (40) by one of A2
    // (32): shadow price 8.
    const zbb::linked_model lm(support_model(3.0));
    const auto r = zbb::least_cost(lm);
    require_valid_plan(lm, r);
    CHECK(r.budget->volumes[0] == Approx(4));
    CHECK(r.budget->volumes[1] == Approx(3));
    CHECK(r.budget->volumes[2] == Approx(2.3));
    CHECK(cents(r.budget->total) == 17600);
    CHECK(r.goals[0].marginal_cost == Approx(20));
    REQUIRE(r.binding.size() == 1);
    CHECK(r.binding[0].entity == "activity");
    CHECK(r.binding[0].id == "A2");
    CHECK(r.binding[0].field == "max");
    CHECK(r.binding[0].shadow_price == Approx(8));
}

TEST_CASE("least-cost: two goals, one going down, share an activity; attribution by duals",
          "[optimize]") {
    // G1 100 -> 110 (up), G2 50 -> 40 (down). A1: G1 +1, G2 -0.5, cost 10. A2: G2 -1, cost 8.
    // G1 needs x1 >= 10; G2 needs 0.5 x1 + x2 >= 10, so x2 = 5: cost 100 + 40 = 140.
    // Duals: y2 = 8 (A2 is G2's marginal activity); y1 = 10 - 0.5 * 8 = 6.
    // Attribution: A1's 10 units split 6 : 4 (y1 * 1 : y2 * 0.5) -> G1 6, G2 4; A2's 5 -> G2.
    // Cost by goal: G1 = 60, G2 = 40 + 40 = 80 (= y_g times the gap, since no bound binds).
    zbb::model m;
    m.partners = {{"P1", ""}};
    m.goals = {{"G1", "", "", 100, 110, 1}, {"G2", "", "", 50, 40, 1}};
    m.activities = {act("A1"), act("A2")};
    m.resources = {res("R1", "10"), res("R2", "8")};
    m.consumption = {{"A1", "R1", 1}, {"A2", "R2", 1}};
    m.effects = {{"G1", "A1", 1}, {"G2", "A1", -0.5}, {"G2", "A2", -1}};
    const zbb::linked_model lm(m);
    const auto r = zbb::least_cost(lm);
    require_valid_plan(lm, r);
    CHECK(cents(r.budget->total) == 14000);
    CHECK(r.goals[0].marginal_cost == Approx(6));
    CHECK(r.goals[1].marginal_cost == Approx(8));
    CHECK(r.plan.coeff(0, 0) == Approx(6));
    CHECK(r.plan.coeff(0, 1) == Approx(4));
    CHECK(r.plan.coeff(1, 1) == Approx(5));
    CHECK(cents(r.budget->by_goal.amounts[0]) == 6000);
    CHECK(cents(r.budget->by_goal.amounts[1]) == 8000);
    CHECK(r.budget->projected[1] == Approx(40));
}

TEST_CASE("least-cost: direct volume forced by a min bound is still attributed", "[optimize]") {
    // M has min 4: its own direct volume (4 - 0.5 support) serves no goal and follows the goals'
    // consumption of M; a min-bound activity without effects follows the goals' cost.
    auto m = support_model();
    m.activities[2].min = 4;
    m.activities.push_back(act("X", "P1", 2));
    m.resources.push_back(res("RX", "7.5"));
    m.consumption.push_back({"X", "RX", 1});
    m.goals.push_back({"G2", "", "", 0, 1, 1});
    m.effects.push_back({"G2", "A1", 1});
    const zbb::linked_model lm(m);
    const auto r = zbb::least_cost(lm);
    require_valid_plan(lm, r);
    // With 4 units of M paid for anyway, support is free up to 4, so A1 costs 10 per indicator
    // unit and A2 15 until M's minimum is used up: the optimum makes M = 0.5 x1 + 0.1 x2 = 4
    // exactly with x1 + 2 x2 = 10 (x1 >= 1 for G2 is then slack): x2 = 10/9, x1 = 70/9. Cost =
    // 700/9 + 300/9 + 4 * 20 + 2 * 7.5 = 206.111... -> 206.11.
    CHECK(r.budget->volumes[0] == Approx(70.0 / 9));
    CHECK(r.budget->volumes[1] == Approx(10.0 / 9));
    CHECK(r.budget->volumes[2] == Approx(4));
    CHECK(cents(r.budget->total) == 20611);
    CHECK(r.binding.size() == 2);  // the min bounds of M and X
    CHECK(r.plan.col(0).sum() + r.plan.col(1).sum() == Approx(r.budget->direct_volumes.sum()));
}

TEST_CASE("least-cost: unreachable target is explained with the binding max bounds", "[optimize]") {
    // A1 <= 4 and A2 <= 2 reach at most 4 + 2 * 2 = 8 of the 10 needed.
    auto m = support_model(2.0);
    m.activities[0].max = 4;
    const zbb::linked_model lm(m);
    const auto r = zbb::least_cost(lm);
    REQUIRE(r.status == zbb::optimize_status::infeasible);
    REQUIRE_FALSE(r.budget);
    REQUIRE(r.explanation);
    const auto& ex = *r.explanation;
    REQUIRE(ex.goals.size() == 1);
    CHECK(ex.goals[0].id == "G");
    CHECK(ex.goals[0].best == Approx(8));
    CHECK(ex.goals[0].shortfall == Approx(2));
    REQUIRE(ex.limits.size() == 2);
    // Per unit more: A2 closes 2/10 of the gap, A1 1/10.
    CHECK(ex.limits[0].id == "A2");
    CHECK(ex.limits[0].field == "max");
    CHECK(ex.limits[0].shadow_price == Approx(0.2));
    CHECK(ex.limits[1].id == "A1");
    CHECK(ex.limits[1].shadow_price == Approx(0.1));
    CHECK_THAT(ex.summary, Catch::Contains("goal 'G' cannot reach its target 10") &&
                               Catch::Contains("activity 'A2' max 2") &&
                               Catch::Contains("activity 'A1' max 4"));
    CHECK(r.message == ex.summary);
}

TEST_CASE("least-cost: unreachable target is explained with the binding availability",
          "[optimize]") {
    // A2 needs 1 hour of R2 per unit and only 3 hours are available; A1 <= 1: 1 + 2 * 3 = 7.
    auto m = support_model();
    m.activities[0].max = 1;
    m.resources[1].available = 3;
    const zbb::linked_model lm(m);
    const auto r = zbb::least_cost(lm);
    REQUIRE(r.status == zbb::optimize_status::infeasible);
    const auto& ex = *r.explanation;
    REQUIRE(ex.goals.size() == 1);
    CHECK(ex.goals[0].best == Approx(7));
    bool named = false;
    for (const auto& l : ex.limits)
        if (l.entity == "resource" && l.id == "R2" && l.field == "available") named = true;
    CHECK(named);
    CHECK_THAT(ex.summary, Catch::Contains("resource 'R2' (available 3)"));
}

TEST_CASE("least-cost: min bounds that exceed a capacity are named", "[optimize]") {
    // A1 must run at least 5 units but only 3 units of R1 exist: no plan at all, whatever the
    // goals.
    auto m = support_model();
    m.activities[0].min = 5;
    m.resources[0].available = 3;
    const zbb::linked_model lm(m);
    const auto r = zbb::least_cost(lm);
    REQUIRE(r.status == zbb::optimize_status::infeasible);
    const auto& ex = *r.explanation;
    REQUIRE(ex.limits.size() == 1);
    CHECK(ex.limits[0].id == "R1");
    CHECK(ex.limits[0].excess == Approx(2));
    CHECK_THAT(ex.summary, Catch::Contains("resource 'R1' (available 3) is too low even for the "
                                           "minimum volumes: they need 5 (2 more)"));
}

namespace {
// G1 and G2 both 0 -> 10; weights 1 and 3. A1: G1 +1, cost 10 (partner P1). A2: G2 +1, cost 20
// (partner P2). Per euro: A1 adds 1/10 * 1/10 = 0.01 weighted attainment, A2 1/20 * 3/10 = 0.015.
zbb::model frame_model() {
    zbb::model m;
    m.partners = {{"P1", ""}, {"P2", ""}};
    m.goals = {{"G1", "", "", 0, 10, 1}, {"G2", "", "", 0, 10, 3}};
    m.activities = {act("A1", "P1"), act("A2", "P2")};
    m.resources = {res("R1", "10"), res("R2", "20")};
    m.consumption = {{"A1", "R1", 1}, {"A2", "R2", 1}};
    m.effects = {{"G1", "A1", 1}, {"G2", "A2", 1}};
    return m;
}
}  // namespace

TEST_CASE("max-effect: the budget goes to the best attainment per euro first", "[optimize]") {
    // The LP keeps one cent below each cap (so that rounded amounts never exceed it); that cent
    // costs 0.01 * 0.015 = 0.00015 weighted attainment, hence the margins of 1e-3.
    const zbb::linked_model lm(frame_model());
    zbb::optimize_options o;
    SECTION("budget 150: all on A2 -> x2 = 7.5, a2 = 0.75, weighted 2.25, 0.015 per euro") {
        o.budget_cap = decimal::parse("150.00", {});
        const auto r = zbb::max_effect(lm, o);
        require_valid_plan(lm, r, o.budget_cap);
        CHECK(r.goals[0].attainment == Approx(0).margin(1e-6));
        CHECK(r.goals[1].attainment == Approx(0.75).margin(1e-3));
        CHECK(r.weighted_attainment == Approx(2.25).margin(1e-3));
        CHECK(r.marginal_effect_per_currency_unit == Approx(0.015));
        CHECK_FALSE(r.goals[1].reached);
        CHECK(r.goals[1].shortfall == Approx(2.5).margin(1e-3));
        REQUIRE_FALSE(r.binding.empty());
        CHECK(r.binding[0].entity == "frame");
        CHECK(r.binding[0].field == "budget");
    }
    SECTION("budget 250: G2 reached (200), the other 50 to A1 -> a1 = 0.5, 0.01 per euro") {
        o.budget_cap = decimal::parse("250.00", {});
        const auto r = zbb::max_effect(lm, o);
        require_valid_plan(lm, r, o.budget_cap);
        CHECK(r.goals[1].reached);
        CHECK(r.goals[1].attainment == 1.0);
        CHECK(r.goals[0].attainment == Approx(0.5).margin(1e-3));
        CHECK(r.marginal_effect_per_currency_unit == Approx(0.01));
    }
    SECTION("budget 1000: everything reached, and the cheapest such plan (300) is returned") {
        o.budget_cap = decimal::parse("1000.00", {});
        const auto r = zbb::max_effect(lm, o);
        require_valid_plan(lm, r, o.budget_cap);
        CHECK(r.weighted_attainment == Approx(4));
        CHECK(cents(r.budget->total) == 30000);
        CHECK(r.marginal_effect_per_currency_unit == Approx(0).margin(1e-12));
    }
    SECTION("partner cap P2 100: x2 <= 5 (a2 = 0.5); the other 50 of 150 go to A1 (a1 = 0.5)") {
        o.budget_cap = decimal::parse("150.00", {});
        o.partner_caps = std::vector<zbb::partner_cap>{{"P2", decimal::parse("100.00", {})}};
        const auto r = zbb::max_effect(lm, o);
        require_valid_plan(lm, r, o.budget_cap, *o.partner_caps);
        CHECK(r.goals[0].attainment == Approx(0.5).margin(1e-3));
        CHECK(r.goals[1].attainment == Approx(0.5).margin(1e-3));
        CHECK(r.weighted_attainment == Approx(2.0).margin(1e-3));
        bool cap_binds = false;
        for (const auto& l : r.binding)
            cap_binds |= l.entity == "frame.partner_caps" && l.id == "P2";
        CHECK(cap_binds);
    }
    SECTION("the frame in the model is used when no option overrides it") {
        auto m = frame_model();
        m.frame = zbb::financial_frame{decimal::parse("150.00", {}), {}};
        const zbb::linked_model lm2(m);
        const auto r = zbb::max_effect(lm2);
        CHECK(r.weighted_attainment == Approx(2.25).margin(1e-3));
    }
}

TEST_CASE("max-effect: misuse throws, infeasible frames are data", "[optimize]") {
    const zbb::linked_model lm(frame_model());
    CHECK_THROWS_AS(zbb::max_effect(lm), zbb::model_error);  // no budget anywhere
    zbb::optimize_options o;
    o.budget_cap = decimal::parse("100", {});
    o.partner_caps = std::vector<zbb::partner_cap>{{"P-nope", decimal::parse("1", {})}};
    CHECK_THROWS_WITH(zbb::max_effect(lm, o), Catch::Contains("unknown partner 'P-nope'"));

    // A1 must run 20 units (200) but the budget is 100.
    auto m = frame_model();
    m.activities[0].min = 20;
    const zbb::linked_model lm2(m);
    o.partner_caps.reset();
    const auto r = zbb::max_effect(lm2, o);
    REQUIRE(r.status == zbb::optimize_status::infeasible);
    REQUIRE(r.explanation);
    REQUIRE(r.explanation->limits.size() == 1);
    CHECK(r.explanation->limits[0].entity == "frame");
    CHECK(r.explanation->limits[0].excess == Approx(100));
    CHECK_THAT(r.message,
               Catch::Contains("the budget cap of 100.00 is too low even for the minimum "
                               "volumes: they need 200"));
}

TEST_CASE("an iteration limit is a status, not an exception", "[optimize]") {
    std::mt19937_64 rng(7);
    zbb_test::gen_sizes n;
    n.goals = 6;
    n.activities = 40;
    auto m = zbb_test::generate_model(rng, n);
    const zbb::linked_model lm0(m);
    const auto b = zbb::compute_budget(lm0);
    for (std::size_t g = 0; g < m.goals.size(); ++g)
        m.goals[g].target = b.projected[static_cast<Eigen::Index>(g)];
    const zbb::linked_model lm(m);
    zbb::optimize_options o;
    o.iteration_limit = 1;
    o.method = zbb::lp_method::primal;
    const auto r = zbb::least_cost(lm, o);
    CHECK((r.status == zbb::optimize_status::time_limit ||
           r.status == zbb::optimize_status::optimal));
    if (r.status == zbb::optimize_status::time_limit) CHECK_FALSE(r.budget);
    o.time_limit_seconds = -1;
    CHECK_THROWS_AS(zbb::least_cost(lm, o), zbb::model_error);
}

namespace {
// A generated model whose targets are reachable: each target is the projection of the model's
// own plan (scaled toward the baseline by `k`), with max bounds and availabilities that the plan
// respects with room to spare.
zbb::model feasible_model(std::uint64_t seed, double k = 1.0) {
    std::mt19937_64 rng(seed);
    zbb_test::gen_sizes n;
    n.goals = 5;
    n.activities = 30;
    n.resources = 6;
    auto m = zbb_test::generate_model(rng, n);
    const zbb::linked_model lm(m);
    const auto b = zbb::compute_budget(lm);
    for (std::size_t g = 0; g < m.goals.size(); ++g) {
        auto& G = m.goals[g];
        G.target = G.baseline + k * (b.projected[static_cast<Eigen::Index>(g)] - G.baseline);
    }
    for (std::size_t a = 0; a < m.activities.size(); a += 2)
        m.activities[a].max = std::ceil(b.volumes[static_cast<Eigen::Index>(a)] * 1.5 + 1);
    for (std::size_t r = 0; r < m.resources.size(); r += 3)
        m.resources[r].available =
            std::ceil(b.resource_needs[static_cast<Eigen::Index>(r)] * 1.2 + 1);
    return m;
}
}  // namespace

TEST_CASE("generated models: plans meet every constraint and attribution sums exactly",
          "[optimize][property]") {
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
        CAPTURE(seed);
        const zbb::linked_model lm(feasible_model(seed));
        const auto r = zbb::least_cost(lm);
        require_valid_plan(lm, r);
        // The least cost never exceeds the cost of the model's own plan, which is feasible.
        CHECK(r.budget->total <= zbb::compute_budget(lm).total);
    }
}

TEST_CASE("generated models: moving targets further never lowers the least cost",
          "[optimize][property]") {
    for (std::uint64_t seed = 20; seed <= 27; ++seed) {
        CAPTURE(seed);
        money previous;
        for (double k : {0.0, 0.25, 0.5, 0.75, 1.0}) {
            CAPTURE(k);
            const zbb::linked_model lm(feasible_model(seed, k));
            const auto r = zbb::least_cost(lm);
            require_valid_plan(lm, r);
            // Equal within the solver's tolerance: one cent of slack.
            CHECK(cents(r.budget->total) >= cents(previous) - 1);
            previous = r.budget->total;
        }
    }
}

TEST_CASE("generated models: raising the budget never lowers the weighted attainment",
          "[optimize][property]") {
    for (std::uint64_t seed = 40; seed <= 45; ++seed) {
        CAPTURE(seed);
        auto m = feasible_model(seed);
        const zbb::linked_model lm(m);
        const auto full = zbb::least_cost(lm);
        REQUIRE(full.optimal());
        double previous = -1;
        for (double share : {0.0, 0.1, 0.3, 0.6, 1.0, 1.5}) {
            CAPTURE(share);
            zbb::optimize_options o;
            const double cap =
                std::floor(static_cast<double>(full.budget->total.minor_units()) * share) / 100;
            char text[64];
            std::snprintf(text, sizeof text, "%.2f", cap);
            o.budget_cap = decimal::parse(text, {});
            o.partner_caps = std::vector<zbb::partner_cap>{};
            const auto r = zbb::max_effect(lm, o);
            require_valid_plan(lm, r, o.budget_cap);
            CHECK(r.weighted_attainment >= previous - 1e-6);
            previous = r.weighted_attainment;
            CHECK(r.marginal_effect_per_currency_unit >= 0);
        }
        double total_weight = 0;
        for (const auto& G : m.goals) total_weight += G.weight;
        CHECK(previous == Approx(total_weight).margin(1e-6));  // the least cost suffices for all
    }
}

TEST_CASE("all LP methods agree", "[optimize]") {
    const zbb::linked_model lm(feasible_model(3));
    const auto reference = zbb::least_cost(lm);
    REQUIRE(reference.optimal());
    for (auto method : {zbb::lp_method::primal, zbb::lp_method::dual, zbb::lp_method::barrier}) {
        zbb::optimize_options o;
        o.method = method;
        const auto r = zbb::least_cost(lm, o);
        require_valid_plan(lm, r);
        CHECK(std::fabs(cents(r.budget->total) - cents(reference.budget->total)) <= 1);
    }
}

TEST_CASE("the frame round-trips through JSON and is validated", "[optimize][io]") {
    const std::string text = R"({"format": "zbb-model/1", "partners": [{"id": "P1"}],
        "frame": {"budget": "1250000.00", "partner_caps": [{"partner": "P1", "cap": "800000.00"}]}})";
    const auto m = zbb::read_model_json(text);
    REQUIRE(m.frame);
    CHECK(m.frame->budget->text() == "1250000.00");
    REQUIRE(m.frame->partner_caps.size() == 1);
    CHECK(m.frame->partner_caps[0].cap.text() == "800000.00");
    const auto again = zbb::read_model_json(zbb::write_model_json(m));
    CHECK(zbb::write_model_json(again) == zbb::write_model_json(m));
    CHECK_THROWS_WITH(zbb::linked_model(zbb::read_model_json(R"({"format": "zbb-model/1",
        "frame": {"partner_caps": [{"partner": "P9", "cap": "1"}]}})")),
                      "frame.partner_caps 'P9', field 'partner': unknown partner 'P9'");
    CHECK_THROWS_WITH(zbb::read_model_json(R"({"format": "zbb-model/1", "frame": {"budget": 5}})"),
                      Catch::Contains("frame, field 'budget': must be a decimal string"));
    CHECK_THROWS_WITH(
        zbb::read_model_json(R"({"format": "zbb-model/1", "frame": {"budget": "-5"}})"),
        Catch::Contains("frame, field 'budget': must not be negative"));
    CHECK_THROWS_WITH(
        zbb::read_model_json(R"({"format": "zbb-model/1", "frame": {"budgte": "5"}})"),
        "frame, field 'budgte': unknown key");
}

TEST_CASE("the example model: least-cost and max-effect within its frame", "[optimize]") {
    const auto m =
        zbb::read_model_file(std::string(ZBB_SOURCE_DIR) + "/examples/dementia-friendly.json");
    REQUIRE(m.frame);
    const zbb::linked_model lm(m);
    const auto lc = zbb::least_cost(lm);
    require_valid_plan(lm, lc);
    const auto me = zbb::max_effect(lm);
    require_valid_plan(lm, me, m.frame->budget, m.frame->partner_caps);
}

TEST_CASE(
    "solve_lp: a huge objective is scaled exactly, values beyond the solver's range are an "
    "error, never an abort",
    "[optimize][lp][errors]") {
    using zbb::detail::lp_problem;
    using zbb::detail::lp_status;
    // min c x1 + 2c x2  s.t.  x1 + x2 >= 3,  x in [0, 10]: x1 = 3, objective 3c, dual c.
    auto problem = [](double c) {
        lp_problem p;
        p.a = zbb::sparse_matrix(1, 2);
        p.a.insert(0, 0) = 1;
        p.a.insert(0, 1) = 1;
        p.objective = {c, 2 * c};
        p.col_lower = {0, 0};
        p.col_upper = {10, 10};
        p.row_lower = {3};
        p.row_upper = {lp_problem::inf};
        return p;
    };
    for (double c : {1.0, 1e7, 1e19, 1e22, 1e24, 1e30}) {
        CAPTURE(c);
        const auto sol = zbb::detail::solve_lp(problem(c), {});
        REQUIRE(sol.status == lp_status::optimal);
        CHECK(sol.objective == Approx(3 * c).epsilon(1e-12));
        CHECK(sol.x[0] == Approx(3));
        CHECK(sol.row_dual[0] == Approx(c).epsilon(1e-12));
    }
    for (double bad : {1e21, std::numeric_limits<double>::infinity(),
                       std::numeric_limits<double>::quiet_NaN()}) {
        CAPTURE(bad);
        auto p = problem(1);
        p.a.coeffRef(0, 1) = bad;
        const auto sol = zbb::detail::solve_lp(p, {});
        CHECK(sol.status == lp_status::error);
        CHECK_THAT(sol.message, Catch::Contains("outside the solver's numeric range"));
        auto q = problem(1);
        q.row_lower = {bad};
        CHECK(zbb::detail::solve_lp(q, {}).status == lp_status::error);
    }
    auto nan_cost = problem(1);
    nan_cost.objective[1] = std::numeric_limits<double>::quiet_NaN();
    CHECK(zbb::detail::solve_lp(nan_cost, {}).status == lp_status::error);
}

TEST_CASE("hostile prices: no abort in least cost, max effect or packages; a zbb error or status",
          "[optimize][errors]") {
    // Beyond the numeric range (a price of 1e25 once reached CLP's assertion and aborted): refused
    // when linking, before any solver runs.
    for (const char* price :
         {"10000000000000000000000000", "999999999999999999999999999999", "90071992547409.92"}) {
        CAPTURE(price);
        auto m = support_model();
        m.resources[0].price = decimal::parse(price, {});
        CHECK_THROWS_AS(zbb::linked_model(m), zbb::money_overflow);
    }
    // The largest prices in range: prices do not change feasibility, so the least-cost plan avoids
    // the dear A1 and is optimal; max effect carries the dear cost in its budget row and finds the
    // same optimum. Never infeasible, never an abort.
    for (const char* price : {"90071992547409.91", "1000000000000.00", "100000000.00"}) {
        CAPTURE(price);
        auto m = support_model();
        m.resources[0].price = decimal::parse(price, {});
        const zbb::linked_model lm(m);
        const auto lc = zbb::least_cost(lm);
        REQUIRE(lc.status == zbb::optimize_status::optimal);
        CHECK(lc.budget->volumes[0] == Approx(0).margin(1e-9));
        CHECK(lc.budget->volumes[1] == Approx(5));
        zbb::optimize_options o;
        o.budget_cap = decimal::parse("1000.00", {});
        const auto r = zbb::max_effect(lm, o);
        CHECK(r.status == zbb::optimize_status::optimal);
    }
}

TEST_CASE("a least-cost plan beyond the cent's range is refused, not aborted",
          "[optimize][errors]") {
    // A price whose cost cannot be avoided (RM, used by the support activity) at the largest price
    // in range: the plan's amounts are beyond 2^53 minor units.
    auto m = support_model();
    m.resources[2].price = decimal::parse("90071992547409.91", {});
    m.consumption[2].per_unit = 1e6;
    try {
        (void)zbb::least_cost(zbb::linked_model(m));
        FAIL("no error");
    } catch (const zbb::money_overflow& e) {
        CHECK_THAT(e.what(), Catch::Contains("computed amount exceeds 2^53 minor units"));
    }
}

TEST_CASE("infeasible is said only with an explanation that names a conflict", "[optimize]") {
    zbb::optimize_result r;
    r.status = zbb::optimize_status::infeasible;
    r.explanation = zbb::infeasibility{};
    r.explanation->summary = "no plan meets every constraint";
    zbb::detail::trust_infeasible(r);
    CHECK(r.status == zbb::optimize_status::error);
    CHECK_FALSE(r.explanation);
    CHECK_THAT(r.message, Catch::Contains("numerical trouble"));
    // With a goal that cannot be reached, infeasible stands.
    zbb::optimize_result named;
    named.status = zbb::optimize_status::infeasible;
    named.explanation = zbb::infeasibility{};
    named.explanation->goals.push_back({"G", 0, 10, 5, 5, {}});
    zbb::detail::trust_infeasible(named);
    CHECK(named.status == zbb::optimize_status::infeasible);
    // And every infeasible outcome of the existing questions names one (unreachable target).
    auto m = support_model(1.0);
    m.activities[0].max = 1.0;
    const auto lc = zbb::least_cost(zbb::linked_model(m));
    REQUIRE(lc.status == zbb::optimize_status::infeasible);
    CHECK_FALSE(lc.explanation->goals.empty());
}

TEST_CASE("require_optimal throws zbb::infeasible for any other status", "[optimize][errors]") {
    auto m = support_model(1.0);
    m.activities[0].max = 1.0;
    const zbb::linked_model lm(m);
    const auto r = zbb::least_cost(lm);
    REQUIRE(r.status == zbb::optimize_status::infeasible);
    CHECK_THROWS_AS(zbb::require_optimal(r), zbb::infeasible);
    CHECK_THROWS_AS(zbb::require_optimal(r), std::domain_error);
    CHECK_THROWS_WITH(zbb::require_optimal(r), Catch::StartsWith("optimize infeasible: "));
    const auto ok = zbb::least_cost(zbb::linked_model(support_model()));
    CHECK(&zbb::require_optimal(ok) == &ok);
}

TEST_CASE("the budget's text report and the optimiser agree on every goal reached",
          "[optimize][goals]") {
    // The least-cost plan reaches its targets within the solver's tolerance; the budget's goal
    // table (report.hpp) used a tighter absolute rule and could say "short by 0.00".
    for (double target : {10.0, 1e6 / 3, 123456.789}) {
        auto m = support_model();
        m.goals[0].target = target;
        const zbb::linked_model lm(m);
        const auto r = zbb::least_cost(lm);
        REQUIRE(r.optimal());
        const auto text = zbb::budget_report_text(lm, *r.budget);
        for (const auto& g : r.goals) {
            CHECK(g.reached);
            CHECK(g.reached == zbb::progress_toward(lm.source().goals[0], g.projected).reached);
        }
        CHECK_THAT(text, Catch::Contains("reached"));
        CHECK_THAT(text, !Catch::Contains("short by"));
    }
}

TEST_CASE("the optimiser's JSON report carries the budget report's members unchanged",
          "[optimize][report]") {
    const zbb::linked_model lm(frame_model());
    zbb::optimize_options o;
    o.budget_cap = decimal::parse("150.00", {});
    for (const auto objective :
         {zbb::optimize_objective::least_cost, zbb::optimize_objective::max_effect}) {
        const auto r = zbb::optimize(lm, objective, o);
        REQUIRE(r.optimal());
        for (const int indent : {-1, 0, 2, 4}) {
            const auto text = zbb::optimize_report_json(lm, r, indent);
            REQUIRE(text.back() == '\n');
            const auto report = nlohmann::ordered_json::parse(text);
            const auto budget =
                nlohmann::ordered_json::parse(zbb::budget_report_json(lm, *r.budget, indent));
            // The budget's members first, in the same order and with the same values.
            auto it = report.begin();
            for (const auto& [key, value] : budget.items()) {
                REQUIRE(it != report.end());
                CHECK(it.key() == key);
                CHECK(it.value() == value);
                ++it;
            }
            REQUIRE(it != report.end());
            CHECK(it.key() == "objective");
            CHECK(report["status"] == "optimal");
            CHECK(report["weighted_attainment"].get<double>() == r.weighted_attainment);
            for (const auto& g : r.goals) {
                CHECK(report["attainment"][g.id].get<double>() == g.attainment);
                CHECK(report["marginal_cost"][g.id].get<double>() == g.marginal_cost);
                CHECK(report["shortfall"][g.id].get<double>() == g.shortfall);
            }
            REQUIRE(report["binding"].size() == r.binding.size());
            if (objective == zbb::optimize_objective::max_effect) {
                // The new key and the deprecated one carry the same number.
                CHECK(report["marginal_effect_per_currency_unit"].get<double>() ==
                      r.marginal_effect_per_currency_unit);
                CHECK(report["marginal_effect_per_euro"] ==
                      report["marginal_effect_per_currency_unit"]);
                CHECK(report["binding"][0]["entity"] == "frame");
            } else {
                CHECK_FALSE(report.contains("marginal_effect_per_currency_unit"));
                CHECK_FALSE(report.contains("marginal_effect_per_euro"));
            }
        }
    }
}

TEST_CASE("money limits are described with the currency's minor-unit decimals",
          "[optimize][report]") {
    // A1 must run 20 units (cost 200 whatever the currency) against a budget of 100.
    auto m = frame_model();
    m.activities[0].min = 20;
    zbb::optimize_options o;
    o.budget_cap = decimal::parse("100", {});
    o.partner_caps = std::vector<zbb::partner_cap>{{"P1", decimal::parse("150", {})}};
    const std::vector<std::pair<std::optional<int>, std::string>> cases = {
        {0, "100"}, {2, "100.00"}, {3, "100.000"}};
    for (const auto& [digits, text] : cases) {
        m.minor_units = digits;
        const zbb::linked_model lm(m);
        const auto r = zbb::max_effect(lm, o);
        REQUIRE(r.status == zbb::optimize_status::infeasible);
        REQUIRE(r.explanation);
        CHECK_THAT(r.message, Catch::Contains("the budget cap of " + text + " is too low"));
        const std::string cap = "150" + text.substr(3);  // "150", "150.00", "150.000"
        bool cap_named = false;
        for (const auto& line : r.explanation->lines)
            cap_named |= line.find("the cap of partner 'P1' (" + cap + ")") != std::string::npos;
        CHECK(cap_named);
        for (const auto& l : r.explanation->limits)
            if (l.entity == "frame") CHECK(l.bound_text == text);
        // The JSON report keeps the bound a number.
        const auto report = nlohmann::json::parse(zbb::optimize_report_json(lm, r));
        CHECK(report["explanation"]["limits"][0]["bound"].get<double>() == 100.0);
    }
}

TEST_CASE("a text table renders lines between rows and a rule above a Total row", "[report]") {
    zbb::text_table t({"id", "amount"}, {{"a", "1.00"}, {"bb", "10.00"}, {"Total", "11.00"}},
                      {false, true});
    t.lines_before = {{0, "first"}, {2, "before total"}, {3, "after all"}, {2, "second"}};
    CHECK(t.render() ==
          "  id     amount\n"
          "  -------------\n"
          "  first\n"
          "  a        1.00\n"
          "  bb      10.00\n"
          "  before total\n"
          "  second\n"
          "  -------------\n"
          "  Total   11.00\n"
          "  after all\n");
    // Cells and lines are printed on one line whatever they hold.
    zbb::text_table u({"id"}, {{"a\nb"}}, {false});
    u.lines_before = {{1, "x\ty"}};
    CHECK(u.render() == "  id\n  ----\n  a\\nb\n  x\\ty\n");
}

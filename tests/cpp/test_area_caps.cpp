// Area caps in the financial frame (a grant budget per district): the optimiser's row per area,
// by hand (nested areas, support charged by the reciprocal method), as a property over generated
// models, and every refused cap named by id and field.
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "area_model.hpp"
#include "generate.hpp"
#include "zbb/optimize.hpp"
#include "zbb/zbb.hpp"

using Catch::Matchers::Contains;
using zbb::decimal;

namespace {

// zbb_test::support_area_model() (area_model.hpp: u_A1 = 15, u_A2 = 25, S without an area) with
// A2 in N2. A1 moves G1 by 1 per unit, A2 moves G2 by 1 per unit; both goals go from 0 to 10 with
// weight 1; the budget is 200.00. Attainment per euro: A1 1/150, A2 1/250: a budget goes to A1
// first.
zbb::model capped_model() {
    zbb::model m = zbb_test::support_area_model();
    m.name = "area caps";
    m.activities[1].area = "N2";
    m.goals = {{"G1", "", "", 0, 10, 1, ""}, {"G2", "", "", 0, 10, 1, ""}};
    m.effects = {{"G1", "A1", 1}, {"G2", "A2", 1}};
    m.frame = zbb::financial_frame{decimal::parse("200.00", {}), {}, {}};
    return m;
}

decimal dec(const char* text) {
    return decimal::parse(text, {});
}

double attainment(const zbb::optimize_result& r, std::size_t g) {
    return r.goals[g].attainment;
}

// The cost of the activities whose own area lies in area k, from a budget: sum u_a d_a.
double area_cost(const zbb::linked_model& lm, const zbb::budget& b, int k) {
    double sum = 0;
    for (int a = 0; a < lm.activities().size(); ++a)
        if (lm.activity_area(a) >= 0 && lm.area_within(lm.activity_area(a), k))
            sum += b.full_unit_costs[a] * b.direct_volumes[a];
    return sum;
}

double cents_of(const zbb::money& m) {
    return static_cast<double>(m.minor_units());
}

// The weights of the top-level areas and of the activities without an area add up to the unit
// costs c: w^T x over a partition of the activities is the whole c^T x.
void check_weights_add_up(const zbb::linked_model& lm) {
    const auto& c = lm.direct_unit_costs();
    const zbb::dense_vector u = lm.support_solver().full_unit_costs(c);
    zbb::dense_vector sum = zbb::dense_vector::Zero(c.size());
    for (std::size_t k = 0; k < lm.area_parents().size(); ++k)
        if (lm.area_parents()[k] < 0)
            sum += zbb::detail::area_cost_weights(lm, u, static_cast<int>(k));
    zbb::dense_vector none = zbb::dense_vector::Zero(c.size());
    for (int a = 0; a < c.size(); ++a)
        if (lm.activity_area(a) < 0) none[a] = u[a];
    sum += none - lm.support().transpose() * none;
    for (int a = 0; a < c.size(); ++a)
        CHECK(sum[a] == Approx(c[a]).epsilon(1e-9).margin(1e-9 * c.cwiseAbs().maxCoeff()));
}

bool binds(const zbb::optimize_result& r, const std::string& area) {
    for (const auto& l : r.binding)
        if (l.entity == "frame.area_caps" && l.id == area) return true;
    return false;
}

}  // namespace

TEST_CASE("area caps: the cap of an area holds its activities' full cost, by hand",
          "[areas][optimize]") {
    // The LP keeps one cent below each cap; hence the margins of 1e-3.
    SECTION("no area cap: 150 on A1 (G1 reached), the other 50 on A2 (2 units, 0.2)") {
        const zbb::linked_model lm(capped_model());
        const auto r = zbb::max_effect(lm);
        REQUIRE(r.optimal());
        CHECK(attainment(r, 0) == Approx(1).margin(1e-3));
        CHECK(attainment(r, 1) == Approx(0.2).margin(1e-3));
    }
    SECTION("N1 capped at 90: A1 6 units (90 = 6 x 15), the other 110 on A2 (4.4 units)") {
        auto m = capped_model();
        m.frame->area_caps = {{"N1", dec("90.00")}};
        const zbb::linked_model lm(m);
        const auto r = zbb::max_effect(lm);
        REQUIRE(r.optimal());
        CHECK(attainment(r, 0) == Approx(0.6).margin(1e-3));
        CHECK(attainment(r, 1) == Approx(0.44).margin(1e-3));
        CHECK(binds(r, "N1"));
        // The budget of the plan: N1's cost (A1's 6 units with their share of S) within the cap;
        // by_area, where A1's entries lie in N1, says the same to the cent.
        const auto& b = *r.budget;
        const int n1 = lm.area_keys_index().find("N1");
        CHECK(area_cost(lm, b, n1) <= 90.0);
        CHECK(area_cost(lm, b, n1) == Approx(90.0).margin(0.02));
        CHECK(b.by_area.amounts[static_cast<std::size_t>(n1)].minor_units() <= 9000);
        for (const auto& l : r.binding)
            if (l.entity == "frame.area_caps")
                CHECK(zbb::detail::describe(l) == "the cap of area 'N1' (90.00)");
    }
    SECTION("the district D capped at 120 holds N1 and N2 together: 8 units of A1, nothing else") {
        auto m = capped_model();
        m.frame->area_caps = {{"D", dec("120.00")}};
        const zbb::linked_model lm(m);
        const auto r = zbb::max_effect(lm);
        REQUIRE(r.optimal());
        CHECK(attainment(r, 0) == Approx(0.8).margin(1e-3));
        CHECK(attainment(r, 1) == Approx(0).margin(1e-6));
        CHECK(binds(r, "D"));
        CHECK(cents_of(r.budget->total) <= 12000);
        // The rounded amount of D with its sub-areas (three rounded by_area amounts) within the
        // cap: the row keeps one cent per area of the subtree below it.
        const int d = lm.area_keys_index().find("D");
        CHECK(cents_of(zbb::area_amounts_with_sub_areas(
                  lm, *r.budget)[static_cast<std::size_t>(d)]) <= 12000);
    }
    SECTION("support in an area follows its consumers: S in N1 changes no cap") {
        // w_N1 = (I - S)^T (u o 1_N1) with u_S = 10 in N1: w = (15 - 0.5 x 10, -0.5 x 10, 10) =
        // (10, -5, 10); with x_S = 0.5 (x_A1 + x_A2) that is 15 x_A1, as without S in N1.
        auto m = capped_model();
        m.activities[2].area = "N1";
        m.frame->area_caps = {{"N1", dec("90.00")}};
        const zbb::linked_model lm(m);
        const zbb::dense_vector u = lm.support_solver().full_unit_costs(lm.direct_unit_costs());
        const auto w = zbb::detail::area_cost_weights(lm, u, lm.area_keys_index().find("N1"));
        CHECK(w[0] == Approx(10));
        CHECK(w[1] == Approx(-5));
        CHECK(w[2] == Approx(10));
        const auto r = zbb::max_effect(lm);
        REQUIRE(r.optimal());
        CHECK(attainment(r, 0) == Approx(0.6).margin(1e-3));
        CHECK(attainment(r, 1) == Approx(0.44).margin(1e-3));
        CHECK(binds(r, "N1"));
    }
    SECTION("an option overrides the model's area caps") {
        auto m = capped_model();
        m.frame->area_caps = {{"D", dec("120.00")}};
        const zbb::linked_model lm(m);
        zbb::optimize_options o;
        o.area_caps = std::vector<zbb::area_cap>{{"N2", dec("50.00")}};
        const auto r = zbb::max_effect(lm, o);
        REQUIRE(r.optimal());
        CHECK(attainment(r, 0) == Approx(1).margin(1e-3));  // A1 free again: 150
        CHECK(attainment(r, 1) == Approx(0.2).margin(1e-3));
        o.area_caps = std::vector<zbb::area_cap>{};
        CHECK(zbb::max_effect(lm, o).goals[0].reached);
    }
    SECTION("min volumes beyond an area cap: infeasible, explained by that cap") {
        auto m = capped_model();
        m.activities[0].min = 10;  // 150 in N1
        m.frame->area_caps = {{"N1", dec("90.00")}};
        const zbb::linked_model lm(m);
        const auto r = zbb::max_effect(lm);
        REQUIRE(r.status == zbb::optimize_status::infeasible);
        REQUIRE(r.explanation);
        REQUIRE(r.explanation->limits.size() == 1);
        CHECK(r.explanation->limits[0].entity == "frame.area_caps");
        CHECK(r.explanation->limits[0].id == "N1");
        CHECK(r.explanation->limits[0].excess == Approx(60));
        CHECK_THAT(r.message, Contains("the cap of area 'N1' (90.00)"));
    }
}

TEST_CASE("area caps round-trip through JSON and bad ones are refused naming id and field",
          "[areas][optimize][errors]") {
    auto m = capped_model();
    m.frame->area_caps = {{"N1", dec("90.00")}, {"D", dec("150")}};
    const auto again = zbb::read_model_json(zbb::write_model_json(m));
    REQUIRE(again.frame);
    REQUIRE(again.frame->area_caps.size() == 2);
    CHECK(again.frame->area_caps[0].area == "N1");
    CHECK(again.frame->area_caps[0].cap.text() == "90.00");
    CHECK(again.frame->area_caps[1].cap.text() == "150");
    // Without area caps the frame is written as before (no "area_caps" member).
    CHECK(zbb::write_model_json(capped_model()).find("area_caps") == std::string::npos);

    auto refused = [](zbb::model bad, const std::string& what) {
        CHECK_THROWS_WITH(zbb::linked_model(std::move(bad)), Contains(what));
    };
    m = capped_model();
    m.frame->area_caps = {{"N9", dec("1")}};
    refused(m, "frame.area_caps 'N9', field 'area': unknown area 'N9'");
    m.frame->area_caps = {{"N1", dec("1")}, {"N1", dec("2")}};
    refused(m, "frame.area_caps 'N1', field 'area': duplicate area cap");
    m.frame->area_caps = {{"(no area)", dec("1")}};
    refused(m, "frame.area_caps '(no area)', field 'area': unknown area '(no area)'");
    m.frame->area_caps = {{"N1", dec("7.77")}};
    auto text = zbb::write_model_json(m);
    text.replace(text.find("\"7.77\""), 6, "\"-1\"");
    CHECK_THROWS_WITH(zbb::read_model_json(text),
                      Contains("frame.area_caps 'N1', field 'cap': must not be negative"));
    m.frame->area_caps = {{"N1", dec("100000000000000000000")}};
    CHECK_THROWS_AS(zbb::linked_model(m), zbb::money_overflow);
    m = capped_model();
    m.areas.clear();
    for (auto& a : m.activities) a.area.clear();
    m.frame->area_caps = {{"N1", dec("1")}};
    refused(m, "frame.area_caps 'N1', field 'area': an area cap needs a model with areas");
    CHECK_THROWS_WITH(zbb::read_model_json(R"({"format": "zbb-model/1",
        "frame": {"area_caps": [{"area": "N1"}]}})"),
                      Contains("cap"));

    const zbb::linked_model lm(capped_model());
    zbb::optimize_options o;
    o.area_caps = std::vector<zbb::area_cap>{{"N7", dec("1")}};
    CHECK_THROWS_WITH(zbb::max_effect(lm, o),
                      Contains("option 'N7', field 'area_caps': unknown area 'N7'"));
    o.area_caps = std::vector<zbb::area_cap>{{"N1", dec("1")}, {"N1", dec("1")}};
    CHECK_THROWS_WITH(zbb::max_effect(lm, o), Contains("duplicate area cap"));
    auto plain = capped_model();
    plain.areas.clear();
    for (auto& a : plain.activities) a.area.clear();
    o.area_caps = std::vector<zbb::area_cap>{{"N1", dec("1")}};
    CHECK_THROWS_WITH(
        zbb::max_effect(zbb::linked_model(plain), o),
        Contains("option 'N1', field 'area_caps': an area cap needs a model with areas"));
    // A scenario's frame is checked as when linking.
    zbb::financial_frame f{dec("100"), {}, {{"N8", dec("1")}}};
    CHECK_THROWS_WITH(zbb::with_frame(lm, f), Contains("frame.area_caps 'N8'"));
}

TEST_CASE("area caps on generated models: every capped area within its cap, the weights add up",
          "[areas][optimize][property]") {
    std::mt19937_64 rng(20261204);
    int binding = 0;
    for (int round = 0; round < 30; ++round) {
        zbb_test::gen_sizes n;
        n.goals = 2 + round % 4;
        n.activities = 6 + round % 13;
        auto m = zbb_test::generate_model(rng, n);
        for (int k = 0; k < 4; ++k)
            m.areas.push_back({zbb_test::id('Z', k), "", k >= 2 ? zbb_test::id('Z', 0) : ""});
        std::uniform_int_distribution<int> pick(-1, 3);
        for (auto& a : m.activities) {
            const int k = pick(rng);
            a.area = k < 0 ? std::string() : zbb_test::id('Z', k);
        }
        m.frame.reset();
        const zbb::linked_model free_lm(m);
        check_weights_add_up(free_lm);
        zbb::optimize_options o;
        const auto ref = zbb::least_cost(free_lm, o);
        if (!ref.optimal()) continue;
        const auto& rb = *ref.budget;
        // Cap Z0 (the parent of Z2 and Z3) and Z1 at half their cost in the least-cost plan.
        std::vector<zbb::area_cap> caps;
        for (int k : {0, 1}) {
            const double cost = area_cost(free_lm, rb, k);
            if (cost < 1) continue;
            caps.push_back({zbb_test::id('Z', k),
                            decimal::parse(std::to_string(static_cast<long long>(cost / 2)), {})});
        }
        if (caps.empty()) continue;
        o.budget_cap = decimal::parse(rb.total.to_string(2), {});
        o.area_caps = caps;
        const auto r = zbb::max_effect(free_lm, o);
        INFO("round " << round << ": " << r.message);
        REQUIRE(r.optimal());
        for (const auto& c : caps) {
            const int k = free_lm.area_keys_index().find(c.area);
            CHECK(area_cost(free_lm, *r.budget, k) <= c.cap.to_double() + 0.01);
        }
        for (const auto& c : caps) binding += static_cast<int>(binds(r, c.area));
    }
    CHECK(binding > 0);
}

TEST_CASE("a variant sets, changes and removes an area cap", "[areas][optimize][variants]") {
    // The areas example where the walk-in points pay (docs/areas.md): G-friendly weighs 5 and
    // only 300 staff can be trained; without a cap Warnsveld's walk-in point costs 69,130.61.
    auto policy = zbb::read_model_file(std::string(ZBB_SOURCE_DIR) +
                                       "/examples/dementia-friendly-areas.json");
    for (auto& g : policy.goals)
        if (g.id == "G-friendly") g.weight = 5;
    for (auto& a : policy.activities)
        if (a.id == "A-train") a.max = 300;
    const zbb::linked_model base(policy);
    const int warnsveld = base.area_keys_index().find("D-warnsveld");
    REQUIRE(zbb::max_effect(base)
                .budget->by_area.amounts[static_cast<std::size_t>(warnsveld)]
                .minor_units() > 4000000);
    auto variant = [](const std::string& changes) {
        return zbb::read_variant_json(
            R"({"format": "zbb-variant/1", "name": "v", "changes": [)" + changes + "]}", "variant");
    };
    const auto set = zbb::apply_variant(
        base, variant(R"({"set": "frame.area_cap", "area": "D-warnsveld", "value": "40000.00"},
                         {"set": "frame.area_cap", "area": "D-zutphen", "value": "90000"})"));
    REQUIRE(set.view().frame);
    REQUIRE(set.view().frame->area_caps.size() == 2);
    CHECK(set.view().frame->area_caps[0].area == "D-warnsveld");
    CHECK(set.view().frame->area_caps[0].cap.text() == "40000.00");
    CHECK(set.view().frame->area_caps[1].cap.text() == "90000");
    CHECK(set.view().frame->partner_caps.size() == base.view().frame->partner_caps.size());
    const auto removed = zbb::apply_variant(
        set, variant(R"({"set": "frame.area_cap", "area": "D-warnsveld", "value": null},
                        {"set": "frame.area_cap", "area": "D-zutphen", "value": "95000"})"));
    REQUIRE(removed.view().frame->area_caps.size() == 1);
    CHECK(removed.view().frame->area_caps[0].cap.text() == "95000");
    // The optimiser sees the variant's cap.
    const auto r = zbb::max_effect(set);
    REQUIRE(r.optimal());
    CHECK(r.budget->by_area.amounts[static_cast<std::size_t>(warnsveld)].minor_units() <= 4000000);
    CHECK(binds(r, "D-warnsveld"));
    CHECK_THROWS_WITH(
        zbb::apply_variant(base,
                           variant(R"({"set": "frame.area_cap", "area": "N-x", "value": "1"})")),
        "variant 'v', changes[0] (frame.area_cap): frame.area_caps 'N-x', field 'area': unknown "
        "area 'N-x'");
    CHECK_THROWS_WITH(
        zbb::apply_variant(
            base, variant(R"({"set": "frame.area_cap", "area": "D-warnsveld", "value": 1})")),
        Contains("value must be a decimal string"));
}

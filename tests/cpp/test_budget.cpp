// Budgets: hand-computed cases and properties over generated models.
#include <catch2/catch.hpp>
#include <functional>
#include <random>

#include "generate.hpp"
#include "zbb/budget.hpp"
#include "zbb/goals.hpp"

using zbb::decimal;
using zbb::money;

namespace {

double cents(const money& m) {
    return static_cast<double>(m.minor_units());
}

// The classic reciprocal allocation: support departments S1 (maintenance, direct cost 20,000) and
// S2 (IT, 10,000) serve each other and the operating departments O1 and O2.
//   S1 delivers 100 units: 20 to S2 (0.2 per S2 unit), 40 to O1, 40 to O2.
//   S2 delivers 100 units: 10 to S1 (0.1 per S1 unit), 50 to O1, 40 to O2.
// By hand: T1 = 20000 + 0.1 T2, T2 = 10000 + 0.2 T1  =>  T1 = 21000 / 0.98 = 21428.571...,
// T2 = 14285.714...; O1 receives 0.4 T1 + 0.5 T2 = 15714.2857..., O2 receives 0.4 T1 + 0.4 T2 =
// 14285.7142...; with their own 50,000 and 30,000 the goals cost 65,714.29 and 44,285.71.
zbb::model reciprocal_model() {
    zbb::model m;
    m.partners = {{"P1", "Municipality"}, {"P2", "Insurer"}};
    m.goals = {{"G1", "", "", 0, 10, 1}, {"G2", "", "", 5, 3, 1}};
    auto act = [](std::string id) {
        zbb::activity a;
        a.id = std::move(id);
        a.partner = "P1";
        return a;
    };
    m.activities = {act("S1"), act("S2"), act("O1"), act("O2")};
    auto res = [](std::string id, const char* price) {
        zbb::resource r;
        r.id = std::move(id);
        r.price = decimal::parse(price, {});
        return r;
    };
    m.resources = {res("R-S1", "200"), res("R-S2", "100"), res("R-O1", "50000"),
                   res("R-O2", "30000")};
    m.consumption = {{"S1", "R-S1", 1}, {"S2", "R-S2", 1}, {"O1", "R-O1", 1}, {"O2", "R-O2", 1}};
    m.support = {{"S1", "S2", 0.2}, {"S1", "O1", 40}, {"S1", "O2", 40},
                 {"S2", "S1", 0.1}, {"S2", "O1", 50}, {"S2", "O2", 40}};
    m.funding = {{"O1", "P1", decimal::parse("0.75", {})},
                 {"O1", "P2", decimal::parse("0.25", {})}};
    m.effects = {{"G1", "O1", 2.5}, {"G2", "O2", -0.5}};
    m.plan.rows = {{"G1", "O1", 1}, {"G2", "O2", 1}};
    return m;
}

void require_cross_footing(const zbb::budget& b,
                           zbb::rounding_mode mode = zbb::rounding_mode::half_even) {
    for (const auto* br :
         {&b.by_goal, &b.by_activity, &b.by_resource, &b.by_partner, &b.by_category}) {
        money sum;
        for (std::size_t i = 0; i < br->amounts.size(); ++i) {
            sum += br->amounts[i];
            REQUIRE(std::fabs(cents(br->amounts[i]) - br->values[i]) < 1.0 + 1e-6);
        }
        REQUIRE(sum == b.total);
    }
    const bool nearest = mode == zbb::rounding_mode::half_even ||
                         mode == zbb::rounding_mode::half_up ||
                         mode == zbb::rounding_mode::half_down;
    REQUIRE(std::fabs(cents(b.total) - b.total_value) <= (nearest ? 0.5 : 1.0) + 1e-6);
}

}  // namespace

TEST_CASE("hand-computed: one activity, one resource", "[budget]") {
    zbb::model m;
    m.partners = {{"P", ""}};
    m.goals = {{"G", "", "", 10, 20, 1}};
    zbb::activity a;
    a.id = "A";
    a.partner = "P";
    m.activities = {a};
    zbb::resource r;
    r.id = "R";
    r.price = decimal::parse("78.40", {});
    m.resources = {r};
    m.consumption = {{"A", "R", 36}};
    m.effects = {{"G", "A", 0.12}};
    m.plan.rows = {{"G", "A", 420}};
    zbb::linked_model lm(m);
    auto b = zbb::compute_budget(lm);
    // 420 client-years x 36 hours x 78.40 = 1,185,408.00
    CHECK(b.total.to_string(2) == "1185408.00");
    CHECK(b.by_goal.amounts[0] == b.total);
    CHECK(b.by_partner.amounts[0] == b.total);
    CHECK(b.resource_needs[0] == Approx(15120));
    CHECK(b.projected[0] == Approx(10 + 0.12 * 420));
}

TEST_CASE("hand-computed: classic reciprocal allocation of two support departments", "[budget]") {
    zbb::linked_model lm(reciprocal_model());
    auto b = zbb::compute_budget(lm);
    CHECK(b.volumes[0] == Approx(100));  // S1
    CHECK(b.volumes[1] == Approx(100));  // S2
    CHECK(b.full_unit_costs[0] == Approx(10500.0 / 49));
    CHECK(b.full_unit_costs[1] == Approx(7000.0 / 49));
    CHECK(b.total.to_string(2) == "110000.00");
    CHECK(b.by_goal.amounts[0].to_string(2) == "65714.29");
    CHECK(b.by_goal.amounts[1].to_string(2) == "44285.71");
    CHECK(b.by_activity.amounts[0].to_string(2) == "20000.00");
    CHECK(b.by_activity.amounts[1].to_string(2) == "10000.00");
    CHECK(b.by_activity.amounts[2].to_string(2) == "50000.00");
    // O1 is funded 75/25; everything else is paid by the executing partner P1.
    CHECK(b.by_partner.amounts[0].to_string(2) == "97500.00");
    CHECK(b.by_partner.amounts[1].to_string(2) == "12500.00");
    CHECK(b.projected[0] == Approx(2.5));
    CHECK(b.projected[1] == Approx(4.5));
    require_cross_footing(b);
}

TEST_CASE("cost by goal includes the support it induces, and a shared activity splits",
          "[budget]") {
    auto m = reciprocal_model();
    // G1 and G2 now share O1 (volume 1 each), G2 also O2.
    m.plan.rows = {{"G1", "O1", 1}, {"G2", "O1", 1}, {"G2", "O2", 1}};
    zbb::linked_model lm(m);
    auto b = zbb::compute_budget(lm);
    CHECK(b.by_goal.values[0] == Approx(b.full_unit_costs[2] * 100));
    CHECK(b.by_goal.values[1] == Approx((b.full_unit_costs[2] + b.full_unit_costs[3]) * 100));
    require_cross_footing(b);
}

TEST_CASE("a support loop that feeds itself is refused, naming its activities",
          "[budget][errors]") {
    auto m = reciprocal_model();
    m.support = {{"S1", "S2", 2.0}, {"S2", "S1", 0.5}, {"S1", "O1", 1}};
    try {
        zbb::linked_model lm(m);
        FAIL("expected support_loop_error");
    } catch (const zbb::support_loop_error& e) {
        CHECK(e.activities() == std::vector<std::string>{"S1", "S2"});
        CHECK(std::string(e.what()).find("S1, S2") != std::string::npos);
    }
    // A self-feeding single activity.
    m.support = {{"S2", "S2", 1.0}, {"S1", "S2", 0.1}};
    CHECK_THROWS_AS(zbb::linked_model(m), zbb::support_loop_error);
    // A loop that does not feed itself is fine, also with a self-service row below 1.
    m.support = {{"S2", "S2", 0.3}, {"S1", "S2", 0.5}, {"S2", "S1", 1.0}};  // radius 0.87
    CHECK_NOTHROW(zbb::linked_model(m));
    // A three-cycle with product 1.2 among S1 -> O1 -> O2 -> S1; S2 outside is not named.
    m.support = {{"S1", "O1", 2.0}, {"O1", "O2", 0.6}, {"O2", "S1", 1.0}, {"S2", "S1", 0.1}};
    try {
        zbb::linked_model lm(m);
        FAIL("expected support_loop_error");
    } catch (const zbb::support_loop_error& e) {
        CHECK(e.activities() == std::vector<std::string>{"S1", "O1", "O2"});
    }
}

TEST_CASE("rounding mode is a named parameter for the total", "[budget][rounding]") {
    zbb::model m = reciprocal_model();
    m.resources[3].price = decimal::parse("30000.005", {});  // O2 costs 30,000.005
    m.resources[2].price = decimal::parse("50000", {});
    zbb::linked_model lm(m);
    zbb::budget_options up{zbb::rounding_mode::half_up}, even{zbb::rounding_mode::half_even},
        floor{zbb::rounding_mode::floor};
    CHECK(zbb::compute_budget(lm, up).total.to_string(2) == "110000.01");
    CHECK(zbb::compute_budget(lm, even).total.to_string(2) == "110000.00");
    CHECK(zbb::compute_budget(lm, floor).total.to_string(2) == "110000.00");
}

TEST_CASE("property: every breakdown cross-foots exactly on generated models",
          "[budget][property]") {
    std::mt19937_64 rng(7);
    for (int trial = 0; trial < 60; ++trial) {
        zbb_test::gen_sizes n;
        n.activities = 5 + trial % 40;
        n.suppliers = 1 + trial % 5;
        n.goals = 1 + trial % 6;
        n.resources = 1 + trial % 9;
        n.partners = 1 + trial % 4;
        zbb::linked_model lm(zbb_test::generate_model(rng, n));
        auto b = zbb::compute_budget(lm);
        require_cross_footing(b);
        // Each rounding mode cross-foots too.
        for (auto mode :
             {zbb::rounding_mode::half_up, zbb::rounding_mode::ceiling, zbb::rounding_mode::floor})
            require_cross_footing(zbb::compute_budget(lm, {mode}), mode);
    }
}

TEST_CASE("property: scaling every plan volume by k scales every amount by k",
          "[budget][property]") {
    std::mt19937_64 rng(11);
    for (int trial = 0; trial < 30; ++trial) {
        auto m = zbb_test::generate_model(rng, {});
        zbb::linked_model lm(m);
        const auto b1 = zbb::compute_budget(lm);
        for (double k : {2.0, 3.0, 10.0, 0.5}) {
            zbb::plan scaled = m.plan;
            for (auto& r : scaled.rows) r.volume *= k;
            const auto bk = zbb::compute_budget(lm, lm.link_plan(scaled));
            for (auto [a, b] : {std::pair{&b1.by_goal, &bk.by_goal},
                                {&b1.by_activity, &bk.by_activity},
                                {&b1.by_resource, &bk.by_resource},
                                {&b1.by_partner, &bk.by_partner}}) {
                for (std::size_t i = 0; i < a->values.size(); ++i) {
                    REQUIRE(b->values[i] == Approx(k * a->values[i]).epsilon(1e-12).margin(1e-9));
                    REQUIRE(std::fabs(cents(b->amounts[i]) - k * a->values[i]) < 1.0 + 1e-6);
                }
            }
        }
    }
}

TEST_CASE("property: adding a support row never lowers any goal's cost", "[budget][property]") {
    std::mt19937_64 rng(13);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    for (int trial = 0; trial < 40; ++trial) {
        zbb_test::gen_sizes n;
        n.activities = 12;
        n.suppliers = 3;
        auto m = zbb_test::generate_model(rng, n);
        const auto before = zbb::compute_budget(zbb::linked_model(m));
        // A new row from a supplier to any activity not yet served by it (a small amount, so the
        // loop stays below spectral radius 1).
        std::string s = zbb_test::id('A', 9 + trial % 3), c = zbb_test::id('A', trial % 12);
        bool exists = false;
        for (const auto& r : m.support) exists |= (r.supplier == s && r.consumer == c);
        if (exists) continue;
        m.support.push_back({s, c, 0.05 * u01(rng)});
        const auto after = zbb::compute_budget(zbb::linked_model(m));
        for (std::size_t g = 0; g < before.by_goal.values.size(); ++g) {
            REQUIRE(after.by_goal.values[g] >= before.by_goal.values[g] * (1 - 1e-12) - 1e-9);
            REQUIRE(after.by_goal.amounts[g].minor_units() >=
                    before.by_goal.amounts[g].minor_units() - 1);
        }
    }
}

TEST_CASE("warnings for volumes beyond bounds and needs beyond availability", "[budget]") {
    auto m = reciprocal_model();
    m.activities[0].max = 50;       // S1 needs 100
    m.resources[1].available = 10;  // S2 needs 100 units of R-S2
    auto b = zbb::compute_budget(zbb::linked_model(m));
    REQUIRE(b.warnings.size() == 2);
    CHECK(b.warnings[0].find("activity 'S1'") != std::string::npos);
    CHECK(b.warnings[1].find("resource 'R-S2'") != std::string::npos);
}

TEST_CASE("overflowing amounts are refused, never wrapped", "[budget][errors]") {
    auto m = reciprocal_model();
    // The largest price the numeric range admits (2^53 - 1 minor units) at the largest volume.
    m.resources[2].price = decimal::parse("90071992547409.91", {});
    m.plan.rows = {{"G1", "O1", 1e12}};
    zbb::linked_model lm(m);
    CHECK_THROWS_AS(zbb::compute_budget(lm), zbb::money_overflow);
    CHECK_THROWS_AS(zbb::compute_budget(lm), std::overflow_error);
}

TEST_CASE("the numeric range policy refuses inputs outside it when linking", "[budget][errors]") {
    using Catch::Matchers::Contains;
    auto refused = [](auto edit, const std::string& text) {
        auto m = reciprocal_model();
        edit(m);
        try {
            zbb::linked_model lm(m);
        } catch (const zbb::model_error& e) {  // quantities, indicators, coefficients, weights
            CHECK_THAT(e.what(), Contains(text));
            return;
        }
        FAIL("accepted: " << text);
    };
    // Prices: below 2^53 minor units; the boundary itself is refused, one cent less accepted.
    {
        auto m = reciprocal_model();
        m.resources[2].price = decimal::parse("90071992547409.92", {});
        CHECK_THROWS_WITH(zbb::linked_model(m),
                          Contains("resource 'R-O1', field 'price': \"90071992547409.92\" is "
                                   "beyond the numeric range"));
        CHECK_THROWS_AS(zbb::linked_model(m), zbb::money_overflow);
    }
    {
        auto m = reciprocal_model();
        m.resources[2].price = decimal::parse("90071992547409.91", {});
        CHECK_NOTHROW(zbb::linked_model(m));
        m.minor_units = 0;  // whole units: 2^53 of them is refused, one less accepted
        m.resources[2].price = decimal::parse("9007199254740992", {});
        CHECK_THROWS_AS(zbb::linked_model(m), zbb::money_overflow);
        m.resources[2].price = decimal::parse("9007199254740991", {});
        CHECK_NOTHROW(zbb::linked_model(m));
        m.minor_units = 6;  // a price with more decimals than the currency: compared exactly
        m.resources[2].price = decimal::parse("9007199254.7409919999999", {});
        CHECK_NOTHROW(zbb::linked_model(m));
        m.resources[2].price = decimal::parse("9007199254.740992", {});
        CHECK_THROWS_AS(zbb::linked_model(m), zbb::money_overflow);
    }
    refused(
        [](zbb::model& m) {
            m.plan.rows = {{"G1", "O1", 1.000001e12}};
        },
        "plan 'G1 -> O1', field 'volume': 1000001000000 is beyond the numeric range: at most "
        "1e+12");
    refused([](zbb::model& m) { m.activities[0].max = 2e12; },
            "field 'max': 2000000000000 is beyond the numeric range");
    refused([](zbb::model& m) { m.effects[0].per_unit = -1e308; },
            "field 'per_unit': -1e+308 is beyond the numeric range: 0 or between 1e-09 and 1e+09");
    refused([](zbb::model& m) { m.effects[0].per_unit = 5e-324; },
            "field 'per_unit': 4.94065645841247e-324 is beyond the numeric range");
    refused([](zbb::model& m) { m.consumption[0].per_unit = 1e10; },
            "field 'per_unit': 10000000000 is beyond the numeric range");
    refused(
        [](zbb::model& m) { m.goals[0].target = 1e13; },
        "field 'target': 10000000000000 is beyond the numeric range: at most 1e+12 in magnitude");
    refused([](zbb::model& m) { m.goals[0].weight = 1e-7; },
            "field 'weight': 1e-07 is beyond the numeric range: 0 or between 1e-06 and 1e+06");
    refused([](zbb::model& m) { m.resources[0].available = 9007199254740993.0; },
            "field 'available': 9.00719925474099e+15 is beyond the numeric range");
    refused(
        [](zbb::model& m) {
            m.activities[2].levels = {{1e3, decimal::parse("1", {})},
                                      {2e12, decimal::parse("0.5", {})}};
        },
        "activity 'O1', field 'levels': level 2: up_to 2000000000000 is beyond the numeric range");
    refused(
        [](zbb::model& m) {
            m.activities[2].levels = {{1e3, decimal::parse("0.0000000001", {})}};
        },
        "activity 'O1', field 'levels': level 1: effect 0.0000000001 is beyond the numeric range");
    // The bounds themselves are inside.
    auto m = reciprocal_model();
    m.effects[0].per_unit = -1e9;
    m.consumption[0].per_unit = 1e-9;
    m.goals[0].target = -1e12;
    m.goals[0].weight = 1e6;
    m.activities[0].max = 1e12;
    CHECK_NOTHROW(zbb::linked_model(m));
}

TEST_CASE("one rule says whether a goal is reached: direction, gap, relative tolerance",
          "[budget][goals]") {
    // Rising goal 100 -> 120.
    auto p = zbb::progress_toward(100, 120, 119.5);
    CHECK_FALSE(p.reached);
    CHECK(p.shortfall == Approx(0.5));
    CHECK(p.attainment == Approx(0.975));
    CHECK(zbb::progress_toward(100, 120, 130).reached);  // beyond the target in its direction
    // Within 1e-7 x max(1, |target|) of the target counts as reached, and no further.
    CHECK(zbb::progress_toward(100, 120, 120 - 1e-7 * 120 * 0.99).reached);
    CHECK_FALSE(zbb::progress_toward(100, 120, 120 - 1e-7 * 120 * 1.01).reached);
    // Falling goal 50 -> 30 is reached from above.
    CHECK(zbb::progress_toward(50, 30, 29).reached);
    p = zbb::progress_toward(50, 30, 40);
    CHECK_FALSE(p.reached);
    CHECK(p.shortfall == Approx(10));
    CHECK(p.attainment == Approx(0.5));
    // Moving the wrong way: no progress, attainment 0; a goal at its target has no gap.
    CHECK(zbb::progress_toward(50, 30, 60).attainment == 0.0);
    CHECK(zbb::progress_toward(7, 7, 7).reached);
    CHECK_FALSE(zbb::progress_toward(7, 7, 6).reached);
    CHECK(zbb::goal_direction(7, 7) == 1.0);
}

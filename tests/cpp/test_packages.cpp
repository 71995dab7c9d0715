// Levels of diminishing returns (zbb::activity::levels) in both optimiser modes, and decision
// packages (zbb/packages.hpp): hand-computed ranking, cut-off line and knapsack optimum.
#include <catch2/catch.hpp>
#include <string>

#include "zbb/io.hpp"
#include "zbb/optimize.hpp"

using zbb::decimal;
using Catch::Matchers::Contains;

namespace {

zbb::activity lv_act(std::string id, std::optional<double> max = {}) {
    zbb::activity a;
    a.id = std::move(id);
    a.partner = "P1";
    a.max = max;
    return a;
}

// One goal G (0 -> target). A costs 10 a unit and moves G by 1 a unit, with levels: the first
// 1,000 units at full effect, the next 500 at 50 %. B costs 25 a unit and moves G by 1 a unit.
// Progress through A's second level costs 10 / 0.5 = 20 a unit, cheaper than B (25).
zbb::model levels_model(double target) {
    zbb::model m;
    m.partners = {{"P1", ""}};
    m.goals = {{"G", "", "", 0, target, 1}};
    m.activities = {lv_act("A"), lv_act("B")};
    m.activities[0].levels = {{1000, decimal::parse("1", {})}, {1500, decimal::parse("0.5", {})}};
    zbb::resource r1, r2;
    r1.id = "R1";
    r1.price = decimal::parse("10", {});
    r2.id = "R2";
    r2.price = decimal::parse("25", {});
    m.resources = {r1, r2};
    m.consumption = {{"A", "R1", 1}, {"B", "R2", 1}};
    m.effects = {{"G", "A", 1}, {"G", "B", 1}};
    return m;
}

}  // namespace

TEST_CASE("levels: least-cost fills the levels in order", "[levels]") {
    // Gap 1200: 1,000 units of A at full effect, then 400 units of A's second level (200 of
    // progress at 20 a unit) rather than 200 units of B (25 a unit): A = 1400, cost 14,000.00.
    zbb::linked_model lm(levels_model(1200));
    auto r = zbb::least_cost(lm);
    REQUIRE(r.optimal());
    CHECK(r.budget->volumes[0] == Approx(1400).epsilon(1e-9));
    CHECK(r.budget->volumes[1] == Approx(0).margin(1e-7));
    CHECK(r.budget->total.to_string(2) == "14000.00");
    // The projection evaluates the levels in order (first 1,000 at 1, then 400 at 0.5): exactly the
    // target, so the LP's own split is the in-order one (any other split reaches less with the
    // same volume, and 1400 is the least volume that reaches 1200 in order).
    CHECK(r.budget->projected[0] == Approx(1200).epsilon(1e-9));
    CHECK(r.goals[0].reached);
    // Without levels A alone would do it with 1,200 units.
    auto plain = levels_model(1200);
    plain.activities[0].levels.clear();
    auto p = zbb::least_cost(zbb::linked_model(plain));
    CHECK(p.budget->total.to_string(2) == "12000.00");
}

TEST_CASE("levels: the last up_to acts as a max", "[levels]") {
    // Gap 1600: A reaches at most 1000 + 0.5 * 500 = 1250 at 1,500 units; B does the other 350.
    zbb::linked_model lm(levels_model(1600));
    auto r = zbb::least_cost(lm);
    REQUIRE(r.optimal());
    CHECK(r.budget->volumes[0] == Approx(1500).epsilon(1e-9));
    CHECK(r.budget->volumes[1] == Approx(350).epsilon(1e-9));
    CHECK(r.budget->total.to_string(2) == "23750.00");
    REQUIRE_FALSE(r.binding.empty());
    CHECK(r.binding[0].id == "A");
    CHECK(r.binding[0].field == "levels");
    CHECK(r.binding[0].bound == 1500);
}

TEST_CASE("levels: max-effect uses the first level first", "[levels]") {
    // Budget 12,000.00 (minus the LP's rounding margin of 0.01): 1,000 units of A (10,000.00), then
    // 1,999.99 / 10 units of A's second level at 0.5 (B would give 1,999.99 / 25 < that).
    zbb::linked_model lm(levels_model(1200));
    zbb::optimize_options o;
    o.budget_cap = decimal::parse("12000.00", {});
    auto r = zbb::max_effect(lm, o);
    REQUIRE(r.optimal());
    CHECK(r.budget->volumes[0] == Approx(1000 + 199.999).epsilon(1e-8));
    CHECK(r.budget->volumes[1] == Approx(0).margin(1e-7));
    CHECK(r.budget->projected[0] == Approx(1000 + 0.5 * 199.999).epsilon(1e-8));
    CHECK(r.goals[0].attainment == Approx((1000 + 0.5 * 199.999) / 1200).epsilon(1e-8));
    CHECK(r.budget->total <= zbb::money::from_minor(1200000));
}

TEST_CASE("levels: refusals name the activity and the field", "[levels]") {
    SECTION("increasing effects") {
        auto m = levels_model(1200);
        m.activities[0].levels[1].effect = decimal::parse("1.2", {});
        REQUIRE_THROWS_WITH(zbb::linked_model(m),
                            Contains("activity 'A', field 'levels': level 2: effect 1.2 is above "
                                     "the previous level's 1"));
    }
    SECTION("up_to not increasing") {
        auto m = levels_model(1200);
        m.activities[0].levels[1].up_to = 1000;
        REQUIRE_THROWS_WITH(zbb::linked_model(m),
                            Contains("activity 'A', field 'levels': level 2: up_to 1000 must be "
                                     "greater than the previous level's up_to 1000"));
    }
    SECTION("min beyond the last level") {
        auto m = levels_model(1200);
        m.activities[0].min = 1600;
        REQUIRE_THROWS_WITH(zbb::linked_model(m),
                            Contains("activity 'A', field 'levels': min 1600 exceeds"));
    }
    SECTION("a planned volume beyond the last level") {
        auto m = levels_model(1200);
        m.plan.rows = {{"G", "A", 1600}};
        zbb::linked_model lm(m);
        REQUIRE_THROWS_WITH(zbb::compute_budget(lm, lm.plan()),
                            Contains("activity 'A', field 'levels': total volume 1600 exceeds the "
                                     "last level's up_to 1500"));
    }
    SECTION("an activity with levels that moves a goal away from its target") {
        auto m = levels_model(1200);
        m.goals.push_back({"H", "", "", 10, 0, 1});  // should go down; A raises it
        m.effects.push_back({"H", "A", 0.1});
        m.effects.push_back({"H", "B", -1});
        zbb::linked_model lm(m);
        REQUIRE_THROWS_WITH(zbb::least_cost(lm),
                            Contains("activity 'A', field 'levels': the activity moves goal 'H' "
                                     "away from its target"));
    }
}

TEST_CASE("levels: the bottom-up projection and the JSON round trip", "[levels]") {
    auto m = levels_model(1200);
    m.plan.rows = {{"G", "A", 1200}};
    zbb::linked_model lm(m);
    const auto b = zbb::compute_budget(lm, lm.plan());
    CHECK(b.projected[0] == Approx(1100));  // 1000 + 0.5 * 200
    CHECK(b.total.to_string(2) == "12000.00");
    const auto back = zbb::read_model_json(zbb::write_model_json(m));
    REQUIRE(back.activities[0].levels.size() == 2);
    CHECK(back.activities[0].levels[1].up_to == 1500);
    CHECK(back.activities[0].levels[1].effect.text() == "0.5");
    CHECK(back.activities[1].levels.empty());
    CHECK(zbb::write_model_json(back) == zbb::write_model_json(m));
}

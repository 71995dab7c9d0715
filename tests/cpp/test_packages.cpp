// Levels of diminishing returns (zbb::activity::levels) in both optimiser modes, and decision
// packages (zbb/packages.hpp): hand-computed ranking, cut-off line and knapsack optimum.
#include <catch2/catch.hpp>
#include <string>

#include "zbb/io.hpp"
#include "zbb/optimize.hpp"

using Catch::Matchers::Contains;
using zbb::decimal;

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

namespace {

// One goal G (0 -> 1000, weight 1), every activity costs 1.00 a unit (resource R, price 1).
// Packages (cost, progress on G): X/1 (20, 30), Y/1 (90, 90), Z/1 (80, 75), W/1 (50, 10),
// W/2 (10, 40). Weighted effect = progress / 1000.
zbb::model packages_model(bool priorities = false) {
    zbb::model m;
    m.partners = {{"P1", ""}};
    m.goals = {{"G", "", "", 0, 1000, 1}};
    zbb::resource r;
    r.id = "R";
    r.price = decimal::parse("1", {});
    m.resources = {r};
    const std::vector<std::pair<std::string, double>> acts{
        {"A-x", 1.5}, {"A-y", 1}, {"A-z", 0.9375}, {"A-w1", 0.2}, {"A-w2", 4}};
    for (const auto& [id, e] : acts) {
        m.activities.push_back(lv_act(id));
        m.consumption.push_back({id, "R", 1});
        m.effects.push_back({"G", id, e});
    }
    auto pkg = [](std::string unit, int level, std::string act, double volume) {
        zbb::decision_package p;
        p.unit = std::move(unit);
        p.level = level;
        p.volumes = {{std::move(act), volume}};
        return p;
    };
    m.packages = {pkg("X", 1, "A-x", 20), pkg("Y", 1, "A-y", 90), pkg("Z", 1, "A-z", 80),
                  pkg("W", 1, "A-w1", 50), pkg("W", 2, "A-w2", 10)};
    if (priorities) {
        const double prio[] = {2, 1, 3, 4, 0};  // W/2 first by number, but only after W/1
        for (std::size_t i = 0; i < m.packages.size(); ++i) m.packages[i].priority = prio[i];
    }
    return m;
}

std::vector<std::string> ids(const zbb::packages_result& r) {
    std::vector<std::string> out;
    for (const auto& p : r.ranked) out.push_back(p.id);
    return out;
}
std::vector<std::string> optimal_ids(const zbb::packages_result& r) {
    std::vector<std::string> out;
    for (const auto& p : r.ranked)
        if (p.in_optimal) out.push_back(p.id);
    return out;
}

}  // namespace

TEST_CASE("packages: ranking by effect per euro, cut-off and the knapsack optimum", "[packages]") {
    zbb::linked_model lm(packages_model());
    zbb::packages_options o;
    o.budget = decimal::parse("100.00", {});
    const auto r = zbb::rank_packages(lm, o);
    REQUIRE(r.optimal());
    CHECK(r.ranked_by == "effect per currency unit");
    // Ratios per euro: X 1.5, Y 1.0, Z 0.9375, W/1 0.2, W/2 4.0 (but only after W/1).
    CHECK(ids(r) == std::vector<std::string>{"X/1", "Y/1", "Z/1", "W/1", "W/2"});
    const char* cumulative[] = {"20.00", "110.00", "190.00", "240.00", "250.00"};
    for (std::size_t i = 0; i < r.ranked.size(); ++i)
        CHECK(r.ranked[i].cumulative.to_string(2) == cumulative[i]);
    CHECK(r.total.to_string(2) == "250.00");
    // The line: X/1 (20.00) fits, X/1 + Y/1 (110.00) does not.
    CHECK(r.cutoff == 1);
    CHECK(r.funded_cost.to_string(2) == "20.00");
    CHECK(r.funded_attainment == Approx(0.030));
    CHECK(r.ranked[0].effects[0] == Approx(30));
    // Optimum by hand: X/1 + Z/1 = 100.00 for 30 + 75 = 105 (Y/1 alone: 90; X + W/1 + W/2: 80).
    CHECK(optimal_ids(r) == std::vector<std::string>{"X/1", "Z/1"});
    CHECK(r.optimal_cost.to_string(2) == "100.00");
    CHECK(r.optimal_attainment == Approx(0.105));
    CHECK(r.left_on_the_table == Approx(0.075));
}

TEST_CASE("packages: the optimum respects the levels' precedence", "[packages]") {
    // Budget 60: without precedence X/1 + W/2 (30.00, progress 70) would be best; W/2 needs W/1,
    // and W/1 + W/2 (60.00, progress 50) beats X/1 alone (30).
    zbb::linked_model lm(packages_model());
    zbb::packages_options o;
    o.budget = decimal::parse("60", {});
    const auto r = zbb::rank_packages(lm, o);
    REQUIRE(r.optimal());
    CHECK(optimal_ids(r) == std::vector<std::string>{"W/1", "W/2"});
    CHECK(r.optimal_attainment == Approx(0.050));
    CHECK(r.cutoff == 1);  // X/1 (20.00); Y/1 would make 110.00
    CHECK(r.left_on_the_table == Approx(0.020));
}

TEST_CASE("packages: ranking by stated priority, a level after the level below", "[packages]") {
    auto m = packages_model(true);
    m.frame = zbb::financial_frame{decimal::parse("100.00", {}), {}};
    zbb::linked_model lm(m);
    const auto r = zbb::rank_packages(lm);
    REQUIRE(r.optimal());
    CHECK(r.ranked_by == "priority");
    CHECK(ids(r) == std::vector<std::string>{"Y/1", "X/1", "Z/1", "W/1", "W/2"});
    CHECK(r.cutoff == 1);
    CHECK(r.funded_attainment == Approx(0.090));
    CHECK(r.left_on_the_table == Approx(0.015));
    const auto json = zbb::packages_report_json(lm, r);
    CHECK_THAT(json, Contains("\"cutoff\": 1"));
    CHECK_THAT(zbb::packages_report_text(lm, r), Contains("==== cut-off: budget EUR 100.00 ===="));
}

TEST_CASE("packages: exact money with support, the costs add up", "[packages]") {
    // A-x needs 0.5 units of a support activity M (own cost 0.37): full unit cost 1.185.
    auto m = packages_model();
    m.activities.push_back(lv_act("M"));
    zbb::resource rm;
    rm.id = "RM";
    rm.price = decimal::parse("0.37", {});
    m.resources.push_back(rm);
    m.consumption.push_back({"M", "RM", 1});
    m.support = {{"M", "A-x", 0.5}};
    m.packages[0].volumes[0].volume = 21;  // 21 x 1.185 = 24.885
    zbb::linked_model lm(m);
    zbb::packages_options o;
    o.budget = decimal::parse("100", {});
    const auto r = zbb::rank_packages(lm, o);
    zbb::money sum;
    for (const auto& p : r.ranked) sum += p.cost;
    CHECK(sum == r.total);
    CHECK(r.total.to_string(2) == "254.88");  // 254.885 rounded half-even
    CHECK(r.ranked.back().cumulative == r.total);
}

TEST_CASE("packages: refusals name the package and the field", "[packages]") {
    SECTION("a level without the level below") {
        auto m = packages_model();
        m.packages[4].level = 3;
        REQUIRE_THROWS_WITH(
            zbb::linked_model(m),
            Contains("packages 'W/3', field 'level': unit 'W' has level 3 but no level 2"));
    }
    SECTION("an unknown activity") {
        auto m = packages_model();
        m.packages[1].volumes[0].activity = "A-nope";
        REQUIRE_THROWS_WITH(zbb::linked_model(m),
                            Contains("packages 'Y/1', field 'volumes': unknown activity 'A-nope'"));
    }
    SECTION("a level twice") {
        auto m = packages_model();
        m.packages[4].level = 1;
        REQUIRE_THROWS_WITH(zbb::linked_model(m),
                            Contains("packages 'W/1', field 'level': duplicate package"));
    }
    SECTION("a frame budget with more decimals than the currency names the frame") {
        auto m = packages_model();
        m.frame = zbb::financial_frame{decimal::parse("100.001", {}), {}};
        zbb::linked_model lm(m);
        REQUIRE_THROWS_WITH(
            zbb::rank_packages(lm),
            Contains("frame, field 'budget': has more decimals than the currency's 2"));
        zbb::packages_options o;
        o.budget = decimal::parse("100.001", {});
        REQUIRE_THROWS_WITH(zbb::rank_packages(lm, o),
                            Contains("option, field 'budget': has more decimals"));
    }
    SECTION("no budget") {
        zbb::linked_model lm(packages_model());
        REQUIRE_THROWS_WITH(zbb::rank_packages(lm),
                            Contains("frame, field 'budget': packages need a budget"));
    }
    SECTION("an activity with levels in two decision units") {
        auto m = packages_model();
        m.activities[0].levels = {{100, decimal::parse("1", {})}};
        m.packages[1].volumes.push_back({"A-x", 5});  // Y/1 also gives A-x volume
        zbb::linked_model lm(m);
        zbb::packages_options o;
        o.budget = decimal::parse("100", {});
        REQUIRE_THROWS_WITH(
            zbb::rank_packages(lm, o),
            Contains("packages 'Y/1', field 'volumes': activity 'A-x' has levels and gets "
                     "volume from decision units 'X' and 'Y'"));
    }
    SECTION("an activity with levels that supplies support") {
        auto m = packages_model();
        m.activities[0].levels = {{100, decimal::parse("1", {})}};
        m.support = {{"A-x", "A-y", 0.1}};
        zbb::linked_model lm(m);
        zbb::packages_options o;
        o.budget = decimal::parse("100", {});
        REQUIRE_THROWS_WITH(
            zbb::rank_packages(lm, o),
            Contains(
                "packages 'X/1', field 'volumes': activity 'A-x' has levels and supplies support"));
    }
    SECTION("a unit's volume beyond the last level") {
        auto m = packages_model();
        m.activities[0].levels = {{15, decimal::parse("1", {})}};  // X/1 gives A-x 20 units
        zbb::linked_model lm(m);
        zbb::packages_options o;
        o.budget = decimal::parse("100", {});
        REQUIRE_THROWS_WITH(
            zbb::rank_packages(lm, o),
            Contains("packages 'X/1', field 'volumes': activity 'A-x' reaches volume 20"));
    }
}

TEST_CASE("packages: an activity with levels counts level by level within its unit",
          "[packages][levels]") {
    // Unit V adds 40 units of A-v at each level; A-v moves G by 1 a unit, with levels: the first 50
    // units at full effect, the next 50 at half. V/1 (40 units): progress 40. V/2 (the next 40,
    // units 41..80): 10 at full effect + 30 at half = 25. V/3 (units 81..100): 20 at half = 10.
    auto m = packages_model();
    m.activities.push_back(lv_act("A-v"));
    m.activities.back().levels = {{50, decimal::parse("1", {})}, {100, decimal::parse("0.5", {})}};
    m.consumption.push_back({"A-v", "R", 1});
    m.effects.push_back({"G", "A-v", 1});
    for (int level = 1; level <= 3; ++level) {
        zbb::decision_package p;
        p.unit = "V";
        p.level = level;
        p.volumes = {{"A-v", level < 3 ? 40.0 : 20.0}};
        m.packages.push_back(p);
    }
    zbb::linked_model lm(m);
    zbb::packages_options o;
    o.budget = decimal::parse("100.00", {});
    const auto r = zbb::rank_packages(lm, o);
    REQUIRE(r.optimal());
    auto effect_of = [&](const std::string& id) {
        for (const auto& p : r.ranked)
            if (p.id == id) return p.effects[0];
        FAIL("no package " << id);
        return 0.0;
    };
    CHECK(effect_of("V/1") == Approx(40));
    CHECK(effect_of("V/2") == Approx(25));
    CHECK(effect_of("V/3") == Approx(10));
    // The whole unit reaches the same progress as the bottom-up projection of 100 units of A-v.
    Eigen::VectorXd x = Eigen::VectorXd::Zero(lm.activities().size());
    x[lm.activities().find("A-v")] = 100;
    CHECK(effect_of("V/1") + effect_of("V/2") + effect_of("V/3") ==
          Approx(lm.effective_volumes(x).sum()));
    // Budget 100: X/1 + Z/1 (100.00, progress 105) still beats X/1 + V/1 + V/2 (100.00, 95), which
    // V/2's diminished effect decides: at full effect it would give 110.
    CHECK(r.optimal_attainment == Approx(0.105));
}

TEST_CASE("packages: the JSON round trip", "[packages]") {
    auto m = packages_model(true);
    m.packages[0].name = "minimum";
    const auto text = zbb::write_model_json(m);
    const auto back = zbb::read_model_json(text);
    REQUIRE(back.packages.size() == 5);
    CHECK(back.packages[0].name == "minimum");
    CHECK(back.packages[4].level == 2);
    CHECK(*back.packages[4].priority == 0);
    CHECK(zbb::write_model_json(back) == text);
}

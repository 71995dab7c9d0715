// Scenario edits (zbb/scenario.hpp): every edit against the same model linked from scratch, the
// original left alone, what an edit shares with the original, and every refusal.
#include <catch2/catch.hpp>
#include <functional>
#include <random>
#include <typeinfo>

#include "generate.hpp"
#include "zbb/optimize.hpp"
#include "zbb/zbb.hpp"

using zbb::decimal;
using zbb::linked_model;

namespace {

const std::string example_path = std::string(ZBB_SOURCE_DIR) + "/examples/dementia-friendly.json";

zbb::model example() {
    return zbb::read_model_file(example_path);
}

std::string budget_json(const linked_model& lm) {
    return zbb::budget_report_json(lm, zbb::compute_budget(lm), -1);
}

std::string max_effect_json(const linked_model& lm) {
    return zbb::optimize_report_json(lm, zbb::max_effect(lm), -1);
}

bool same_matrix(const zbb::sparse_matrix& a, const zbb::sparse_matrix& b) {
    if (a.rows() != b.rows() || a.cols() != b.cols() || a.nonZeros() != b.nonZeros()) return false;
    return zbb::sparse_matrix(a - b).norm() == 0 && zbb::sparse_matrix(a).isCompressed();
}

// The edited model against `expected` linked from scratch: the same source, budget to the cent
// (every breakdown), matrices and vectors.
void check_as_linked(const linked_model& edited, const zbb::model& expected, bool optimise) {
    const linked_model scratch(expected);
    CHECK(zbb::write_model_json(edited.source(), -1) == zbb::write_model_json(expected, -1));
    CHECK(budget_json(edited) == budget_json(scratch));
    CHECK(same_matrix(edited.plan(), scratch.plan()));
    CHECK(same_matrix(edited.funding_shares(), scratch.funding_shares()));
    CHECK(edited.prices() == scratch.prices());
    CHECK(edited.direct_unit_costs() == scratch.direct_unit_costs());
    CHECK(edited.activity_min() == scratch.activity_min());
    CHECK(edited.activity_max() == scratch.activity_max());
    CHECK(edited.resource_available() == scratch.resource_available());
    if (optimise) CHECK(max_effect_json(edited) == max_effect_json(scratch));
}

// What `edit` throws: its class must be `E` exactly; returns the message.
template <class E>
std::string refusal(const std::function<void()>& edit) {
    try {
        edit();
    } catch (const std::exception& e) {
        CHECK(typeid(e) == typeid(E));
        return e.what();
    }
    FAIL("no exception");
    return "";
}

// The edit refuses a value exactly as linking the same change does (class and message).
void check_refused_as_linked(const std::function<void()>& edit,
                             const std::function<void()>& link_changed) {
    std::string edit_class, link_class, edit_what, link_what;
    try {
        edit();
    } catch (const std::exception& e) {
        edit_class = typeid(e).name();
        edit_what = e.what();
    }
    try {
        link_changed();
    } catch (const std::exception& e) {
        link_class = typeid(e).name();
        link_what = e.what();
    }
    REQUIRE_FALSE(edit_what.empty());
    CHECK(edit_class == link_class);
    CHECK(edit_what == link_what);
}

std::size_t find_goal(const zbb::model& m, const std::string& id) {
    for (std::size_t i = 0; i < m.goals.size(); ++i)
        if (m.goals[i].id == id) return i;
    throw std::logic_error("no goal " + id);
}
std::size_t find_resource(const zbb::model& m, const std::string& id) {
    for (std::size_t i = 0; i < m.resources.size(); ++i)
        if (m.resources[i].id == id) return i;
    throw std::logic_error("no resource " + id);
}
std::size_t find_activity(const zbb::model& m, const std::string& id) {
    for (std::size_t i = 0; i < m.activities.size(); ++i)
        if (m.activities[i].id == id) return i;
    throw std::logic_error("no activity " + id);
}

}  // namespace

TEST_CASE("scenario: every edit is the model linked from scratch", "[scenario]") {
    const zbb::model src = example();
    const linked_model lm(src);
    const std::string before = zbb::write_model_json(lm.source(), -1);
    const std::string before_budget = budget_json(lm);

    SECTION("goal target") {
        zbb::model m = src;
        m.goals[find_goal(m, "G-carer")].target = 420;
        check_as_linked(zbb::with_goal_target(lm, "G-carer", 420), m, true);
    }
    SECTION("goal weight") {
        zbb::model m = src;
        m.goals[find_goal(m, "G-home")].weight = 4;
        check_as_linked(zbb::with_goal_weight(lm, "G-home", 4), m, true);
        m.goals[find_goal(m, "G-home")].weight = 0;
        check_as_linked(zbb::with_goal_weight(lm, "G-home", 0), m, true);
    }
    SECTION("resource price, as text and as a decimal") {
        zbb::model m = src;
        m.resources[find_resource(m, "R-cm")].price = decimal::parse("81.2", {});
        check_as_linked(zbb::with_resource_price(lm, "R-cm", "81.2"), m, true);
        check_as_linked(zbb::with_resource_price(lm, "R-cm", decimal::parse("81.2", {})), m, true);
        CHECK(zbb::with_resource_price(lm, "R-cm", "81.2").source().resources[0].price.text() ==
              "81.2");
    }
    SECTION("resource availability, set and cleared") {
        zbb::model m = src;
        auto& r = m.resources[find_resource(m, "R-cm")];
        r.available = 1000;
        const auto limited = zbb::with_resource_available(lm, "R-cm", 1000);
        check_as_linked(limited, m, true);
        r.available.reset();
        check_as_linked(zbb::with_resource_available(limited, "R-cm", std::nullopt), m, true);
    }
    SECTION("activity bounds, with and without max") {
        zbb::model m = src;
        auto& a = m.activities[find_activity(m, "A-case")];
        a.min = 100;
        a.max = 300;
        check_as_linked(zbb::with_activity_bounds(lm, "A-case", 100, 300), m, true);
        a.min = 0;
        a.max.reset();
        check_as_linked(zbb::with_activity_bounds(lm, "A-case", 0, std::nullopt), m, true);
    }
    SECTION("plan volume: an existing row, a new row, zero") {
        zbb::model m = src;
        m.plan.rows[0].volume = 500;  // G-home -> A-case
        REQUIRE(m.plan.rows[0].goal == "G-home");
        REQUIRE(m.plan.rows[0].activity == "A-case");
        check_as_linked(zbb::with_plan_volume(lm, "G-home", "A-case", 500), m, false);
        m = src;
        m.plan.rows.push_back({"G-crisis", "A-train", 7.5});
        check_as_linked(zbb::with_plan_volume(lm, "G-crisis", "A-train", 7.5), m, false);
        m = src;
        m.plan.rows[0].volume = 0;
        const auto zero = zbb::with_plan_volume(lm, "G-home", "A-case", 0);
        check_as_linked(zero, m, false);
        CHECK(zero.plan().nonZeros() + 1 == lm.plan().nonZeros());
        // and back again
        check_as_linked(zbb::with_plan_volume(zero, "G-home", "A-case", 380), src, false);
    }
    SECTION("whole plan") {
        zbb::model m = src;
        m.plan.rows = {{"G-home", "A-case", 200}, {"G-carer", "A-course", 60}};
        check_as_linked(zbb::with_plan(lm, m.plan), m, false);
    }
    SECTION("funding shares: replaced, added, removed") {
        zbb::model m = src;
        std::vector<zbb::funding_row> rows;
        bool placed = false;
        for (const auto& f : m.funding) {
            if (f.activity != "A-case") {
                rows.push_back(f);
            } else if (!placed) {
                rows.push_back({"A-case", "P-muni", decimal::parse("0.5", {})});
                rows.push_back({"A-case", "P-care", decimal::parse("0.375", {})});
                rows.push_back({"A-case", "P-ins", decimal::parse("0.125", {})});
                placed = true;
            }
        }
        m.funding = rows;
        const auto edited = zbb::with_funding_shares(lm, "A-case",
                                                     {{"P-muni", decimal::parse("0.5", {})},
                                                      {"P-care", decimal::parse("0.375", {})},
                                                      {"P-ins", decimal::parse("0.125", {})}});
        check_as_linked(edited, m, true);
        // No shares: the executing partner pays all of it.
        std::erase_if(m.funding, [](const zbb::funding_row& f) { return f.activity == "A-case"; });
        const auto own = zbb::with_funding_shares(lm, "A-case", {});
        check_as_linked(own, m, true);
        // An activity without funding rows gets them at the end.
        m.funding.push_back({"A-case", "P-ins", decimal::parse("1", {})});
        check_as_linked(
            zbb::with_funding_shares(own, "A-case", {{"P-ins", decimal::parse("1", {})}}), m, true);
    }
    SECTION("frame: replaced and removed") {
        zbb::model m = src;
        zbb::financial_frame f;
        f.budget = decimal::parse("1400000.00", {});
        f.partner_caps = {{"P-muni", decimal::parse("700000", {})}};
        m.frame = f;
        check_as_linked(zbb::with_frame(lm, f), m, true);
        m.frame.reset();
        const auto none = zbb::with_frame(lm, std::nullopt);
        check_as_linked(none, m, false);
        CHECK_FALSE(none.view().frame.has_value());
    }
    SECTION("edits of edits") {
        zbb::model m = src;
        m.goals[find_goal(m, "G-carer")].target = 420;
        m.resources[find_resource(m, "R-cm")].price = decimal::parse("81.20", {});
        m.plan.rows.push_back({"G-carer", "A-case", 10});
        m.activities[find_activity(m, "A-course")].max = 1000;
        const auto edited = zbb::with_activity_bounds(
            zbb::with_plan_volume(zbb::with_resource_price(
                                      zbb::with_goal_target(lm, "G-carer", 420), "R-cm", "81.20"),
                                  "G-carer", "A-case", 10),
            "A-course", 0, 1000);
        check_as_linked(edited, m, true);
    }
    // The original is never modified.
    CHECK(zbb::write_model_json(lm.source(), -1) == before);
    CHECK(budget_json(lm) == before_budget);
}

TEST_CASE("scenario: edits of generated models equal linking from scratch", "[scenario]") {
    std::mt19937_64 rng(20260511);
    for (int trial = 0; trial < 20; ++trial) {
        const zbb::model src = zbb_test::generate_model(rng, {});
        const linked_model lm(src);
        std::uniform_int_distribution<std::size_t> any_goal(0, src.goals.size() - 1),
            any_activity(0, src.activities.size() - 1), any_resource(0, src.resources.size() - 1);
        std::uniform_real_distribution<double> u(0, 1000);
        zbb::model m = src;
        const auto g = any_goal(rng), a = any_activity(rng), r = any_resource(rng);
        const double target = std::round(u(rng));
        const double volume = std::round(u(rng) * 4) / 4;
        const std::string price = zbb_test::price_text(rng);
        m.goals[g].target = target;
        m.resources[r].price = decimal::parse(price, {});
        auto it = std::find_if(m.plan.rows.begin(), m.plan.rows.end(), [&](const auto& row) {
            return row.goal == m.goals[g].id && row.activity == m.activities[a].id;
        });
        if (it != m.plan.rows.end())
            it->volume = volume;
        else
            m.plan.rows.push_back({m.goals[g].id, m.activities[a].id, volume});
        const auto edited = zbb::with_plan_volume(
            zbb::with_resource_price(zbb::with_goal_target(lm, m.goals[g].id, target),
                                     m.resources[r].id, price),
            m.goals[g].id, m.activities[a].id, volume);
        check_as_linked(edited, m, false);
    }
}

TEST_CASE("scenario: what an edit shares with the original", "[scenario]") {
    const linked_model lm(example());
    auto shares_linked_parts = [&](const linked_model& e) {
        CHECK(&e.goals() == &lm.goals());
        CHECK(&e.activities() == &lm.activities());
        CHECK(&e.resources() == &lm.resources());
        CHECK(&e.partners() == &lm.partners());
        CHECK(&e.effects() == &lm.effects());
        CHECK(&e.consumption() == &lm.consumption());
        CHECK(&e.consumption_by_resource() == &lm.consumption_by_resource());
        CHECK(&e.support() == &lm.support());
        CHECK(&e.support_solver() == &lm.support_solver());
        CHECK(&e.categories() == &lm.categories());
        CHECK(&e.baselines() == &lm.baselines());
        CHECK(&e.view().effects == &lm.view().effects);
        CHECK(&e.view().consumption == &lm.view().consumption);
        CHECK(&e.view().support == &lm.view().support);
    };
    SECTION("price: new prices and unit costs, nothing relinked") {
        const auto e = zbb::with_resource_price(lm, "R-cm", "90.00");
        shares_linked_parts(e);
        CHECK(&e.plan() == &lm.plan());
        CHECK(&e.funding_shares() == &lm.funding_shares());
        CHECK(&e.view().goals == &lm.view().goals);
        CHECK(&e.view().plan == &lm.view().plan);
        CHECK(&e.view().resources != &lm.view().resources);
        CHECK(&e.view().activities == &lm.view().activities);
        CHECK(&e.prices() != &lm.prices());
        CHECK(&e.direct_unit_costs() != &lm.direct_unit_costs());
        CHECK(e.prices()[0] == 90.0);
        CHECK(lm.prices()[0] == 78.4);
    }
    SECTION("target: only the goals table") {
        const auto e = zbb::with_goal_target(lm, "G-home", 700);
        shares_linked_parts(e);
        CHECK(&e.plan() == &lm.plan());
        CHECK(&e.prices() == &lm.prices());
        CHECK(&e.direct_unit_costs() == &lm.direct_unit_costs());
        CHECK(&e.view().resources == &lm.view().resources);
        CHECK(&e.view().plan == &lm.view().plan);
        CHECK(&e.view().goals != &lm.view().goals);
        CHECK(&e.view().activities == &lm.view().activities);
        CHECK(e.view().goals[0].target == 700);
        CHECK(lm.view().goals[0].target != 700);
    }
    SECTION("plan volume: only the plan") {
        const auto e = zbb::with_plan_volume(lm, "G-home", "A-case", 1);
        shares_linked_parts(e);
        CHECK(&e.prices() == &lm.prices());
        CHECK(&e.direct_unit_costs() == &lm.direct_unit_costs());
        CHECK(&e.funding_shares() == &lm.funding_shares());
        CHECK(&e.view().goals == &lm.view().goals);
        CHECK(&e.plan() != &lm.plan());
        CHECK(&e.view().activities == &lm.view().activities);
        CHECK(&e.view().plan != &lm.view().plan);
    }
    SECTION("chains share with the root; the other edits share the linked parts") {
        const auto e = zbb::with_frame(
            zbb::with_funding_shares(
                zbb::with_activity_bounds(
                    zbb::with_resource_available(
                        zbb::with_goal_weight(zbb::with_plan_volume(lm, "G-home", "A-case", 2),
                                              "G-home", 2),
                        "R-cm", 10),
                    "A-case", 0, 500),
                "A-meet", {{"P-muni", decimal::parse("1", {})}}),
            std::nullopt);
        shares_linked_parts(e);
        CHECK(&e.prices() == &lm.prices());
        CHECK(&e.funding_shares() != &lm.funding_shares());
        CHECK(&e.view().activities != &lm.view().activities);
        CHECK(&e.activity_max() != &lm.activity_max());
    }
    SECTION("the source of an edited model is assembled once, on demand") {
        const auto e = zbb::with_goal_target(lm, "G-home", 700);
        const zbb::model& s = e.source();
        CHECK(&s == &e.source());
        CHECK(&s != &lm.source());
        CHECK(s.goals[0].target == 700);
        CHECK(s.consumption.size() == lm.source().consumption.size());
        const linked_model copy = e;  // a copy shares the assembled source
        CHECK(&copy.source() == &s);
    }
}

TEST_CASE("scenario: refusals name the entity, id and field", "[scenario]") {
    const zbb::model src = example();
    const linked_model lm(src);
    const std::string before = zbb::write_model_json(lm.source(), -1);
    using zbb::model_error;
    using zbb::money_overflow;

    SECTION("unknown ids") {
        CHECK(refusal<model_error>([&] { zbb::with_goal_target(lm, "G-nope", 1); }) ==
              "goal 'G-nope', field 'id': unknown goal");
        CHECK(refusal<model_error>([&] { zbb::with_goal_weight(lm, "G-nope", 1); }) ==
              "goal 'G-nope', field 'id': unknown goal");
        CHECK(refusal<model_error>([&] { zbb::with_resource_price(lm, "R-nope", "1.00"); }) ==
              "resource 'R-nope', field 'id': unknown resource");
        CHECK(refusal<model_error>([&] {
                  zbb::with_resource_price(lm, "R-nope", decimal::parse("1", {}));
              }) == "resource 'R-nope', field 'id': unknown resource");
        CHECK(refusal<model_error>([&] { zbb::with_resource_available(lm, "R-nope", 1); }) ==
              "resource 'R-nope', field 'id': unknown resource");
        CHECK(refusal<model_error>([&] { zbb::with_activity_bounds(lm, "A-nope", 0, 1); }) ==
              "activity 'A-nope', field 'id': unknown activity");
        CHECK(refusal<model_error>([&] { zbb::with_plan_volume(lm, "G-nope", "A-case", 1); }) ==
              "plan 'G-nope -> A-case', field 'goal': unknown id 'G-nope'");
        CHECK(refusal<model_error>([&] { zbb::with_plan_volume(lm, "G-home", "A-nope", 1); }) ==
              "plan 'G-home -> A-nope', field 'activity': unknown id 'A-nope'");
        CHECK(refusal<model_error>([&] { zbb::with_funding_shares(lm, "A-nope", {}); }) ==
              "activity 'A-nope', field 'id': unknown activity");
        CHECK(refusal<model_error>([&] {
                  zbb::with_funding_shares(lm, "A-case", {{"P-nope", decimal::parse("1", {})}});
              }) == "funding 'A-case -> P-nope', field 'partner': unknown id 'P-nope'");
        zbb::financial_frame f;
        f.partner_caps = {{"P-nope", decimal::parse("1", {})}};
        CHECK(refusal<model_error>([&] { zbb::with_frame(lm, f); }) ==
              "frame.partner_caps 'P-nope', field 'partner': unknown partner 'P-nope'");
    }

    SECTION("values out of range, refused exactly as linking refuses them") {
        auto refused = [&](const std::function<void()>& edit,
                           const std::function<void(zbb::model&)>& change) {
            check_refused_as_linked(edit, [&] {
                zbb::model m = src;
                change(m);
                (void)linked_model(m);
            });
        };
        const auto g = find_goal(src, "G-home");
        const auto r = find_resource(src, "R-cm");
        const auto a = find_activity(src, "A-case");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        for (double target : {1e300, -2e12, nan})
            refused([&] { zbb::with_goal_target(lm, "G-home", target); },
                    [&](zbb::model& m) { m.goals[g].target = target; });
        for (double weight : {-1.0, 1e-9, 2e6, nan})
            refused([&] { zbb::with_goal_weight(lm, "G-home", weight); },
                    [&](zbb::model& m) { m.goals[g].weight = weight; });
        refused(
            [&] { zbb::with_resource_price(lm, "R-cm", decimal::parse("90071992547409.92", {})); },
            [&](zbb::model& m) { m.resources[r].price = decimal::parse("90071992547409.92", {}); });
        for (double units : {-1.0, 2e12, nan})
            refused([&] { zbb::with_resource_available(lm, "R-cm", units); },
                    [&](zbb::model& m) { m.resources[r].available = units; });
        refused([&] { zbb::with_activity_bounds(lm, "A-case", -1, std::nullopt); },
                [&](zbb::model& m) { m.activities[a].min = -1; });
        refused([&] { zbb::with_activity_bounds(lm, "A-case", 2e12, std::nullopt); },
                [&](zbb::model& m) { m.activities[a].min = 2e12; });
        refused([&] { zbb::with_activity_bounds(lm, "A-case", 10, 5); },
                [&](zbb::model& m) {
                    m.activities[a].min = 10;
                    m.activities[a].max = 5;
                });
        refused([&] { zbb::with_activity_bounds(lm, "A-case", 0, 1e13); },
                [&](zbb::model& m) { m.activities[a].max = 1e13; });
        for (double volume : {-5.0, 2e12, nan})
            refused([&] { zbb::with_plan_volume(lm, "G-home", "A-case", volume); },
                    [&](zbb::model& m) { m.plan.rows[0].volume = volume; });
        zbb::plan twice{{{"G-home", "A-case", 1}, {"G-home", "A-case", 2}}};
        refused([&] { zbb::with_plan(lm, twice); }, [&](zbb::model& m) { m.plan = twice; });
        zbb::financial_frame big;
        big.budget = decimal::parse(std::string(30, '9'), {});
        refused([&] { zbb::with_frame(lm, big); }, [&](zbb::model& m) { m.frame = big; });
        zbb::financial_frame dup;
        dup.partner_caps = {{"P-muni", decimal::parse("1", {})},
                            {"P-muni", decimal::parse("2", {})}};
        refused([&] { zbb::with_frame(lm, dup); }, [&](zbb::model& m) { m.frame = dup; });
    }

    SECTION("the messages") {
        CHECK(refusal<model_error>([&] { zbb::with_goal_target(lm, "G-home", 1e300); }) ==
              "goal 'G-home', field 'target': 1e+300 is beyond the numeric range: at most 1e+12 "
              "in magnitude");
        CHECK(refusal<model_error>([&] {
                  zbb::with_goal_target(lm, "G-home", std::numeric_limits<double>::infinity());
              }) == "goal 'G-home', field 'target': must be a finite number");
        CHECK(refusal<model_error>([&] { zbb::with_goal_weight(lm, "G-home", -1); }) ==
              "goal 'G-home', field 'weight': must not be negative (got -1)");
        CHECK(refusal<money_overflow>(
                  [&] { zbb::with_resource_price(lm, "R-cm", "90071992547409.92"); }) ==
              "resource 'R-cm', field 'price': \"90071992547409.92\" is beyond the numeric "
              "range: below 2^53 minor units, the range in which zbb guarantees the cent");
        // The largest price in range is accepted.
        CHECK_NOTHROW(zbb::with_resource_price(lm, "R-cm", "90071992547409.91"));
        CHECK(refusal<model_error>([&] {
                  zbb::with_resource_price(lm, "R-cm", "7,50");
              }).rfind("resource 'R-cm', field 'price': ", 0) == 0);
        CHECK(refusal<model_error>([&] { zbb::with_resource_price(lm, "R-cm", "-1"); }) ==
              "resource 'R-cm', field 'price': must not be negative (got \"-1\")");
        CHECK(refusal<model_error>([&] { zbb::with_resource_available(lm, "R-cm", -1); }) ==
              "resource 'R-cm', field 'available': must not be negative (got -1)");
        CHECK(refusal<model_error>([&] { zbb::with_activity_bounds(lm, "A-case", 10, 5); }) ==
              "activity 'A-case', field 'max': is below min");
        CHECK(refusal<model_error>([&] { zbb::with_plan_volume(lm, "G-home", "A-case", -5); }) ==
              "plan 'G-home -> A-case', field 'volume': must not be negative (got -5)");
        CHECK(refusal<model_error>([&] { zbb::with_plan_volume(lm, "G-home", "A-case", 2e12); }) ==
              "plan 'G-home -> A-case', field 'volume': 2000000000000 is beyond the numeric "
              "range: at most 1e+12");
    }

    SECTION("funding shares that do not sum to 1, above 1, twice") {
        CHECK(refusal<model_error>([&] {
                  zbb::with_funding_shares(lm, "A-case",
                                           {{"P-muni", decimal::parse("0.5", {})},
                                            {"P-ins", decimal::parse("0.4", {})}});
              }) ==
              "funding 'A-case', field 'share': funding shares of activity 'A-case' sum to 0.9, "
              "not exactly 1");
        CHECK(refusal<model_error>([&] {
                  zbb::with_funding_shares(lm, "A-case",
                                           {{"P-muni", decimal::parse("0.50", {})},
                                            {"P-ins", decimal::parse("0.501", {})}});
              }) ==
              "funding 'A-case', field 'share': funding shares of activity 'A-case' sum to "
              "1.001, not exactly 1");
        CHECK(refusal<model_error>([&] {
                  zbb::with_funding_shares(lm, "A-case", {{"P-muni", decimal::parse("1.5", {})}});
              }) == "funding 'A-case -> P-muni', field 'share': share 1.5 exceeds 1");
        CHECK(refusal<model_error>([&] {
                  zbb::with_funding_shares(lm, "A-case",
                                           {{"P-muni", decimal::parse("0.5", {})},
                                            {"P-muni", decimal::parse("0.5", {})}});
              }) == "funding 'A-case -> P-muni': duplicate row");
        // Exactly 1 at different scales is accepted.
        CHECK_NOTHROW(zbb::with_funding_shares(
            lm, "A-case",
            {{"P-muni", decimal::parse("0.3", {})}, {"P-ins", decimal::parse("0.70", {})}}));
        // Nobody pays for an activity without shares and without an executing partner.
        zbb::model m = src;
        m.activities[find_activity(m, "A-case")].partner.clear();
        const linked_model no_partner(m);
        CHECK(refusal<model_error>([&] { zbb::with_funding_shares(no_partner, "A-case", {}); }) ==
              "activity 'A-case', field 'partner': nobody pays for this activity: it has no "
              "funding rows and no executing partner");
    }

    // A refused edit leaves the original as it was.
    CHECK(zbb::write_model_json(lm.source(), -1) == before);
}

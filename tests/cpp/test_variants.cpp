// Variant files (zbb/variant.hpp) and comparisons (zbb/compare.hpp): every change against the
// hand-edited model linked from scratch, the order of changes, link rows added and removed, every
// refusal with its class and message; the comparison's columns against separately computed
// budgets, changes that sum exactly, unchanged lines at 0, dominance.
#include <catch2/catch.hpp>
#include <cstring>
#include <functional>
#include <limits>
#include <typeinfo>

#include "zbb/optimize.hpp"
#include "zbb/zbb.hpp"

using zbb::decimal;
using zbb::linked_model;

namespace {

const std::string root = std::string(ZBB_SOURCE_DIR);

zbb::model example() {
    return zbb::read_model_file(root + "/examples/dementia-friendly.json");
}

std::string budget_json(const linked_model& lm) {
    return zbb::budget_report_json(lm, zbb::compute_budget(lm), -1);
}

zbb::variant parse(const std::string& changes, const std::string& name = "v") {
    return zbb::read_variant_json(
        R"({"format": "zbb-variant/1", "name": ")" + name + R"(", "changes": [)" + changes + "]}",
        "v.json");
}

// The variant applied to the example against `edit` applied to its source and linked from
// scratch: the same budget to the cent, and the same source.
void check_as_hand_edited(const std::string& changes,
                          const std::function<void(zbb::model&)>& edit) {
    const linked_model base(example());
    const linked_model applied = zbb::apply_variant(base, parse(changes));
    zbb::model expected = example();
    edit(expected);
    const linked_model scratch(expected);
    CHECK(budget_json(applied) == budget_json(scratch));
    CHECK(zbb::write_model_json(applied.source(), -1) == zbb::write_model_json(expected, -1));
}

template <class Row, class Match>
Row& row(std::vector<Row>& rows, Match&& match) {
    auto it = std::find_if(rows.begin(), rows.end(), match);
    REQUIRE(it != rows.end());
    return *it;
}

// What `f` throws: its class must be `E` exactly; returns the message.
template <class E>
std::string refusal(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        CHECK(typeid(e) == typeid(E));
        return e.what();
    }
    FAIL("nothing was thrown");
    return "";
}

std::string apply_refusal_model(const std::string& changes) {
    const linked_model base(example());
    return refusal<zbb::model_error>([&] { (void)zbb::apply_variant(base, parse(changes)); });
}

}  // namespace

TEST_CASE("variants: every supported change equals the hand-edited model linked from scratch",
          "[variants]") {
    SECTION("goal.target and goal.weight") {
        check_as_hand_edited(R"({"set": "goal.target", "id": "G-carer", "value": 420},
                                {"set": "goal.weight", "id": "G-home", "value": 2.5})",
                             [](zbb::model& m) {
                                 m.goals[1].target = 420;
                                 m.goals[0].weight = 2.5;
                             });
    }
    SECTION("resource.price and resource.available (null = unlimited)") {
        check_as_hand_edited(R"({"set": "resource.price", "id": "R-cm", "value": "81.20"},
                                {"set": "resource.available", "id": "R-ww", "value": null},
                                {"set": "resource.available", "id": "R-catering", "value": 900})",
                             [](zbb::model& m) {
                                 m.resources[0].price = decimal::parse("81.20", {});
                                 m.resources[1].available.reset();
                                 m.resources[11].available = 900;
                             });
    }
    SECTION("activity.min and activity.max (null = no max), checked as a pair") {
        // min 700 is above the old max 600: only the final pair (700, none) is checked.
        check_as_hand_edited(R"({"set": "activity.min", "id": "A-meet", "value": 10},
                                {"set": "activity.max", "id": "A-train", "value": null},
                                {"set": "activity.max", "id": "A-meet", "value": 95})",
                             [](zbb::model& m) {
                                 m.activities[1].min = 10;
                                 m.activities[1].max = 95;
                                 m.activities[3].max.reset();
                             });
    }
    SECTION("plan.volume: set, add, remove") {
        check_as_hand_edited(
            R"({"set": "plan.volume", "goal": "G-carer", "activity": "A-course", "value": 210},
               {"set": "plan.volume", "goal": "G-friendly", "activity": "A-meet", "value": 5},
               {"set": "plan.volume", "goal": "G-crisis", "activity": "A-respite", "value": 0})",
            [](zbb::model& m) {
                auto& rows = m.plan.rows;
                row(rows, [](const zbb::plan_row& r) {
                    return r.goal == "G-carer" && r.activity == "A-course";
                }).volume = 210;
                rows.push_back({"G-friendly", "A-meet", 5});
                rows.erase(std::find_if(rows.begin(), rows.end(), [](const zbb::plan_row& r) {
                    return r.goal == "G-crisis" && r.activity == "A-respite";
                }));
            });
    }
    SECTION("effects.per_unit: set, add, remove (relinked once)") {
        check_as_hand_edited(
            R"({"set": "effects.per_unit", "goal": "G-home", "activity": "A-case", "value": 0.07},
               {"set": "effects.per_unit", "goal": "G-home", "activity": "A-course", "value": 0.01},
               {"set": "effects.per_unit", "goal": "G-crisis", "activity": "A-respite", "value": 0})",
            [](zbb::model& m) {
                m.effects[0].per_unit = 0.07;
                m.effects.erase(m.effects.begin() + 14);
                m.effects.push_back({"G-home", "A-course", 0.01});
            });
    }
    SECTION("consumption.per_unit and support.per_unit") {
        check_as_hand_edited(
            R"({"set": "consumption.per_unit", "activity": "A-case", "resource": "R-cm", "value": 40},
               {"set": "consumption.per_unit", "activity": "A-course", "resource": "R-vc", "value": 1},
               {"set": "support.per_unit", "supplier": "A-mgmt", "consumer": "A-case", "value": 2},
               {"set": "support.per_unit", "supplier": "A-ict", "consumer": "A-course", "value": 0.1},
               {"set": "support.per_unit", "supplier": "A-housing", "consumer": "A-mgmt", "value": 0})",
            [](zbb::model& m) {
                m.consumption[0].per_unit = 40;
                m.consumption.push_back({"A-course", "R-vc", 1});
                m.support[0].per_unit = 2;
                m.support.pop_back();
                m.support.push_back({"A-ict", "A-course", 0.1});
            });
    }
    SECTION("funding.share: the care insurer's split, a new partner, a removed one") {
        check_as_hand_edited(
            R"({"set": "funding.share", "activity": "A-case", "partner": "P-ins", "value": "0.70"},
               {"set": "funding.share", "activity": "A-case", "partner": "P-muni", "value": "0.30"},
               {"set": "funding.share", "activity": "A-course", "partner": "P-muni", "value": "0"},
               {"set": "funding.share", "activity": "A-course", "partner": "P-ins", "value": "0.4"},
               {"set": "funding.share", "activity": "A-course", "partner": "P-care", "value": "0.6"})",
            [](zbb::model& m) {
                m.funding[0].share = decimal::parse("0.70", {});
                m.funding[1].share = decimal::parse("0.30", {});
                m.funding.erase(m.funding.begin() + 13);
                m.funding[13].share = decimal::parse("0.4", {});
                m.funding.push_back({"A-course", "P-care", decimal::parse("0.6", {})});
            });
    }
    SECTION("frame.budget and frame.partner_cap (null removes)") {
        check_as_hand_edited(
            R"({"set": "frame.budget", "value": "1300000.00"},
               {"set": "frame.partner_cap", "partner": "P-muni", "value": null},
               {"set": "frame.partner_cap", "partner": "P-ins", "value": "500000"})",
            [](zbb::model& m) {
                m.frame->budget = decimal::parse("1300000.00", {});
                m.frame->partner_caps = {{"P-ins", decimal::parse("500000", {})}};
            });
        check_as_hand_edited(R"({"set": "frame.budget", "value": null})",
                             [](zbb::model& m) { m.frame->budget.reset(); });
    }
    SECTION("a price variant shares the support factorisation; a coefficient variant relinks") {
        const linked_model base(example());
        const auto price = zbb::apply_variant(
            base, parse(R"({"set": "resource.price", "id": "R-cm", "value": "81.20"})"));
        CHECK(&price.support_solver() == &base.support_solver());
        const auto coefficient = zbb::apply_variant(
            base,
            parse(
                R"({"set": "support.per_unit", "supplier": "A-mgmt", "consumer": "A-case", "value": 2})"));
        CHECK(&coefficient.support_solver() != &base.support_solver());
    }
}

TEST_CASE("variants: changes apply in order, a later change of the same field wins", "[variants]") {
    check_as_hand_edited(R"({"set": "goal.target", "id": "G-carer", "value": 2e12},
                            {"set": "goal.target", "id": "G-carer", "value": 430},
                            {"set": "plan.volume", "goal": "G-home", "activity": "A-case", "value": 0},
                            {"set": "plan.volume", "goal": "G-home", "activity": "A-case", "value": 300})",
                         [](zbb::model& m) {
                             m.goals[1].target = 430;
                             m.plan.rows[0].volume = 300;
                         });
    // The shares are checked after all changes: 0.70 + 0.25 is not 1 half-way.
    check_as_hand_edited(
        R"({"set": "funding.share", "activity": "A-case", "partner": "P-ins", "value": "0.70"},
           {"set": "funding.share", "activity": "A-case", "partner": "P-muni", "value": "0.30"})",
        [](zbb::model& m) {
            m.funding[0].share = decimal::parse("0.70", {});
            m.funding[1].share = decimal::parse("0.30", {});
        });
    // And the last change of a field names itself in an error.
    CHECK(apply_refusal_model(R"({"set": "goal.weight", "id": "G-home", "value": 2},
                                 {"set": "goal.weight", "id": "G-home", "value": 1e7})") ==
          "variant 'v', changes[1] (goal.weight): goal 'G-home', field 'weight': 10000000 is "
          "beyond the numeric range: 0 or between 1e-06 and 1e+06 in magnitude");
}

TEST_CASE("variants: the shipped examples", "[variants]") {
    const linked_model base(example());
    for (const char* name : {"more-carer-courses", "dearer-case-manager", "insurer-split"}) {
        const auto v = zbb::read_variant_file(root + "/examples/variants/" + name + ".json");
        CHECK(v.name == name);
        CHECK(!v.description.empty());
        const auto lm = zbb::apply_variant(base, v);
        CHECK(budget_json(lm) == budget_json(linked_model(lm.source())));
        CHECK(budget_json(lm) != budget_json(base));
    }
}

TEST_CASE("variants: every refusal with its class and message", "[variants]") {
    const linked_model base(example());
    auto model_refusal = [](const std::string& changes) { return apply_refusal_model(changes); };
    CHECK(model_refusal(R"({"set": "budget.total", "value": 1})") ==
          "variant 'v', changes[0] (budget.total): unknown table 'budget'; use goal, resource, "
          "activity, plan, effects, consumption, support, funding or frame");
    CHECK(model_refusal(R"({"set": "goal.baseline", "id": "G-home", "value": 1})") ==
          "variant 'v', changes[0] (goal.baseline): unknown field 'baseline' of table 'goal'; use "
          "target, weight");
    CHECK(model_refusal(R"({"set": "target", "id": "G-home", "value": 1})") ==
          "variant 'v', changes[0] (target): \"set\" must name \"<table>.<field>\", such as "
          "\"goal.target\"");
    CHECK(model_refusal(R"({"set": "goal.target", "id": "G-nope", "value": 1})") ==
          "variant 'v', changes[0] (goal.target): goal 'G-nope', field 'id': unknown goal");
    CHECK(
        model_refusal(
            R"({"set": "goal.target", "id": "G-home", "value": 1}, {"set": "plan.volume", "goal": "G-home", "activity": "A-nope", "value": 1})") ==
        "variant 'v', changes[1] (plan.volume): plan 'G-home -> A-nope', field 'activity': "
        "unknown id 'A-nope'");
    CHECK(model_refusal(R"({"set": "frame.partner_cap", "partner": "P-nope", "value": "1"})") ==
          "variant 'v', changes[0] (frame.partner_cap): frame.partner_caps 'P-nope', field "
          "'partner': unknown partner 'P-nope'");
    CHECK(model_refusal(R"({"set": "plan.volume", "goal": "G-home", "value": 1})") ==
          "variant 'v', changes[0] (plan.volume): missing key \"activity\"");
    CHECK(model_refusal(R"({"set": "goal.target", "goal": "G-home", "value": 1})") ==
          "variant 'v', changes[0] (goal.target): unknown key \"goal\"; goal.target takes \"id\"");
    CHECK(model_refusal(R"({"set": "goal.target", "id": "G-home", "value": "400"})") ==
          "variant 'v', changes[0] (goal.target): value must be a number, not a string");
    CHECK(model_refusal(R"({"set": "goal.target", "id": "G-home", "value": null})")
              .starts_with("variant 'v', changes[0] (goal.target): value must be a number (null "
                           "is allowed only for an optional field"));
    CHECK(model_refusal(R"({"set": "resource.price", "id": "R-cm", "value": 81.2})") ==
          "variant 'v', changes[0] (resource.price): value must be a decimal string such as "
          "\"78.40\" (numbers would pass through binary floating point)");
    CHECK(model_refusal(
              R"({"set": "funding.share", "activity": "A-case", "partner": "P-ins", "value": 0.7})")
              .find("value must be a decimal string") != std::string::npos);
    CHECK(model_refusal(R"({"set": "resource.price", "id": "R-cm", "value": "8,10"})") ==
          "variant 'v', changes[0] (resource.price): resource 'R-cm', field 'price': malformed "
          "decimal \"8,10\"; expected digits with an optional point, such as \"78.40\"");
    CHECK(
        model_refusal(
            R"({"set": "plan.volume", "goal": "G-home", "activity": "A-case", "value": 1e300})") ==
        "variant 'v', changes[0] (plan.volume): plan 'G-home -> A-case', field 'volume': "
        "1e+300 is beyond the numeric range: at most 1e+12");
    CHECK(
        model_refusal(
            R"({"set": "effects.per_unit", "goal": "G-home", "activity": "A-case", "value": 1e10})") ==
        "variant 'v', changes[0] (effects.per_unit): effects 'G-home -> A-case', field "
        "'per_unit': 10000000000 is beyond the numeric range: 0 or between 1e-09 and 1e+09 in "
        "magnitude");
    CHECK(model_refusal(R"({"set": "activity.min", "id": "A-meet", "value": 100})") ==
          "variant 'v', changes[0] (activity.min): activity 'A-meet', field 'max': is below min");
    CHECK(
        model_refusal(
            R"({"set": "funding.share", "activity": "A-case", "partner": "P-ins", "value": "0.70"})") ==
        "variant 'v', changes[0] (funding.share): funding 'A-case', field 'share': funding shares "
        "of "
        "activity 'A-case' sum to 0.95, not exactly 1");
    // Out of range money: money_overflow, the class kept.
    CHECK(
        refusal<zbb::money_overflow>([&] {
            (void)zbb::apply_variant(
                base,
                parse(
                    R"({"set": "resource.price", "id": "R-cm", "value": "99999999999999999999.99"})"));
        })
            .starts_with(
                "variant 'v', changes[0] (resource.price): resource 'R-cm', field 'price': "));
    // A support loop made by a coefficient: support_loop_error, its activities kept.
    try {
        (void)zbb::apply_variant(
            base,
            parse(
                R"({"set": "support.per_unit", "supplier": "A-case", "consumer": "A-mgmt", "value": 1000})"));
        FAIL("no support loop error");
    } catch (const zbb::support_loop_error& e) {
        CHECK(std::string(e.what()).starts_with(
            "variant 'v', changes[0] (support.per_unit): support '"));
        CHECK(!e.activities().empty());
        CHECK(e.where().entity == "support");
    }
    // where() of a prefixed error is the original's.
    try {
        (void)zbb::apply_variant(base,
                                 parse(R"({"set": "goal.target", "id": "G-nope", "value": 1})"));
        FAIL("no error");
    } catch (const zbb::model_error& e) {
        CHECK(e.where().entity == "goal");
        CHECK(e.where().id == "G-nope");
        CHECK(e.where().field == "id");
    }
}

TEST_CASE("variants: refusals of the reader", "[variants]") {
    auto read_refusal = [](const std::string& text) {
        return refusal<zbb::model_error>([&] { (void)zbb::read_variant_json(text, "v.json"); });
    };
    CHECK(read_refusal(R"({"format": "zbb-variant/1", "name": "v", "changes": [], "extra": 1})") ==
          "file 'v.json', field 'extra': unknown key; a variant has format, name, description and "
          "changes");
    CHECK(read_refusal(R"({"format": "zbb-variant/1", "name": "v", "name": "w", "changes": []})") ==
          "file 'v.json', field 'name': duplicate key in a JSON object");
    CHECK(read_refusal(R"({"format": "zbb-model/1", "name": "v", "changes": []})") ==
          "file 'v.json', field 'format': unsupported format \"zbb-model/1\"; expected "
          "\"zbb-variant/1\"");
    CHECK(read_refusal(R"({"name": "v", "changes": []})") ==
          "file 'v.json', field 'format': missing \"format\"; expected \"zbb-variant/1\"");
    CHECK(read_refusal(R"({"format": "zbb-variant/1", "name": "", "changes": []})") ==
          "file 'v.json', field 'name': must be a non-empty string (the variant's name)");
    CHECK(read_refusal(R"({"format": "zbb-variant/1", "name": "v", "changes": {}})") ==
          "file 'v.json', field 'changes': must be a JSON array of changes");
    CHECK(
        read_refusal(
            R"({"format": "zbb-variant/1", "name": "v", "changes": [{"set": "goal.target", "id": "G-home", "id": "G-carer", "value": 1}]})") ==
        "variant 'v', changes[0] (goal.target): duplicate key \"id\" in a JSON object");
    CHECK(
        read_refusal(
            R"({"format": "zbb-variant/1", "name": "v", "changes": [{"id": "G-home", "value": 1}]})") ==
        "variant 'v', changes[0]: missing key \"set\"");
    CHECK(
        read_refusal(
            R"({"format": "zbb-variant/1", "name": "v", "changes": [{"set": "goal.target", "id": "G-home"}]})") ==
        "variant 'v', changes[0] (goal.target): missing key \"value\"");
    CHECK(
        read_refusal(
            R"({"format": "zbb-variant/1", "name": "v", "changes": [{"set": "goal.target", "id": 3, "value": 1}]})") ==
        "variant 'v', changes[0] (goal.target): key \"id\" must be a string id");
    CHECK(
        read_refusal(
            R"({"format": "zbb-variant/1", "name": "v", "changes": [{"set": "goal.target", "id": "G-home", "value": true}]})") ==
        "variant 'v', changes[0] (goal.target): value must be a number, a decimal string or null");
    CHECK(read_refusal(R"({"format": "zbb-variant/1", "name": "v", "changes": [1]})")
              .starts_with("variant 'v', changes[0]: must be a JSON object"));
    CHECK(read_refusal("") == "file 'v.json': empty input; expected a zbb-variant/1 JSON document");
    CHECK(read_refusal("[1]") == "file 'v.json': must be a JSON object (a zbb-variant/1 document)");
    CHECK(read_refusal(R"({"format": "zbb-variant/1", "name": "v", "changes": [)")
              .starts_with("file 'v.json': invalid JSON: "));
    CHECK(read_refusal(std::string(40, '[') + std::string(40, ']')) ==
          "file 'v.json': JSON nested deeper than 32 levels");
    CHECK(read_refusal("{\"format\": \"zbb-variant/1\", \"name\": \"v\xff\", \"changes\": []}")
              .starts_with("file 'v.json': invalid JSON: "));
    CHECK(
        read_refusal(
            R"({"format": "zbb-variant/1", "name": "v", "changes": [{"set": "goal.target", "id": "G-home", "value": 1e999}]})")
            .find("numbers must be finite") != std::string::npos);
    CHECK_THROWS_AS(zbb::read_variant_file(root + "/examples/variants/does-not-exist.json"),
                    zbb::model_error);
    // Accepted: a "$schema" key, a big integer, an empty list of changes.
    const auto v = zbb::read_variant_json(
        R"({"$schema": "x", "format": "zbb-variant/1", "name": "n", "description": "d", "changes": [{"set": "goal.target", "id": "G-home", "value": 100000000000000000000000}]})",
        "v.json");
    CHECK(v.changes[0].value.number == 1e23);
}

namespace {
zbb::compare_options reference_to(const std::string& name) {
    zbb::compare_options o;
    o.reference = name;
    return o;
}

std::vector<zbb::variant> shipped() {
    std::vector<zbb::variant> out;
    for (const char* name : {"more-carer-courses", "dearer-case-manager", "insurer-split"})
        out.push_back(zbb::read_variant_file(root + "/examples/variants/" + name + ".json"));
    return out;
}

zbb::money sum(const std::vector<zbb::money>& parts) {
    zbb::money s;
    for (const auto& p : parts) s += p;
    return s;
}
}  // namespace

TEST_CASE("compare: every column is the budget of its changed model, to the cent",
          "[variants][compare]") {
    const linked_model base(example());
    const auto variants = shipped();
    for (const char* reference : {"base", "dearer-case-manager"}) {
        const auto c = zbb::compare_budgets(base, variants, reference_to(reference));
        REQUIRE(c.columns.size() == 4);
        CHECK(c.columns[0].name == "base");
        for (std::size_t i = 0; i < c.columns.size(); ++i) {
            const auto& col = c.columns[i];
            const linked_model own =
                i == 0 ? base : linked_model(zbb::apply_variant(base, variants[i - 1]).source());
            CHECK(zbb::budget_report_json(own, *col.result, -1) == budget_json(own));
            REQUIRE(col.change);
            const auto& ch = *col.change;
            const zbb::compare_column* ref = nullptr;
            for (const auto& other : c.columns)
                if (other.name == reference) ref = &other;
            REQUIRE(ref);
            CHECK(ch.total == col.result->total - ref->result->total);
            for (const auto* parts :
                 {&ch.by_goal, &ch.by_activity, &ch.by_resource, &ch.by_partner, &ch.by_category})
                CHECK(sum(parts->amounts) == ch.total);
            // Unchanged lines show exactly 0.
            auto zero_unless_changed = [](const zbb::breakdown& now, const zbb::breakdown& was,
                                          const zbb::breakdown_change& change) {
                for (std::size_t k = 0; k < now.values.size(); ++k)
                    if (now.values[k] == was.values[k]) CHECK(change.amounts[k] == zbb::money());
            };
            zero_unless_changed(col.result->by_goal, ref->result->by_goal, ch.by_goal);
            zero_unless_changed(col.result->by_activity, ref->result->by_activity, ch.by_activity);
            zero_unless_changed(col.result->by_resource, ref->result->by_resource, ch.by_resource);
            zero_unless_changed(col.result->by_partner, ref->result->by_partner, ch.by_partner);
            if (col.name == reference) CHECK(ch.total == zbb::money());
        }
    }
    // The price variant changes only what uses case manager hours: the other resources show 0.
    const auto c = zbb::compare_budgets(base, variants);
    const auto& dearer = *c.columns[2].change;
    CHECK(dearer.total.minor_units() > 0);
    CHECK(dearer.by_resource.amounts[0] == dearer.total);  // R-cm
    for (std::size_t r = 1; r < dearer.by_resource.amounts.size(); ++r)
        CHECK(dearer.by_resource.amounts[r] == zbb::money());
    // The funding split moves money between partners only.
    const auto& split = *c.columns[3].change;
    CHECK(split.total == zbb::money());
    CHECK(split.by_partner.amounts[1].minor_units() < 0);  // P-ins pays less
    CHECK(split.by_partner.amounts[0] == zbb::money() - split.by_partner.amounts[1]);
    for (const auto& a : split.by_activity.amounts) CHECK(a == zbb::money());
    // Reports: JSON, CSV and text from the same structs.
    const auto json = nlohmann::json::parse(zbb::compare_report_json(c));
    CHECK(json["format"] == "zbb-compare/1");
    CHECK(json["variants"]["dearer-case-manager"]["change"]["by_resource"]["R-cm"] ==
          dearer.total.to_string(2));
    CHECK(json["variants"]["base"]["total"] == c.columns[0].result->total.to_string(2));
    const auto csv = zbb::compare_report_csv(c);
    CHECK(csv.starts_with("variant,breakdown,key,amount,change\nbase,total,,"));
    CHECK(zbb::compare_report_text(c).find("dearer-case-manager") != std::string::npos);
}

TEST_CASE("compare: the change allocation", "[variants][compare]") {
    // 0.4 + 0.4 + 0.4 = 1.2 of exact change over three lines, the total changed by 1: the
    // remainders tie, so the earlier line gets the unit; the unchanged line gets 0.
    const std::vector<double> now{10.4, 20.4, 5.0, 30.4}, was{10.0, 20.0, 5.0, 30.0};
    const std::vector<zbb::money> a(4), b(4);
    const auto parts = zbb::detail::allocate_change(zbb::money::from_minor(1), now, was, a, b);
    CHECK(parts[0] == zbb::money::from_minor(1));
    CHECK(parts[1] == zbb::money());
    CHECK(parts[2] == zbb::money());
    CHECK(parts[3] == zbb::money());
    // Signed changes: -2.6 and +0.3, total -2.
    const std::vector<double> now2{7.4, 10.3}, was2{10.0, 10.0};
    const auto p2 = zbb::detail::allocate_change(zbb::money::from_minor(-2), now2, was2, a, b);
    CHECK(p2[0] == zbb::money::from_minor(-2));
    CHECK(p2[1] == zbb::money());
}

TEST_CASE("compare: dominance on hand-made cases", "[variants][compare]") {
    const linked_model base(example());
    // Cheaper and better: ten trainees fewer (A-train moves G-friendly only) and a stronger
    // training effect, so that G-friendly is reached at a lower cost; every other goal as before.
    const auto cheaper_better = parse(
        R"({"set": "plan.volume", "goal": "G-friendly", "activity": "A-train", "value": 390},
           {"set": "effects.per_unit", "goal": "G-friendly", "activity": "A-train", "value": 1.5})",
        "cheaper-better");
    const auto same = parse(R"({"set": "goal.weight", "id": "G-home", "value": 1})", "same");
    const auto c = zbb::compare_budgets(base, {cheaper_better, same});
    REQUIRE(c.columns.size() == 3);
    CHECK(c.columns[1].result->total < c.columns[0].result->total);
    CHECK(c.columns[0].dominated_by == std::vector<std::string>{"cheaper-better"});
    CHECK(c.columns[2].dominated_by == std::vector<std::string>{"cheaper-better"});
    CHECK(c.columns[1].dominated_by.empty());  // equal columns base and same do not dominate
    CHECK(c.columns[1].goals_reached <= c.columns[1].attainment.size());
    double w = 0;
    for (std::size_t g = 0; g < c.columns[1].attainment.size(); ++g)
        w += base.view().goals[g].weight * c.columns[1].attainment[g];
    CHECK(c.columns[1].weighted_attainment == Approx(w));
    // Equal budgets and attainments: nobody dominates.
    const auto c2 = zbb::compare_budgets(base, {same});
    CHECK(c2.columns[0].dominated_by.empty());
    CHECK(c2.columns[1].dominated_by.empty());
    // Dearer but better: no dominance either way.
    const auto dearer_better =
        parse(R"({"set": "plan.volume", "goal": "G-carer", "activity": "A-course", "value": 200})",
              "more");
    const auto c3 = zbb::compare_budgets(base, {dearer_better});
    CHECK(c3.columns[0].dominated_by.empty());
    CHECK(c3.columns[1].dominated_by.empty());
}

TEST_CASE("compare: names, references and the optimiser's columns", "[variants][compare]") {
    const linked_model base(example());
    CHECK(
        refusal<zbb::model_error>([&] { (void)zbb::compare_budgets(base, {parse("", "base")}); }) ==
        "variant 'base', field 'name': \"base\" names the base model's column; give the "
        "variant another name");
    CHECK(refusal<zbb::model_error>([&] {
              (void)zbb::compare_budgets(base, {parse("", "a"), parse("", "a")});
          }) ==
          "variant 'a', field 'name': two variants have this name; names in a comparison "
          "must be unique");
    CHECK(refusal<zbb::model_error>([&] {
              (void)zbb::compare_budgets(base, {parse("", "a")}, reference_to("b"));
          }) == "option, field 'reference': unknown column 'b'; use one of base, a");
    // Least cost: every column the optimiser's plan; an unreachable target is infeasible.
    const auto unreachable =
        parse(R"({"set": "goal.target", "id": "G-friendly", "value": 100000})", "unreachable");
    const auto c = zbb::compare_optimized(base, {shipped()[1], unreachable},
                                          zbb::optimize_objective::least_cost);
    REQUIRE(c.columns.size() == 3);
    CHECK(c.columns[0].ok());
    CHECK(c.columns[1].ok());
    CHECK(c.columns[2].status == "infeasible");
    CHECK(!c.columns[2].result);
    CHECK(!c.columns[2].change);
    const auto own = zbb::least_cost(zbb::apply_variant(base, shipped()[1]));
    CHECK(own.budget->total == c.columns[1].result->total);
    CHECK(c.columns[1].goals_reached == c.columns[1].attainment.size());
    const auto json = nlohmann::json::parse(zbb::compare_report_json(c));
    CHECK(json["variants"]["unreachable"]["total"].is_null());
    CHECK(json["variants"]["unreachable"]["by_goal"].is_null());
    CHECK(zbb::compare_report_csv(c).find("unreachable,total,,,\n") != std::string::npos);
}

TEST_CASE("compare: columns made elsewhere (zbb-column/1) give the comparison made in one process",
          "[variants][compare][state]") {
    const linked_model base(example());
    const auto unreachable =
        parse(R"({"set": "goal.target", "id": "G-friendly", "value": 100000})", "unreachable");
    std::vector<zbb::variant> variants = shipped();
    variants.push_back(unreachable);
    for (const char* reference : {"base", "insurer-split"}) {
        const auto options = reference_to(reference);
        const auto here = zbb::compare_optimized(base, variants,
                                                 zbb::optimize_objective::least_cost, {}, options);
        // Each column made on its own, through its bytes, as a worker would.
        std::vector<zbb::compare_column> columns;
        std::vector<std::string> states;
        for (std::size_t i = 0; i <= variants.size(); ++i) {
            const linked_model m = i == 0 ? base : zbb::apply_variant(base, variants[i - 1]);
            auto col = zbb::make_compare_column(
                i == 0 ? "base" : variants[i - 1].name, m,
                zbb::outcome_of(zbb::optimize(m, zbb::optimize_objective::least_cost)));
            states.push_back(zbb::column_state(col));
            columns.push_back(zbb::column_from_state(states.back(), base));
        }
        CHECK(zbb::column_state(columns[1]) == states[1]);  // nothing lost on the way
        const auto there = zbb::assemble_comparison(base, std::move(columns), options);
        CHECK(zbb::compare_report_json(there) == zbb::compare_report_json(here));
        CHECK(zbb::compare_report_csv(there) == zbb::compare_report_csv(here));
        CHECK(zbb::compare_report_text(there) == zbb::compare_report_text(here));
        REQUIRE(there.columns.size() == 5);
        CHECK(there.columns[4].status == "infeasible");
        CHECK(!there.columns[4].result);
    }
}

TEST_CASE("compare: bytes that are not a column are refused", "[variants][compare][state]") {
    const linked_model base(example());
    const auto col = zbb::make_compare_column("v", base, {"ok", "", zbb::compute_budget(base)});
    const std::string good = zbb::column_state(col);
    REQUIRE(zbb::column_from_state(good, base).result->total == col.result->total);
    // Every truncation, and a byte too many.
    for (std::size_t n = 0; n < good.size(); n += 7)
        CHECK(refusal<zbb::model_error>([&] {
                  (void)zbb::column_from_state(good.substr(0, n), base);
              }).find("not a column of a comparison (zbb-column/1)") != std::string::npos);
    CHECK(refusal<zbb::model_error>([&] { (void)zbb::column_from_state(good + "x", base); }) ==
          "variant 'v', field 'state': not a column of a comparison (zbb-column/1): bytes after "
          "the column");
    // An amount changed by one cent (its value with it): the breakdown no longer sums to the total.
    auto cent = col;
    cent.result->by_goal.amounts[0] += zbb::money::from_minor(1);
    cent.result->by_goal.values[0] =
        static_cast<double>(cent.result->by_goal.amounts[0].minor_units());
    const std::string off = zbb::column_state(cent);
    // magic, version, name "v", status "ok", message "", has budget, total, total value, count
    const std::size_t version_bytes = 8 + std::strlen(zbb::version);
    const std::size_t first_sign = 13 + version_bytes + (8 + 1) + (8 + 2) + 8 + 8 + 17 + 8 + 8;
    const std::size_t first_amount = first_sign + 1;
    CHECK(refusal<zbb::model_error>([&] { (void)zbb::column_from_state(off, base); }) ==
          "variant 'v', field 'state': not a column of a comparison (zbb-column/1): a breakdown "
          "that does not sum to the total");
    // An amount beyond 2^53 minor units (a budget never has one): the high word set.
    std::string huge = good;
    huge[first_amount + 8] = '\1';
    CHECK(refusal<zbb::model_error>([&] { (void)zbb::column_from_state(huge, base); }) ==
          "variant 'v', field 'state': not a column of a comparison (zbb-column/1): an amount "
          "beyond 2^53 minor units");
    // A zero written as minus zero; a computed value far from its amount; another zbb's bytes.
    {
        auto zero = col;
        auto& br = zero.result->by_goal;
        br.amounts[1] += br.amounts[0];
        br.values[1] += br.values[0];
        br.amounts[0] = zbb::money{};
        br.values[0] = 0;
        std::string bytes = zbb::column_state(zero);
        REQUIRE(zbb::column_from_state(bytes, base).result->by_goal.amounts[0] == zbb::money{});
        bytes[first_sign] = '\1';
        CHECK(refusal<zbb::model_error>([&] {
                  (void)zbb::column_from_state(bytes, base);
              }).find("a malformed amount") != std::string::npos);
        std::string far = good;
        const double v = 1e300;
        std::memcpy(&far[first_amount + 16], &v, sizeof v);
        CHECK(refusal<zbb::model_error>([&] {
                  (void)zbb::column_from_state(far, base);
              }).find("an amount beyond its computed value") != std::string::npos);
        std::string other = good;
        other.replace(13 + 8, std::strlen(zbb::version),
                      std::string(std::strlen(zbb::version), '9'));
        CHECK(refusal<zbb::model_error>([&] {
                  (void)zbb::column_from_state(other, base);
              }).find("every worker of a comparison must run the same zbb") != std::string::npos);
    }
    // Attainments outside [0, 1], more goals reached than goals, a value that is not finite.
    for (int k = 0; k < 3; ++k) {
        auto bad = col;
        if (k == 0) bad.attainment[0] = 1.5;
        if (k == 1) bad.goals_reached = bad.attainment.size() + 1;
        if (k == 2) bad.weighted_attainment = std::numeric_limits<double>::quiet_NaN();
        const std::string message = refusal<zbb::model_error>(
            [&] { (void)zbb::column_from_state(zbb::column_state(bad), base); });
        CHECK_THAT(message, Catch::Contains(k == 0   ? "an attainment outside [0, 1]"
                                            : k == 1 ? "more goals reached than goals"
                                                     : "a value that is not finite"));
    }
    // Another model's column: other lines.
    const linked_model small(zbb::read_model_file(root + "/tests/cli/models/small.json"));
    CHECK(refusal<zbb::model_error>([&] {
              (void)zbb::column_from_state(good, small);
          }).find("other lines than the model's") != std::string::npos);
    // A status of ok without a budget, a budget beside another status, a wrong header.
    for (const auto& [status, has] : {std::pair<std::string, int>{"ok", 0}, {"infeasible", 1}}) {
        std::string lie(zbb::detail::column_state_magic);
        zbb::detail::state_writer w(lie);
        w.text(zbb::version);
        w.text("w");
        w.text(status);
        w.text("");
        w.u64(static_cast<std::uint64_t>(has));
        CHECK(refusal<zbb::model_error>([&] { (void)zbb::column_from_state(lie, base); }) ==
              "variant 'w', field 'state': not a column of a comparison (zbb-column/1): a "
              "status of '" +
                  status + "' " + (has ? "with" : "without") + " a budget");
    }
    CHECK(refusal<zbb::model_error>([&] {
              (void)zbb::column_from_state("zbb-column/2\n", base);
          }).find("wrong header") != std::string::npos);
    // Assembling: the first column is the base's, names are unique.
    {
        std::vector<zbb::compare_column> two{zbb::column_from_state(good, base),
                                             zbb::column_from_state(good, base)};
        CHECK(refusal<zbb::model_error>([&] { (void)zbb::assemble_comparison(base, two); }) ==
              "variant 'v', field 'name': the first column of a comparison is the base model's, "
              "named \"base\"");
        two[0].name = "base";
        two[1].name = "base";
        CHECK(refusal<zbb::model_error>([&] {
                  (void)zbb::assemble_comparison(base, two);
              }).find("a name other than \"base\"") != std::string::npos);
        std::vector<zbb::compare_column> three{two[0], zbb::column_from_state(good, base),
                                               zbb::column_from_state(good, base)};
        CHECK(refusal<zbb::model_error>([&] { (void)zbb::assemble_comparison(base, three); }) ==
              "variant 'v', field 'name': two columns have this name; names in a comparison must "
              "be unique");
    }
    // Assembling: a reference that is no column.
    std::vector<zbb::compare_column> cols{zbb::column_from_state(good, base)};
    cols[0].name = "base";
    CHECK(refusal<zbb::model_error>([&] {
              (void)zbb::assemble_comparison(base, cols, reference_to("nope"));
          }) == "option, field 'reference': unknown column 'nope'; use one of base");
}

TEST_CASE("compare: the first failing column in order raises, whether applying or computing",
          "[variants][compare]") {
    const linked_model base(example());
    // "big" applies but its cost overflows; "unknown" does not apply. Columns are made in order,
    // so "big"'s error comes first, as on an executor (bindings, compare_column_states).
    const auto big =
        parse(R"({"set": "resource.price", "id": "R-cm", "value": "90071992547409.91"})", "big");
    const auto unknown = parse(R"({"set": "goal.target", "id": "G-nope", "value": 1})", "unknown");
    CHECK(refusal<zbb::money_overflow>([&] {
              (void)zbb::compare_budgets(base, {big, unknown});
          })
              .rfind("variant 'big': activity 'A-case', field 'cost': computed amount exceeds 2^53",
                     0) == 0);
    CHECK(refusal<zbb::model_error>([&] {
              (void)zbb::compare_budgets(base, {unknown, big});
          }).rfind("variant 'unknown', changes[0] (goal.target): goal 'G-nope'", 0) == 0);
}

// Areas: the by_area breakdown, the goal x area table and the roll-up of nested areas, by hand and
// as properties over generated models; every refused area named by id and field.
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "area_model.hpp"
#include "generate.hpp"
#include "zbb/zbb.hpp"

using Catch::Matchers::Contains;
using zbb::decimal;

namespace {

zbb::money eur(const char* text) {
    return zbb::money::from_minor(decimal::parse(text, {}).units_at_scale(2));
}

// Hand-computed on zbb_test::support_area_model() (area_model.hpp: u_A1 = 15, u_A2 = 25, A1 in
// N1, N1 and N2 in D). Goal G1 lies in D; the plan row G2 -> A2 names N2.
//   G1 -> A1 10 x 15 = 150 in N1 (the activity's area)
//   G1 -> A2  5 x 25 = 125 in D  (A2 has none: the goal's)
//   G2 -> A2  3 x 25 =  75 in N2 (the plan row's)
//   G2 -> A1  4 x 15 =  60 in N1
// Total 410 = 14 x 10 + 8 x 20 + 11 x 10 (x = (14, 8, 11)). "(no area)" is a key (S and A2 lack
// an area, and so does G2) with 0.
zbb::model area_model() {
    zbb::model m = zbb_test::support_area_model();
    m.goals = {{"G1", "", "", 0, 10, 1, "D"}, {"G2", "", "", 0, 10, 1, ""}};
    m.plan.rows = {
        {"G1", "A1", 10, ""}, {"G1", "A2", 5, ""}, {"G2", "A2", 3, "N2"}, {"G2", "A1", 4, ""}};
    return m;
}

zbb::money amount_of(const zbb::breakdown& b, const std::string& key) {
    for (std::size_t i = 0; i < b.keys.size(); ++i)
        if (b.keys[i] == key) return b.amounts[i];
    FAIL("no key " << key);
    return {};
}

}  // namespace

TEST_CASE("by_area: each plan entry's full cost in its pair's area, by hand", "[areas]") {
    const zbb::linked_model lm(area_model());
    REQUIRE(lm.has_areas());
    const auto b = zbb::compute_budget(lm);
    CHECK(b.total == eur("410"));
    REQUIRE(b.by_area.keys.size() == 4);
    CHECK(b.by_area.keys[3] == std::string("(no area)"));
    CHECK(amount_of(b.by_area, "D") == eur("125"));
    CHECK(amount_of(b.by_area, "N1") == eur("210"));
    CHECK(amount_of(b.by_area, "N2") == eur("75"));
    CHECK(amount_of(b.by_area, "(no area)") == eur("0"));

    const auto with_sub = zbb::area_amounts_with_sub_areas(lm, b);
    CHECK(with_sub[0] == eur("410"));  // D includes N1 and N2
    CHECK(with_sub[1] == eur("210"));
    CHECK(with_sub[2] == eur("75"));

    const auto t = zbb::compute_goal_area_table(lm, b);
    CHECK(t.kind == "area");
    CHECK(t.amount(0, 0) == eur("125"));
    CHECK(t.amount(0, 1) == eur("150"));
    CHECK(t.amount(0, 2) == eur("0"));
    CHECK(t.amount(1, 1) == eur("60"));
    CHECK(t.amount(1, 2) == eur("75"));
    CHECK(t.off_bound == 0);

    // The other breakdowns do not depend on areas: the same model without them gives the same.
    auto plain = area_model();
    plain.areas.clear();
    for (auto& g : plain.goals) g.area.clear();
    for (auto& a : plain.activities) a.area.clear();
    for (auto& r : plain.plan.rows) r.area.clear();
    const zbb::linked_model lp(plain);
    CHECK_FALSE(lp.has_areas());
    const auto bp = zbb::compute_budget(lp);
    CHECK(bp.by_area.keys.size() == 0);
    CHECK(bp.by_area.amounts.empty());
    CHECK(bp.total == b.total);
    CHECK(bp.by_goal.amounts == b.by_goal.amounts);
    CHECK(bp.by_activity.amounts == b.by_activity.amounts);
    CHECK(bp.by_partner.amounts == b.by_partner.amounts);
    CHECK_THROWS_AS(zbb::compute_goal_area_table(lp, bp), std::invalid_argument);
}

TEST_CASE("reports show areas only when the model has them", "[areas]") {
    const zbb::linked_model lm(area_model());
    const auto b = zbb::compute_budget(lm);
    const auto json = zbb::budget_report_json(lm, b);
    CHECK_THAT(json, Contains("\"by_area\": {\n    \"D\": \"125.00\",\n    \"N1\": \"210.00\""));
    CHECK_THAT(json, Contains("\"by_area_including_sub_areas\": {\n    \"D\": \"410.00\""));
    const auto csv = zbb::budget_report_csv(lm, b);
    CHECK_THAT(csv, Contains("area,N2,75.00\narea,(no area),0.00\n"));
    const auto text = zbb::budget_report_text(lm, b);
    CHECK_THAT(text, Contains("Cost by area"));
    CHECK_THAT(text, Contains("incl. sub-areas"));

    auto plain =
        zbb::read_model_file(std::string(ZBB_SOURCE_DIR) + "/examples/dementia-friendly.json");
    const zbb::linked_model lp(plain);
    const auto bp = zbb::compute_budget(lp);
    CHECK_THAT(zbb::budget_report_json(lp, bp), !Contains("by_area"));
    CHECK_THAT(zbb::budget_report_csv(lp, bp), !Contains("\narea,"));
    CHECK_THAT(zbb::budget_report_text(lp, bp), !Contains("Cost by area"));
}

TEST_CASE("the areas example: the built-in example with its walk-in points in their areas",
          "[areas]") {
    const std::string dir = std::string(ZBB_SOURCE_DIR) + "/examples/";
    const zbb::linked_model base(zbb::read_model_file(dir + "dementia-friendly.json"));
    const zbb::linked_model lm(zbb::read_model_file(dir + "dementia-friendly-areas.json"));
    const auto b0 = zbb::compute_budget(base);
    const auto b = zbb::compute_budget(lm);
    CHECK(b.total == b0.total);
    CHECK(b.by_goal.amounts == b0.by_goal.amounts);
    CHECK(b.by_activity.amounts == b0.by_activity.amounts);
    // Each walk-in point's area holds the full cost of its plan entries (own cost plus its share
    // of support), which is at least its own cost.
    const auto& acts = lm.view().activities;
    for (std::size_t a = 0; a < acts.size(); ++a)
        if (!acts[a].area.empty())
            CHECK(amount_of(b.by_area, acts[a].area) >= b.by_activity.amounts[a]);
    zbb::money sum;
    for (const auto& m : b.by_area.amounts) sum += m;
    CHECK(sum == b.total);
    // The model round-trips through JSON with its areas.
    const auto again = zbb::read_model_json(zbb::write_model_json(lm.source()));
    REQUIRE(again.areas.size() == lm.view().areas.size());
    CHECK(again.areas[1].parent == "D-zutphen");
    CHECK(zbb::compute_budget(zbb::linked_model(again)).by_area.amounts == b.by_area.amounts);
}

TEST_CASE("by_area and goal x area cross-foot on generated models", "[areas][property]") {
    std::mt19937_64 rng(20261203);
    for (int round = 0; round < 40; ++round) {
        zbb_test::gen_sizes n;
        n.goals = 2 + round % 5;
        n.activities = 6 + round % 17;
        auto m = zbb_test::generate_model(rng, n);
        const auto plain_budget = zbb::compute_budget(zbb::linked_model(m));
        std::uniform_int_distribution<int> pick(-1, 4);
        for (int k = 0; k < 5; ++k)
            m.areas.push_back({zbb_test::id('Z', k), "", k >= 2 ? zbb_test::id('Z', k % 2) : ""});
        auto area_or_none = [&] {
            const int k = pick(rng);
            return k < 0 ? std::string() : zbb_test::id('Z', k);
        };
        for (auto& g : m.goals) g.area = area_or_none();
        for (auto& a : m.activities) a.area = area_or_none();
        for (auto& r : m.plan.rows) r.area = area_or_none();
        const zbb::linked_model lm(m);
        const auto b = zbb::compute_budget(lm);
        CHECK(b.total == plain_budget.total);
        CHECK(b.by_goal.amounts == plain_budget.by_goal.amounts);
        zbb::money sum;
        for (std::size_t k = 0; k < b.by_area.amounts.size(); ++k) {
            sum += b.by_area.amounts[k];
            CHECK(std::fabs(static_cast<double>(b.by_area.amounts[k].minor_units()) -
                            b.by_area.values[k]) < 1.0);
        }
        CHECK(sum == b.total);
        const auto t = zbb::compute_goal_area_table(lm, b);
        std::vector<zbb::money> col(b.by_area.amounts.size());
        for (std::size_t g = 0; g < t.rows.size(); ++g) {
            zbb::money row;
            for (const auto& c : t.rows[g]) {
                row += c.amount;
                col[c.column] += c.amount;
            }
            CHECK(row == b.by_goal.amounts[g]);
        }
        CHECK(col == b.by_area.amounts);
        // Top-level areas and "(no area)" with their sub-areas sum to the total again.
        const auto with_sub = zbb::area_amounts_with_sub_areas(lm, b);
        zbb::money top;
        for (std::size_t k = 0; k < with_sub.size(); ++k)
            if (k >= lm.area_parents().size() || lm.area_parents()[k] < 0) top += with_sub[k];
        CHECK(top == b.total);
    }
}

TEST_CASE("scenario edits keep the areas of plan rows", "[areas]") {
    const zbb::linked_model lm(area_model());
    // Doubling G2 -> A2 keeps its row's area N2: N2 doubles.
    const auto edited = zbb::with_plan_volume(lm, "G2", "A2", 6);
    CHECK(amount_of(zbb::compute_budget(edited).by_area, "N2") == eur("150"));
    // A new plan without the row's area: G2 -> A2 falls back to A2 (none) and G2 (none).
    auto rows = lm.view().plan;
    rows.rows[2].area.clear();
    const auto replanned = zbb::with_plan(lm, rows);
    const auto b = zbb::compute_budget(replanned);
    CHECK(amount_of(b.by_area, "N2") == eur("0"));
    CHECK(amount_of(b.by_area, "(no area)") == eur("75"));
    CHECK_THROWS_WITH(zbb::with_plan(lm, zbb::plan{{{"G1", "A1", 1, "nowhere"}}}),
                      Contains("plan 'G1 -> A1', field 'area': unknown area 'nowhere'"));
}

TEST_CASE("bad areas are refused naming the id and field", "[areas][errors]") {
    auto refused = [](auto change, const std::string& message) {
        auto m = area_model();
        change(m);
        CHECK_THROWS_WITH(zbb::linked_model(m), Contains(message));
        CHECK_THROWS_AS(zbb::linked_model(m), std::invalid_argument);
    };
    refused([](zbb::model& m) { m.goals[0].area = "X"; },
            "goal 'G1', field 'area': unknown area 'X'");
    refused([](zbb::model& m) { m.activities[1].area = "X"; },
            "activity 'A2', field 'area': unknown area 'X'");
    refused([](zbb::model& m) { m.plan.rows[0].area = "X"; },
            "plan 'G1 -> A1', field 'area': unknown area 'X'");
    refused([](zbb::model& m) { m.areas[1].parent = "X"; },
            "area 'N1', field 'parent': unknown area 'X'");
    refused([](zbb::model& m) { m.areas[0].parent = "N2"; },
            "area 'D', field 'parent': areas nest in a circle: D -> N2 -> D");
    refused([](zbb::model& m) { m.areas[0].parent = "D"; },
            "area 'D', field 'parent': areas nest in a circle: D -> D");
    refused(
        [](zbb::model& m) {
            m.areas.push_back({"N1", "", ""});
        },
        "area 'N1', field 'id': duplicate id");
    refused([](zbb::model& m) { m.areas.push_back({"", "", ""}); }, "area, field 'id': empty id");
    refused(
        [](zbb::model& m) {
            m.areas.push_back({"(no area)", "", ""});
        },
        "area '(no area)', field 'id': is reserved");
    // "(no area)" is a key of by_area, never an area a row can name.
    refused([](zbb::model& m) { m.goals[1].area = "(no area)"; },
            "goal 'G2', field 'area': unknown area '(no area)'");
    // A model without areas refuses any area.
    refused(
        [](zbb::model& m) {
            m.areas.clear();
            m.goals[0].area.clear();
            m.activities[0].area.clear();
            m.plan.rows[2].area.clear();
            m.activities[1].area = "N1";
        },
        "activity 'A2', field 'area': unknown area 'N1'");
    // In a file, an area must be text.
    CHECK_THROWS_WITH(
        zbb::read_model_json(R"({"format": "zbb-model/1", "areas": [{"id": "D", "parent": 3}]})"),
        Contains("area 'D', field 'parent'"));
    CHECK_THROWS_WITH(
        zbb::read_model_json(R"({"format": "zbb-model/1", "areas": [{"name": "no id"}]})"),
        Contains("field 'id': required field is missing"));
}

TEST_CASE("a budget CSV with area lines reads back as a prior budget", "[areas][prior]") {
    const zbb::linked_model lm(area_model());
    const auto b = zbb::compute_budget(lm);
    const auto tables = zbb::compute_goal_tables(lm, b);
    const auto prior = zbb::read_prior_csv(zbb::budget_report_csv(lm, b), "last.csv", 2);
    CHECK(prior.has_kind("area"));
    const auto c = zbb::compare_prior(lm, b, tables, prior);
    bool compared = false;
    for (const auto& k : c.kinds) {
        CHECK(k.prior_total + k.change_total == b.total);
        CHECK(k.change_total == zbb::money{});
        compared = compared || k.kind == "area";
    }
    CHECK(compared);
    CHECK_THROWS_WITH(zbb::compare_prior(lm, b, tables, prior, std::string("area")),
                      Contains("not from area lines"));
    auto plain = area_model();
    plain.areas.clear();
    plain.goals[0].area.clear();
    plain.activities[0].area.clear();
    plain.plan.rows[2].area.clear();
    const zbb::linked_model lp(plain);
    const auto bp = zbb::compute_budget(lp);
    CHECK_THROWS_WITH(
        zbb::compare_prior(lp, bp, zbb::compute_goal_tables(lp, bp), prior),
        Contains("file 'last.csv'") && Contains("has area lines but the model has no areas"));
}

TEST_CASE("a variant keeps a plan row's area on either path", "[areas][variants]") {
    auto m = zbb::read_model_file(std::string(ZBB_SOURCE_DIR) +
                                  "/examples/dementia-friendly-areas.json");
    for (auto& r : m.plan.rows)
        if (r.goal == "G-carer" && r.activity == "A-course") r.area = "N-zuidwijken";
    const zbb::linked_model base(m);
    auto expected = m;
    for (auto& r : expected.plan.rows)
        if (r.goal == "G-carer" && r.activity == "A-course") r.volume = 150;
    for (auto& e : expected.effects)
        if (e.goal == "G-carer" && e.activity == "A-course") e.per_unit = 0.3;
    const auto fast =
        zbb::apply_variant(base, zbb::read_variant_json(
                                     R"({"format": "zbb-variant/1", "name": "v", "changes": [
                       {"set": "plan.volume", "goal": "G-carer", "activity": "A-course", "value": 150}]})",
                                     "v.json"));
    const auto slow =
        zbb::apply_variant(base, zbb::read_variant_json(
                                     R"({"format": "zbb-variant/1", "name": "v", "changes": [
                       {"set": "plan.volume", "goal": "G-carer", "activity": "A-course", "value": 150},
                       {"set": "effects.per_unit", "goal": "G-carer", "activity": "A-course", "value": 0.3}]})",
                                     "v.json"));
    const auto want = zbb::compute_budget(zbb::linked_model(expected)).by_area.amounts;
    CHECK(zbb::compute_budget(slow).by_area.amounts == want);
    CHECK(amount_of(zbb::compute_budget(fast).by_area, "N-zuidwijken") ==
          amount_of(zbb::compute_budget(slow).by_area, "N-zuidwijken"));
}

TEST_CASE("a prior budget of area lines only has no waterfall kind", "[areas][prior]") {
    const zbb::linked_model lm(area_model());
    const auto b = zbb::compute_budget(lm);
    const auto prior = zbb::read_prior_csv("kind,id,amount\narea,N1,100.00\n", "areas.csv", 2);
    CHECK_THROWS_WITH(zbb::compare_prior(lm, b, zbb::compute_goal_tables(lm, b), prior),
                      Contains("file 'areas.csv'") && Contains("has only area lines"));
}

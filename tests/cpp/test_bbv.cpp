// The BBV view (zbb/bbv.hpp, zbb/bbv_report.hpp): taakvelden, economic categories, overhead on
// 0.4 and the reconciliation with the goal view by hand; cross-footing of every table on
// generated models and every year of an estimate; every refused field named by id and field.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "generate.hpp"
#include "zbb/zbb.hpp"

using Catch::Matchers::Contains;
using zbb::decimal;

namespace {

decimal dec(const char* text) {
    return decimal::parse(text, {});
}
std::string cents(const zbb::money& m) {
    return m.to_string(2);
}

// A (6.1) uses 2 staff hours at 50.00 (Iv3 1.1) and 1 material unit at 10.00 (Iv3 3.8); B (7.1)
// 1 material unit; M (management, a support activity without taakveld: 0.4) 1 staff hour and
// supports A with 0.1 and B with 0.2 per unit. Plan: G1 -> A 100, G2 -> B 50; G1 in programme
// P1, G2 in P2. Volumes A 100, B 50, M 0.1 x 100 + 0.2 x 50 = 20.
//   own cost: A 100 x 110.00 = 11,000.00, B 50 x 10.00 = 500.00, M 20 x 50.00 = 1,000.00
//   taakvelden: 0.4 1,000.00, 6.1 11,000.00, 7.1 500.00; total 12,500.00
//   categories: 1.1 (200 + 20) x 50.00 = 11,000.00; 3.8 (100 + 50) x 10.00 = 1,500.00
//   full unit cost u_M = 50, u_A = 110 + 0.1 x 50 = 115, u_B = 10 + 0.2 x 50 = 20:
//   G1 100 x 115 = 11,500.00 (6.1 11,000.00, 0.4 10 x 50 = 500.00), G2 1,000.00 (7.1 500.00,
//   0.4 500.00)
zbb::model hand_model() {
    zbb::model m;
    m.name = "bbv by hand";
    m.programmes = {{"P1", "Zorg"}, {"P2", "Milieu"}};
    m.goals = {{"G1", "", "", 0, 10, 1, ""}, {"G2", "", "", 0, 10, 1, ""}};
    m.goals[0].programme = "P1";
    m.goals[1].programme = "P2";
    m.activities = {{"A", "", "", "P", 0, std::nullopt, {}, ""},
                    {"B", "", "", "P", 0, std::nullopt, {}, ""},
                    {"M", "", "", "P", 0, std::nullopt, {}, ""}};
    m.activities[0].taakveld = "6.1";
    m.activities[1].taakveld = "7.1";
    m.resources = {{"R-staff", "", "hour", dec("50.00"), "personnel", std::nullopt, {}, {}},
                   {"R-mat", "", "unit", dec("10.00"), "material", std::nullopt, {}, {}}};
    m.resources[0].economic_category = "1.1";
    m.resources[1].economic_category = "3.8";
    m.partners = {{"P", ""}};
    m.effects = {{"G1", "A", 0.1, std::nullopt, std::nullopt},
                 {"G2", "B", 0.1, std::nullopt, std::nullopt}};
    m.consumption = {{"A", "R-staff", 2, std::nullopt, std::nullopt},
                     {"A", "R-mat", 1, std::nullopt, std::nullopt},
                     {"B", "R-mat", 1, std::nullopt, std::nullopt},
                     {"M", "R-staff", 1, std::nullopt, std::nullopt}};
    m.support = {{"M", "A", 0.1, std::nullopt, std::nullopt},
                 {"M", "B", 0.2, std::nullopt, std::nullopt}};
    m.plan.rows = {{"G1", "A", 100, ""}, {"G2", "B", 50, ""}};
    return m;
}

template <class Change>
void refused(Change&& change, const char* entity, const char* id, const char* field,
             const char* words) {
    zbb::model m = hand_model();
    change(m);
    try {
        zbb::linked_model lm(m);
        FAIL("accepted");
    } catch (const zbb::model_error& e) {
        CHECK(e.where().entity == entity);
        CHECK(e.where().id == id);
        CHECK(e.where().field == field);
        CHECK_THAT(e.what(), Contains(words));
    }
}

// Every table of the view cross-foots with the budget.
void check_cross_foots(const zbb::linked_model& lm, const zbb::budget& b, const zbb::bbv_view& v) {
    zbb::money sum{};
    for (const auto& m : v.by_taakveld.amounts) sum += m;
    REQUIRE(sum == b.total);
    sum = {};
    for (const auto& m : v.by_economic_category.amounts) sum += m;
    REQUIRE(sum == b.total);
    // by_taakveld = by_activity summed per taakveld; by_economic_category likewise by resource.
    std::vector<zbb::money> per_taakveld(v.by_taakveld.keys.size());
    for (std::size_t a = 0; a < b.by_activity.amounts.size(); ++a)
        per_taakveld[static_cast<std::size_t>(v.activity_taakveld[a])] += b.by_activity.amounts[a];
    REQUIRE(per_taakveld == v.by_taakveld.amounts);
    const auto& res = lm.view().resources;
    for (std::size_t e = 0; e < v.by_economic_category.keys.size(); ++e) {
        zbb::money s{};
        for (std::size_t r = 0; r < res.size(); ++r)
            if (res[r].economic_category == v.by_economic_category.keys[e])
                s += b.by_resource.amounts[r];
        REQUIRE(s == v.by_economic_category.amounts[e]);
    }
    const auto& tc = v.taakveld_category;
    for (std::size_t t = 0; t < tc.rows.size(); ++t)
        REQUIRE(tc.row_sum(t) == v.by_taakveld.amounts[t]);
    for (std::size_t c = 0; c < tc.columns.size(); ++c)
        REQUIRE(tc.column_sum(c) == v.by_economic_category.amounts[c]);
    const auto& gt = v.goal_taakveld;
    std::vector<zbb::money> col(gt.columns.size());
    for (std::size_t g = 0; g < gt.rows.size(); ++g) {
        zbb::money row{};
        for (const auto& c : gt.rows[g]) {
            row += c.amount;
            col[c.column] += c.amount;
        }
        REQUIRE(row == b.by_goal.amounts[g]);
    }
    REQUIRE(col == v.by_taakveld.amounts);
    if (gt.off_bound == 0)  // every cell the floor or ceiling of its value
        for (const auto& row : gt.rows)
            for (const auto& c : row) {
                const double minor = static_cast<double>(c.amount.minor_units());
                REQUIRE(minor >= std::floor(c.value) - 1e-6);
                REQUIRE(minor <= std::ceil(c.value) + 1e-6);
            }
    if (lm.has_programmes()) {
        const auto& pt = v.programme_taakveld;
        zbb::money all{};
        for (std::size_t p = 0; p < pt.rows.size(); ++p) {
            zbb::money goals{};
            for (std::size_t g = 0; g < gt.rows.size(); ++g)
                if (lm.view().goals[g].programme == pt.rows[p]) goals += b.by_goal.amounts[g];
            const auto a = v.programme(p);
            REQUIRE(a.full_cost == goals);
            REQUIRE(a.programme_costs + a.overhead == a.full_cost);
            all += a.full_cost;
        }
        REQUIRE(all == b.total);
        for (std::size_t t = 0; t < pt.columns.size(); ++t)
            REQUIRE(pt.column_sum(t) == v.by_taakveld.amounts[t]);
    }
}

}  // namespace

TEST_CASE("bbv: taakvelden, categories, overhead and the reconciliation by hand", "[bbv]") {
    const zbb::linked_model lm(hand_model());
    REQUIRE(lm.has_bbv());
    const auto b = zbb::compute_budget(lm);
    REQUIRE(cents(b.total) == "12500.00");
    const auto v = zbb::compute_bbv(lm, b);
    REQUIRE(v.by_taakveld.keys.ids() == std::vector<std::string>{"0.4", "6.1", "7.1"});
    CHECK(cents(v.by_taakveld.amounts[0]) == "1000.00");
    CHECK(cents(v.by_taakveld.amounts[1]) == "11000.00");
    CHECK(cents(v.by_taakveld.amounts[2]) == "500.00");
    REQUIRE(v.overhead == 0);
    REQUIRE(v.by_economic_category.keys.ids() == std::vector<std::string>{"1.1", "3.8"});
    CHECK(cents(v.by_economic_category.amounts[0]) == "11000.00");
    CHECK(cents(v.by_economic_category.amounts[1]) == "1500.00");
    const auto& tc = v.taakveld_category;
    CHECK(cents(tc.at(0, 0)) == "1000.00");
    CHECK(cents(tc.at(0, 1)) == "0.00");
    CHECK(cents(tc.at(1, 0)) == "10000.00");
    CHECK(cents(tc.at(1, 1)) == "1000.00");
    CHECK(cents(tc.at(2, 0)) == "0.00");
    CHECK(cents(tc.at(2, 1)) == "500.00");
    CHECK(cents(v.goal_taakveld.amount(0, 0)) == "500.00");
    CHECK(cents(v.goal_taakveld.amount(0, 1)) == "11000.00");
    CHECK(cents(v.goal_taakveld.amount(0, 2)) == "0.00");
    CHECK(cents(v.goal_taakveld.amount(1, 0)) == "500.00");
    CHECK(cents(v.goal_taakveld.amount(1, 2)) == "500.00");
    const auto p1 = v.programme(0), p2 = v.programme(1);
    CHECK(cents(p1.programme_costs) == "11000.00");
    CHECK(cents(p1.overhead) == "500.00");
    CHECK(cents(p1.full_cost) == "11500.00");
    CHECK(cents(p2.programme_costs) == "500.00");
    CHECK(cents(p2.overhead) == "500.00");
    CHECK(cents(p2.full_cost) == "1000.00");
    check_cross_foots(lm, b, v);
}

TEST_CASE("bbv: a support activity may name its own taakveld", "[bbv]") {
    auto m = hand_model();
    m.activities[2].taakveld = "0.3";
    const zbb::linked_model lm(m);
    const auto b = zbb::compute_budget(lm);
    const auto v = zbb::compute_bbv(lm, b);
    REQUIRE(v.by_taakveld.keys.ids() == std::vector<std::string>{"0.3", "6.1", "7.1"});
    CHECK(v.overhead == -1);
    CHECK(cents(v.programme(0).overhead) == "0.00");
    check_cross_foots(lm, b, v);
}

TEST_CASE("bbv: a support activity whose coefficients are 0 stays on 0.4", "[bbv]") {
    auto m = hand_model();
    for (auto& s : m.support) s.per_unit = 0;  // as a variant may set them
    const zbb::linked_model lm(m);
    const auto b = zbb::compute_budget(lm);
    const auto v = zbb::compute_bbv(lm, b);
    REQUIRE(v.by_taakveld.keys.ids() == std::vector<std::string>{"0.4", "6.1", "7.1"});
    CHECK(cents(v.by_taakveld.amounts[0]) == "0.00");
    check_cross_foots(lm, b, v);
}

TEST_CASE("bbv: names with line breaks stay on their line of the programme report", "[bbv]") {
    auto m = hand_model();
    m.programmes[0].name = "Zorg\n# not a heading";
    const zbb::linked_model lm(m);
    const auto md = zbb::programme_report_markdown(lm, zbb::compute_bbv_estimate(lm));
    CHECK_THAT(md, !Contains("\n# not a heading"));
    CHECK_THAT(md, Contains("## Programme P1: Zorg"));
}

TEST_CASE("bbv: zbb budget --by taakveld's JSON margin is the BBV view's by_taakveld", "[bbv]") {
    const zbb::linked_model lm(hand_model());
    const auto b = zbb::compute_budget(lm);
    const auto v = zbb::compute_bbv(lm, b);
    const auto j = nlohmann::json::parse(zbb::goal_table_json(lm, b, v.goal_taakveld));
    REQUIRE(j["columns"] == "taakveld");
    REQUIRE(j["by_taakveld"] ==
            nlohmann::json({{"0.4", "1000.00"}, {"6.1", "11000.00"}, {"7.1", "500.00"}}));
    REQUIRE(j["cells"]["G2"]["0.4"] == "500.00");
}

TEST_CASE("bbv: a model without BBV fields is unchanged and has no BBV view", "[bbv]") {
    auto m = hand_model();
    for (auto& a : m.activities) a.taakveld.clear();
    for (auto& r : m.resources) r.economic_category.clear();
    m.programmes.clear();
    for (auto& g : m.goals) g.programme.clear();
    const zbb::linked_model plain(m), with(hand_model());
    REQUIRE_FALSE(plain.has_bbv());
    const auto b = zbb::compute_budget(plain), bw = zbb::compute_budget(with);
    REQUIRE(b.total == bw.total);
    REQUIRE(b.by_goal.amounts == bw.by_goal.amounts);
    REQUIRE(zbb::budget_report_json(plain, b) == zbb::budget_report_json(with, bw));
    try {
        (void)zbb::compute_bbv(plain, b);
        FAIL("accepted");
    } catch (const zbb::model_error& e) {
        CHECK(e.where().entity == "model");
        CHECK(e.where().field == "taakveld");
    }
    REQUIRE_THROWS_AS(zbb::compute_bbv_estimate(plain), zbb::model_error);
}

TEST_CASE("bbv: bad codes and missing mappings are refused naming id and field", "[bbv][errors]") {
    refused([](zbb::model& m) { m.activities[0].taakveld = "9.9"; }, "activity", "A", "taakveld",
            "unknown taakveld '9.9'");
    refused([](zbb::model& m) { m.activities[0].taakveld = "6.1 "; }, "activity", "A", "taakveld",
            "unknown taakveld");
    refused([](zbb::model& m) { m.activities[1].taakveld.clear(); }, "activity", "B", "taakveld",
            "missing");
    refused([](zbb::model& m) { m.resources[1].economic_category = "3.9"; }, "resource", "R-mat",
            "economic_category", "unknown economic category '3.9'");
    refused([](zbb::model& m) { m.resources[0].economic_category.clear(); }, "resource", "R-staff",
            "economic_category", "missing");
    refused([](zbb::model& m) { m.goals[1].programme = "P9"; }, "goal", "G2", "programme",
            "unknown programme 'P9'");
    refused([](zbb::model& m) { m.goals[0].programme.clear(); }, "goal", "G1", "programme",
            "missing");
    refused(
        [](zbb::model& m) {
            m.goals[0].programme = "P2";
            m.programmes[0].id = "P2";
        },
        "programme", "P2", "id", "duplicate");
    // A code alone already makes the model book on taakvelden.
    refused(
        [](zbb::model& m) {
            for (auto& a : m.activities) a.taakveld.clear();
            m.resources[1].economic_category.clear();
        },
        "activity", "A", "taakveld", "missing");
}

TEST_CASE("bbv: the code lists are the BBV's", "[bbv]") {
    REQUIRE(zbb::taakvelden.size() == 53);
    CHECK(zbb::taakvelden.front().code == "0.1");
    CHECK(zbb::taakvelden.back().code == "8.3");
    CHECK(zbb::bbv_name(zbb::taakvelden, "0.4") == "Overhead");
    CHECK(zbb::bbv_name(zbb::economic_categories, "1.1") == "Salarissen en sociale lasten");
    for (std::size_t i = 0; i < zbb::taakvelden.size(); ++i)
        CHECK(zbb::bbv_code_index(zbb::taakvelden, zbb::taakvelden[i].code) ==
              static_cast<int>(i));  // no code twice
    for (std::size_t i = 0; i < zbb::economic_categories.size(); ++i)
        CHECK(zbb::bbv_code_index(zbb::economic_categories, zbb::economic_categories[i].code) ==
              static_cast<int>(i));
}

TEST_CASE("bbv: the fields survive the model file", "[bbv][io]") {
    const auto m = hand_model();
    const auto back = zbb::read_model_json(zbb::write_model_json(m));
    REQUIRE(back.programmes.size() == 2);
    CHECK(back.programmes[1].name == "Milieu");
    CHECK(back.goals[1].programme == "P2");
    CHECK(back.activities[0].taakveld == "6.1");
    CHECK(back.activities[2].taakveld.empty());
    CHECK(back.resources[1].economic_category == "3.8");
    CHECK(zbb::write_model_json(back) == zbb::write_model_json(m));
}

TEST_CASE("bbv: generated models cross-foot in every table", "[bbv][property]") {
    std::mt19937_64 rng(20261204);
    for (int round = 0; round < 40; ++round) {
        zbb_test::gen_sizes n;
        n.goals = 2 + round % 5;
        n.activities = 6 + round % 17;
        n.resources = 2 + round % 7;
        auto m = zbb_test::generate_model(rng, n);
        std::uniform_int_distribution<std::size_t> tv(0, zbb::taakvelden.size() - 1),
            ec(0, zbb::economic_categories.size() - 1);
        std::bernoulli_distribution coin(0.5);
        // Activities on random taakvelden; suppliers keep the default (0.4) half of the time.
        std::vector<char> supplies(m.activities.size(), 0);
        for (const auto& s : m.support)
            for (std::size_t a = 0; a < m.activities.size(); ++a)
                if (m.activities[a].id == s.supplier && s.per_unit != 0) supplies[a] = 1;
        for (std::size_t a = 0; a < m.activities.size(); ++a)
            if (!supplies[a] || coin(rng))
                m.activities[a].taakveld = std::string(zbb::taakvelden[tv(rng)].code);
        for (auto& r : m.resources)
            r.economic_category = std::string(zbb::economic_categories[ec(rng)].code);
        if (round % 2 == 0) {
            m.programmes = {{"P-a", ""}, {"P-b", ""}, {"P-c", ""}};
            for (std::size_t g = 0; g < m.goals.size(); ++g)
                m.goals[g].programme = m.programmes[g % 3].id;
        }
        const zbb::linked_model lm(m);
        const auto b = zbb::compute_budget(lm);
        const auto v = zbb::compute_bbv(lm, b);
        check_cross_foots(lm, b, v);
        // The reports carry the same amounts.
        zbb::bbv_estimate e;
        e.budgets.push_back(b);
        e.views.push_back(v);
        const auto j = nlohmann::json::parse(zbb::bbv_report_json(lm, e));
        REQUIRE(j["years"][0]["total"] == cents(b.total));
        for (std::size_t t = 0; t < v.by_taakveld.keys.size(); ++t)
            REQUIRE(j["years"][0]["by_taakveld"][v.by_taakveld.keys[t]] ==
                    cents(v.by_taakveld.amounts[t]));
    }
}

TEST_CASE("bbv: every year of an estimate cross-foots and matches the multi-year budget",
          "[bbv][years]") {
    auto m = hand_model();
    zbb::multi_year y;
    y.budget_year = 2027;
    y.last_year = 2030;
    y.index_series = {
        {"wages", 2028, dec("1.031")}, {"wages", 2029, dec("1.027")}, {"wages", 2030, dec("1.02")}};
    y.indexation = {{"personnel", "wages"}};
    y.volumes = {{"G2", "B", 2029, 65}, {"G1", "A", 2030, 97.5}};
    m.years = y;
    const zbb::linked_model lm(m);
    const auto e = zbb::compute_bbv_estimate(lm);
    const auto my = zbb::compute_multi_year_budget(lm);
    REQUIRE(e.years == my.years);
    REQUIRE(e.views.size() == 4);
    for (std::size_t i = 0; i < e.views.size(); ++i) {
        REQUIRE(e.budgets[i].total == my.budgets[i].total);
        REQUIRE(e.budgets[i].by_activity.amounts == my.budgets[i].by_activity.amounts);
        check_cross_foots(zbb::year_model(lm, e.years[i]), e.budgets[i], e.views[i]);
    }
    // 2029: B 65 units: 650.00 on 7.1; 2030: A 97.5 x (2 x 50 x 1.031 x 1.027 x 1.02 + 10).
    CHECK(cents(e.views[2].by_taakveld.amounts[2]) == "650.00");
    REQUIRE(e.programme_volumes[3][0] == std::vector<std::pair<int, double>>{{0, 97.5}});

    const auto md = zbb::programme_report_markdown(lm, e);
    CHECK_THAT(md, Contains("## Programme P1: Zorg"));
    CHECK_THAT(md, Contains("### Wat willen we bereiken?"));
    CHECK_THAT(md, Contains("### Wat gaan we daarvoor doen?"));
    CHECK_THAT(md, Contains("### Wat mag het kosten?"));
    CHECK_THAT(md, Contains("| 2030 |"));
    const auto csv = zbb::bbv_report_csv(lm, e);
    CHECK_THAT(csv, Contains("2029,taakveld,7.1,,650.00\n"));
    const auto text = zbb::bbv_report_text(lm, e);
    CHECK_THAT(text, Contains("Total (BBV view)"));
}

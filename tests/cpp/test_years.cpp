// The multi-year estimate (zbb/years.hpp): indexation and year volumes by hand, the exact decimal
// arithmetic of the factors, cross-footing of every year and of the sums over generated models,
// the budget year equal to the model's own budget, and every refused field named by id and field.
#include <catch2/catch.hpp>
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

// A (primary) uses 2 staff hours at 50.00 (personnel) and 1 material unit at 10.00 (material); M
// (management) uses 1 staff hour and supports A with 0.1 per unit. Plan: G -> A 100. Years 2027 to
// 2029; wages +3 % in 2028 and +2 % in 2029; material not indexed; G -> A 110 in 2029.
//   2027: x = (100, 10):  A 100 x 110.00 = 11,000.00, M 10 x 50.00 = 500.00, total 11,500.00
//   2028: staff 51.50:    A 100 x 113.00 = 11,300.00, M 515.00, total 11,815.00
//   2029: staff 52.53, x = (110, 11): A 110 x 115.06 = 12,656.60, M 577.83, total 13,234.43
zbb::model hand_model() {
    zbb::model m;
    m.name = "years by hand";
    m.goals = {{"G", "", "", 0, 10, 1, ""}};
    m.activities = {{"A", "", "", "", 0, std::nullopt, {}, ""},
                    {"M", "", "", "", 0, std::nullopt, {}, ""}};
    m.resources = {{"R-staff", "", "hour", dec("50.00"), "personnel", std::nullopt, {}, {}},
                   {"R-mat", "", "unit", dec("10.00"), "material", std::nullopt, {}, {}}};
    m.partners = {{"P", ""}};
    m.activities[0].partner = m.activities[1].partner = "P";
    m.effects = {{"G", "A", 0.1, std::nullopt, std::nullopt}};
    m.consumption = {{"A", "R-staff", 2, std::nullopt, std::nullopt},
                     {"A", "R-mat", 1, std::nullopt, std::nullopt},
                     {"M", "R-staff", 1, std::nullopt, std::nullopt}};
    m.support = {{"M", "A", 0.1, std::nullopt, std::nullopt}};
    m.plan.rows = {{"G", "A", 100, ""}};
    zbb::multi_year y;
    y.budget_year = 2027;
    y.last_year = 2029;
    y.index_series = {{"wages", 2028, dec("1.03")}, {"wages", 2029, dec("1.02")}};
    y.indexation = {{"personnel", "wages"}};
    y.volumes = {{"G", "A", 2029, 110}};
    m.years = y;
    return m;
}

std::string cents(const zbb::money& m) {
    return m.to_string(2);
}

void check_cross_foots(const zbb::multi_year_budget& m) {
    for (const auto* kind : {"goal", "activity", "resource", "partner", "category"}) {
        zbb::money all{};
        for (std::size_t i = 0; i < m.years.size(); ++i) {
            zbb::money year{};
            for (const auto& a : zbb::multi_year_budget::kind_of(m.budgets[i], kind).amounts)
                year += a;
            REQUIRE(year == m.budgets[i].total);
        }
        for (const auto& a : m.total_of(kind).amounts) all += a;
        REQUIRE(all == m.total);
        for (std::size_t k = 0; k < m.total_of(kind).amounts.size(); ++k) {
            zbb::money sum{};
            for (const auto& b : m.budgets)
                sum += zbb::multi_year_budget::kind_of(b, kind).amounts[k];
            REQUIRE(sum == m.total_of(kind).amounts[k]);
        }
    }
    zbb::money totals{};
    for (const auto& b : m.budgets) totals += b.total;
    REQUIRE(totals == m.total);
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

}  // namespace

TEST_CASE("years: indexed prices and year volumes by hand", "[years]") {
    const zbb::linked_model lm(hand_model());
    const auto m = zbb::compute_multi_year_budget(lm);
    REQUIRE(m.years == std::vector<int>{2027, 2028, 2029});
    CHECK(cents(m.budgets[0].total) == "11500.00");
    CHECK(cents(m.budgets[1].total) == "11815.00");
    CHECK(cents(m.budgets[2].total) == "13234.43");
    CHECK(cents(m.total) == "36549.43");
    CHECK(cents(m.of(2029).by_activity.amounts[0]) == "12656.60");
    CHECK(cents(m.of(2029).by_activity.amounts[1]) == "577.83");
    // personnel, material per year
    CHECK(cents(m.budgets[1].by_category.amounts[0]) == "10815.00");
    CHECK(cents(m.budgets[2].by_category.amounts[0]) == "12134.43");
    CHECK(cents(m.budgets[2].by_category.amounts[1]) == "1100.00");
    CHECK(cents(m.by_category.amounts[1]) == "3100.00");
    CHECK(zbb::indexed_resources(lm, 2029)[0].price.text() == "52.53");
    CHECK(zbb::indexed_resources(lm, 2029)[1].price.text() == "10.00");
    CHECK(zbb::cumulative_factor(lm, "wages", 2029).text() == "1.0506");
    CHECK(zbb::cumulative_factor(lm, "wages", 2027).text() == "1");
    CHECK_THROWS_AS(m.of(2030), std::out_of_range);
    check_cross_foots(m);
}

// The hand model with a second partner Q funding 40 % of A, M's costs incidental, and the
// municipality P's income. A's own cost is structural, M's incidental:
//   2027: costs 11,000.00 + 500.00; Q 4,400.00; P 6,600.00 + 500.00; income 6,500.00 structural
//         (grant 6,000.00, levies 500.00) and 600.00 incidental: balance -100.00 and +100.00,
//         short 100.00 (incidental income never covers a structural gap)
//   2028: costs 11,300.00 + 515.00; Q 4,520.00; P 6,780.00 + 515.00; grant 7,000.00: balance
//         +220.00 and -515.00, short 295.00 (the structural surplus covers 220.00 of it)
//   2029: costs 12,656.60 + 577.83; Q 5,062.64; P 7,593.96 + 577.83; no income
zbb::model balance_model() {
    zbb::model m = hand_model();
    m.partners.push_back({"Q", "insurer"});
    m.funding = {{"A", "P", dec("0.6")}, {"A", "Q", dec("0.4")}};
    auto& y = *m.years;
    y.municipality = "P";
    y.incidental = {{"M"}};
    y.income = {{"grant", 2027, "general_grant", dec("6000.00"), "structural"},
                {"levies", 2027, "levies", dec("500"), "structural"},
                {"province", 2027, "other", dec("600.00"), "incidental"},
                {"grant", 2028, "general_grant", dec("7000.00"), "structural"}};
    return m;
}

TEST_CASE("years: the sluitend check by hand", "[years][balance]") {
    const zbb::linked_model lm(balance_model());
    const auto m = zbb::compute_multi_year_budget(lm);
    REQUIRE(m.balances.size() == 3);
    const auto& b27 = m.balances[0];
    CHECK(b27.year == 2027);
    CHECK(cents(b27.costs.structural) == "11000.00");
    CHECK(cents(b27.costs.incidental) == "500.00");
    CHECK(cents(b27.contributions.structural) == "4400.00");
    CHECK(cents(b27.contributions.incidental) == "0.00");
    CHECK(cents(b27.municipality.structural) == "6600.00");
    CHECK(cents(b27.municipality.incidental) == "500.00");
    CHECK(cents(b27.income[0].structural) == "6000.00");
    CHECK(cents(b27.income[1].structural) == "500.00");
    CHECK(cents(b27.income[2].incidental) == "600.00");
    CHECK(cents(b27.balance.structural) == "-100.00");
    CHECK(cents(b27.balance.incidental) == "100.00");
    CHECK(cents(b27.shortfall.structural) == "100.00");
    CHECK(cents(b27.shortfall.incidental) == "0.00");
    CHECK(cents(b27.shortfall_total) == "100.00");  // incidental income never covers it
    CHECK_FALSE(b27.structurally_balanced());
    const auto& b28 = m.balances[1];
    CHECK(cents(b28.municipality.structural) == "6780.00");
    CHECK(cents(b28.balance.structural) == "220.00");
    CHECK(cents(b28.balance.incidental) == "-515.00");
    CHECK(cents(b28.shortfall.incidental) == "295.00");  // 515.00 less the structural 220.00
    CHECK(cents(b28.shortfall_total) == "295.00");
    CHECK(b28.structurally_balanced());
    const auto& b29 = m.balances[2];
    CHECK(cents(b29.contributions.structural) == "5062.64");
    CHECK(cents(b29.municipality.structural) == "7593.96");
    CHECK(cents(b29.municipality.incidental) == "577.83");
    CHECK(cents(b29.shortfall.structural) == "7593.96");
    CHECK(cents(b29.shortfall_total) == "8171.79");
    CHECK(b29.off_bound == 0);
    CHECK_FALSE(m.structurally_balanced());
    // Every year cross-foots with its budget: costs = contributions + municipality = total, and
    // the lines of the reports are these figures.
    for (std::size_t i = 0; i < m.years.size(); ++i) {
        const auto& b = m.balances[i];
        CHECK(b.costs.total() == m.budgets[i].total);
        CHECK(b.contributions.total() + b.municipality.total() == b.costs.total());
        CHECK(b.balance.total() == b.income_total.total() - b.municipality.total());
    }
    const std::string json = zbb::multi_year_report_json(lm, m);
    CHECK_THAT(json, Contains("\"municipality\": \"P\""));
    CHECK_THAT(json, Contains("\"balance/structural\": \"-100.00\""));
    CHECK_THAT(zbb::multi_year_report_csv(lm, m),
               Contains("balance,shortfall/total,2028,295.00\n"));
    const std::string text = zbb::multi_year_report_text(lm, m);
    CHECK_THAT(text, Contains("Not structurally balanced in 2027 (100.00), 2029 (7,593.96)"));
    // Without the municipality there is no check and the reports have no balance.
    zbb::model plain = balance_model();
    plain.years->municipality.clear();
    plain.years->income.clear();
    const zbb::linked_model lp(plain);
    const auto mp = zbb::compute_multi_year_budget(lp);
    CHECK(mp.balances.empty());
    CHECK_THAT(zbb::multi_year_report_json(lp, mp), !Contains("\"balance\""));
    // The parts are checked: a budget of another model and a year outside the estimate.
    CHECK_THROWS_AS(zbb::compute_year_balance(lm, m.budgets[0], 2031), std::invalid_argument);
    zbb::model small = balance_model();
    small.activities.pop_back();
    small.support.clear();
    small.consumption.pop_back();
    small.years->incidental.clear();
    const zbb::linked_model ls(small);
    CHECK_THROWS_AS(zbb::compute_year_balance(lm, zbb::compute_budget(ls), 2027),
                    std::invalid_argument);
}

TEST_CASE("years: generated models balance to the cent in every year", "[years][balance]") {
    std::mt19937_64 rng(2027);
    for (int trial = 0; trial < 20; ++trial) {
        zbb::model m = zbb_test::generate_model(rng, {});
        REQUIRE_FALSE(m.partners.empty());
        zbb::multi_year y;
        y.budget_year = 2030;
        y.last_year = 2033;
        y.municipality = m.partners.front().id;
        for (std::size_t a = 0; a < m.activities.size(); a += 3)
            y.incidental.push_back({m.activities[a].id});
        y.income = {{"grant", 2031, "general_grant", dec("1000.00"), "structural"},
                    {"other", 2032, "other", dec("12.34"), "incidental"}};
        m.years = y;
        const zbb::linked_model lm(m);
        const auto mb = zbb::compute_multi_year_budget(lm);
        REQUIRE(mb.balances.size() == 4);
        for (std::size_t i = 0; i < mb.years.size(); ++i) {
            const auto& b = mb.balances[i];
            zbb::money incidental{}, partners{};
            for (std::size_t a = 0; a < m.activities.size(); a += 3)
                incidental += mb.budgets[i].by_activity.amounts[a];
            CHECK(b.costs.incidental == incidental);
            CHECK(b.costs.total() == mb.budgets[i].total);
            for (const auto& p : mb.budgets[i].by_partner.amounts) partners += p;
            CHECK(b.contributions.total() + b.municipality.total() == partners);
            CHECK(b.municipality.total() == mb.budgets[i].by_partner.amounts[0]);
            CHECK(b.balance.total() == b.income_total.total() - b.municipality.total());
        }
    }
}

TEST_CASE("years: bad sluitend inputs are refused naming id and field", "[years][errors]") {
    auto refused_balance = [](auto&& change, const char* entity, const char* id, const char* field,
                              const char* words) {
        zbb::model m = balance_model();
        change(*m.years);
        try {
            zbb::linked_model lm(m);
            FAIL("accepted");
        } catch (const zbb::model_error& e) {
            CHECK(e.where().entity == entity);
            CHECK(e.where().id == id);
            CHECK(e.where().field == field);
            CHECK_THAT(e.what(), Contains(words));
        }
    };
    using Y = zbb::multi_year;
    refused_balance([](Y& y) { y.municipality = "X"; }, "years", "", "municipality",
                    "unknown partner 'X'");
    refused_balance([](Y& y) { y.municipality.clear(); }, "years", "", "municipality",
                    "income needs the municipality");
    refused_balance([](Y& y) { y.income[0].year = 2030; }, "years.income", "grant/2030", "year",
                    "2030 is not a year of the estimate 2027-2029");
    refused_balance([](Y& y) { y.income[0].kind = "tax"; }, "years.income", "grant/2027", "kind",
                    "unknown kind 'tax'; use general_grant, levies or other");
    refused_balance([](Y& y) { y.income[0].nature = "once"; }, "years.income", "grant/2027",
                    "nature", "unknown nature 'once'");
    refused_balance([](Y& y) { y.income[0].amount = dec("1.005"); }, "years.income", "grant/2027",
                    "amount", "has more than 2 decimals");
    refused_balance([](Y& y) { y.income[3].year = 2027; }, "years.income", "grant/2027", "year",
                    "duplicate income line for this year");
    refused_balance([](Y& y) { y.income[0].id.clear(); }, "years.income", "/2027", "id",
                    "empty id");
    refused_balance([](Y& y) { y.incidental.push_back({"Z"}); }, "years.incidental", "Z",
                    "activity", "unknown activity 'Z'");
    refused_balance([](Y& y) { y.incidental.push_back({"M"}); }, "years.incidental", "M",
                    "activity", "duplicate activity");
    zbb::model big = balance_model();
    big.years->income[0].amount = dec("999999999999999999999999999999");
    CHECK_THROWS_AS(zbb::linked_model(big), zbb::money_overflow);
}

TEST_CASE("years: the budget year is the model's own budget", "[years]") {
    const zbb::linked_model lm(hand_model());
    const auto b = zbb::compute_budget(lm);
    const auto m = zbb::compute_multi_year_budget(lm);
    CHECK(m.budgets[0].total == b.total);
    CHECK(m.budgets[0].by_goal.amounts == b.by_goal.amounts);
    CHECK(m.budgets[0].by_resource.amounts == b.by_resource.amounts);
    // A later year's model shares the factorisation and gives the budget of the same model
    // linked from scratch with that year's prices and plan.
    zbb::model y2029 = hand_model();
    y2029.years.reset();
    y2029.resources[0].price = dec("52.53");
    y2029.plan.rows[0].volume = 110;
    const auto direct = zbb::compute_budget(zbb::linked_model(y2029));
    CHECK(direct.total == m.budgets[2].total);
    CHECK(direct.by_activity.amounts == m.budgets[2].by_activity.amounts);
    CHECK(direct.by_category.amounts == m.budgets[2].by_category.amounts);
}

TEST_CASE("years: exact decimal factors, rounded only beyond 30 digits", "[years]") {
    zbb::exact_decimal f;
    for (int i = 0; i < 9; ++i) f = f * dec("1.000000001");
    // (1 + 1e-9)^9 = 1.000000009000000036000000084000000126... : 82 decimals exactly, cut to 30
    // significant digits (half-even) when written.
    CHECK(f.scale == 81);
    CHECK(f.text() == "1.000000009000000036000000084");
    CHECK(zbb::exact_decimal{125, 1}.text(2) == "12");  // 12.5: half to even
    CHECK(zbb::exact_decimal{135, 1}.text(2) == "14");  // 13.5: half to even
    CHECK(zbb::exact_decimal{1251, 2}.text(2) == "13");
    CHECK(zbb::exact_decimal{78400, 3}.text() == "78.4");
    CHECK(zbb::exact_decimal{5, 3}.text() == "0.005");
    CHECK(zbb::exact_decimal{0, 4}.text() == "0");
    // An indexed price keeps every digit it needs: 78.40 x 1.035 x 1.030 = 83.577...
    zbb::model m = hand_model();
    m.resources[0].price = dec("78.40");
    m.years->index_series = {{"wages", 2028, dec("1.035")}, {"wages", 2029, dec("1.030")}};
    const zbb::linked_model lm(m);
    CHECK(zbb::indexed_resources(lm, 2029)[0].price.text() == "83.57832");
}

TEST_CASE("years: price ranges are indexed with the price", "[years]") {
    zbb::model m = hand_model();
    m.resources[0].price_low = dec("40.00");
    m.resources[0].price_high = dec("60.00");
    const zbb::linked_model lm(m);
    const auto r = zbb::indexed_resources(lm, 2028)[0];
    CHECK(r.price_low->text() == "41.20");
    CHECK(r.price.text() == "51.50");
    CHECK(r.price_high->text() == "61.80");
}

TEST_CASE("years: a pair planned in a later year only", "[years]") {
    zbb::model m = hand_model();
    m.goals.push_back({"G2", "", "", 0, 10, 1, ""});
    m.years->volumes.push_back({"G2", "A", 2028, 10});
    const zbb::linked_model lm(m);
    const auto mb = zbb::compute_multi_year_budget(lm);
    // 2028: 110 units of A at 113.00 plus 11 of M at 51.50: 12,430.00 + 566.50
    CHECK(cents(mb.budgets[1].total) == "12996.50");
    CHECK(mb.budgets[0].by_goal.amounts[1].minor_units() == 0);
    CHECK(mb.budgets[2].by_goal.amounts[1].minor_units() == 0);
    CHECK(mb.budgets[1].by_goal.amounts[1].minor_units() > 0);
    check_cross_foots(mb);
}

TEST_CASE("years: JSON round trip and the reports", "[years]") {
    const zbb::model m = hand_model();
    const std::string text = zbb::write_model_json(m);
    CHECK_THAT(text, Contains("\"years\""));
    const zbb::model back = zbb::read_model_json(text);
    REQUIRE(back.years);
    CHECK(back.years->budget_year == 2027);
    CHECK(back.years->index_series.size() == 2);
    CHECK(back.years->index_series[1].factor.text() == "1.02");
    CHECK(back.years->volumes[0].volume == 110);
    CHECK(zbb::write_model_json(back) == text);
    // A model without years writes no "years".
    zbb::model plain = m;
    plain.years.reset();
    CHECK_THAT(zbb::write_model_json(plain), !Contains("\"years\""));

    const zbb::linked_model lm(m);
    const auto mb = zbb::compute_multi_year_budget(lm);
    const std::string json = zbb::multi_year_report_json(lm, mb);
    CHECK_THAT(json, Contains("\"format\": \"zbb-years/1\""));
    CHECK_THAT(json, Contains("\"2029\": \"13234.43\""));
    CHECK_THAT(json, Contains("\"total\": \"36549.43\""));
    CHECK_THAT(
        json,
        Contains("\"R-staff\": {\"2027\": \"50.00\", \"2028\": \"51.50\", \"2029\": \"52.53\"}"));
    const std::string csv = zbb::multi_year_report_csv(lm, mb);
    CHECK_THAT(csv, Contains("total,,2029,13234.43\n"));
    CHECK_THAT(csv, Contains("category,personnel,2028,10815.00\n"));
    const std::string txt = zbb::multi_year_report_text(lm, mb);
    CHECK_THAT(txt, Contains("Total 2027-2029: EUR 36,549.43"));
    CHECK_THAT(txt, Contains("13,234.43"));
    const auto b = zbb::compute_budget(lm);
    CHECK_THAT(zbb::budget_report_json(lm, b, mb),
               Contains("\"by_year\": {\"2027\": \"11500.00\", \"2028\": \"11815.00\", \"2029\": "
                        "\"13234.43\"}"));
    CHECK_THAT(zbb::budget_report_csv(lm, b, mb), Contains("year,2028,11815.00\n"));
    // Without years the reports are the same as ever and the estimate is refused.
    zbb::model none = m;
    none.years.reset();
    const zbb::linked_model lp(none);
    CHECK_THAT(zbb::budget_report_json(lp, zbb::compute_budget(lp)), !Contains("by_year"));
    CHECK_THROWS_AS(zbb::compute_multi_year_budget(lp), std::invalid_argument);
}

TEST_CASE("years: every bad field is refused naming id and field", "[years][errors]") {
    using zbb::model;
    refused([](model& m) { m.years->last_year = 2026; }, "years", "", "last_year",
            "before the budget year 2027");
    refused([](model& m) { m.years->last_year = 2037; }, "years", "", "last_year",
            "more than 9 years");
    refused([](model& m) { m.years->index_series[0].year = 2027; }, "years.index_series",
            "wages/2027", "year", "not a year after the budget year 2027");
    refused([](model& m) { m.years->index_series[1].year = 2028; }, "years.index_series",
            "wages/2028", "year", "duplicate");
    refused([](model& m) { m.years->index_series[1].factor = dec("3.5"); }, "years.index_series",
            "wages/2029", "factor", "outside 0.5 to 2");
    refused([](model& m) { m.years->index_series[1].factor = dec("0.4"); }, "years.index_series",
            "wages/2029", "factor", "outside 0.5 to 2");
    refused([](model& m) { m.years->index_series.pop_back(); }, "years.index_series", "wages",
            "year", "has no factor for 2029");
    refused([](model& m) { m.years->indexation[0].category = "nowhere"; }, "years.indexation",
            "nowhere", "category", "no resource has category 'nowhere'");
    refused(
        [](model& m) {
            m.years->indexation.push_back({"personnel", "wages"});
        },
        "years.indexation", "personnel", "category", "duplicate");
    refused([](model& m) { m.years->indexation[0].series = "wage"; }, "years.indexation",
            "personnel", "series", "unknown index series 'wage'");
    refused([](model& m) { m.years->volumes[0].goal = "X"; }, "years.volumes", "X -> A in 2029",
            "goal", "unknown goal");
    refused([](model& m) { m.years->volumes[0].activity = "X"; }, "years.volumes", "G -> X in 2029",
            "activity", "unknown activity");
    refused([](model& m) { m.years->volumes[0].year = 2030; }, "years.volumes", "G -> A in 2030",
            "year", "not a year after");
    refused([](model& m) { m.years->volumes[0].volume = -1; }, "years.volumes", "G -> A in 2029",
            "volume", "");
    refused([](model& m) { m.years->volumes[0].volume = 1e13; }, "years.volumes", "G -> A in 2029",
            "volume", "");
    refused(
        [](model& m) {
            m.years->volumes.push_back({"G", "A", 2029, 5});
        },
        "years.volumes", "G -> A in 2029", "year", "duplicate");
    // An indexed price beyond the money range names the resource and the year.
    zbb::model big = hand_model();
    big.resources[0].price = dec("88000000000000.00");  // below 2^53 cents; x 1.03 is not
    const zbb::linked_model lm(big);
    try {
        (void)zbb::indexed_resources(lm, 2028);
        FAIL("accepted");
    } catch (const zbb::money_overflow& e) {
        CHECK(e.where().id == "R-staff");
        CHECK(e.where().field == "price");
        CHECK_THAT(e.what(), Contains("2028"));
    }
}

TEST_CASE("years: the reader refuses years outside 1900 to 2200 and bad types", "[years][errors]") {
    const std::string base = zbb::write_model_json(hand_model());
    auto edited = [&](const std::string& from, const std::string& to) {
        std::string t = base;
        const auto at = t.find(from);
        REQUIRE(at != std::string::npos);
        t.replace(at, from.size(), to);
        return t;
    };
    try {
        (void)zbb::read_model_json(edited("\"budget_year\": 2027", "\"budget_year\": 1800"));
        FAIL("accepted");
    } catch (const zbb::model_error& e) {
        CHECK(e.where().entity == "years");
        CHECK(e.where().field == "budget_year");
        CHECK_THAT(e.what(), Contains("1900 to 2200"));
    }
    try {
        (void)zbb::read_model_json(edited("\"factor\": \"1.03\"", "\"factor\": 1.03"));
        FAIL("accepted");
    } catch (const zbb::model_error& e) {
        CHECK(e.where().entity == "years.index_series");
        CHECK(e.where().id == "wages/2028");
        CHECK(e.where().field == "factor");
        CHECK_THAT(e.what(), Contains("decimal string"));
    }
    try {
        (void)zbb::read_model_json(
            edited("\"year\": 2029, \"volume\"", "\"year\": 2029.5, \"volume\""));
        FAIL("accepted");
    } catch (const zbb::model_error& e) {
        CHECK_THAT(e.where().entity, Catch::Matchers::StartsWith("years.volumes"));
        CHECK(e.where().field == "year");
    }
}

TEST_CASE("years: generated models cross-foot every year; factors >= 1 never lower a total",
          "[years][property]") {
    std::mt19937_64 rng(20261204);
    for (int trial = 0; trial < 30; ++trial) {
        zbb::model m = zbb_test::generate_model(rng, {});
        zbb::multi_year y;
        y.budget_year = 2027;
        y.last_year = 2027 + static_cast<int>(rng() % 4);
        std::vector<std::string> categories;
        for (const auto& r : m.resources)
            if (std::find(categories.begin(), categories.end(), r.category) == categories.end())
                categories.push_back(r.category);
        for (std::size_t c = 0; c < categories.size(); ++c) {
            std::string s = "S";  // appended: g++ 12 warns falsely on "S" + std::string
            s += std::to_string(c);
            for (int yr = y.budget_year + 1; yr <= y.last_year; ++yr) {
                std::string f = "1.0";
                f += std::to_string(rng() % 100);
                y.index_series.push_back({s, yr, decimal::parse(f, {})});
            }
            if (y.last_year > y.budget_year && rng() % 4 != 0)
                y.indexation.push_back({categories[c], s});
        }
        m.years = y;
        const zbb::linked_model lm(m);
        const auto mb = zbb::compute_multi_year_budget(lm);
        REQUIRE(mb.budgets.size() == static_cast<std::size_t>(y.last_year - y.budget_year + 1));
        check_cross_foots(mb);
        CHECK(mb.budgets[0].total == zbb::compute_budget(lm).total);
        for (std::size_t i = 1; i < mb.budgets.size(); ++i)
            CHECK(mb.budgets[i].total >= mb.budgets[i - 1].total);
        // Factors of exactly 1 give every year the budget year's budget.
        zbb::model flat = m;
        for (auto& f : flat.years->index_series) f.factor = dec("1.000");
        const zbb::linked_model lf(flat);
        const auto fb = zbb::compute_multi_year_budget(lf);
        for (const auto& b : fb.budgets)
            CHECK(b.by_activity.amounts == fb.budgets[0].by_activity.amounts);
    }
}

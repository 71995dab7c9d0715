// Goal tables and the comparison with a prior budget: hand-computed cases, cross-footing
// properties over generated models, the readers and every refusal.
#include <catch2/catch.hpp>
#include <memory>
#include <random>
#include <string>

#include "generate.hpp"
#include "zbb/goal_tables.hpp"
#include "zbb/prior.hpp"
#include "zbb/prior_report.hpp"

using zbb::decimal;
using zbb::money;

namespace {

money eur(const char* text) {
    return money::parse(text, 2, {});
}

// Two goals; A1 serves G1 only, A2 both, M supports A1 and A2 (0.1 unit per unit).
//   volumes A1 10, A2 5 + 15 = 20, M 0.1 x 30 = 3; costs A1 100, A2 400, M 300, total 800.
//   G1: A1 100, A2 5 x 20 = 100, M 0.1 x 15 x 100 = 150 -> 350.
//   G2: A2 15 x 20 = 300, M 0.1 x 15 x 100 = 150 -> 450.
zbb::model two_goal_model() {
    zbb::model m;
    m.partners = {{"P1", "Municipality"}, {"P2", "Insurer"}};
    m.goals = {{"G1", "", "", 0, 10, 1}, {"G2", "", "", 0, 10, 1}};
    auto act = [](std::string id) {
        zbb::activity a;
        a.id = std::move(id);
        a.partner = "P1";
        return a;
    };
    m.activities = {act("A1"), act("A2"), act("M")};
    auto res = [](std::string id, const char* price, std::string category) {
        zbb::resource r;
        r.id = std::move(id);
        r.price = decimal::parse(price, {});
        r.category = std::move(category);
        return r;
    };
    m.resources = {res("R1", "10", "personnel"), res("R2", "20", "personnel"),
                   res("RM", "100", "overhead")};
    m.consumption = {{"A1", "R1", 1}, {"A2", "R2", 1}, {"M", "RM", 1}};
    m.support = {{"M", "A1", 0.1}, {"M", "A2", 0.1}};
    m.funding = {{"A2", "P1", decimal::parse("0.5", {})}, {"A2", "P2", decimal::parse("0.5", {})}};
    m.effects = {{"G1", "A1", 1}, {"G2", "A2", 1}};
    m.plan.rows = {{"G1", "A1", 10}, {"G1", "A2", 5}, {"G2", "A2", 15}};
    return m;
}

std::size_t index_of(const zbb::goal_table& t, const std::string& id) {
    const auto& ids = t.columns.ids();
    return static_cast<std::size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin());
}

// Rows sum to by_goal, columns to the table's breakdown; cells outside [floor, ceil] counted.
void require_table_cross_foots(const zbb::budget& b, const zbb::goal_table& t) {
    const auto& cols = zbb::detail::breakdown_of(b, t.kind);
    REQUIRE(t.rows.size() == b.by_goal.amounts.size());
    std::vector<money> col_sum(cols.amounts.size());
    std::size_t off = 0;
    for (std::size_t g = 0; g < t.rows.size(); ++g) {
        money row;
        for (const auto& c : t.rows[g]) {
            row += c.amount;
            col_sum[c.column] += c.amount;
            const double a = static_cast<double>(c.amount.minor_units());
            if (a < std::floor(c.value) - 1e-6 || a > std::ceil(c.value) + 1e-6) ++off;
            REQUIRE(std::abs(a - c.value) < 2.0);  // off bound by one unit at most
        }
        REQUIRE(row == b.by_goal.amounts[g]);
    }
    for (std::size_t k = 0; k < col_sum.size(); ++k) REQUIRE(col_sum[k] == cols.amounts[k]);
    REQUIRE(off == t.off_bound);
}

}  // namespace

TEST_CASE("hand-computed: goal x activity, resource, category and partner tables", "[prior]") {
    const zbb::linked_model lm(two_goal_model());
    const auto b = zbb::compute_budget(lm);
    REQUIRE(b.total == eur("800.00"));
    const auto t = zbb::compute_goal_tables(lm, b);
    const auto& a = t.by_activity;
    CHECK(a.amount(0, index_of(a, "A1")) == eur("100.00"));
    CHECK(a.amount(0, index_of(a, "A2")) == eur("100.00"));
    CHECK(a.amount(0, index_of(a, "M")) == eur("150.00"));
    CHECK(a.amount(1, index_of(a, "A1")) == money{});
    CHECK(a.amount(1, index_of(a, "A2")) == eur("300.00"));
    CHECK(a.amount(1, index_of(a, "M")) == eur("150.00"));
    const auto& r = t.by_resource;
    CHECK(r.amount(0, index_of(r, "R1")) == eur("100.00"));
    CHECK(r.amount(0, index_of(r, "RM")) == eur("150.00"));
    CHECK(r.amount(1, index_of(r, "R2")) == eur("300.00"));
    const auto& c = t.by_category;
    CHECK(c.amount(0, index_of(c, "personnel")) == eur("200.00"));
    CHECK(c.amount(1, index_of(c, "overhead")) == eur("150.00"));
    const auto& p = t.by_partner;  // A2 half by P2
    CHECK(p.amount(0, index_of(p, "P1")) == eur("300.00"));
    CHECK(p.amount(0, index_of(p, "P2")) == eur("50.00"));
    CHECK(p.amount(1, index_of(p, "P1")) == eur("300.00"));
    CHECK(p.amount(1, index_of(p, "P2")) == eur("150.00"));
    for (const auto* table : {&t.by_activity, &t.by_resource, &t.by_category, &t.by_partner})
        require_table_cross_foots(b, *table);
}

TEST_CASE("hand-computed: prior comparison, statuses and the waterfall by goal", "[prior]") {
    const zbb::linked_model lm(two_goal_model());
    const auto b = zbb::compute_budget(lm);
    const auto t = zbb::compute_goal_tables(lm, b);
    // A1 120 -> 100 (G1 -20); A2 400 -> 400 split 100/300 (no change); M new, +150 each;
    // X is not in the model: it stops.
    const auto prior = zbb::read_prior_csv(
        "kind,id,amount\nactivity,A1,120.00\nactivity,A2,400\nactivity,X,50.00\n"
        "partner,P1,500\n",
        "prior.csv");
    const auto c = zbb::compare_prior(lm, b, t, prior);
    REQUIRE(c.kinds.size() == 2);
    const auto& act = c.kinds[0];
    REQUIRE(act.kind == "activity");
    REQUIRE(act.lines.size() == 4);
    CHECK(act.lines[0].status == zbb::line_status::changed);
    CHECK(act.lines[0].change == eur("-20.00"));
    CHECK(act.lines[1].status == zbb::line_status::same);
    CHECK(act.lines[2].status == zbb::line_status::new_line);
    CHECK(act.lines[3].id == "X");
    CHECK(act.lines[3].status == zbb::line_status::stopped);
    CHECK_FALSE(act.lines[3].in_model);
    CHECK(act.prior_total == eur("570.00"));
    CHECK(act.prior_total + act.change_total == act.zero_based_total);
    const auto& p = c.kinds[1];
    CHECK(p.lines[1].status == zbb::line_status::new_line);  // P2: no prior line
    CHECK(p.prior_total + p.change_total == b.total);

    REQUIRE(c.waterfall_kind == "activity");
    REQUIRE(c.waterfall.size() == 5);
    CHECK(c.waterfall[0].amount == eur("570.00"));
    CHECK(c.waterfall[1].step == "G1");
    CHECK(c.waterfall[1].amount == eur("130.00"));
    CHECK(c.waterfall[2].amount == eur("150.00"));
    CHECK(c.waterfall[3].kind == "stopped");
    CHECK(c.waterfall[3].amount == eur("-50.00"));
    CHECK(c.waterfall[4].amount == eur("800.00"));

    // The waterfall by partner: P1's prior 500 split over G1 300 / G2 300.
    const auto by_partner = zbb::compare_prior(lm, b, t, prior, std::string("partner"));
    // P1 600 against 500 (250 each): +50 each; P2 new: G1 +50, G2 +150.
    CHECK(by_partner.waterfall[1].amount == eur("100.00"));
    CHECK(by_partner.waterfall[2].amount == eur("200.00"));
    CHECK_THROWS_WITH(zbb::compare_prior(lm, b, t, prior, std::string("goal")),
                      Catch::Contains("no goal lines"));

    // Reports carry the same figures.
    const auto json = zbb::prior_report_json(lm, b, c);
    CHECK_THAT(json, Catch::Contains("\"X\": {") && Catch::Contains("\"status\": \"stopped\""));
    const auto csv = zbb::prior_report_csv(c);
    CHECK_THAT(csv, Catch::StartsWith("kind,id,prior,zero_based,change,status\n") &&
                        Catch::Contains("waterfall,stopped,,,-50.00,stopped\n"));
    CHECK_THAT(zbb::prior_report_text(lm, c), Catch::Contains("(not in the model)"));
}

TEST_CASE("property: goal tables cross-foot both ways and the waterfall to the total",
          "[prior][property]") {
    std::mt19937_64 rng(11);
    for (int trial = 0; trial < 60; ++trial) {
        zbb_test::gen_sizes n;
        n.activities = 5 + trial % 40;
        n.suppliers = 1 + trial % 5;
        n.goals = 1 + trial % 6;
        n.resources = 1 + trial % 9;
        n.partners = 1 + trial % 4;
        const zbb::linked_model lm(zbb_test::generate_model(rng, n));
        const auto b = zbb::compute_budget(lm);
        const auto t = zbb::compute_goal_tables(lm, b);
        for (const auto* table : {&t.by_activity, &t.by_resource, &t.by_category, &t.by_partner}) {
            require_table_cross_foots(b, *table);
            // Cells are off bound only where the margins, each rounded on its own, admit no
            // floor-or-ceiling table (2 of these 60 models, one or two cells each).
            INFO("trial " << trial << ", goal x " << table->kind);
            CHECK(table->off_bound <= 2);
        }
        // A random prior: some model ids, some unknown ones, negative amounts allowed.
        zbb::prior_budget prior;
        prior.source = "generated";
        std::uniform_int_distribution<int> pick(0, 2);
        std::uniform_int_distribution<std::int64_t> cents(-50000, 5000000);
        for (std::string_view kind : zbb::prior_kinds) {
            if (kind == "area") continue;  // the generated models have no areas
            const auto& br = zbb::detail::breakdown_of(b, kind);
            for (const auto& id : br.keys.ids())
                if (pick(rng) > 0)
                    prior.lines.push_back(
                        {std::string(kind), id, money::from_minor(cents(rng)), 0});
            prior.lines.push_back({std::string(kind), "gone", money::from_minor(cents(rng)), 0});
        }
        for (std::string_view kind : zbb::prior_kinds) {
            if (kind == "area") continue;  // refused as a waterfall kind (test_areas.cpp)
            const auto c = zbb::compare_prior(lm, b, t, prior, std::string(kind));
            money sum;
            for (std::size_t i = 1; i + 1 < c.waterfall.size(); ++i) sum += c.waterfall[i].amount;
            REQUIRE(c.waterfall.front().amount + sum == c.waterfall.back().amount);
            REQUIRE(c.waterfall.back().amount == b.total);
            for (const auto& k : c.kinds) REQUIRE(k.prior_total + k.change_total == b.total);
        }
    }
}

TEST_CASE("goal table rounding meets margins that disagree, counting the cells off bound",
          "[prior]") {
    // G1 causes only column K2 and G2 only K1, both 0.5 each: rounded on their own the goals give
    // G1 1, G2 0 and the columns K1 1, K2 0, which no floor-or-ceiling table meets.
    zbb::breakdown rows{zbb::key_list(std::vector<std::string>{"G1", "G2"}),
                        {money::from_minor(1), money::from_minor(0)},
                        {0.5, 0.5}};
    zbb::breakdown cols{zbb::key_list(std::vector<std::string>{"K1", "K2"}),
                        {money::from_minor(1), money::from_minor(0)},
                        {0.5, 0.5}};
    zbb::goal_table t;
    t.kind = "activity";
    zbb::detail::round_goal_table(t, {{{1, 0.5}}, {{0, 0.5}}}, rows, cols);
    money g1, g2;
    for (const auto& c : t.rows[0]) g1 += c.amount;
    for (const auto& c : t.rows[1]) g2 += c.amount;
    CHECK(g1 == money::from_minor(1));
    CHECK(g2 == money::from_minor(0));
    CHECK(t.off_bound >= 1);
}

TEST_CASE("prior readers: Dutch CSV, zbb budget --csv, JSON forms give the same lines",
          "[prior][io]") {
    const auto plain =
        zbb::read_prior_csv("kind,id,amount\nactivity,A1,1234567.89\npartner,P1,-12.5\n", "a.csv");
    const auto dutch = zbb::read_prior_csv(
        "\xEF\xBB\xBFkind;id;amount\r\nactivity;A1;1.234.567,89\r\n\r\npartner;\"P1\";-12,50;;\r\n",
        "b.csv");
    const auto json = zbb::read_prior_json(
        R"({"format": "zbb-prior/1", "lines": [{"kind": "activity", "id": "A1", "amount": "1234567.89"},
            {"kind": "partner", "id": "P1", "amount": "-12.50"}]})",
        "c.json");
    for (const auto* p : {&dutch, &json}) {
        REQUIRE(p->lines.size() == 2);
        for (std::size_t i = 0; i < 2; ++i) {
            CHECK(p->lines[i].kind == plain.lines[i].kind);
            CHECK(p->lines[i].id == plain.lines[i].id);
            CHECK(p->lines[i].amount == plain.lines[i].amount);
        }
    }
    CHECK(plain.lines[0].amount == money::from_minor(123456789));

    // Last year's own zbb budget --csv and --json output compare as "same" everywhere.
    const zbb::linked_model lm(two_goal_model());
    const auto b = zbb::compute_budget(lm);
    const auto t = zbb::compute_goal_tables(lm, b);
    for (const auto& prior : {zbb::read_prior_csv(zbb::budget_report_csv(lm, b), "last.csv"),
                              zbb::read_prior_json(zbb::budget_report_json(lm, b), "last.json")}) {
        const auto c = zbb::compare_prior(lm, b, t, prior);
        REQUIRE(c.kinds.size() == 5);
        for (const auto& k : c.kinds)
            for (const auto& l : k.lines) CHECK(l.status == zbb::line_status::same);
        for (std::size_t i = 1; i + 1 < c.waterfall.size(); ++i)
            CHECK(c.waterfall[i].amount == money{});
    }
}

TEST_CASE("bad prior files are refused naming the file, the line and the id", "[prior][errors]") {
    auto csv = [](const char* text) { return zbb::read_prior_csv(text, "p.csv"); };
    auto json = [](const char* text) { return zbb::read_prior_json(text, "p.json"); };
    using Catch::Contains;
    CHECK_THROWS_WITH(csv(""), Contains("file 'p.csv'") && Contains("empty file"));
    CHECK_THROWS_WITH(csv("id,amount\nA1,3\n"), Contains("line 1") && Contains("header"));
    CHECK_THROWS_WITH(csv("kind,id,amount\nactivity,A1,1\nactivity,A1,2\n"),
                      Contains("line 3 (activity 'A1')") && Contains("already on line 2"));
    CHECK_THROWS_WITH(csv("kind,id,amount\nproject,A1,1\n"),
                      Contains("line 2") && Contains("unknown kind \"project\""));
    CHECK_THROWS_WITH(csv("kind,id,amount\nactivity,,1\n"), Contains("empty id"));
    CHECK_THROWS_WITH(csv("kind,id,amount\nactivity,A1,1.234\n"),
                      Contains("(activity 'A1')") && Contains("more than 2 decimals"));
    CHECK_THROWS_WITH(csv("kind,id,amount\nactivity,A1,1e3\n"), Contains("not a number"));
    CHECK_THROWS_WITH(csv("kind,id,amount\nactivity,A1,\n"), Contains("is empty"));
    CHECK_THROWS_WITH(csv("kind,id,amount\nactivity,A1,+5\n"), Contains("not a number"));
    CHECK_THROWS_WITH(csv("kind;id;amount\nactivity;A1;12,3,4\n"), Contains("not a number"));
    CHECK_THROWS_WITH(csv("kind;id;amount\nactivity;A1;1.23,00\n"),
                      Contains("thousands separators"));
    CHECK_THROWS_WITH(csv("kind,id,amount\nactivity,\"A1,1\n"), Contains("unterminated quote"));
    CHECK_THROWS_WITH(csv("kind,id,amount\nactivity,A1,1,2\n"), Contains("expected 3 fields"));
    CHECK_THROWS_WITH(csv("kind,id,amount\nactivity,A1,1234567890123456789012345678901\n"),
                      Contains("more than 30 digits"));
    CHECK_THROWS_WITH(
        json(
            R"({"format": "zbb-prior/1", "lines": [{"kind": "activity", "id": "A1", "amount": 12.5}]})"),
        Contains("lines[0] (activity 'A1')") && Contains("decimal string"));
    CHECK_THROWS_WITH(json(R"({"format": "zbb-prior/2", "lines": []})"),
                      Contains("unsupported format"));
    CHECK_THROWS_WITH(json(R"({"format": "zbb-prior/1", "lines": [], "extra": 1})"),
                      Contains("field 'extra'"));
    CHECK_THROWS_WITH(
        json(R"({"format": "zbb-prior/1", "lines": [{"kind": "activity", "id": "A1"}]})"),
        Contains("missing \"amount\""));
    CHECK_THROWS_WITH(json(R"([1])"), Contains("must be a JSON object"));
    CHECK_THROWS_WITH(json(R"({"format": )"), Contains("file 'p.json'"));
    CHECK_THROWS_WITH(zbb::read_prior_file("/nonexistent/prior.csv"), Contains("cannot open"));
    CHECK_THROWS_WITH(csv("kind,id,amount\nactivity,A\xff,1\n"),
                      Contains("line 2") && Contains("not valid UTF-8"));
    // Amounts, and each kind's running sum, below 2^53 minor units (as prices and frames).
    CHECK_THROWS_AS(csv("kind,id,amount\nactivity,A1,90071992547409.92\n"), zbb::money_overflow);
    CHECK_THROWS_WITH(csv("kind,id,amount\nactivity,A1,-90071992547409.92\n"),
                      "file 'p.csv', line 2 (activity 'A1'): amount \"-90071992547409.92\" is "
                      "beyond the numeric range: below 2^53 minor units, the range in which zbb "
                      "guarantees the cent");
    CHECK(csv("kind,id,amount\nactivity,A1,-90071992547409.91\n").lines[0].amount ==
          money::from_minor(-9007199254740991));
    CHECK_THROWS_AS(csv("kind,id,amount\nactivity,A1,90071992547409.91\nactivity,A2,0.01\n"),
                    zbb::money_overflow);
    CHECK_THROWS_WITH(
        json(R"({"format": "zbb-prior/1", "lines": [
            {"kind": "resource", "id": "R1", "amount": "-50000000000000.00"},
            {"kind": "activity", "id": "A1", "amount": "50000000000000.00"},
            {"kind": "resource", "id": "R2", "amount": "-50000000000000.00"}]})"),
        "file 'p.json', lines[2] (resource 'R2'): the resource lines up to here sum to "
        "-100000000000000.00, which is beyond the numeric range: below 2^53 minor units, the range "
        "in which zbb guarantees the cent");
    // Sums that cross the limit and come back are refused where they cross; kinds sum apart.
    CHECK(csv("kind,id,amount\nactivity,A1,90071992547409.91\nresource,R1,90071992547409.91\n"
              "activity,A2,-90071992547409.91\n")
              .lines.size() == 3);
    CHECK(
        json(
            R"({"format": "zbb-prior/1", "lines": [{"kind": "Activity", "id": "A1", "amount": "1"}]})")
            .lines[0]
            .kind == "activity");
    {
        const zbb::linked_model other(two_goal_model());
        const auto ob = zbb::compute_budget(other);
        std::string report = zbb::budget_report_json(other, ob);
        report.replace(report.find("\"EUR\""), 5, "\"USD\"");
        CHECK_THROWS_WITH(zbb::compare_prior(other, ob, zbb::compute_goal_tables(other, ob),
                                             json(report.c_str())),
                          Contains("in USD, the model in EUR"));
    }
    CHECK_THROWS_WITH(csv("kind,id,amount\ntotal,,5\n"), Contains("unknown kind \"total\""));
    {
        const zbb::linked_model lm2(two_goal_model());
        const auto b2 = zbb::compute_budget(lm2);
        const zbb::linked_model gen(
            zbb_test::generate_model(*std::make_unique<std::mt19937_64>(3), zbb_test::gen_sizes{}));
        const auto bg = zbb::compute_budget(gen);
        CHECK_THROWS_AS(zbb::compute_goal_tables(lm2, bg), std::invalid_argument);
        CHECK_THROWS_AS(zbb::compare_prior(lm2, b2, zbb::compute_goal_tables(gen, bg),
                                           csv("kind,id,amount\nactivity,A1,1\n")),
                        std::invalid_argument);
    }
    // An empty prior has nothing to compare.
    const zbb::linked_model lm(two_goal_model());
    const auto b = zbb::compute_budget(lm);
    CHECK_THROWS_AS(
        zbb::compare_prior(lm, b, zbb::compute_goal_tables(lm, b), csv("kind,id,amount\n")),
        zbb::model_error);
}

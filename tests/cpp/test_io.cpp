// The zbb-model/1 format: lossless round trips and refusals that name the id and field.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "generate.hpp"
#include "zbb/budget.hpp"
#include "zbb/io.hpp"
#include "zbb/report.hpp"
#include "zbb/variant.hpp"

namespace {
const std::string example_path = std::string(ZBB_SOURCE_DIR) + "/examples/dementia-friendly.json";

// A small valid model as text; tests replace pieces of it.
const std::string base = R"({
  "format": "zbb-model/1", "name": "t", "currency": "EUR",
  "goals": [{"id": "G1", "baseline": 1, "target": 2}],
  "activities": [{"id": "A1", "partner": "P1"}, {"id": "A2", "partner": "P1"}],
  "resources": [{"id": "R1", "price": "10.00"}],
  "partners": [{"id": "P1"}, {"id": "P2"}],
  "effects": [{"goal": "G1", "activity": "A1", "per_unit": 0.5}],
  "consumption": [{"activity": "A1", "resource": "R1", "per_unit": 2}],
  "support": [{"supplier": "A2", "consumer": "A1", "per_unit": 0.1}],
  "funding": [{"activity": "A1", "partner": "P1", "share": "0.4"}, {"activity": "A1", "partner": "P2", "share": "0.6"}],
  "plan": [{"goal": "G1", "activity": "A1", "volume": 3}]
})";

std::string replaced(std::string s, const std::string& from, const std::string& to) {
    auto pos = s.find(from);
    REQUIRE(pos != std::string::npos);
    return s.replace(pos, from.size(), to);
}

void link_text(const std::string& text) {
    zbb::linked_model lm(zbb::read_model_json(text));
}
}  // namespace

TEST_CASE("the example model reads, links and budgets", "[io]") {
    auto m = zbb::read_model_file(example_path);
    zbb::linked_model lm(m);
    auto b = zbb::compute_budget(lm);
    CHECK(b.total.minor_units() > 0);
    auto json = nlohmann::json::parse(zbb::budget_report_json(lm, b));
    CHECK(json["currency"] == "EUR");
    CHECK(json["by_goal"].size() == m.goals.size());
    CHECK(json["volumes"].size() == m.activities.size());
    CHECK(zbb::budget_report_text(lm, b).find("Total") != std::string::npos);
}

TEST_CASE("write then read is lossless", "[io]") {
    auto m = zbb::read_model_file(example_path);
    std::string once = zbb::write_model_json(m);
    std::string twice = zbb::write_model_json(zbb::read_model_json(once));
    CHECK(once == twice);
    // Prices and shares keep their decimal text, trailing zeros included.
    CHECK(once.find("\"78.40\"") != std::string::npos);
    std::mt19937_64 rng(3);
    for (int i = 0; i < 20; ++i) {
        auto g = zbb_test::generate_model(rng, {});
        auto text = zbb::write_model_json(g);
        auto back = zbb::read_model_json(text);
        REQUIRE(zbb::write_model_json(back) == text);
        REQUIRE(back.consumption.size() == g.consumption.size());
        for (std::size_t k = 0; k < g.consumption.size(); ++k)
            REQUIRE(back.consumption[k].per_unit == g.consumption[k].per_unit);
        for (std::size_t k = 0; k < g.resources.size(); ++k)
            REQUIRE(back.resources[k].price.text() == g.resources[k].price.text());
    }
}

TEST_CASE("the base test model is valid", "[io]") {
    CHECK_NOTHROW(link_text(base));
}

TEST_CASE("documented errors name the offending id and field", "[io][errors]") {
    struct bad_case {
        std::string from, to, message;
    };
    const std::vector<bad_case> cases = {
        {R"("price": "10.00")", R"("price": 10.00)",
         "resource 'R1', field 'price': must be a decimal string"},
        {R"("price": "10.00")", R"("price": "-10.00")",
         "resource 'R1', field 'price': must not be negative"},
        {R"("price": "10.00")", R"("price": "10,00")",
         "resource 'R1', field 'price': malformed decimal"},
        {R"("volume": 3)", R"("volume": -3)",
         "plan 'G1 -> A1', field 'volume': must not be negative"},
        {R"("volume": 3)", R"("volume": 1e999)", "field 'volume': number overflow"},
        {R"("volume": 3)", R"("volume": "3")", "plan 'G1 -> A1', field 'volume': must be a number"},
        {R"("volume": 3)", R"("volumes": 3)", "unknown key"},
        {R"("per_unit": 2})", R"("per_unit": -2})",
         "consumption 'A1 -> R1', field 'per_unit': must not be negative"},
        {R"("per_unit": 0.1})", R"("per_unit": -0.1})", "support 'A2 -> A1', field 'per_unit'"},
        {R"("share": "0.6")", R"("share": "0.59")", "funding 'A1', field 'share'"},
        {R"("share": "0.6")", R"("share": "1.6")", "exceeds 1"},
        {R"("resource": "R1")", R"("resource": "R9")",
         "consumption 'A1 -> R9', field 'resource': unknown id 'R9'"},
        {R"({"id": "A2", "partner": "P1"})", R"({"id": "A2"})",
         "activity 'A2', field 'partner': nobody pays"},
        {R"({"id": "A2", "partner": "P1"})", R"({"id": "A1", "partner": "P1"})",
         "activity 'A1', field 'id': duplicate id"},
        {R"("target": 2)", "\"x\": 2", "goal 'G1', field"},
        {R"("format": "zbb-model/1")", R"("format": "zbb-model/2")", "field 'format'"},
        {R"("currency": "EUR")", R"("currency": "XYZ")", "field 'currency'"},
        {R"({"id": "A1", "partner": "P1"})", R"({"id": "A1", "partner": "P1", "min": 5, "max": 2})",
         "activity 'A1', field 'max'"},
        {R"("plan": [)", R"("plan": [{"goal": "G1", "activity": "A1", "volume": 1},)",
         "plan 'G1 -> A1': duplicate row"},
        {R"("per_unit": 0.1})",
         R"("per_unit": 10}, {"supplier": "A1", "consumer": "A2", "per_unit": 0.5})",
         "support loop"},
    };
    for (const auto& c : cases) {
        INFO(c.to);
        std::string text = replaced(base, c.from, c.to);
        CHECK_THROWS_WITH(link_text(text), Catch::Contains(c.message));
    }
}

TEST_CASE("malformed documents", "[io][errors]") {
    CHECK_THROWS_WITH(zbb::read_model_json("", "m.json"),
                      Catch::Contains("file 'm.json'") && Catch::Contains("empty"));
    CHECK_THROWS_WITH(zbb::read_model_json(base.substr(0, 100), "m.json"),
                      Catch::Contains("invalid JSON"));
    CHECK_THROWS_WITH(zbb::read_model_json(std::string(100000, '['), "m.json"),
                      Catch::Contains("nested deeper"));
    CHECK_THROWS_WITH(zbb::read_model_json("[1, 2]"), Catch::Contains("must be a JSON object"));
    CHECK_THROWS_WITH(zbb::read_model_json(R"({"format": "zbb-model/1", "goals": {}})"),
                      Catch::Contains("field 'goals': must be a JSON array"));
    CHECK_THROWS_WITH(zbb::read_model_file("/nonexistent/model.json"),
                      Catch::Contains("cannot open"));
    CHECK_THROWS_AS(zbb::read_model_json("{", "m.json"), std::invalid_argument);
    // Duplicate keys would silently lose data: refused, naming the key.
    CHECK_THROWS_WITH(
        zbb::read_model_json(replaced(base, R"("name": "t")", R"("name": "t", "name": "u")"),
                             "m.json"),
        Catch::Contains("file 'm.json', field 'name': duplicate key"));
    // Invalid UTF-8 in the input: the message stays valid UTF-8 (the byte is escaped).
    std::string bad_utf8 = replaced(base, R"("name": "t")", "\"name\": \"t\xff\"");
    try {
        (void)zbb::read_model_json(bad_utf8, "m.json");
        FAIL("expected model_error");
    } catch (const zbb::model_error& e) {
        std::string what = e.what();
        CHECK(what.find('\xff') == std::string::npos);
        CHECK(what.find("\\x") != std::string::npos);
    }
    // 1e999 is named by the key whose value it is, even when the text also occurs in a name.
    std::string twice = replaced(replaced(base, R"("name": "t")", R"("name": "x: 1e999")"),
                                 R"("volume": 3)", R"("volume": 1e999)");
    CHECK_THROWS_WITH(zbb::read_model_json(twice, "m.json"), Catch::Contains("field 'volume'"));
    CHECK_THROWS_WITH(
        zbb::read_model_json(replaced(base, R"("price": "10.00")",
                                      R"("price": "0.0000000000000000000000000000001")")),
        Catch::Contains("more than 30 decimals"));
}

TEST_CASE("the reader: JSON details kept from the earlier parser", "[io][errors]") {
    // A UTF-8 byte order mark is skipped.
    CHECK_NOTHROW(link_text("\xEF\xBB\xBF" + base));
    // Anything after the document is refused, with its line and column.
    CHECK_THROWS_WITH(zbb::read_model_json(base + " []", "m.json"),
                      Catch::Contains("invalid JSON") && Catch::Contains("line 12"));
    // Duplicate keys at the top level and in a row.
    CHECK_THROWS_WITH(
        zbb::read_model_json(
            replaced(base, R"("currency": "EUR")", R"("currency": "EUR", "goals": [])"), "m.json"),
        Catch::Contains("file 'm.json', field 'goals': duplicate key"));
    CHECK_THROWS_WITH(zbb::read_model_json(replaced(base, R"("per_unit": 0.5})",
                                                    R"("per_unit": 0.5, "per_unit": null})"),
                                           "m.json"),
                      Catch::Contains("field 'per_unit': duplicate key"));
    // Nesting deeper than 32 anywhere, also in a row or an ignored $schema.
    const std::string deep = std::string(40, '[') + std::string(40, ']');
    CHECK_THROWS_WITH(
        zbb::read_model_json(replaced(base, R"("per_unit": 0.5})", R"("per_unit": )" + deep + "}")),
        Catch::Contains("nested deeper than 32"));
    CHECK_THROWS_WITH(
        zbb::read_model_json(replaced(base, R"("name": "t")", R"("$schema": )" + deep)),
        Catch::Contains("nested deeper than 32"));
    // $schema may be any valid JSON, but valid it must be.
    CHECK_NOTHROW(link_text(replaced(base, R"("name": "t")", R"("$schema": {"a": [1, 2]})")));
    CHECK_THROWS_WITH(
        zbb::read_model_json(replaced(base, R"("name": "t")", R"("$schema": {"a": tru})")),
        Catch::Contains("invalid JSON") && Catch::Contains("line 2"));
    // An integer beyond 2^64 is a valid JSON number (read as the nearest double).
    const auto big = zbb::read_model_json(
        replaced(base, R"("volume": 3)", R"("volume": 123456789012345678901234567890)"));
    CHECK(big.plan.rows[0].volume == 1.2345678901234568e29);
    // Escapes in keys are resolved.
    CHECK(
        zbb::read_model_json(replaced(base, R"("name": "t")", R"("n\u0061me": "t\u00e9")")).name ==
        "t\xC3\xA9");
    // A table that is not an array, a row that is not an object, null tables.
    CHECK_THROWS_WITH(
        zbb::read_model_json(replaced(base, R"("support": [)", R"("support": 5, "x": [)")),
        Catch::Contains("unknown key"));
    CHECK_THROWS_WITH(zbb::read_model_json(replaced(base, R"("plan": [)", R"("plan": [7, )")),
                      Catch::Contains("plan[0]: must be a JSON object"));
    const auto no_support = zbb::read_model_json(
        replaced(base, R"("support": [{"supplier": "A2", "consumer": "A1", "per_unit": 0.1}])",
                 R"("support": null)"));
    CHECK(no_support.support.empty());
}

TEST_CASE("the reader streams: rows across chunks keep their places", "[io]") {
    // About 12 MB of consumption rows: three chunks of 4 MB. A bad row in the last chunk is named
    // by its place in the whole table.
    std::string text = R"({"format": "zbb-model/1", "activities": [{"id": "A", "partner": "P"}],
  "partners": [{"id": "P"}], "resources": [)";
    const int n = 200000;
    for (int r = 0; r < n; ++r)
        text += (r ? ",\n" : "") + std::string(R"({"id": "R)") + std::to_string(r) +
                R"(", "name": "a resource with a longer name", "price": "1.25"})";
    text += "],\n\"consumption\": [";
    for (int r = 0; r < n; ++r)
        text += (r ? ",\n" : "") + std::string(R"({"activity": "A", "resource": "R)") +
                std::to_string(r) + R"(", "per_unit": 0.5})";
    text += "]}";
    REQUIRE(text.size() > 12'000'000);
    const auto m = zbb::read_model_json(text);
    REQUIRE(m.consumption.size() == static_cast<std::size_t>(n));
    CHECK(m.consumption.back().resource == "R" + std::to_string(n - 1));
    CHECK(m.resources[123456].id == "R123456");
    const zbb::linked_model lm(m);
    CHECK(lm.consumption().nonZeros() == n);
    // The last row made bad: named by its index in the whole table.
    std::string bad = text;
    const auto at = bad.rfind(R"("per_unit": 0.5)");
    bad.replace(at, 15, R"("per_unit": "x")");
    CHECK_THROWS_WITH(zbb::read_model_json(bad),
                      Catch::Contains("consumption 'A -> R" + std::to_string(n - 1) +
                                      "', field 'per_unit': must be a number"));
    const auto id_at = bad.rfind(R"("activity": "A")");
    bad.replace(id_at, 15, R"("activity": 1)");
    CHECK_THROWS_WITH(zbb::read_model_json(bad),
                      Catch::Contains("consumption[" + std::to_string(n - 1) +
                                      "], field 'activity': must be a string"));
}

TEST_CASE("the CSV report: one tidy table that sums to the total", "[io]") {
    const zbb::linked_model lm(zbb::read_model_file(example_path));
    const auto b = zbb::compute_budget(lm);
    const std::string csv = zbb::budget_report_csv(lm, b);
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    CHECK(line == "breakdown,key,amount");
    std::getline(in, line);
    CHECK(line == "total,," + b.total.to_string(2));
    std::map<std::string, zbb::money> sums;
    std::size_t rows = 0;
    while (std::getline(in, line)) {
        const auto c1 = line.find(','), c2 = line.rfind(',');
        sums[line.substr(0, c1)] += zbb::money::parse(line.substr(c2 + 1), 2, {});
        ++rows;
    }
    CHECK(rows == lm.goals().size() + lm.activities().size() + lm.resources().size() +
                      lm.partners().size() + lm.categories().size());
    for (const auto& [breakdown, sum] : sums) {
        INFO(breakdown);
        CHECK(sum == b.total);
    }
}

TEST_CASE("the writer refuses text that is not valid UTF-8", "[io][errors]") {
    auto m = zbb::read_model_file(example_path);
    m.name = "bad \xff name";
    CHECK_THROWS_AS(zbb::write_model_json(m), zbb::model_error);
    CHECK_THROWS_WITH(zbb::write_model_json(m), Catch::Contains("is not valid UTF-8"));
    m.name = "overlong \xc0\xaf slash";
    CHECK_THROWS_WITH(zbb::write_model_json(m), Catch::Contains("is not valid UTF-8"));
    m.name = "fine \xc3\xa9";  // é
    CHECK_NOTHROW(zbb::write_model_json(m));
}

TEST_CASE("text reports escape control characters and mark bidirectional controls",
          "[io][report]") {
    auto m = zbb::read_model_file(example_path);
    const std::string old_id = m.activities[0].id;
    const std::string id = "A-\nnew\x01line";
    m.activities[0].id = id;
    m.activities[0].name = "right-to-left \xE2\x80\xAE override, isolate \xE2\x81\xA6 end";
    m.name = "model\nname";
    for (auto& e : m.effects)
        if (e.activity == old_id) e.activity = id;
    for (auto& c : m.consumption)
        if (c.activity == old_id) c.activity = id;
    for (auto& s : m.support) {
        if (s.supplier == old_id) s.supplier = id;
        if (s.consumer == old_id) s.consumer = id;
    }
    for (auto& f : m.funding)
        if (f.activity == old_id) f.activity = id;
    for (auto& p : m.plan.rows)
        if (p.activity == old_id) p.activity = id;
    for (auto& p : m.packages)
        for (auto& v : p.volumes)
            if (v.activity == old_id) v.activity = id;
    const zbb::linked_model lm(m);
    const auto b = zbb::compute_budget(lm);
    const std::string text = zbb::budget_report_text(lm, b);
    CHECK(text.find("A-\\nnew\\x01line") != std::string::npos);
    CHECK(text.find("model\\nname") != std::string::npos);
    CHECK(text.find("\\u202e") != std::string::npos);
    CHECK(text.find("\\u2066") != std::string::npos);
    CHECK(text.find("\xE2\x80\xAE") == std::string::npos);
    CHECK(text.find('\x01') == std::string::npos);
    CHECK(text.find("A-\nnew") == std::string::npos);  // no row split by the id's newline
    // JSON keeps the text exactly (escaped the JSON way), and error messages mark the same.
    const std::string json = zbb::budget_report_json(lm, b);
    CHECK(json.find("A-\\nnew\\u0001line") != std::string::npos);
    CHECK(zbb::detail::printable("a\xE2\x80\xAE"
                                 "b\xE2\x81\xA9"
                                 "c") == "a\\u202eb\\u2069c");
    CHECK(zbb::detail::printable("\xE2\x80\x94 dash stays") == "\xE2\x80\x94 dash stays");
}

TEST_CASE("ranges: read, written back losslessly, ignored by the budget, refused when bad",
          "[io][ranges][errors]") {
    std::string text =
        replaced(base, R"("per_unit": 0.5})", R"("per_unit": 0.5, "low": -0.25, "high": 0.75})");
    text = replaced(text, R"("per_unit": 2})", R"("per_unit": 2, "low": 1.5, "high": 2})");
    text = replaced(text, R"("per_unit": 0.1})", R"("per_unit": 0.1, "low": 0, "high": 0.2})");
    text = replaced(text, R"("price": "10.00")",
                    R"("price": "10.00", "price_low": "9.50", "price_high": "12.25")");
    const zbb::model m = zbb::read_model_json(text);
    REQUIRE(m.effects[0].low == -0.25);
    REQUIRE(m.effects[0].high == 0.75);
    REQUIRE(m.consumption[0].low == 1.5);
    REQUIRE(m.support[0].low == 0.0);
    REQUIRE(m.resources[0].price_low->text() == "9.50");
    REQUIRE(m.resources[0].price_high->text() == "12.25");
    // Written back and read again: the same model, ranges included; absent ranges stay absent.
    const std::string written = zbb::write_model_json(m);
    CHECK(written.find(R"("price_low": "9.50")") != std::string::npos);
    CHECK(zbb::write_model_json(zbb::read_model_json(written)) == written);
    CHECK(zbb::write_model_json(zbb::read_model_json(base)).find("low") == std::string::npos);
    // The budget uses the likely values only: identical to the model without ranges.
    const zbb::linked_model with(m), without(zbb::read_model_json(base));
    CHECK(zbb::budget_report_json(with, zbb::compute_budget(with)) ==
          zbb::budget_report_json(without, zbb::compute_budget(without)));

    struct bad_case {
        std::string from, to, message;
    };
    const std::vector<bad_case> cases = {
        {R"("per_unit": 0.5})", R"("per_unit": 0.5, "low": 0.1})",
         "effects 'G1 -> A1', field 'high': missing; a range needs both low and high (or "
         "neither)"},
        {R"("per_unit": 0.5})", R"("per_unit": 0.5, "high": 0.9})",
         "effects 'G1 -> A1', field 'low': missing"},
        {R"("per_unit": 0.5})", R"("per_unit": 0.5, "low": 0.6, "high": 0.9})",
         "effects 'G1 -> A1', field 'low': 0.6 is above per_unit 0.5; a range has low <= "
         "per_unit <= high"},
        {R"("per_unit": 0.5})", R"("per_unit": 0.5, "low": 0.1, "high": 0.4})",
         "effects 'G1 -> A1', field 'high': 0.4 is below per_unit 0.5"},
        {R"("per_unit": 0.5})", R"("per_unit": 0.5, "low": -1e308, "high": 1})",
         "effects 'G1 -> A1', field 'low': -1e+308 is beyond the numeric range"},
        {R"("per_unit": 0.5})", R"("per_unit": 0.5, "low": 5e-324, "high": 1})",
         "field 'low': 4.94065645841247e-324 is beyond the numeric range"},
        {R"("per_unit": 0.5})", R"("per_unit": 0.5, "low": "0.1", "high": 1})",
         "effects 'G1 -> A1', field 'low': must be a number"},
        {R"("per_unit": 2})", R"("per_unit": 2, "low": -1, "high": 3})",
         "consumption 'A1 -> R1', field 'low': must not be negative (got -1)"},
        {R"("per_unit": 0.1})", R"("per_unit": 0.1, "low": -0.1, "high": 0.2})",
         "support 'A2 -> A1', field 'low': must not be negative"},
        {R"("per_unit": 0.1})", R"("per_unit": 0.1, "low": 0, "high": 1e10})",
         "support 'A2 -> A1', field 'high': 10000000000 is beyond the numeric range"},
        {R"("price": "10.00")", R"("price": "10.00", "price_low": 9.5, "price_high": "12.00")",
         "resource 'R1', field 'price_low': must be a decimal string"},
        {R"("price": "10.00")", R"("price": "10.00", "price_high": "12.00")",
         "resource 'R1', field 'price_low': missing; a price range needs both price_low and "
         "price_high (or neither)"},
        {R"("price": "10.00")", R"("price": "10.00", "price_low": "10.01", "price_high": "12")",
         "resource 'R1', field 'price_low': \"10.01\" is above the price \"10.00\"; a range has "
         "price_low <= price <= price_high"},
        {R"("price": "10.00")", R"("price": "10.00", "price_low": "9", "price_high": "9.99")",
         "resource 'R1', field 'price_high': \"9.99\" is below the price \"10.00\""},
        {R"("price": "10.00")", R"("price": "10.00", "price_low": "-1", "price_high": "12")",
         "resource 'R1', field 'price_low': must not be negative"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.to);
        CHECK_THROWS_WITH(link_text(replaced(base, c.from, c.to)), Catch::Contains(c.message));
    }
    // A price range beyond the cent's range is a money_overflow, as a price is.
    CHECK_THROWS_AS(
        link_text(
            replaced(base, R"("price": "10.00")",
                     R"("price": "10.00", "price_low": "1", "price_high": "90071992547409.92")")),
        zbb::money_overflow);
}

TEST_CASE("ranges: a variant's per_unit keeps the row's range and must stay inside it",
          "[io][ranges][variants]") {
    std::string text =
        replaced(base, R"("per_unit": 0.5})", R"("per_unit": 0.5, "low": 0.25, "high": 0.75})");
    text = replaced(text, R"("price": "10.00")",
                    R"("price": "10.00", "price_low": "9.50", "price_high": "12.25")");
    const zbb::linked_model lm(zbb::read_model_json(text));
    auto variant = [](const std::string& change) {
        return zbb::read_variant_json(
            R"({"format": "zbb-variant/1", "name": "v", "changes": [)" + change + "]}", "v.json");
    };
    const auto inside = zbb::apply_variant(
        lm,
        variant(R"({"set": "effects.per_unit", "goal": "G1", "activity": "A1", "value": 0.7})"));
    CHECK(inside.source().effects[0].per_unit == 0.7);
    CHECK(inside.source().effects[0].low == 0.25);
    CHECK(inside.source().effects[0].high == 0.75);
    CHECK_THROWS_WITH(
        zbb::apply_variant(
            lm,
            variant(
                R"({"set": "effects.per_unit", "goal": "G1", "activity": "A1", "value": 0.8})")),
        "variant 'v', changes[0] (effects.per_unit): effects 'G1 -> A1', field 'high': 0.75 is "
        "below per_unit 0.8; a range has low <= per_unit <= high");
    CHECK_THROWS_WITH(
        zbb::apply_variant(lm,
                           variant(R"({"set": "resource.price", "id": "R1", "value": "9.49"})")),
        Catch::Contains("resource 'R1', field 'price_low': \"9.50\" is above the price \"9.49\""));
    // A row the variant adds has no range.
    const auto added = zbb::apply_variant(
        lm,
        variant(R"({"set": "effects.per_unit", "goal": "G1", "activity": "A2", "value": 0.2})"));
    CHECK_FALSE(added.source().effects.back().low);
}

// The hostile-input suite through the C++ API: every case of tests/hostile/cases.json read, linked,
// budgeted, optimised (least cost, max effect), ranked into packages and simulated (Monte Carlo
// over its ranges), each outcome as the case says (the same table drives
// tests/python/test_hostile.py for the CLI and Python).
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>

#include "zbb/compare.hpp"
#include "zbb/goal_tables.hpp"
#include "zbb/io.hpp"
#include "zbb/optimize.hpp"
#include "zbb/prior.hpp"
#include "zbb/prior_report.hpp"
#include "zbb/report.hpp"
#include "zbb/simulate.hpp"
#include "zbb/simulate_report.hpp"
#include "zbb/variant.hpp"
#include "zbb/years.hpp"

namespace {

using json = nlohmann::json;

json load(const std::string& relative) {
    std::ifstream in(std::string(ZBB_SOURCE_DIR) + "/" + relative, std::ios::binary);
    REQUIRE(in);
    return json::parse(in);
}

json renamed(const json& node, const std::string& from, const std::string& to) {
    if (node.is_string() && node.get<std::string>() == from) return to;
    if (node.is_array() || node.is_object()) {
        json out = node;
        for (auto& v : out) v = renamed(v, from, to);
        return out;
    }
    return node;
}

// The document text of a case: the base with the prelude and the case's changes.
std::string case_text(const json& suite, const json& c) {
    if (c.contains("nest")) {
        const auto n = c["nest"].get<std::size_t>();
        return std::string(n, '[') + std::string(n, ']');
    }
    json doc = load(suite["base"].get<std::string>());
    for (const auto* list : {&suite["prelude"], c.contains("set") ? &c["set"] : nullptr}) {
        if (!list) continue;
        for (const auto& change : *list)
            doc[json::json_pointer(change[0].get<std::string>())] = change[1];
    }
    if (c.contains("append"))
        for (const auto& change : c["append"])
            doc[json::json_pointer(change[0].get<std::string>())].push_back(change[1]);
    if (c.contains("rename"))
        for (const auto& change : c["rename"])
            doc = renamed(doc, change[0].get<std::string>(), change[1].get<std::string>());
    return doc.dump();
}

// No raw control character reaches a terminal: C0 controls but the line break, DEL, and the
// bidirectional controls U+202A..U+202E, U+2066..U+2069 (UTF-8 E2 80 AA..AE, E2 81 A6..A9).
void check_printable(const std::string& report) {
    CHECK(std::none_of(report.begin(), report.end(), [](char ch) {
        const auto u = static_cast<unsigned char>(ch);
        return (u < 0x20 && ch != '\n') || u == 0x7f;
    }));
    for (std::size_t i = 0; i + 2 < report.size(); ++i) {
        const auto b1 = static_cast<unsigned char>(report[i + 1]);
        const auto b2 = static_cast<unsigned char>(report[i + 2]);
        if (static_cast<unsigned char>(report[i]) != 0xe2) continue;
        CHECK_FALSE(
            ((b1 == 0x80 && b2 >= 0xaa && b2 <= 0xae) || (b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9)));
    }
}

// The text of a variant or prior case of tests/hostile/files.json.
std::string file_text(const json& c, const char* content) {
    if (c.contains("nest")) {
        const auto n = c["nest"].get<std::size_t>();
        const std::string nested = std::string(n, '[') + std::string(n, ']');
        if (!c.contains("around")) return nested;
        std::string around = c["around"].get<std::string>();
        return around.replace(around.find("%s"), 2, nested);
    }
    if (c.contains("prior_hex")) {
        const auto hex = c["prior_hex"].get<std::string>();
        std::string out;
        for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
            out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
        return out;
    }
    if (std::string(content) == "variant") return c["variant"].dump();
    return c[content].get<std::string>();
}

const json& expectation(const json& c, const std::string& door) {
    if (c.contains("doors") && c["doors"].contains(door)) return c["doors"][door];
    return c;
}

// Runs `question` and checks it against the expectation: an exception of the named kind whose
// message contains the text, or no exception (then `check_ok` looks at the result).
void check(const json& want, const std::function<void()>& question) {
    if (!want.contains("error")) {
        question();
        return;
    }
    const auto kind = want["error"]["kind"].get<std::string>();
    const auto text = want["error"]["message"].get<std::string>();
    try {
        question();
    } catch (const zbb::support_loop_error& e) {
        CHECK(kind == "support_loop_error");
        CHECK_THAT(e.what(), Catch::Contains(text));
        return;
    } catch (const zbb::model_error& e) {
        CHECK(kind == "model_error");
        CHECK_THAT(e.what(), Catch::Contains(text));
        return;
    } catch (const zbb::money_overflow& e) {
        CHECK(kind == "money_overflow");
        CHECK_THAT(e.what(), Catch::Contains(text));
        return;
    }
    FAIL("no error; expected " << kind << ": " << text);
}

}  // namespace

TEST_CASE("hostile input: every case of tests/hostile/cases.json through the C++ API",
          "[hostile][errors]") {
    const json suite = load("tests/hostile/cases.json");
    REQUIRE(suite["cases"].size() >= 30);
    for (const auto& c : suite["cases"]) {
        const auto name = c["name"].get<std::string>();
        CAPTURE(name);
        const std::string text = case_text(suite, c);
        auto linked = [&] { return zbb::linked_model(zbb::read_model_json(text, "hostile.json")); };

        check(expectation(c, "budget"), [&] {
            const auto lm = linked();
            const auto b = zbb::compute_budget(lm);
            // A model with years reports every year's total too (as zbb budget does).
            const auto years =
                lm.has_years() ? std::optional(zbb::compute_multi_year_budget(lm)) : std::nullopt;
            const auto report =
                years ? zbb::budget_report_text(lm, b, *years) : zbb::budget_report_text(lm, b);
            const json ok = expectation(c, "budget").value("ok", json::object());
            if (ok.contains("text"))
                CHECK_THAT(report, Catch::Contains(ok["text"].get<std::string>()));
            check_printable(report);
            if (ok.contains("json"))
                CHECK_THAT(
                    years ? zbb::budget_report_json(lm, b, *years) : zbb::budget_report_json(lm, b),
                    Catch::Contains(ok["json"].get<std::string>()));
            if (years) check_printable(zbb::multi_year_report_text(lm, *years));
            zbb::money sum;
            for (const auto& a : b.by_partner.amounts) sum += a;
            CHECK(sum == b.total);
        });
        for (const char* door : {"optimize", "max-effect"}) {
            CAPTURE(door);
            const json& want = expectation(c, door);
            check(want, [&] {
                const auto lm = linked();
                const auto r =
                    std::string(door) == "optimize" ? zbb::least_cost(lm) : zbb::max_effect(lm);
                const std::string status =
                    want.value("ok", json::object()).value("status", std::string("optimal"));
                CHECK(std::string(zbb::to_string(r.status)) == status);
                if (status == "infeasible") {
                    REQUIRE(r.explanation);
                    CHECK_FALSE(r.explanation->goals.empty());
                }
            });
        }
        check(expectation(c, "packages"), [&] {
            const auto r = zbb::rank_packages(linked());
            CHECK(r.status == zbb::packages_status::optimal);
        });
        check(expectation(c, "simulate"), [&] {
            zbb::simulate_options o;
            o.draws = 64;
            o.seed = 7;
            o.threads = 2;
            const auto s = zbb::simulate(linked(), {}, o);
            check_printable(zbb::simulation_report_text(s));
            const json doc = json::parse(zbb::simulation_report_json(s));
            CHECK(doc["draws"] == 64);
            for (const auto& [id, g] : doc["variants"]["base"]["goals"].items()) {
                CAPTURE(id);
                CHECK(g["p_reach"].get<double>() >= 0.0);
                CHECK(g["p_reach"].get<double>() <= 1.0);
            }
        });
    }
}

TEST_CASE(
    "hostile input: the variant and prior files of tests/hostile/files.json through the C++ API",
    "[hostile][errors][variants][prior]") {
    const json suite = load("tests/hostile/cases.json");
    const json files = load("tests/hostile/files.json");
    const zbb::linked_model base(
        zbb::read_model_json(case_text(suite, json::object()), "hostile.json"));
    REQUIRE(files["variants"].size() >= 15);
    REQUIRE(files["priors"].size() >= 15);
    for (const auto& c : files["variants"]) {
        const auto name = c["name"].get<std::string>();
        CAPTURE(name);
        const std::string text = file_text(c, "variant");
        check(c, [&] {
            const auto v = zbb::read_variant_json(text, "v.json");
            const auto cmp = zbb::compare_budgets(base, {v});
            const auto report = zbb::compare_report_text(cmp);
            check_printable(report);
            const json ok = c.value("ok", json::object());
            if (ok.contains("text"))
                CHECK_THAT(report, Catch::Contains(ok["text"].get<std::string>()));
            if (ok.contains("json"))
                CHECK_THAT(zbb::compare_report_json(cmp),
                           Catch::Contains(ok["json"].get<std::string>()));
        });
    }
    const auto b = zbb::compute_budget(base);
    const auto tables = zbb::compute_goal_tables(base, b);
    for (const auto& c : files["priors"]) {
        const auto name = c["name"].get<std::string>();
        CAPTURE(name);
        const std::string text = file_text(c, "prior");
        check(c, [&] {
            const auto prior = zbb::read_prior_text(text, c.value("file", std::string("p.csv")));
            const auto cmp = zbb::compare_prior(base, b, tables, prior);
            const auto report = zbb::prior_report_text(base, cmp);
            check_printable(report);
            const json ok = c.value("ok", json::object());
            if (ok.contains("text"))
                CHECK_THAT(report, Catch::Contains(ok["text"].get<std::string>()));
            if (ok.contains("json"))
                CHECK_THAT(zbb::prior_report_json(base, b, cmp),
                           Catch::Contains(ok["json"].get<std::string>()));
            // The waterfall cross-foots: start + bars = end, to the cent.
            REQUIRE(cmp.waterfall.size() >= 2);
            zbb::money sum = cmp.waterfall.front().amount;
            for (std::size_t i = 1; i + 1 < cmp.waterfall.size(); ++i)
                sum += cmp.waterfall[i].amount;
            CHECK(sum == cmp.waterfall.back().amount);
            CHECK(cmp.waterfall.back().amount == b.total);
        });
    }
}

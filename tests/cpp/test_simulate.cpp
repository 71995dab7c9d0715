// Monte Carlo (zbb/simulate.hpp): exact statistics on hand-made columns, agreement with the
// budget where nothing is uncertain, determinism across threads and chunks, common random
// numbers, the uncertain-support methods against each other, and every refusal.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "generate.hpp"
#include "zbb/zbb.hpp"

using Catch::Detail::Approx;
using zbb::linked_model;

namespace {

zbb::model ranges_example() {
    return zbb::read_model_file(std::string(ZBB_SOURCE_DIR) +
                                "/examples/dementia-friendly-ranges.json");
}
zbb::model plain_example() {
    return zbb::read_model_file(std::string(ZBB_SOURCE_DIR) + "/examples/dementia-friendly.json");
}

zbb::variant parse_variant(const std::string& changes, const std::string& name) {
    return zbb::read_variant_json(
        R"({"format": "zbb-variant/1", "name": ")" + name + R"(", "changes": [)" + changes + "]}",
        "v.json");
}

zbb::simulate_options draws(std::uint64_t n, std::uint64_t seed = 7, unsigned threads = 1) {
    zbb::simulate_options o;
    o.draws = n;
    o.seed = seed;
    o.threads = threads;
    return o;
}

// A model with one activity A (volume x via plan), one goal G (effect e with a range), one
// resource R (price with a range), no support.
zbb::model tiny(double volume, const char* price, const char* low, const char* high) {
    return zbb::read_model_json(std::string(R"({"format": "zbb-model/1", "currency": "EUR",
      "goals": [{"id": "G", "baseline": 0, "target": 10}],
      "activities": [{"id": "A", "partner": "P"}],
      "resources": [{"id": "R", "price": ")") +
                                    price + R"(", "price_low": ")" + low + R"(", "price_high": ")" +
                                    high + R"("}],
      "partners": [{"id": "P"}],
      "effects": [{"goal": "G", "activity": "A", "per_unit": 1, "low": 0.5, "high": 2}],
      "consumption": [{"activity": "A", "resource": "R", "per_unit": 1}],
      "plan": [{"goal": "G", "activity": "A", "volume": )" +
                                    std::to_string(volume) + "}]}",
                                "tiny.json");
}

}  // namespace

TEST_CASE("simulation statistics: nearest rank, exact mean, p_reach", "[simulate]") {
    zbb::simulation_column c;
    c.name = "base";
    c.goals = {"G"};
    c.baselines = {0};
    c.targets = {10};
    for (int k = 1; k <= 20; ++k) {
        c.totals.push_back(k * 100);  // 1.00 .. 20.00
        c.projected.push_back(k <= 5 ? 9.5 : 10.0 + k);
    }
    const auto v = zbb::summarise_column(c, zbb::rounding_mode::half_even);
    // nearest rank: ceil(5 * 20 / 100) = 1st, ceil(50 * 20 / 100) = 10th, ceil(95 * 20 / 100) =
    // 19th
    CHECK(v.total.p5.to_string(2) == "1.00");
    CHECK(v.total.p50.to_string(2) == "10.00");
    CHECK(v.total.p95.to_string(2) == "19.00");
    CHECK(v.total.mean.to_string(2) == "10.50");  // 21000 / 20 exactly
    CHECK(v.goals[0].p_reach == 0.75);            // draws 6..20 reach 10
    CHECK(v.goals[0].projected.p5 == 9.5);
    CHECK(v.goals[0].projected.p50 == 20.0);
    CHECK(v.goals[0].projected.p95 == 29.0);

    // The mean is rounded exactly in the named mode: (1 + 2) / 2 = 1.5 cents.
    c.totals = {1, 2};
    c.projected = {0, 0};
    CHECK(zbb::summarise_column(c, zbb::rounding_mode::half_even).total.mean.minor_units() == 2);
    CHECK(zbb::summarise_column(c, zbb::rounding_mode::half_down).total.mean.minor_units() == 1);
    CHECK(zbb::summarise_column(c, zbb::rounding_mode::floor).total.mean.minor_units() == 1);
    c.totals = {-1, -2};
    CHECK(zbb::summarise_column(c, zbb::rounding_mode::half_up).total.mean.minor_units() == -2);
    CHECK(zbb::summarise_column(c, zbb::rounding_mode::ceiling).total.mean.minor_units() == -1);
    CHECK(zbb::summarise_column(c, zbb::rounding_mode::half_even).total.mean.minor_units() == -2);
    // One draw: every percentile is that draw.
    c.totals = {5};
    c.projected = {3};
    const auto one = zbb::summarise_column(c, zbb::rounding_mode::half_even);
    CHECK(one.total.p5 == one.total.p95);
    CHECK(one.goals[0].p_reach == 0.0);
}

TEST_CASE("simulation without ranges: every draw is the budget", "[simulate]") {
    const linked_model lm(plain_example());
    const auto b = zbb::compute_budget(lm);
    const auto s = zbb::simulate(lm, {}, draws(50));
    REQUIRE(s.variants.size() == 1);
    for (auto t : s.columns[0].totals) CHECK(t == static_cast<std::int64_t>(b.total.minor_units()));
    CHECK(s.variants[0].total.mean == b.total);
    CHECK(s.variants[0].total.p5 == b.total);
    for (std::size_t g = 0; g < s.variants[0].goals.size(); ++g) {
        const auto& gs = s.variants[0].goals[g];
        CHECK(gs.projected.p50 == b.projected[static_cast<Eigen::Index>(g)]);
        const bool reached =
            zbb::progress_toward(lm.view().goals[g], b.projected[static_cast<Eigen::Index>(g)])
                .reached;
        CHECK(gs.p_reach == (reached ? 1.0 : 0.0));
    }
}

TEST_CASE("simulation of one range: triangular and PERT means within sampling error",
          "[simulate]") {
    // G = 1 * x with the effect triangular(0.5, 1, 2); cost = x * price, price triangular(8, 10,
    // 15).
    const linked_model lm(tiny(4, "10.00", "8.00", "15.00"));
    const std::uint64_t n = 20000;
    for (auto shape : {zbb::range_shape::triangular, zbb::range_shape::pert}) {
        auto o = draws(n, 11);
        o.shape = shape;
        const auto s = zbb::simulate(lm, {}, o);
        const auto& g = s.variants[0].goals[0];
        const bool tri = shape == zbb::range_shape::triangular;
        const double effect_mean = tri ? (0.5 + 1 + 2) / 3 : (0.5 + 4 + 2) / 6.0;
        const double effect_var =
            tri ? (0.25 + 1 + 4 - 0.5 - 1 - 2) / 18 : (effect_mean - 0.5) * (2 - effect_mean) / 7.0;
        const double se = 4 * std::sqrt(effect_var / static_cast<double>(n));
        CHECK(std::fabs(g.projected.mean - 4 * effect_mean) < 4 * 4 * se / 4 + 4 * se);
        // p_reach: P(4 e >= 10) = P(e >= 2.5) = 0.
        CHECK(g.p_reach == 0.0);
        const double price_mean = tri ? (8 + 10 + 15) / 3.0 : (8 + 40 + 15) / 6.0;
        const double mean_cents = static_cast<double>(s.variants[0].total.mean.minor_units());
        CHECK(std::fabs(mean_cents - 400 * price_mean) < 400 * 7 * 4 / std::sqrt(double(n)) + 1);
        // Quantiles are values of draws, ordered.
        CHECK(s.variants[0].total.p5 <= s.variants[0].total.p50);
        CHECK(s.variants[0].total.p50 <= s.variants[0].total.p95);
        CHECK(g.projected.p5 >= 4 * 0.5);
        CHECK(g.projected.p95 <= 4 * 2.0);
    }
    // The same seed gives the same draws; another seed others.
    const auto a = zbb::simulate(lm, {}, draws(100, 1));
    const auto b = zbb::simulate(lm, {}, draws(100, 1));
    const auto c = zbb::simulate(lm, {}, draws(100, 2));
    CHECK(a.columns[0].projected == b.columns[0].projected);
    CHECK(a.columns[0].projected != c.columns[0].projected);
}

TEST_CASE("simulation: bit-identical across thread counts and chunks", "[simulate]") {
    const linked_model lm(ranges_example());
    const auto one = zbb::simulate(lm, {}, draws(3001, 5, 1));
    for (unsigned t : {2u, 3u, 0u}) {
        const auto more = zbb::simulate(lm, {}, draws(3001, 5, t));
        CHECK(more.columns[0].totals == one.columns[0].totals);
        CHECK(more.columns[0].projected == one.columns[0].projected);
        CHECK(zbb::simulation_report_json(more) == zbb::simulation_report_json(one));
    }
    // Chunks of draws made separately (in any order), through their bytes, assembled.
    const zbb::simulator sim(lm, zbb::range_shape::triangular);
    std::vector<zbb::simulation_column> chunks;
    for (std::uint64_t first : {2000ull, 0ull, 1000ull, 3000ull}) {
        const std::uint64_t count = first == 3000 ? 1 : 1000;
        const auto chunk = sim.run("base", 5, first, count, zbb::rounding_mode::half_even);
        chunks.push_back(zbb::simulation_column_from_state(zbb::simulation_column_state(chunk)));
    }
    const auto joined = zbb::assemble_simulation(3001, 5, zbb::range_shape::triangular,
                                                 std::move(chunks), zbb::rounding_mode::half_even);
    CHECK(joined.columns[0].totals == one.columns[0].totals);
    CHECK(joined.columns[0].projected == one.columns[0].projected);
    CHECK(zbb::simulation_report_json(joined) == zbb::simulation_report_json(one));
}

TEST_CASE("simulation: common random numbers shrink the spread of a variant's difference",
          "[simulate]") {
    const linked_model lm(ranges_example());
    const auto more_case = parse_variant(
        R"({"set": "plan.volume", "goal": "G-home", "activity": "A-case", "value": 420})",
        "more-case");
    const std::uint64_t n = 4000;
    const auto together = zbb::simulate(lm, {more_case}, draws(n, 3));
    const auto apart = zbb::simulate(lm, {more_case}, draws(n, 4));  // the variant with seed 4
    auto spread = [n](const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
        double mean = 0, sq = 0;
        for (std::size_t k = 0; k < n; ++k) mean += static_cast<double>(b[k] - a[k]);
        mean /= static_cast<double>(n);
        for (std::size_t k = 0; k < n; ++k)
            sq += std::pow(static_cast<double>(b[k] - a[k]) - mean, 2);
        return std::sqrt(sq / static_cast<double>(n - 1));
    };
    const double crn = spread(together.columns[0].totals, together.columns[1].totals);
    const double independent = spread(together.columns[0].totals, apart.columns[1].totals);
    CHECK(crn < independent / 5);
    // A coefficient's stream is its identity: the base draws the same in both runs.
    CHECK(together.columns[0].totals == zbb::simulate(lm, {}, draws(n, 3)).columns[0].totals);
    CHECK(together.variants[1].name == "more-case");
}

TEST_CASE("simulation: uncertain support by low-rank update equals factorising per draw",
          "[simulate]") {
    const linked_model lm(ranges_example());
    const zbb::simulator update(lm, zbb::range_shape::triangular, 64);
    const zbb::simulator fresh(lm, zbb::range_shape::triangular, 0);
    CHECK(update.support_method() == "low-rank update");
    CHECK(fresh.support_method() == "factorised per draw");
    CHECK(update.update_rank() == 3);
    const auto a = update.run("base", 9, 0, 500, zbb::rounding_mode::half_even);
    const auto b = fresh.run("base", 9, 0, 500, zbb::rounding_mode::half_even);
    for (std::size_t k = 0; k < 500; ++k) CHECK(std::llabs(a.totals[k] - b.totals[k]) <= 1);
    for (std::size_t k = 0; k < a.projected.size(); ++k)
        CHECK(a.projected[k] == Approx(b.projected[k]).epsilon(1e-10));

    // Property over generated models with ranges on every support row: the same agreement, and
    // the likely values reproduce the budget.
    std::mt19937_64 rng(42);
    for (int m = 0; m < 10; ++m) {
        auto model = zbb_test::generate_model(rng, {});
        for (auto& s : model.support) {
            s.low = s.per_unit * 0.7;
            s.high = s.per_unit * 1.2;
        }
        for (auto& e : model.effects) {
            e.low = e.per_unit - 0.5 * std::fabs(e.per_unit);
            e.high = e.per_unit + 0.25 * std::fabs(e.per_unit);
        }
        const linked_model g(std::move(model));
        const zbb::simulator u(g, zbb::range_shape::pert, 64), f(g, zbb::range_shape::pert, 0);
        const auto x = u.run("base", 1, 0, 50, zbb::rounding_mode::half_even);
        const auto y = f.run("base", 1, 0, 50, zbb::rounding_mode::half_even);
        for (std::size_t k = 0; k < 50; ++k) CHECK(std::llabs(x.totals[k] - y.totals[k]) <= 1);
        std::vector<double> likely;
        for (const auto& c : u.coefficients()) likely.push_back(c.likely);
        zbb::simulator::workspace w;
        std::vector<double> projected(static_cast<std::size_t>(g.goals().size()));
        const double total = u.evaluate(likely, w, projected.data());
        const auto likely_budget = zbb::compute_budget(g);
        CHECK(total == Approx(likely_budget.total_value).epsilon(1e-12));
        for (std::size_t i = 0; i < projected.size(); ++i)
            CHECK(projected[i] ==
                  Approx(likely_budget.projected[static_cast<Eigen::Index>(i)]).margin(1e-9));
    }
}

TEST_CASE("tornado: one coefficient at a time", "[simulate]") {
    const linked_model lm(tiny(4, "10.00", "8.00", "15.00"));
    const zbb::simulator sim(lm, zbb::range_shape::triangular);
    const auto bars = zbb::tornado(sim, zbb::rounding_mode::half_even);
    REQUIRE(bars.size() == 2);
    CHECK(bars[0].coefficient.table() == "effects");
    CHECK(bars[0].total_at_low.to_string(2) == "40.00");  // the effect does not move the cost
    CHECK(bars[0].projected_at_low[0] == 2.0);
    CHECK(bars[0].projected_at_high[0] == 8.0);
    CHECK(bars[0].attainment_at_high[0] == Approx(0.8));
    CHECK(bars[1].coefficient.table() == "resource");
    CHECK(bars[1].total_at_low.to_string(2) == "32.00");
    CHECK(bars[1].total_at_high.to_string(2) == "60.00");
    CHECK(bars[1].projected_at_high[0] == 4.0);
}

TEST_CASE("simulation: refusals name the option, the variant or the draw", "[simulate]") {
    const linked_model lm(ranges_example());
    auto message = [](auto&& f) {
        try {
            f();
        } catch (const zbb::model_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message([&] { (void)zbb::simulate(lm, {}, draws(0)); }) ==
          "option, field 'draws': must be between 1 and 100000000, not 0");
    auto o = draws(1);
    o.seed = std::uint64_t{1} << 63;
    CHECK(message([&] { (void)zbb::simulate(lm, {}, o); }) ==
          "option, field 'seed': must be at most 2^63 - 1");
    CHECK(message([&] { (void)zbb::parse_range_shape("normal"); }).find("use triangular or pert") !=
          std::string::npos);
    const auto bad = parse_variant(
        R"({"set": "effects.per_unit", "goal": "G-home", "activity": "A-case", "value": 0.09})",
        "too-strong");
    CHECK(message([&] { (void)zbb::simulate(lm, {bad}, draws(1)); }).find("variant 'too-strong'") ==
          0);
    const auto base_named =
        parse_variant(R"({"set": "goal.target", "id": "G-home", "value": 650})", "base");
    CHECK(message([&] { (void)zbb::simulate(lm, {base_named}, draws(1)); }).find("\"base\"") !=
          std::string::npos);

    // Chunks that do not tile the draws, bytes that are not a chunk.
    const zbb::simulator sim(lm, zbb::range_shape::triangular);
    auto chunk = [&](std::uint64_t first, std::uint64_t count) {
        return sim.run("base", 1, first, count, zbb::rounding_mode::half_even);
    };
    CHECK(message([&] {
              (void)zbb::assemble_simulation(10, 1, zbb::range_shape::triangular,
                                             {chunk(0, 5), chunk(6, 4)},
                                             zbb::rounding_mode::half_even);
          }).find("draw 5 is missing") != std::string::npos);
    CHECK(message([&] {
              (void)zbb::assemble_simulation(10, 1, zbb::range_shape::triangular,
                                             {chunk(0, 6), chunk(5, 5)},
                                             zbb::rounding_mode::half_even);
          }).find("draw 6 is given twice") != std::string::npos);
    CHECK(message([&] {
              (void)zbb::assemble_simulation(10, 1, zbb::range_shape::triangular, {chunk(0, 5)},
                                             zbb::rounding_mode::half_even);
          }).find("cover 5 draws, not 10") != std::string::npos);
    const std::string bytes = zbb::simulation_column_state(chunk(0, 3));
    CHECK(message([&] {
              (void)zbb::simulation_column_from_state(bytes.substr(0, bytes.size() - 1));
          }).find("truncated") != std::string::npos);
    CHECK(message([&] {
              (void)zbb::simulation_column_from_state(bytes + "x");
          }).find("bytes after") != std::string::npos);
    std::string other = bytes;
    other[other.find(zbb::version)] = 'X';
    CHECK(message([&] { (void)zbb::simulation_column_from_state(other); }).find("made by zbb") !=
          std::string::npos);
    CHECK(message([&] {
              (void)zbb::simulation_column_from_state("zbb-column/1\n");
          }).find("zbb-simulation/1") != std::string::npos);
}

TEST_CASE("simulation: a drawn support loop that feeds itself names the draw", "[simulate]") {
    // S(A2 <- A1) in [0.5, 0.6, 1.5] and S(A1 <- A2) = 0.9: loop gain up to 1.35 > 1.
    const linked_model lm(zbb::read_model_json(R"({"format": "zbb-model/1",
      "goals": [{"id": "G", "baseline": 0, "target": 1}],
      "activities": [{"id": "A1", "partner": "P"}, {"id": "A2", "partner": "P"}],
      "resources": [{"id": "R", "price": "1"}], "partners": [{"id": "P"}],
      "effects": [{"goal": "G", "activity": "A1", "per_unit": 1}],
      "consumption": [{"activity": "A1", "resource": "R", "per_unit": 1}],
      "support": [{"supplier": "A2", "consumer": "A1", "per_unit": 0.6, "low": 0.5, "high": 1.5},
                  {"supplier": "A1", "consumer": "A2", "per_unit": 0.9}],
      "plan": [{"goal": "G", "activity": "A1", "volume": 1}]})",
                                               "loop.json"));
    for (int rank : {64, 0}) {
        auto o = draws(2000, 1);
        o.max_update_rank = rank;
        try {
            (void)zbb::simulate(lm, {}, o);
            FAIL("no error");
        } catch (const zbb::model_error& e) {
            const std::string m = e.what();
            CHECK(m.rfind("draw ", 0) == 0);
            CHECK(m.find("support") != std::string::npos);
        }
    }
}

TEST_CASE("simulation: the batched draws are the coefficients' quantiles one at a time",
          "[simulate]") {
    const linked_model lm(ranges_example());
    std::vector<zbb::simd_level> levels{zbb::simd_level::scalar};
    if (zbb::detected_simd_level() != zbb::simd_level::scalar)
        levels.push_back(zbb::simd_level::avx2);
    if (zbb::detected_simd_level() == zbb::simd_level::avx512)
        levels.push_back(zbb::simd_level::avx512);
    for (auto shape : {zbb::range_shape::triangular, zbb::range_shape::pert})
        for (auto level : levels) {
            const zbb::simulator sim(lm, shape, 64, level);
            REQUIRE(sim.coefficients().size() > 8);
            const zbb::random_streams streams(123);
            std::vector<double> values;
            for (std::uint64_t draw : {0ull, 1ull, 4242ull}) {
                sim.draw_values(streams, draw, values);
                REQUIRE(values.size() == sim.coefficients().size());
                for (std::size_t i = 0; i < values.size(); ++i) {
                    const auto& c = sim.coefficients()[i];
                    CHECK(values[i] == zbb::range_quantile(shape, c.low, c.likely, c.high,
                                                           streams.uniform_for(draw, c.stream)));
                }
            }
            // Whole runs agree at every level, bit for bit.
            const zbb::simulator scalar(lm, shape, 64, zbb::simd_level::scalar);
            const auto a = sim.run("base", 9, 0, 500, zbb::rounding_mode::half_even);
            const auto b = scalar.run("base", 9, 0, 500, zbb::rounding_mode::half_even);
            CHECK(a.totals == b.totals);
            CHECK(a.projected == b.projected);
        }
}

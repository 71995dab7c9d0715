// Google Benchmark: scenario edits (zbb/scenario.hpp) on the national-scale model of
// national_model.hpp (100,000 activities, 1,000,000 consumption non-zeros), each followed by the
// budget of the edited model, against applying the same change to the source and linking anew.
//   BM_edit_price_budget        with_resource_price + compute_budget (recomputes c = C^T p only)
//   BM_edit_target_budget       with_goal_target + compute_budget (copies the goals table only)
//   BM_edit_plan_volume_budget  with_plan_volume + compute_budget (copies the plan rows, one
//                               entry of D)
//   BM_relink_price_budget      copy the source, change the price, link (with factorising) and
//                               compute the budget: what every edit cost before zbb/scenario.hpp
//   BM_budget                   compute_budget alone, for reference
//   BM_edited_source            source() of an edited model: assembling the whole model (what
//                               writing it as JSON or pickling it needs first)
//   BM_price_variants_1000      1,000 price variants (a different resource and price each), each
//                               edit + budget keeping its total and cost by goal: the variant
//                               loop of docs/benchmarks.md, "Price variants"
//
// `bench_scenario --json FILE` writes the national model as a zbb-model/1 file instead (for
// benchmarks/price_variants.py, the same loop from Python beside pandas + scipy).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "national_model.hpp"
#include "zbb/scenario.hpp"
#include "zbb/zbb.hpp"

namespace {

const zbb::model& shared_model() {
    static const zbb::model m = zbb_bench::national_model();
    return m;
}
const zbb::linked_model& shared_linked() {
    static const zbb::linked_model lm(shared_model());
    return lm;
}

// Alternates between two values so that no iteration repeats the previous one.
const char* price_of(long long i) {
    return i % 2 ? "123.45" : "67.80";
}

void BM_edit_price_budget(benchmark::State& state) {
    const auto& lm = shared_linked();
    long long i = 0;
    for (auto _ : state) {
        const auto edited = zbb::with_resource_price(lm, "R17", price_of(i++));
        auto b = zbb::compute_budget(edited);
        benchmark::DoNotOptimize(b.total);
    }
}
BENCHMARK(BM_edit_price_budget)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_edit_target_budget(benchmark::State& state) {
    const auto& lm = shared_linked();
    long long i = 0;
    for (auto _ : state) {
        const auto edited = zbb::with_goal_target(lm, "G17", 150.0 + static_cast<double>(i++ % 2));
        auto b = zbb::compute_budget(edited);
        benchmark::DoNotOptimize(b.total);
    }
}
BENCHMARK(BM_edit_target_budget)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_edit_plan_volume_budget(benchmark::State& state) {
    const auto& lm = shared_linked();
    const auto& row = shared_model().plan.rows[shared_model().plan.rows.size() / 2];
    long long i = 0;
    for (auto _ : state) {
        const auto edited =
            zbb::with_plan_volume(lm, row.goal, row.activity, 10.0 + static_cast<double>(i++ % 2));
        auto b = zbb::compute_budget(edited);
        benchmark::DoNotOptimize(b.total);
    }
}
BENCHMARK(BM_edit_plan_volume_budget)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_relink_price_budget(benchmark::State& state) {
    const auto& lm = shared_linked();
    const int r = lm.resources().find("R17");
    long long i = 0;
    for (auto _ : state) {
        zbb::model m = lm.source();
        m.resources[static_cast<std::size_t>(r)].price = zbb::decimal::parse(price_of(i++), {});
        const zbb::linked_model relinked(std::move(m));
        auto b = zbb::compute_budget(relinked);
        benchmark::DoNotOptimize(b.total);
    }
}
BENCHMARK(BM_relink_price_budget)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_budget(benchmark::State& state) {
    const auto& lm = shared_linked();
    for (auto _ : state) {
        auto b = zbb::compute_budget(lm);
        benchmark::DoNotOptimize(b.total);
    }
}
BENCHMARK(BM_budget)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_edited_source(benchmark::State& state) {
    const auto& lm = shared_linked();
    for (auto _ : state) {
        const auto edited = zbb::with_goal_target(lm, "G17", 151.0);
        benchmark::DoNotOptimize(edited.source().consumption.data());
    }
}
BENCHMARK(BM_edited_source)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// The price of variant k: a different resource each time, a price in cents that varies with k.
std::string variant_price(int k) {
    return std::to_string(50 + k % 97) + "." + std::to_string(10 + k % 90);
}

void BM_price_variants_1000(benchmark::State& state) {
    const auto& lm = shared_linked();
    const auto& resources = lm.resources().ids();
    struct kept {
        zbb::money total;
        std::vector<zbb::money> by_goal;
    };
    std::vector<kept> results;
    results.reserve(1000);
    for (auto _ : state) {
        results.clear();
        for (int k = 0; k < 1000; ++k) {
            const auto& r = resources[static_cast<std::size_t>(k * 7) % resources.size()];
            const auto edited = zbb::with_resource_price(lm, r, variant_price(k));
            auto b = zbb::compute_budget(edited);
            results.push_back({b.total, std::move(b.by_goal.amounts)});
        }
        benchmark::DoNotOptimize(results.data());
    }
    // Time per iteration / 1000 = time per variant.
    state.counters["variants"] = 1000;
}
BENCHMARK(BM_price_variants_1000)->Unit(benchmark::kMillisecond)->Iterations(1);

int write_json(const char* path) {
    std::ofstream out(path, std::ios::binary);
    out << zbb::write_model_json(shared_model(), -1);
    if (!out) {
        std::fprintf(stderr, "cannot write %s\n", path);
        return 1;
    }
    std::printf("wrote %s\n", path);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::strcmp(argv[1], "--json") == 0) return write_json(argv[2]);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

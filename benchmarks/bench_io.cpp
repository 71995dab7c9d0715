// Google Benchmark: the file side of the user path on the reciprocal web (family b) at growing
// sizes, in process.
//   BM_read/N        read_model_file of a b-model with N activities (the file is written first)
//   BM_read_link/N   read_model_file + linked_model (validation, matrices, support solver): the
//                    goal figure (86 MB in at most 1.0 s, time per MB constant within 20 %)
//   BM_report_json/N budget_report_json of its budget (goal: at most 0.3 s at 100,000)
//   BM_report_text/N, BM_report_csv/N, BM_write_model/N the other writers
// bytes_per_second is the file's size over the time: compare it across N for linearity.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "family.hpp"
#include "zbb/zbb.hpp"

namespace {

struct fixture {
    std::filesystem::path path;
    std::size_t bytes = 0;
    std::unique_ptr<zbb::linked_model> lm;
    zbb::budget budget;
};

fixture& get(int activities) {
    static std::map<int, fixture> cache;
    auto& f = cache[activities];
    if (f.bytes == 0) {
        zbb_bench::family_sizes sizes;
        sizes.activities = activities;
        const auto m = zbb_bench::family_model('b', sizes);
        f.path = std::filesystem::temp_directory_path() /
                 ("zbb-bench-b-" + std::to_string(activities) + ".json");
        const std::string text = zbb::write_model_json(m);
        std::ofstream(f.path, std::ios::binary)
            .write(text.data(), static_cast<std::streamsize>(text.size()));
        f.bytes = text.size();
        f.lm = std::make_unique<zbb::linked_model>(m);
        f.budget = zbb::compute_budget(*f.lm);
    }
    return f;
}

void BM_read(benchmark::State& state) {
    auto& f = get(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        auto m = zbb::read_model_file(f.path);
        benchmark::DoNotOptimize(m.consumption.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.bytes));
    state.counters["MB"] = static_cast<double>(f.bytes) / 1e6;
}

void BM_read_link(benchmark::State& state) {
    auto& f = get(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        zbb::linked_model lm(zbb::read_model_file(f.path));
        benchmark::DoNotOptimize(lm.consumption().nonZeros());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.bytes));
    state.counters["MB"] = static_cast<double>(f.bytes) / 1e6;
}

void BM_report_json(benchmark::State& state) {
    auto& f = get(static_cast<int>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(zbb::budget_report_json(*f.lm, f.budget).size());
}

void BM_report_text(benchmark::State& state) {
    auto& f = get(static_cast<int>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(zbb::budget_report_text(*f.lm, f.budget).size());
}

void BM_report_csv(benchmark::State& state) {
    auto& f = get(static_cast<int>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(zbb::budget_report_csv(*f.lm, f.budget).size());
}

void BM_write_model(benchmark::State& state) {
    auto& f = get(static_cast<int>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(zbb::write_model_json(f.lm->source()).size());
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.bytes));
}

}  // namespace

BENCHMARK(BM_read)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(30000)
    ->Arg(100000)
    ->Arg(240000)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);
BENCHMARK(BM_read_link)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(30000)
    ->Arg(100000)
    ->Arg(240000)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);
BENCHMARK(BM_report_json)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_report_text)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_report_csv)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_write_model)->Arg(100000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();

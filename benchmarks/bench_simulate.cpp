// bench_simulate: one Monte Carlo draw of a model file, split into drawing the uncertain
// coefficients (at each SIMD level of zbb/random_batch.hpp) and evaluating the draw (the update
// of the support volumes, the needs, the projections and the total). The model is the generated
// municipality of benchmarks/simulate_benchmark.py:
//
//   .venv/bin/python benchmarks/simulate_benchmark.py --uncertain-support --write-model /tmp/s.json
//   build/benchmarks/bench_simulate /tmp/s.json
//
// Time per draw; 10,000 draws take 10,000 times as long on one thread. run_10000_draws: the
// simulator's whole run of 10,000 draws per level on one and on two threads (wall time).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>

#include "zbb/zbb.hpp"

namespace {

std::unique_ptr<zbb::linked_model> model;

void draw_values(benchmark::State& state) {
    const auto level = static_cast<zbb::simd_level>(state.range(0));
    if (level > zbb::detected_simd_level()) {
        state.SkipWithError("this processor lacks the SIMD level");
        return;
    }
    const zbb::simulator sim(*model, zbb::range_shape::triangular, 64, level);
    const zbb::random_streams streams(1);
    std::vector<double> values;
    std::uint64_t draw = 0;
    for (auto _ : state) {
        sim.draw_values(streams, draw++, values);
        benchmark::DoNotOptimize(values.data());
    }
    state.counters["coefficients"] = static_cast<double>(sim.coefficients().size());
}

void evaluate(benchmark::State& state) {
    const zbb::simulator sim(*model, zbb::range_shape::triangular);
    const zbb::random_streams streams(1);
    zbb::simulator::workspace w;
    std::vector<double> projected(static_cast<std::size_t>(model->goals().size()));
    sim.draw_values(streams, 0, w.values);
    for (auto _ : state) benchmark::DoNotOptimize(sim.evaluate(w.values, w, projected.data()));
}

// simulator::run of 10,000 draws at a SIMD level on a number of threads (wall time).
void run_draws(benchmark::State& state) {
    const auto level = static_cast<zbb::simd_level>(state.range(0));
    if (level > zbb::detected_simd_level()) {
        state.SkipWithError("this processor lacks the SIMD level");
        return;
    }
    const zbb::simulator sim(*model, zbb::range_shape::triangular, 64, level);
    const auto threads = static_cast<unsigned>(state.range(1));
    for (auto _ : state) {
        const auto column = sim.run("base", 1, 0, 10000, zbb::rounding_mode::half_even, threads);
        benchmark::DoNotOptimize(column.totals.data());
    }
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: bench_simulate MODEL.json [benchmark options]\n");
        return 2;
    }
    try {
        model = std::make_unique<zbb::linked_model>(zbb::read_model_file(argv[1]));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_simulate: %s\n", e.what());
        return 1;
    }
    benchmark::RegisterBenchmark("draw_values/scalar", draw_values)->Arg(0);
    benchmark::RegisterBenchmark("draw_values/avx2", draw_values)->Arg(1);
    benchmark::RegisterBenchmark("draw_values/avx512", draw_values)->Arg(2);
    benchmark::RegisterBenchmark("evaluate", evaluate);
    // level 0 scalar, 1 AVX2, 2 AVX-512
    benchmark::RegisterBenchmark("run_10000_draws", run_draws)
        ->ArgsProduct({{0, 1, 2}, {1, 2}})
        ->ArgNames({"level", "threads"})
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

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
#include <benchmark/benchmark.h>

#include <string>

#include "national_model.hpp"
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

}  // namespace

BENCHMARK_MAIN();

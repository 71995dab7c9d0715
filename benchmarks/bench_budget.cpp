// Google Benchmark: the forward budget build on a national-scale model.
//   BM_budget      compute_budget on a linked model: solve x and u with the factorised support
//                  block, costs by goal/activity/resource/partner/category, exact rounding.
//   BM_support_factorise  building and factorising the support system (with the loop check).
//   BM_link        validating the string-id model and building every matrix (includes factorising).
// `bench_budget --dump DIR` writes the linked matrices for benchmarks/compare_scipy.py instead.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "heap_counter.hpp"
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

void BM_budget(benchmark::State& state) {
    const auto& lm = shared_linked();
    long long extra_peak = 0;
    for (auto _ : state) {
        long long before = zbb_bench::heap_live_bytes();
        zbb_bench::heap_reset_peak();
        auto b = zbb::compute_budget(lm);
        extra_peak = std::max(extra_peak, zbb_bench::heap_peak_bytes() - before);
        benchmark::DoNotOptimize(b.total);
    }
    state.counters["peak_heap_MiB"] = static_cast<double>(extra_peak) / (1024.0 * 1024.0);
    state.counters["activities"] = lm.activities().size();
    state.counters["consumption_nnz"] = static_cast<double>(lm.consumption().nonZeros());
    state.counters["support_nnz"] = static_cast<double>(lm.support().nonZeros());
    state.counters["suppliers"] = static_cast<double>(lm.support_solver().suppliers().size());
}
BENCHMARK(BM_budget)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_support_factorise(benchmark::State& state) {
    const auto& lm = shared_linked();
    for (auto _ : state) {
        zbb::support_system s(lm.support(), lm.activities().ids());
        benchmark::DoNotOptimize(s);
    }
}
BENCHMARK(BM_support_factorise)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_link(benchmark::State& state) {
    const auto& m = shared_model();
    for (auto _ : state) {
        zbb::linked_model lm(m);
        benchmark::DoNotOptimize(lm);
    }
}
BENCHMARK(BM_link)->Unit(benchmark::kMillisecond)->Iterations(3);

template <class T>
void write_raw(const std::filesystem::path& p, const T* data, std::size_t n) {
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n * sizeof(T)));
}

// Writes a sparse matrix as three raw little-endian arrays (int32 rows, int32 cols, float64
// values).
void dump_matrix(const std::filesystem::path& dir, const std::string& name,
                 const zbb::sparse_matrix& m) {
    std::vector<int> r, c;
    std::vector<double> v;
    for (int k = 0; k < m.outerSize(); ++k)
        for (zbb::sparse_matrix::InnerIterator it(m, k); it; ++it) {
            r.push_back(static_cast<int>(it.row()));
            c.push_back(static_cast<int>(it.col()));
            v.push_back(it.value());
        }
    write_raw(dir / (name + ".rows.i32"), r.data(), r.size());
    write_raw(dir / (name + ".cols.i32"), c.data(), c.size());
    write_raw(dir / (name + ".vals.f64"), v.data(), v.size());
}

int dump(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    const auto& lm = shared_linked();
    dump_matrix(dir, "effects", lm.effects());
    dump_matrix(dir, "consumption", lm.consumption());
    dump_matrix(dir, "support", lm.support());
    dump_matrix(dir, "funding_shares", lm.funding_shares());
    dump_matrix(dir, "plan", lm.plan());
    write_raw(dir / "prices.f64", lm.prices().data(), static_cast<std::size_t>(lm.prices().size()));
    std::vector<double> baseline;
    for (const auto& g : lm.source().goals) baseline.push_back(g.baseline);
    write_raw(dir / "baseline.f64", baseline.data(), baseline.size());
    std::vector<int> cat(lm.resource_category());
    write_raw(dir / "category.i32", cat.data(), cat.size());
    const auto b = zbb::compute_budget(lm);
    std::ofstream meta(dir / "meta.json");
    meta << "{\"goals\": " << lm.goals().size() << ", \"activities\": " << lm.activities().size()
         << ", \"resources\": " << lm.resources().size()
         << ", \"partners\": " << lm.partners().size()
         << ", \"categories\": " << lm.categories().size() << ", \"total\": \""
         << b.total.to_string(2) << "\"}\n";
    std::printf("wrote %s (total %s)\n", dir.c_str(), b.total.to_string(2).c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::strcmp(argv[1], "--dump") == 0) return dump(argv[2]);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

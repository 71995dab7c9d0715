// Google Benchmark: the forward budget build on a national-scale model.
//   BM_budget      compute_budget on a linked model: solve x and u with the factorised support
//                  block, costs by goal/activity/resource/partner/category, exact rounding.
//   BM_support_factorise  building and factorising the support system (with the loop check).
//   BM_link        validating the string-id model and building every matrix (includes factorising).
//   BM_multi_year  the four-year estimate (zbb/years.hpp) on the same model, every category
//                  indexed; BM_multi_year_report adds its zbb-years/1 JSON report.
// `bench_budget --dump DIR` writes the linked matrices for benchmarks/compare_scipy.py instead.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

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

// The multi-year estimate on the same model: four years, every cost category indexed by its own
// series, and in each later year a new volume for every tenth plan row. Each year's model shares
// the matrices and the factorisation, so the estimate should cost about four budgets plus the
// repricing (c = C^T p per year) and the report; compare with BM_budget.
const zbb::linked_model& shared_multi_year() {
    static const zbb::linked_model lm = [] {
        zbb::model m = shared_model();
        zbb::multi_year y;
        y.budget_year = 2027;
        y.last_year = 2030;
        std::vector<std::string> categories;
        for (const auto& r : m.resources)
            if (std::find(categories.begin(), categories.end(), r.category) == categories.end())
                categories.push_back(r.category);
        for (std::size_t c = 0; c < categories.size(); ++c) {
            std::string series = "s";
            series += std::to_string(c);
            for (int year = 2028; year <= 2030; ++year)
                y.index_series.push_back(
                    {series, year, zbb::decimal::parse(c % 2 ? "1.035" : "1.0215", {})});
            y.indexation.push_back({categories[c], series});
        }
        for (std::size_t i = 0; i < m.plan.rows.size(); i += 10)
            for (int year = 2028; year <= 2030; ++year)
                y.volumes.push_back({m.plan.rows[i].goal, m.plan.rows[i].activity, year,
                                     m.plan.rows[i].volume * (1.0 + 0.05 * (year - 2027))});
        m.years = std::move(y);
        return zbb::linked_model(std::move(m));
    }();
    return lm;
}

void BM_multi_year(benchmark::State& state) {
    const auto& lm = shared_multi_year();
    for (auto _ : state) {
        const auto m = zbb::compute_multi_year_budget(lm);
        benchmark::DoNotOptimize(m.total);
    }
    state.counters["years"] = 4;
    state.counters["year_volumes"] = static_cast<double>(lm.years()->volumes.size());
}
BENCHMARK(BM_multi_year)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_year_model(benchmark::State& state) {
    const auto& lm = shared_multi_year();
    for (auto _ : state) {
        const auto y = zbb::year_model(lm, 2030);  // indexed prices, the 2030 plan relinked
        benchmark::DoNotOptimize(&y);
    }
}
BENCHMARK(BM_year_model)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_year_parts(benchmark::State& state) {  // the parts of year_model: prices, plan
    const auto& lm = shared_multi_year();
    for (auto _ : state) {
        if (state.range(0) == 0) {
            auto r = zbb::indexed_resources(lm, 2030);
            benchmark::DoNotOptimize(r.data());
        } else {
            auto p = zbb::year_plan(lm, 2030);
            benchmark::DoNotOptimize(p.rows.data());
        }
    }
    state.counters["resources"] = static_cast<double>(lm.resources().size());
}
BENCHMARK(BM_year_parts)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_multi_year_report(benchmark::State& state) {
    const auto& lm = shared_multi_year();
    for (auto _ : state) {
        const auto m = zbb::compute_multi_year_budget(lm);
        const std::string json = zbb::multi_year_report_json(lm, m);
        benchmark::DoNotOptimize(json.data());
    }
}
BENCHMARK(BM_multi_year_report)->Unit(benchmark::kMillisecond)->MinTime(2.0);

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

// Google Benchmark: the least-cost LP of zbb/optimize.hpp on a generated model with 10,000
// activities (200 of them support activities, 10,000 support non-zeros), 1,000 goals and 500
// resources, every resource with an availability limit and every other activity with a max bound.
// Targets are 80% of the way from the baseline to the projection of the model's own plan, bounds
// 1.5x and availabilities 1.2x what that plan uses, so the question is feasible and some limits
// bind.
//   BM_least_cost/<method>  zbb::least_cost end to end (LP build, CLP solve, attribution, budget)
//                           with CLP's dual simplex, primal simplex, barrier (+ crossover).
//   BM_least_cost_lp_only/<method>  the CLP solve alone on the same LP.
// `bench_optimize --dump DIR` writes that LP (matrix triplets, objective, bounds) for
// benchmarks/compare_highs.py instead.
//
// Measured (2 cores, shared machine, Release, Debian CLP 1.17.6; LP: 1,700 rows, 10,000 columns,
// 129,782 non-zeros):
//   CLP dual     LP 179 ms (1,622 iterations), end to end 383 ms
//   CLP primal   LP 2,352 ms (5,895 iterations), end to end 3,207 ms
//   CLP barrier  LP 2,602 ms (+ crossover), end to end 2,633 ms
//   scipy 1.17.1 linprog HiGHS (compare_highs.py, incl. scipy's conversion): highs 290 ms,
//   highs-ds 426 ms, highs-ipm 430 ms; same objective (relative difference 1.7e-16).
// Hence lp_method::automatic (CLP picks dual simplex here) is the default.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "national_model.hpp"
#include "zbb/optimize.hpp"
#include "zbb/zbb.hpp"

namespace {

zbb::model make_model() {
    zbb_bench::national_sizes n;
    n.activities = 10000;
    n.resources = 500;
    n.goals = 1000;
    n.partners = 20;
    n.suppliers = 200;
    n.support_nonzeros = 10000;
    auto m = zbb_bench::national_model(n, 2027);
    const zbb::linked_model lm(m);
    const auto b = zbb::compute_budget(lm);
    for (std::size_t g = 0; g < m.goals.size(); ++g) {
        auto& G = m.goals[g];
        G.target = G.baseline + 0.8 * (b.projected[static_cast<Eigen::Index>(g)] - G.baseline);
    }
    for (std::size_t a = 0; a < m.activities.size(); a += 2)
        m.activities[a].max = std::ceil(1.5 * b.volumes[static_cast<Eigen::Index>(a)] + 1);
    for (std::size_t r = 0; r < m.resources.size(); ++r)
        m.resources[r].available =
            std::ceil(1.2 * b.resource_needs[static_cast<Eigen::Index>(r)] + 1);
    return m;
}

const zbb::linked_model& shared_linked() {
    static const zbb::linked_model lm(make_model());
    return lm;
}

const zbb::lp_method methods[] = {zbb::lp_method::dual, zbb::lp_method::primal,
                                  zbb::lp_method::barrier};
const char* method_names[] = {"dual", "primal", "barrier"};

void BM_least_cost(benchmark::State& state) {
    const auto& lm = shared_linked();
    zbb::optimize_options o;
    o.method = methods[state.range(0)];
    state.SetLabel(method_names[state.range(0)]);
    int iterations = 0;
    for (auto _ : state) {
        auto r = zbb::least_cost(lm, o);
        if (!r.optimal()) state.SkipWithError(("not optimal: " + r.message).c_str());
        iterations = r.iterations;
        benchmark::DoNotOptimize(r.budget);
    }
    state.counters["simplex_iterations"] = iterations;
}
BENCHMARK(BM_least_cost)->DenseRange(0, 2)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_least_cost_lp_only(benchmark::State& state) {
    const auto& lm = shared_linked();
    const zbb::detail::goal_geometry geo(lm);
    const auto L = zbb::detail::build_layout(lm, geo, {}, {});
    zbb::detail::lp_settings s;
    s.method = methods[state.range(0)];
    state.SetLabel(method_names[state.range(0)]);
    double objective = 0;
    for (auto _ : state) {
        auto sol = zbb::detail::solve_lp(L.lp, s);
        objective = sol.objective;
        benchmark::DoNotOptimize(sol.x);
    }
    state.counters["rows"] = L.lp.rows();
    state.counters["cols"] = L.lp.cols();
    state.counters["nonzeros"] = static_cast<double>(L.lp.a.nonZeros());
    state.counters["objective"] = objective;
}
BENCHMARK(BM_least_cost_lp_only)->DenseRange(0, 2)->Unit(benchmark::kMillisecond)->Iterations(3);

template <class T>
void write_raw(const std::filesystem::path& p, const std::vector<T>& v) {
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(v.data()),
              static_cast<std::streamsize>(v.size() * sizeof(T)));
}

// The least-cost LP as raw little-endian arrays: A as triplets (int32 rows, int32 cols, float64
// values), objective, column and row bounds (float64, +-inf for none), and meta.json.
int dump(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    const auto& lm = shared_linked();
    const zbb::detail::goal_geometry geo(lm);
    const auto L = zbb::detail::build_layout(lm, geo, {}, {});
    std::vector<int> r, c;
    std::vector<double> v;
    for (int k = 0; k < L.lp.a.outerSize(); ++k)
        for (zbb::sparse_matrix::InnerIterator it(L.lp.a, k); it; ++it) {
            r.push_back(static_cast<int>(it.row()));
            c.push_back(static_cast<int>(it.col()));
            v.push_back(it.value());
        }
    write_raw(dir / "a.rows.i32", r);
    write_raw(dir / "a.cols.i32", c);
    write_raw(dir / "a.vals.f64", v);
    write_raw(dir / "objective.f64", L.lp.objective);
    write_raw(dir / "col_lower.f64", L.lp.col_lower);
    write_raw(dir / "col_upper.f64", L.lp.col_upper);
    write_raw(dir / "row_lower.f64", L.lp.row_lower);
    write_raw(dir / "row_upper.f64", L.lp.row_upper);
    zbb::detail::lp_settings s;
    const auto sol = zbb::detail::solve_lp(L.lp, s);
    std::ofstream meta(dir / "meta.json");
    char obj[64];
    std::snprintf(obj, sizeof obj, "%.10f", sol.objective);
    meta << "{\"rows\": " << L.lp.rows() << ", \"cols\": " << L.lp.cols()
         << ", \"clp_objective\": " << obj << ", \"clp_seconds\": " << sol.seconds << "}\n";
    std::printf("wrote %s (%d rows, %d columns, %lld non-zeros; CLP objective %s in %.3f s)\n",
                dir.c_str(), L.lp.rows(), L.lp.cols(), static_cast<long long>(L.lp.a.nonZeros()),
                obj, sol.seconds);
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

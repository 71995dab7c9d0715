// zbb/optimize/lp.hpp - internal: a small linear-programming interface of zbb's own, implemented
// with COIN-OR CLP.
//
// Included only by the headers of zbb/optimize/ (target zbb::optimize, which links CLP). Nothing in
// zbb's public types mentions CLP; a different solver (HiGHS, CBC for decision packages) can take
// its place behind solve_lp() without changing zbb::optimize's API.
#pragma once

#include <ClpSimplex.hpp>
#include <ClpSolve.hpp>
#include <CoinTypes.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "zbb/optimize/types.hpp"
#include "zbb/support.hpp"

namespace zbb {

namespace detail {

/// minimise objective^T x  subject to  row_lower <= A x <= row_upper,  col_lower <= x <= col_upper.
/// Infinite bounds are +-infinity. A is column-major (rows x cols).
struct lp_problem {
    sparse_matrix a;
    std::vector<double> objective, col_lower, col_upper, row_lower, row_upper;

    static constexpr double inf = std::numeric_limits<double>::infinity();
    int rows() const noexcept { return static_cast<int>(row_lower.size()); }
    int cols() const noexcept { return static_cast<int>(col_lower.size()); }
};

struct lp_settings {
    double time_limit_seconds = 0;  ///< 0: none
    int iteration_limit = 0;        ///< 0: none
    lp_method method = lp_method::automatic;
};

enum class lp_status { optimal, infeasible, unbounded, limit, error };

/// A solution with its duals. row_dual[i] is d(objective)/d(bound of row i) at the optimum: >= 0
/// for a binding lower bound, <= 0 for a binding upper bound. reduced_cost likewise per column.
struct lp_solution {
    lp_status status = lp_status::error;
    double objective = 0;
    std::vector<double> x, row_activity, row_dual, reduced_cost;
    int iterations = 0;
    double seconds = 0;
    std::string message;  ///< why, when status == error
};

/// The largest magnitude of a coefficient or finite bound zbb hands to CLP (after the objective is
/// scaled): beyond it CLP's own checks (`fabs(obj[i]) < 1.0e25` in ClpSimplex::createRim) abort the
/// process or its tolerances stop meaning anything. Larger values give lp_status::error.
inline constexpr double lp_max_magnitude = 1e20;

/// Why a problem cannot be handed to CLP (a coefficient or bound that is not finite or beyond
/// lp_max_magnitude), or empty. `objective_scale` is applied to the objective first.
inline std::string lp_out_of_range(const lp_problem& p, double objective_scale) {
    auto bad = [](double v) { return !std::isfinite(v) || std::fabs(v) > lp_max_magnitude; };
    for (std::size_t j = 0; j < p.objective.size(); ++j)
        if (bad(p.objective[j] * objective_scale))
            return "objective coefficient of column " + std::to_string(j) + " out of range";
    const double* v = p.a.valuePtr();
    for (Eigen::Index k = 0; k < p.a.nonZeros(); ++k)
        if (bad(v[k])) return "constraint coefficient out of range";
    // A lower bound may be -infinity and an upper bound +infinity, nothing else infinite.
    auto bad_bounds = [](double lo, double hi) {
        auto bad_finite = [](double b) {
            return std::isfinite(b) && std::fabs(b) > lp_max_magnitude;
        };
        return std::isnan(lo) || std::isnan(hi) || lo == lp_problem::inf ||
               hi == -lp_problem::inf || bad_finite(lo) || bad_finite(hi);
    };
    for (std::size_t j = 0; j < p.col_lower.size(); ++j)
        if (bad_bounds(p.col_lower[j], p.col_upper[j]))
            return "bound of column " + std::to_string(j) + " out of range";
    for (std::size_t i = 0; i < p.row_lower.size(); ++i)
        if (bad_bounds(p.row_lower[i], p.row_upper[i]))
            return "bound of row " + std::to_string(i) + " out of range";
    return {};
}

inline lp_solution solve_lp(const lp_problem& p, const lp_settings& s) {
    static_assert(sizeof(CoinBigIndex) == sizeof(int), "CLP built with 64-bit CoinBigIndex");
    const auto start = std::chrono::steady_clock::now();
    sparse_matrix a = p.a;
    a.makeCompressed();
    // Costs in the billions are normal; CLP's tolerances are absolute. An objective whose largest
    // coefficient exceeds 2^20 is scaled by a power of two (exact) to below 1, and the objective
    // and duals are scaled back; feasibility does not depend on it.
    double largest = 0;
    for (double c : p.objective)
        if (std::isfinite(c)) largest = std::max(largest, std::fabs(c));
    int exponent = 0;
    if (largest > 1048576.0) std::frexp(largest, &exponent);
    const double scale = std::ldexp(1.0, -exponent), unscale = std::ldexp(1.0, exponent);
    if (auto why = lp_out_of_range(p, scale); !why.empty()) {
        lp_solution out;
        out.status = lp_status::error;
        out.message = "the linear programme is outside the solver's numeric range (" + why +
                      "); see the numeric ranges in docs/errors.md";
        out.x.assign(static_cast<std::size_t>(p.cols()), 0.0);
        out.reduced_cost.assign(static_cast<std::size_t>(p.cols()), 0.0);
        out.row_activity.assign(static_cast<std::size_t>(p.rows()), 0.0);
        out.row_dual.assign(static_cast<std::size_t>(p.rows()), 0.0);
        return out;
    }
    std::vector<double> objective = p.objective;
    for (double& c : objective) c *= scale;
    auto coin = [](std::vector<double> v) {
        for (double& x : v)
            if (std::isinf(x)) x = x > 0 ? COIN_DBL_MAX : -COIN_DBL_MAX;
        return v;
    };
    const auto cl = coin(p.col_lower), cu = coin(p.col_upper), rl = coin(p.row_lower),
               ru = coin(p.row_upper);
    ClpSimplex clp;
    clp.setLogLevel(0);  // nothing on stdout
    clp.loadProblem(p.cols(), p.rows(), a.outerIndexPtr(), a.innerIndexPtr(), a.valuePtr(),
                    cl.data(), cu.data(), objective.data(), rl.data(), ru.data());
    clp.setOptimizationDirection(1.0);
    clp.setPrimalTolerance(1e-9);
    clp.setDualTolerance(1e-9);
    if (s.time_limit_seconds > 0) clp.setMaximumSeconds(s.time_limit_seconds);
    if (s.iteration_limit > 0) clp.setMaximumIterations(s.iteration_limit);
    ClpSolve options;
    switch (s.method) {
        case lp_method::automatic:
            options.setSolveType(ClpSolve::automatic);
            break;
        case lp_method::primal:
            options.setSolveType(ClpSolve::usePrimal);
            break;
        case lp_method::dual:
            options.setSolveType(ClpSolve::useDual);
            break;
        case lp_method::barrier:
            options.setSolveType(ClpSolve::useBarrier);
            break;
    }
    options.setPresolveType(ClpSolve::presolveOn);
    clp.initialSolve(options);

    lp_solution out;
    switch (clp.status()) {
        case 0:
            out.status = lp_status::optimal;
            break;
        case 1:
            out.status = lp_status::infeasible;
            break;
        case 2:
            out.status = lp_status::unbounded;
            break;
        case 3:
            out.status = lp_status::limit;
            break;
        default:
            out.status = lp_status::error;
            break;
    }
    out.iterations = clp.numberIterations();
    out.objective = clp.objectiveValue() * unscale;
    const int n = p.cols(), m = p.rows();
    out.x.assign(clp.primalColumnSolution(), clp.primalColumnSolution() + n);
    out.reduced_cost.assign(clp.dualColumnSolution(), clp.dualColumnSolution() + n);
    out.row_activity.assign(clp.primalRowSolution(), clp.primalRowSolution() + m);
    out.row_dual.assign(clp.dualRowSolution(), clp.dualRowSolution() + m);
    if (exponent != 0) {
        for (double& d : out.reduced_cost) d *= unscale;
        for (double& d : out.row_dual) d *= unscale;
    }
    if (out.status == lp_status::error)
        out.message = "the solver failed (CLP status " + std::to_string(clp.status()) +
                      ", secondary status " + std::to_string(clp.secondaryStatus()) + ")";
    // CLP may flag an optimum of the scaled problem whose unscaled solution is slightly off its
    // bounds (secondary status 2-4). Accept it when every bound holds to 1e-7 relative, else report
    // a numerical failure rather than a plan that breaks a constraint.
    if (out.status == lp_status::optimal && clp.secondaryStatus() >= 2 &&
        clp.secondaryStatus() <= 4) {
        auto off = [](double v, double lo, double hi) {
            const double below = std::isinf(lo) ? 0.0 : (lo - v) / std::max(1.0, std::fabs(lo));
            const double above = std::isinf(hi) ? 0.0 : (v - hi) / std::max(1.0, std::fabs(hi));
            return std::max(below, above);
        };
        double worst = 0;
        for (int j = 0; j < n; ++j)
            worst = std::max(worst, off(out.x[static_cast<std::size_t>(j)],
                                        p.col_lower[static_cast<std::size_t>(j)],
                                        p.col_upper[static_cast<std::size_t>(j)]));
        for (int i = 0; i < m; ++i)
            worst = std::max(worst, off(out.row_activity[static_cast<std::size_t>(i)],
                                        p.row_lower[static_cast<std::size_t>(i)],
                                        p.row_upper[static_cast<std::size_t>(i)]));
        if (!(worst <= 1e-7)) {
            out.status = lp_status::error;
            out.message = "the solver's optimum breaks a constraint by " + std::to_string(worst) +
                          " (relative): numerical trouble";
        }
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

}  // namespace detail
}  // namespace zbb

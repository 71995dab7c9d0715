// zbb/optimize.hpp - the optimiser component (CMake: find_package(zbb COMPONENTS optimize), target
// zbb::optimize, which links COIN-OR CLP and CBC): least-cost plans that reach every target, the
// best plan inside a fixed financial frame, and decision packages (zbb/optimize/packages.hpp).
//
// Solver outcomes are data: every function returns a result with a status (optimal, infeasible
// with an explanation, unbounded, time_limit, error). Only misuse throws (model_error). See
// docs/optimize.md for the formulation, the attribution of costs to goals and the statuses.
//
// The public types are in zbb/optimize/types.hpp and zbb/optimize/package_types.hpp; the reports
// in zbb/optimize/report.hpp and zbb/optimize/packages_report.hpp. The other headers of
// zbb/optimize/ (lp, layout, limits, attribution, explain, knapsack) are internal (zbb::detail).
#pragma once

#include <algorithm>
#include <cmath>
#include <string>

#include "zbb/linked_model.hpp"
#include "zbb/optimize/attribution.hpp"
#include "zbb/optimize/explain.hpp"
#include "zbb/optimize/layout.hpp"
#include "zbb/optimize/limits.hpp"
#include "zbb/optimize/lp.hpp"
#include "zbb/optimize/packages.hpp"
#include "zbb/optimize/packages_report.hpp"
#include "zbb/optimize/report.hpp"
#include "zbb/optimize/types.hpp"

namespace zbb {

/// Least-cost plan: activity volumes within [min, max] and resource availability that bring every
/// goal's projected indicator to its target (>= when target >= baseline, <= otherwise) at the
/// lowest total cost, support included. Throws model_error only for misuse (no goals, negative
/// limits); every solver outcome is a status in the result.
inline optimize_result least_cost(const linked_model& lm, const optimize_options& o = {}) {
    detail::check_question(lm, o);
    optimize_result r;
    r.objective = optimize_objective::least_cost;
    const detail::goal_geometry geo(lm);
    const auto L = detail::build_layout(lm, geo, {}, {});
    const auto sol = detail::solve_lp(L.lp, detail::settings_of(o));
    r.iterations = sol.iterations;
    r.solve_seconds = sol.seconds;
    r.status = detail::status_of(sol.status);
    if (r.status == optimize_status::optimal) {
        detail::finish_plan(lm, geo, L, sol, o, r);
        r.binding = detail::binding_limits(lm, L, sol, 1e-9);
        r.message = "least-cost plan found";
    } else if (r.status == optimize_status::infeasible) {
        r.explanation = detail::explain(lm, geo, {}, true, detail::settings_of(o), r);
        r.message = r.explanation->summary;
        detail::trust_infeasible(r);
    } else {
        r.message = detail::stopped_message(r.status, sol);
    }
    return r;
}

/// Best plan inside a fixed financial frame: maximise sum_g weight_g * attainment_g within the
/// budget cap (options.budget_cap, else the model's frame.budget; one is required) and the partner
/// caps, the activity bounds and resource availability. Among the plans with the best weighted
/// attainment, the cheapest is returned.
inline optimize_result max_effect(const linked_model& lm, const optimize_options& o = {}) {
    detail::check_question(lm, o);
    const auto frame = detail::effective_frame(lm, o);
    if (!frame.budget)
        detail::fail({"frame", "", "budget"},
                     "max-effect needs a budget cap: give frame.budget in the model or a budget "
                     "option (--budget)");
    optimize_result r;
    r.objective = optimize_objective::max_effect;
    const detail::goal_geometry geo(lm);
    detail::layout_flags flags;
    flags.attainment = true;
    flags.frame = true;
    auto L = detail::build_layout(lm, geo, frame, flags);
    const auto settings = detail::settings_of(o);
    const auto sol = detail::solve_lp(L.lp, settings);
    r.iterations = sol.iterations;
    r.solve_seconds = sol.seconds;
    r.status = detail::status_of(sol.status);
    if (r.status == optimize_status::infeasible) {
        r.explanation = detail::explain(lm, geo, frame, false, settings, r);
        r.message = r.explanation->summary;
        detail::trust_infeasible(r);
        return r;
    }
    if (r.status != optimize_status::optimal) {
        r.message = detail::stopped_message(r.status, sol);
        return r;
    }
    r.marginal_effect_per_currency_unit =
        L.budget_row >= 0 ? std::max(0.0, -sol.row_dual[static_cast<std::size_t>(L.budget_row)])
                          : 0.0;
    const auto binding = detail::binding_limits(lm, L, sol, 1e-9);

    // Phase 2: the cheapest plan with (almost) the optimal weighted attainment.
    const double best = -sol.objective;
    auto L2 = L;
    const int row =
        L2.add_row(best - 1e-9 * std::max(1.0, std::fabs(best)), detail::lp_problem::inf);
    for (std::size_t g = 0; g < L2.attain_col.size(); ++g) {
        const int col = L2.attain_col[g];
        if (col < 0) continue;
        const double w = lm.view().goals[g].weight;
        if (w != 0.0) L2.t.emplace_back(row, col, w);
        L2.lp.objective[static_cast<std::size_t>(col)] = 0.0;
    }
    for (int a = 0; a < L2.n; ++a)
        L2.lp.objective[static_cast<std::size_t>(a)] = lm.direct_unit_costs()[a];
    L2.finish();
    const auto sol2 = detail::solve_lp(L2.lp, settings);
    r.iterations += sol2.iterations;
    r.solve_seconds += sol2.seconds;
    const bool second = sol2.status == detail::lp_status::optimal;
    detail::finish_plan(lm, geo, second ? L2 : L, second ? sol2 : sol, o, r);
    r.binding = binding;
    r.message = "best plan within the frame found";
    return r;
}

/// Dispatches on the objective.
inline optimize_result optimize(const linked_model& lm, optimize_objective objective,
                                const optimize_options& o = {}) {
    return objective == optimize_objective::least_cost ? least_cost(lm, o) : max_effect(lm, o);
}

/// `r` itself when its plan is optimal; otherwise throws zbb::infeasible (a std::domain_error)
/// whose message is "optimize <status>: <message>" (Python: OptimizationResult.raise_for_status).
/// For code that treats any non-optimal status as an error: `require_optimal(least_cost(lm))`.
inline const optimize_result& require_optimal(const optimize_result& r) {
    if (!r.optimal())
        throw infeasible({}, "optimize " + std::string(to_string(r.status)) + ": " + r.message);
    return r;
}

}  // namespace zbb

// Variants compared on the optimiser's plans (zbb compare --objective ...).
#include "zbb/optimize/compare.hpp"  // IWYU pragma: export

// zbb/optimize/attribution.hpp - internal: the plan of an LP solution attributed to the goals
// (docs/optimize.md, "Attribution"), and the goal outcomes and budget of an optimal result.
#pragma once

#include <algorithm>
#include <vector>

#include "zbb/budget.hpp"
#include "zbb/goals.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/optimize/layout.hpp"

namespace zbb {
namespace detail {

// The attribution rule (docs/optimize.md): the direct volume d_a of each activity is split over
// the goals in proportion to y_g * progress_ga, where y_g >= 0 is the dual price of goal g's row
// and progress_ga = max(0, sigma_g E_ga) the progress one unit of a brings to g; when every such
// weight is zero, it goes to the goal for which a unit of a closes the largest fraction of the
// gap. Direct volume that serves no goal (a support activity's own direct volume, a volume forced
// by a min bound) is split in proportion to the goals' consumption of that support activity and,
// failing that, in proportion to the goals' full cost so far (equally when that is zero too).
inline sparse_matrix attribute_plan(const linked_model& lm, const goal_geometry& geo,
                                    const dense_vector& d, const std::vector<double>& y) {
    const int n = lm.activities().size(), ng = lm.goals().size();
    const auto& E = lm.effects();
    std::vector<triplet> t;
    std::vector<int> unserved;
    std::vector<double> w(static_cast<std::size_t>(ng));
    for (int a = 0; a < n; ++a) {
        if (d[a] <= 0.0) continue;
        std::fill(w.begin(), w.end(), 0.0);
        double sum = 0.0, best = 0.0;
        int best_goal = -1;
        for (sparse_matrix::InnerIterator it(E, a); it; ++it) {
            const auto g = static_cast<std::size_t>(it.row());
            const double progress = std::max(0.0, geo.sigma[g] * it.value());
            w[g] = std::max(0.0, y[g]) * progress;
            sum += w[g];
            const double fraction = progress / std::max(geo.gap[g], 1e-12);
            if (fraction > best) best = fraction, best_goal = static_cast<int>(it.row());
        }
        if (sum > 0.0) {
            for (int g = 0; g < ng; ++g)
                if (w[static_cast<std::size_t>(g)] > 0.0)
                    t.emplace_back(a, g, d[a] * w[static_cast<std::size_t>(g)] / sum);
        } else if (best_goal >= 0) {
            t.emplace_back(a, best_goal, d[a]);
        } else {
            unserved.push_back(a);
        }
    }
    sparse_matrix D(n, ng);
    D.setFromTriplets(t.begin(), t.end());
    if (unserved.empty()) return D;

    // Per goal: support consumed (x_g - d_g in the supplier rows) and full cost so far.
    const dense_vector u = lm.support_solver().full_unit_costs(lm.direct_unit_costs());
    std::vector<dense_vector> consumed;
    std::vector<double> cost(static_cast<std::size_t>(ng));
    double cost_sum = 0.0;
    const bool any_supplier_unserved = std::any_of(unserved.begin(), unserved.end(), [&](int a) {
        const auto& s = lm.support_solver().suppliers();
        return std::binary_search(s.begin(), s.end(), a);
    });
    for (int g = 0; g < ng; ++g) {
        const dense_vector dg = D.col(g);
        cost[static_cast<std::size_t>(g)] = u.dot(dg);
        cost_sum += cost[static_cast<std::size_t>(g)];
        if (any_supplier_unserved) consumed.push_back(lm.support_solver().volumes(dg) - dg);
    }
    for (int a : unserved) {
        double sum = 0.0;
        if (any_supplier_unserved)
            for (int g = 0; g < ng; ++g)
                sum += std::max(0.0, consumed[static_cast<std::size_t>(g)][a]);
        for (int g = 0; g < ng; ++g) {
            double share;
            if (sum > 0.0)
                share = std::max(0.0, consumed[static_cast<std::size_t>(g)][a]) / sum;
            else if (cost_sum > 0.0)
                share = cost[static_cast<std::size_t>(g)] / cost_sum;
            else
                share = 1.0 / ng;
            if (share > 0.0) t.emplace_back(a, g, d[a] * share);
        }
    }
    D.setZero();
    D.setFromTriplets(t.begin(), t.end());
    return D;
}

// Direct volumes d = (I - S) x of an LP solution, tiny negatives (solver tolerance) clamped to 0.
inline dense_vector direct_volumes(const linked_model& lm, const std::vector<double>& xs) {
    const int n = lm.activities().size();
    dense_vector x(n);
    for (int a = 0; a < n; ++a) x[a] = std::max(0.0, xs[static_cast<std::size_t>(a)]);
    dense_vector d = x - lm.support() * x;
    for (int a = 0; a < n; ++a)
        if (d[a] < 0.0) d[a] = 0.0;
    return d;
}

// Fills goals, budget and plan of an optimal result from the LP solution and goal duals.
inline void finish_plan(const linked_model& lm, const goal_geometry& geo, const lp_layout& L,
                        const lp_solution& sol, const optimize_options& o, optimize_result& r) {
    const int ng = lm.goals().size();
    std::vector<double> y(static_cast<std::size_t>(ng), 0.0);
    for (int g = 0; g < ng; ++g) {
        const int row = L.goal_row[static_cast<std::size_t>(g)];
        if (row >= 0)
            y[static_cast<std::size_t>(g)] =
                std::max(0.0, sol.row_dual[static_cast<std::size_t>(row)]);
    }
    const dense_vector d = direct_volumes(lm, sol.x);
    r.plan = attribute_plan(lm, geo, d, y);
    r.budget = compute_budget(lm, r.plan, o.report);
    r.weighted_attainment = 0.0;
    for (int g = 0; g < ng; ++g) {
        const auto gi = static_cast<std::size_t>(g);
        const auto& src = lm.view().goals[gi];
        goal_outcome out;
        out.id = src.id;
        out.baseline = src.baseline;
        out.target = src.target;
        out.projected = r.budget->projected[g];
        const goal_progress at = progress_toward(src, out.projected);
        out.reached = at.reached;
        out.shortfall = at.shortfall;
        out.attainment = at.attainment;
        out.marginal_cost = y[gi];
        r.weighted_attainment += src.weight * out.attainment;
        r.goals.push_back(std::move(out));
    }
}

}  // namespace detail
}  // namespace zbb

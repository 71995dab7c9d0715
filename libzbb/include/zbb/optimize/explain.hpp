// zbb/optimize/explain.hpp - internal: why no plan meets every constraint, read from an elastic
// version of the question (docs/optimize.md, "Infeasibility").
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "zbb/linked_model.hpp"
#include "zbb/optimize/layout.hpp"
#include "zbb/optimize/limits.hpp"

namespace zbb {
namespace detail {

// The elastic version of an infeasible question, and the explanation read from it.
inline infeasibility explain(const linked_model& lm, const goal_geometry& geo,
                             const frame_values& frame, bool goals_elastic,
                             const lp_settings& settings, optimize_result& r) {
    infeasibility ex;
    layout_flags f;
    f.elastic_goals = goals_elastic;
    f.elastic_limits = true;
    f.frame = !goals_elastic;     // the frame only applies to max-effect
    f.goal_rows = goals_elastic;  // max-effect: attainment may be 0, so goals never block
    // First try with elastic goals only (capacities kept hard); if even that fails, the bounds and
    // capacities contradict each other and are relaxed as well.
    lp_layout L;
    lp_solution sol;
    bool limits_relaxed = false;
    if (goals_elastic) {
        layout_flags g = f;
        g.elastic_limits = false;
        L = build_layout(lm, geo, frame, g);
        sol = solve_lp(L.lp, settings);
        r.iterations += sol.iterations;
        r.solve_seconds += sol.seconds;
    }
    if (!goals_elastic || sol.status == lp_status::infeasible) {
        limits_relaxed = true;
        L = build_layout(lm, geo, frame, f);
        sol = solve_lp(L.lp, settings);
        r.iterations += sol.iterations;
        r.solve_seconds += sol.seconds;
    }
    if (sol.status != lp_status::optimal) {
        ex.summary =
            "no plan meets every constraint, and the solver could not find the plan that "
            "comes closest (" +
            std::string(to_string(status_of(sol.status))) + ")";
        ex.lines.push_back(ex.summary);
        return ex;
    }
    const auto& src = lm.view();
    const double tol = 1e-9;
    // Limits the minimum volumes alone exceed (only when they had to be relaxed).
    std::vector<limit> excess;
    if (limits_relaxed) {
        const int n = lm.activities().size();
        dense_vector x(n);
        for (int a = 0; a < n; ++a) x[a] = sol.x[static_cast<std::size_t>(a)];
        for (int a = 0; a < n; ++a) {
            const auto& act = src.activities[static_cast<std::size_t>(a)];
            if (act.max && x[a] > *act.max * (1 + 1e-7) + 1e-9)
                excess.push_back(
                    {"activity", act.id, "max", *act.max, x[a], 0, x[a] - *act.max, ""});
        }
        const dense_vector need = lm.consumption() * x;
        for (int k = 0; k < lm.resources().size(); ++k) {
            const auto& res = src.resources[static_cast<std::size_t>(k)];
            if (res.available && need[k] > *res.available * (1 + 1e-7) + 1e-9)
                excess.push_back({"resource", res.id, "available", *res.available, need[k], 0,
                                  need[k] - *res.available, ""});
        }
        const dense_vector own = lm.direct_unit_costs().cwiseProduct(x);
        if (L.budget_row >= 0) {
            const double used = own.sum();
            if (used > L.budget_value * (1 + 1e-7))
                excess.push_back({"frame", "", "budget", L.budget_value, used, 0,
                                  used - L.budget_value, L.budget_text});
        }
        const dense_vector by_partner = lm.funding_shares() * own;
        for (std::size_t k = 0; k < L.partner_rows.size(); ++k) {
            const double used = by_partner[lm.partners().find(L.partner_rows[k].first)];
            if (used > L.partner_cap_value[k] * (1 + 1e-7))
                excess.push_back({"frame.partner_caps", L.partner_rows[k].first, "cap",
                                  L.partner_cap_value[k], used, 0, used - L.partner_cap_value[k],
                                  L.partner_cap_text[k]});
        }
        for (std::size_t k = 0; k < L.area_rows.size(); ++k) {
            const double used = L.area_cost_weights[k].dot(x);
            if (used > L.area_cap_value[k] * (1 + 1e-7))
                excess.push_back({"frame.area_caps", L.area_rows[k].first, "cap",
                                  L.area_cap_value[k], used, 0, used - L.area_cap_value[k],
                                  L.area_cap_text[k]});
        }
    }
    // Binding limits of the elastic problem: their shadow price is the shortfall (in fractions of
    // the gaps) that one more unit would close.
    // A min bound raises volumes, never blocks a goal: it is no part of the explanation.
    ex.limits = limits_relaxed ? excess : binding_limits(lm, L, sol, tol);
    ex.limits.erase(std::remove_if(ex.limits.begin(), ex.limits.end(),
                                   [](const limit& l) { return l.field == "min"; }),
                    ex.limits.end());

    if (goals_elastic && !limits_relaxed) {
        const dense_vector projected_change = [&] {
            dense_vector x(lm.activities().size());
            for (int a = 0; a < x.size(); ++a)
                x[a] = std::max(0.0, sol.x[static_cast<std::size_t>(a)]);
            if (lm.has_levels())
                for (int a = 0; a < x.size(); ++a) {
                    const auto& lv = lm.view().activities[static_cast<std::size_t>(a)].levels;
                    if (!lv.empty()) x[a] = std::min(x[a], lv.back().up_to);
                }
            return dense_vector(lm.effects() * (lm.has_levels() ? lm.effective_volumes(x) : x));
        }();
        const auto& E = lm.effects();
        const auto& C = lm.consumption();
        for (int g = 0; g < lm.goals().size(); ++g) {
            const auto gi = static_cast<std::size_t>(g);
            const auto& goal = src.goals[gi];
            const double progress = geo.sigma[gi] * projected_change[g];
            const double missing = geo.gap[gi] - progress;
            if (missing <= 1e-7 * std::max(1.0, geo.gap[gi])) continue;
            infeasibility::goal_gap gap{goal.id,     goal.baseline,
                                        goal.target, goal.baseline + projected_change[g],
                                        missing,     {}};
            // Related limits: max bounds of activities that move this goal toward its target, the
            // resources they consume, and the frame.
            for (const auto& l : ex.limits) {
                bool related = l.entity == "frame" || l.entity == "frame.partner_caps" ||
                               l.entity == "frame.area_caps";
                if (l.entity == "activity") {
                    const int a = lm.activities().find(l.id);
                    related = geo.sigma[gi] * E.coeff(g, a) > 0;
                } else if (l.entity == "resource") {
                    const int res = lm.resources().find(l.id);
                    for (int a = 0; a < E.outerSize() && !related; ++a)
                        related = geo.sigma[gi] * E.coeff(g, a) > 0 && C.coeff(res, a) > 0;
                }
                if (related) gap.held_back_by.push_back(describe(l));
            }
            ex.goals.push_back(std::move(gap));
        }
    }

    // Plain language.
    for (const auto& g : ex.goals) {
        std::string line = "goal '" + g.id + "' cannot reach its target " + short_number(g.target) +
                           " (baseline " + short_number(g.baseline) + "): at best " +
                           short_number(g.best) + ", short by " + short_number(g.shortfall);
        if (!g.held_back_by.empty()) {
            line += "; held back by ";
            for (std::size_t k = 0; k < g.held_back_by.size(); ++k)
                line += (k ? ", " : "") + g.held_back_by[k];
        }
        ex.lines.push_back(line);
    }
    if (limits_relaxed) {
        for (const auto& l : ex.limits)
            ex.lines.push_back(describe(l) +
                               " is too low even for the minimum volumes: they need " +
                               short_number(l.used) + " (" + short_number(l.excess) + " more)");
        if (ex.limits.empty())
            ex.lines.push_back(
                "the minimum volumes and the support they need do not fit the "
                "bounds, capacities and caps");
    } else {
        for (const auto& l : ex.limits)
            ex.lines.push_back(describe(l) + " is fully used; one unit more would close " +
                               short_number(l.shadow_price) + " of the goals' gaps (fraction)");
    }
    if (!ex.goals.empty()) {
        ex.summary = std::to_string(ex.goals.size()) + " goal(s) cannot be reached: " + ex.lines[0];
    } else if (!ex.lines.empty()) {
        ex.summary = "no plan fits: " + ex.lines[0];
    } else {
        ex.summary = "no plan meets every constraint";
    }
    return ex;
}

// "infeasible" only with an explanation that names what conflicts: a solver that says infeasible
// but whose elastic version finds no goal or limit in the way had numerical trouble.
inline void trust_infeasible(optimize_result& r) {
    if (r.explanation && (!r.explanation->goals.empty() || !r.explanation->limits.empty())) return;
    r.status = optimize_status::error;
    r.message =
        "the solver reported no feasible plan, but no goal or limit conflicts: numerical trouble, "
        "not a verdict on the model";
    if (r.explanation && !r.explanation->summary.empty())
        r.message += " (" + r.explanation->summary + ")";
    r.explanation.reset();
}

}  // namespace detail
}  // namespace zbb

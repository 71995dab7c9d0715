// zbb/optimize/packages.hpp - decision packages (classic zero-based budgeting): rank the increments
// of the decision units, draw the cut-off line at the budget, and compare with the best selection
// under the same budget (a 0/1 knapsack with precedence, solved with COIN-OR CBC; target
// zbb::optimize).
//
// Solver outcomes are data (packages_result::status); only misuse throws model_error. No CBC type
// appears in this header's API. See docs/optimize.md, "Decision packages".
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "zbb/budget.hpp"
#include "zbb/goals.hpp"
#include "zbb/levels.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/optimize/knapsack.hpp"
#include "zbb/optimize/package_types.hpp"

namespace zbb {

/// Ranks the model's decision packages and draws the cut-off line at the budget; computes the
/// optimal selection under the same budget and the weighted attainment the ranking leaves on the
/// table. An activity with levels counts level by level within its decision unit (see below).
/// Throws model_error for misuse: no packages, no budget, an activity with levels that two units
/// share or that supplies support, a unit's volume beyond the last level, a budget with more
/// decimals than the currency.
inline packages_result rank_packages(const linked_model& lm, const packages_options& o = {}) {
    using detail::fail;
    const auto& src = lm.view();
    if (src.packages.empty()) fail({"model", "", "packages"}, "the model has no decision packages");
    std::optional<decimal> budget = o.budget;
    error_location budget_at{"option", "", "budget"};
    if (!budget && src.frame) {
        budget = src.frame->budget;
        budget_at = {"frame", "", "budget"};
    }
    if (!budget)
        fail(
            {"frame", "", "budget"},
            "packages need a budget: give frame.budget in the model or a budget option (--budget)");
    if (o.time_limit_seconds < 0 || !std::isfinite(o.time_limit_seconds))
        fail({"option", "", "time_limit"}, "must be a non-negative number of seconds");
    const int digits = lm.currency().minor_digits;
    if (budget->scale() > digits)
        fail(budget_at, "has more decimals than the currency's " + std::to_string(digits));
    detail::check_money_range(*budget, digits, budget_at);

    packages_result r;
    r.budget = money::from_minor(budget->units_at_scale(digits));
    const double scale = std::pow(10.0, digits);
    const int n = lm.activities().size(), ng = lm.goals().size();
    const dense_vector u = lm.support_solver().full_unit_costs(lm.direct_unit_costs());

    // Volumes of every package: the direct volumes d and the induced total volumes x (support).
    std::vector<package_outcome> ps;
    // Per package, sparse: memory grows with the volumes a package touches, not with the model.
    std::vector<Eigen::SparseVector<double>> xs;
    std::vector<double> values;
    for (std::size_t i = 0; i < src.packages.size(); ++i) {
        const auto& p = src.packages[i];
        package_outcome out;
        out.id = package_id(p);
        out.unit = p.unit;
        out.level = p.level;
        out.name = p.name;
        out.priority = p.priority;
        out.model_index = static_cast<int>(i);
        dense_vector d = dense_vector::Zero(n);
        for (const auto& v : p.volumes) d[lm.activities().find(v.activity)] += v.volume;
        xs.push_back(lm.support_solver().volumes(d).sparseView());
        out.cost_value = u.dot(d) * scale;
        detail::check_computed(out.cost_value, {"packages", out.id, "cost"});
        values.push_back(out.cost_value);
        ps.push_back(std::move(out));
    }
    // Effective volumes. Linear for an activity without levels. An activity with levels counts
    // its volume level by level; that is additive over packages only when one decision unit alone
    // gives it volume and it supplies no support: its volume is then the unit's cumulative volume
    // up to the package's level (the precedence makes every selection a prefix of each unit), and
    // package k adds effective(V_k) - effective(V_{k-1}). Anything else is refused.
    // (xs becomes the effective volumes in place; a unit's original volumes are read first.)
    {
        std::unordered_map<std::string, std::vector<std::size_t>> unit_levels;  // by level - 1
        for (std::size_t p = 0; p < ps.size(); ++p) {
            auto& v = unit_levels[ps[p].unit];
            if (v.size() < static_cast<std::size_t>(ps[p].level))
                v.resize(static_cast<std::size_t>(ps[p].level));
            v[static_cast<std::size_t>(ps[p].level - 1)] = p;  // levels 1..k: checked by linking
        }
        std::vector<bool> supplies(static_cast<std::size_t>(n), false);
        const auto& S = lm.support();
        for (int k = 0; k < S.outerSize(); ++k)
            for (sparse_matrix::InnerIterator it(S, k); it; ++it)
                if (it.value() != 0.0) supplies[static_cast<std::size_t>(it.row())] = true;
        for (int a = 0; a < n; ++a) {
            const auto& act = src.activities[static_cast<std::size_t>(a)];
            if (act.levels.empty()) continue;
            std::optional<std::size_t> first;
            for (std::size_t p = 0; p < ps.size(); ++p) {
                if (!(xs[p].coeff(a) > 0)) continue;
                if (supplies[static_cast<std::size_t>(a)])
                    fail({"packages", ps[p].id, "volumes"},
                         "activity '" + act.id +
                             "' has levels and supplies support, so its effect in a package "
                             "depends on the other packages; packages take levels only on "
                             "activities that supply no support");
                if (!first)
                    first = p;
                else if (ps[*first].unit != ps[p].unit)
                    fail({"packages", ps[p].id, "volumes"},
                         "activity '" + act.id +
                             "' has levels and gets volume from decision units '" +
                             ps[*first].unit + "' and '" + ps[p].unit +
                             "'; packages count levels per unit, so an activity with levels "
                             "belongs to one unit");
            }
            if (!first) continue;
            auto effective = [&](double volume, const std::string& where) {
                if (beyond_last_level(act, volume))
                    fail({"packages", where, "volumes"},
                         "activity '" + act.id + "' reaches volume " +
                             detail::short_number(volume) +
                             " at this level, beyond its last level's up_to " +
                             detail::short_number(act.levels.back().up_to) +
                             " (levels act as a max)");
                return effective_volume(act, volume);
            };
            // The unit's volume of a up to each level, then the effective volume each level adds.
            double below = 0, effective_below = 0;
            for (const std::size_t p : unit_levels[ps[*first].unit]) {
                const double own = xs[p].coeff(a);
                const double upto = below + own;
                const double effective_upto = effective(upto, ps[p].id);
                if (own > 0) xs[p].coeffRef(a) = effective_upto - effective_below;
                below = upto;
                effective_below = effective_upto;
            }
        }
    }
    for (std::size_t p = 0; p < ps.size(); ++p) {
        auto& out = ps[p];
        const Eigen::SparseVector<double> es = lm.effects() * xs[p];
        const dense_vector e = es.toDense();
        out.effects.assign(e.data(), e.data() + ng);
        for (int g = 0; g < ng; ++g) {
            const auto& goal = src.goals[static_cast<std::size_t>(g)];
            const double gap = goal_gap(goal.baseline, goal.target);
            if (gap == 0.0) continue;
            const double sigma = goal_direction(goal.baseline, goal.target);
            out.weighted_effect += goal.weight * sigma * e[g] / gap;
        }
    }
    // Exact money: the total of all packages, split by the largest remainder, so that the package
    // costs (and every cumulative sum) add up to the cent.
    double sum = 0;
    for (double v : values) sum += v;
    r.total = round_to_money(sum, o.rounding, {"packages", "", "cost"});
    const auto amounts = allocate_largest_remainder(r.total, values, [&](std::size_t i) {
        return error_location{"packages", ps[i].id, "cost"};
    });
    for (std::size_t i = 0; i < ps.size(); ++i) {
        ps[i].cost = amounts[i];
        const double euros = static_cast<double>(amounts[i].minor_units()) / scale;
        ps[i].effect_per_currency_unit =
            euros > 0 ? ps[i].weighted_effect / euros
                      : (ps[i].weighted_effect > 0
                             ? std::numeric_limits<double>::infinity()
                             : (ps[i].weighted_effect < 0 ? -std::numeric_limits<double>::infinity()
                                                          : 0.0));
    }

    // Ranking: by stated priority (lower first) when every package has one, else by weighted effect
    // per currency unit (higher first); ties in model order; a level only after the level below.
    const bool by_priority =
        std::all_of(ps.begin(), ps.end(), [](const auto& p) { return p.priority.has_value(); });
    r.ranked_by = by_priority ? "priority" : "effect per currency unit";
    std::vector<bool> done(ps.size(), false);
    std::unordered_map<std::string, int> top_level;  // per unit: the highest level ranked so far
    for (std::size_t step = 0; step < ps.size(); ++step) {
        int pick = -1;
        for (std::size_t p = 0; p < ps.size(); ++p) {
            if (done[p]) continue;
            const auto top = top_level.find(ps[p].unit);
            if (ps[p].level != (top == top_level.end() ? 0 : top->second) + 1) continue;
            if (pick < 0) {
                pick = static_cast<int>(p);
                continue;
            }
            const auto& a = ps[p];
            const auto& b = ps[static_cast<std::size_t>(pick)];
            const bool better = by_priority
                                    ? *a.priority < *b.priority
                                    : a.effect_per_currency_unit > b.effect_per_currency_unit;
            if (better) pick = static_cast<int>(p);
        }
        top_level[ps[static_cast<std::size_t>(pick)].unit] =
            ps[static_cast<std::size_t>(pick)].level;
        done[static_cast<std::size_t>(pick)] = true;
        r.ranked.push_back(ps[static_cast<std::size_t>(pick)]);
    }
    // The cut-off line: funded from the top while the cumulative cost stays within the budget.
    money cumulative;
    bool open = true;
    for (auto& p : r.ranked) {
        cumulative += p.cost;
        p.cumulative = cumulative;
        if (open && cumulative <= r.budget) {
            p.funded = true;
            r.funded_cost += p.cost;
            ++r.cutoff;
        } else {
            open = false;
        }
    }
    std::vector<bool> funded(r.ranked.size());
    for (std::size_t i = 0; i < r.ranked.size(); ++i) funded[i] = r.ranked[i].funded;
    r.funded_attainment = detail::selection_attainment(lm, r.ranked, funded);

    // The optimal selection under the same budget.
    const auto k = detail::solve_knapsack(lm, r.ranked, static_cast<double>(r.budget.minor_units()),
                                          o.time_limit_seconds);
    r.status = k.status;
    r.solve_seconds = k.seconds;
    if (!k.selected.empty()) {
        money cost;
        for (std::size_t i = 0; i < r.ranked.size(); ++i)
            if (k.selected[i]) cost += r.ranked[i].cost;
        if (cost <= r.budget) {
            for (std::size_t i = 0; i < r.ranked.size(); ++i)
                r.ranked[i].in_optimal = k.selected[i];
            r.optimal_cost = cost;
            r.optimal_attainment = detail::selection_attainment(lm, r.ranked, k.selected);
        } else {
            r.status = packages_status::error;  // beyond the budget in exact money: not trusted
        }
    }
    if (r.status == packages_status::error) {
        // No trusted selection: report none (the message says so).
        for (auto& p : r.ranked) p.in_optimal = false;
        r.optimal_cost = money{};
        r.optimal_attainment = 0;
    } else if (r.funded_attainment > r.optimal_attainment) {
        // The ranking's selection is feasible, so the best selection is at least as good: should
        // the solver's tolerance (optimal) or its time limit have left a worse one, the ranking's
        // own selection is the best known.
        for (auto& p : r.ranked) p.in_optimal = p.funded;
        r.optimal_cost = r.funded_cost;
        r.optimal_attainment = r.funded_attainment;
    }
    r.left_on_the_table = std::max(0.0, r.optimal_attainment - r.funded_attainment);
    if (r.status == packages_status::optimal) {
        r.message =
            "ranked " + std::to_string(r.ranked.size()) + " packages; optimal selection found";
    } else {
        r.message = "ranked " + std::to_string(r.ranked.size()) +
                    " packages; the optimal selection is " +
                    (r.status == packages_status::time_limit ? "not proven (time limit)"
                                                             : "unavailable (solver error)");
    }
    return r;
}

}  // namespace zbb

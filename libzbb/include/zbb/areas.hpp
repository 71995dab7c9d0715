// zbb/areas.hpp - budgets cut by area: the goal x area table that cross-foots with by_goal and
// by_area, and the roll-up of nested areas (a district with its neighbourhoods).
#pragma once

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <utility>
#include <vector>

#include "zbb/budget.hpp"
#include "zbb/goal_tables.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/money.hpp"

namespace zbb {

/// The goal x area table of budget `b` (computed from plan D, activity x goal): cell (g, k) is the
/// full cost u_a d_ag of goal g's plan entries whose pair lies in area k
/// (linked_model::entry_area). Every row sums exactly to the goal's by_goal amount and every
/// column to the area's by_area amount, to the cent (as the other goal tables,
/// zbb/goal_tables.hpp). Throws std::invalid_argument when the model has no areas or `b` was not
/// computed from it.
inline goal_table compute_goal_area_table(const linked_model& lm, const sparse_matrix& plan,
                                          const budget& b) {
    if (!lm.has_areas()) throw std::invalid_argument("zbb: the model has no areas");
    if (plan.rows() != lm.activities().size() || plan.cols() != lm.goals().size())
        throw std::invalid_argument("zbb: plan matrix does not match the model's dimensions");
    const auto nk = static_cast<std::size_t>(lm.area_keys_index().size());
    if (b.by_goal.amounts.size() != static_cast<std::size_t>(lm.goals().size()) ||
        b.by_area.amounts.size() != nk)
        throw std::invalid_argument("zbb: the budget was not computed from this model");
    const double minor = std::pow(10.0, b.currency.minor_digits);
    std::vector<std::vector<std::pair<int, double>>> columns(nk);
    std::vector<double> row(nk, 0.0);
    std::vector<std::size_t> touched;
    for (int g = 0; g < plan.outerSize(); ++g) {
        touched.clear();
        for (sparse_matrix::InnerIterator it(plan, g); it; ++it) {
            const auto k = static_cast<std::size_t>(lm.entry_area(static_cast<int>(it.row()), g));
            if (row[k] == 0) touched.push_back(k);
            row[k] += it.value() * b.full_unit_costs[it.row()];
        }
        for (auto k : touched) {
            if (row[k] != 0) columns[k].emplace_back(g, row[k] * minor);
            row[k] = 0;
        }
    }
    goal_table t;
    t.kind = "area";
    detail::round_goal_table(t, columns, b.by_goal, b.by_area);
    return t;
}

/// The goal x area table of the budget of the model's own plan.
inline goal_table compute_goal_area_table(const linked_model& lm, const budget& b) {
    return compute_goal_area_table(lm, lm.plan(), b);
}

/// Per area (in the order of by_area), its amount including every area nested in it: the exact
/// sum of the by_area amounts of the area and its descendants. "(no area)" keeps its own amount.
/// These amounts overlap (a district includes its neighbourhoods), so they do not sum to the
/// total; the top-level areas and "(no area)" do. Empty when the model has no areas.
inline std::vector<money> area_amounts_with_sub_areas(const linked_model& lm, const budget& b) {
    std::vector<money> out = b.by_area.amounts;
    const auto& parent = lm.area_parents();
    for (std::size_t k = 0; k < parent.size() && k < b.by_area.amounts.size(); ++k)
        for (int p = parent[k]; p >= 0; p = parent[static_cast<std::size_t>(p)])
            out[static_cast<std::size_t>(p)] += b.by_area.amounts[k];
    return out;
}

}  // namespace zbb

// zbb/goal_tables.hpp - the full cost each goal causes in each activity, resource, category and
// partner: goal x activity (and x resource, x category, x partner) tables that cross-foot both
// ways with the budget's breakdowns, to the cent.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "zbb/budget.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/money.hpp"

namespace zbb {

/// One cell of a goal table: the column it is in, its exact amount and the computed value (minor
/// units) it was rounded from.
struct goal_cell {
    std::uint32_t column = 0;
    money amount;
    double value = 0;
};

/// A goal x K table (K: activity, resource, category or partner). Row g holds the full cost goal
/// g's plan causes in each column; every row sums exactly to the budget's `by_goal` amount of the
/// goal and every column to the budget's `by_K` amount (both ways to the cent). Only cells whose
/// computed value is not zero are stored, sorted by column.
struct goal_table {
    std::string kind;                          ///< "activity", "resource", "category" or "partner"
    key_list goals;                            ///< the rows (the model's goal ids)
    key_list columns;                          ///< the model's ids of the kind
    std::vector<std::vector<goal_cell>> rows;  ///< per goal, its non-zero cells
    /// Cells that are not the floor or ceiling of their value: 0 unless the goal and column
    /// amounts, each rounded on its own, cannot both be met that way (docs/prior-year.md).
    std::size_t off_bound = 0;

    /// The amount in row g, column k (zero where no cell is stored).
    money amount(std::size_t g, std::size_t k) const {
        const auto& r = rows.at(g);
        auto it = std::lower_bound(r.begin(), r.end(), k, [](const goal_cell& c, std::size_t key) {
            return c.column < key;
        });
        return it != r.end() && it->column == k ? it->amount : money{};
    }
};

/// The four goal tables of a budget.
struct goal_tables {
    goal_table by_activity;  ///< c_a (x_g)_a with x_g = (I - S)^-1 d_g
    goal_table by_resource;  ///< p_r (C x_g)_r
    goal_table by_category;  ///< by_resource summed per cost category
    goal_table by_partner;   ///< funding shares applied to by_activity

    /// The table of a kind: "activity", "resource", "category" or "partner".
    const goal_table& of(std::string_view kind) const {
        if (kind == "activity") return by_activity;
        if (kind == "resource") return by_resource;
        if (kind == "category") return by_category;
        if (kind == "partner") return by_partner;
        throw std::invalid_argument("zbb: no goal table of kind '" + std::string(kind) +
                                    "'; use activity, resource, category or partner");
    }
};

namespace detail {

/// Rounds a goal x K value table (per column: the goals' values) to exact cells whose rows sum to
/// `row_amounts` and whose columns sum to `column_amounts`. Each column is first split by largest
/// remainder (every cell the floor or ceiling of its value, the column exact); then units move
/// within columns, from rows above their amount to rows below it, along shortest chains of moves
/// that keep every cell at the floor or ceiling of its value. Should no such chain exist, moves
/// that leave those bounds are allowed (counted in off_bound).
inline void round_goal_table(goal_table& t,
                             const std::vector<std::vector<std::pair<int, double>>>& columns_values,
                             const breakdown& rows, const breakdown& cols) {
    const std::size_t ng = rows.amounts.size(), nk = cols.amounts.size();
    struct cell {
        int goal;
        double value;
        int128 amount, lo, hi;
    };
    std::vector<std::vector<cell>> col(nk);
    std::vector<int128> excess(ng, 0);  // row sum minus the row's amount
    for (std::size_t k = 0; k < nk; ++k) {
        const auto& cv = columns_values[k];
        if (cv.empty()) {
            if (cols.amounts[k] != money{})
                throw std::logic_error("zbb: goal table column '" + cols.keys.ids()[k] +
                                       "' has an amount but no goal causes it");
            continue;
        }
        std::vector<double> v(cv.size());
        for (std::size_t i = 0; i < cv.size(); ++i) v[i] = cv[i].second;
        const auto parts = allocate_largest_remainder(cols.amounts[k], v);
        col[k].reserve(cv.size());
        for (std::size_t i = 0; i < cv.size(); ++i) {
            const double f = std::floor(cv[i].second);
            const auto lo = int128(static_cast<std::int64_t>(f));
            const int128 hi = cv[i].second > f ? int128(lo + 1) : lo;
            col[k].push_back({cv[i].first, cv[i].second, parts[i].minor_units(), lo, hi});
            excess[static_cast<std::size_t>(cv[i].first)] += parts[i].minor_units();
        }
    }
    for (std::size_t g = 0; g < ng; ++g) excess[g] -= rows.amounts[g].minor_units();

    // Per goal, its cells: (column, index in the column); the columns do not change shape until
    // the last resort below.
    std::vector<std::vector<std::pair<int, int>>> cells_of(ng);
    for (std::size_t k = 0; k < nk; ++k)
        for (std::size_t i = 0; i < col[k].size(); ++i)
            cells_of[static_cast<std::size_t>(col[k][i].goal)].emplace_back(static_cast<int>(k),
                                                                            static_cast<int>(i));
    // Breadth-first search over goals: an edge g -> h through column k moves one unit from cell
    // (g, k) to cell (h, k). `bounded` keeps both cells within [lo, hi].
    auto augment = [&](bool bounded) -> bool {
        std::vector<int> from_goal(ng, -1), via(ng, -1);
        std::vector<char> seen(ng, 0), scanned(nk, 0);
        std::deque<int> queue;
        for (std::size_t g = 0; g < ng; ++g)
            if (excess[g] > 0) {
                seen[g] = 1;
                queue.push_back(static_cast<int>(g));
            }
        while (!queue.empty()) {
            const int g = queue.front();
            queue.pop_front();
            for (const auto& [k, i] : cells_of[static_cast<std::size_t>(g)]) {
                const auto& c = col[static_cast<std::size_t>(k)][static_cast<std::size_t>(i)];
                if (bounded ? !(c.amount > c.lo) : !(c.amount > 0)) continue;
                if (scanned[static_cast<std::size_t>(k)]) continue;
                scanned[static_cast<std::size_t>(k)] = 1;
                for (const auto& d : col[static_cast<std::size_t>(k)]) {
                    const auto h = static_cast<std::size_t>(d.goal);
                    if (seen[h] || (bounded && !(d.amount < d.hi))) continue;
                    seen[h] = 1;
                    from_goal[h] = g;
                    via[h] = k;
                    if (excess[h] < 0) {  // apply the chain back to a goal with excess
                        ++excess[h];
                        auto to = static_cast<int>(h);
                        while (from_goal[static_cast<std::size_t>(to)] >= 0) {
                            const int fg = from_goal[static_cast<std::size_t>(to)];
                            auto& column =
                                col[static_cast<std::size_t>(via[static_cast<std::size_t>(to)])];
                            for (auto& x : column) {
                                if (x.goal == fg) x.amount -= 1;
                                if (x.goal == to) x.amount += 1;
                            }
                            to = fg;
                        }
                        --excess[static_cast<std::size_t>(to)];
                        return true;
                    }
                    queue.push_back(d.goal);
                }
            }
        }
        return false;
    };
    auto pending = [&] {
        return std::any_of(excess.begin(), excess.end(), [](const int128& e) { return e != 0; });
    };
    while (pending() && augment(true)) {
    }
    while (pending() && augment(false)) {
    }
    // Last resort, when the goals' and the columns' amounts disagree over a block of goals and
    // columns that no other goal shares: a unit moves to a column the receiving goal has no value
    // in.
    while (pending()) {
        const auto g = static_cast<std::size_t>(
            std::find_if(excess.begin(), excess.end(), [](const int128& e) { return e > 0; }) -
            excess.begin());
        const auto h = static_cast<std::size_t>(
            std::find_if(excess.begin(), excess.end(), [](const int128& e) { return e < 0; }) -
            excess.begin());
        cell* best = nullptr;
        std::size_t best_k = 0;
        for (std::size_t k = 0; k < nk; ++k)
            for (auto& x : col[k])
                if (static_cast<std::size_t>(x.goal) == g && x.amount > 0 &&
                    (!best || x.amount > best->amount)) {
                    best = &x;
                    best_k = k;
                }
        if (g >= ng || h >= ng || !best)
            throw std::logic_error("zbb: the goal table of kind '" + t.kind +
                                   "' cannot meet its goal and column amounts");
        best->amount -= 1;
        --excess[g];
        auto& column = col[best_k];
        auto it = std::find_if(column.begin(), column.end(), [&](const cell& x) {
            return static_cast<std::size_t>(x.goal) == h;
        });
        if (it == column.end())
            column.push_back({static_cast<int>(h), 0.0, 1, 0, 0});
        else
            it->amount += 1;
        ++excess[h];
    }

    t.goals = rows.keys;
    t.columns = cols.keys;
    t.rows.assign(ng, {});
    t.off_bound = 0;
    for (std::size_t k = 0; k < nk; ++k)
        for (const auto& c : col[k]) {
            if (c.amount < c.lo || c.amount > c.hi) ++t.off_bound;
            t.rows[static_cast<std::size_t>(c.goal)].push_back(
                {static_cast<std::uint32_t>(k), money::from_minor(c.amount), c.value});
        }
}

}  // namespace detail

namespace detail {
// The goal tables (all four, or the activity table alone when `activity_only`).
inline goal_tables goal_tables_of(const linked_model& lm, const sparse_matrix& plan,
                                  const budget& b, bool activity_only) {
    if (plan.rows() != lm.activities().size() || plan.cols() != lm.goals().size())
        throw std::invalid_argument("zbb: plan matrix does not match the model's dimensions");
    if (b.by_goal.amounts.size() != static_cast<std::size_t>(lm.goals().size()) ||
        b.by_activity.amounts.size() != static_cast<std::size_t>(lm.activities().size()) ||
        b.by_resource.amounts.size() != static_cast<std::size_t>(lm.resources().size()) ||
        b.by_partner.amounts.size() != static_cast<std::size_t>(lm.partners().size()) ||
        b.by_category.amounts.size() != lm.categories().size())
        throw std::invalid_argument("zbb: the budget was not computed from this model");
    const double minor = std::pow(10.0, b.currency.minor_digits);
    const Eigen::Index na = plan.rows(), ng = plan.cols();
    const auto nr = static_cast<std::size_t>(lm.resources().size());
    const std::size_t nc = lm.categories().size();
    const auto np = static_cast<std::size_t>(lm.partners().size());
    using column_values = std::vector<std::vector<std::pair<int, double>>>;
    column_values act(static_cast<std::size_t>(na)), res(nr), cat(nc), par(np);
    const auto& c = b.unit_costs;
    const auto& cons = lm.consumption_by_resource();
    const auto& shares = lm.funding_shares();  // partner x activity, by column
    dense_vector d(na), cat_value(static_cast<Eigen::Index>(nc)),
        par_value(static_cast<Eigen::Index>(np));
    for (int g = 0; g < ng; ++g) {
        d.setZero();
        bool any = false;
        for (sparse_matrix::InnerIterator it(plan, g); it; ++it) {
            d[it.row()] += it.value();
            any = any || it.value() != 0;
        }
        if (!any) continue;
        const dense_vector x = lm.support_solver().volumes(d);
        if (activity_only) {
            for (Eigen::Index a = 0; a < na; ++a) {
                const double v = c[a] * x[a] * minor;
                if (v != 0) act[static_cast<std::size_t>(a)].emplace_back(g, v);
            }
            continue;
        }
        par_value.setZero();
        for (Eigen::Index a = 0; a < na; ++a) {
            const double v = c[a] * x[a] * minor;
            if (v == 0) continue;
            act[static_cast<std::size_t>(a)].emplace_back(g, v);
            for (sparse_matrix::InnerIterator it(shares, static_cast<int>(a)); it; ++it)
                par_value[it.row()] += it.value() * v;
        }
        const dense_vector need = cons * x;
        cat_value.setZero();
        for (std::size_t r = 0; r < nr; ++r) {
            const double v = lm.prices()[static_cast<Eigen::Index>(r)] *
                             need[static_cast<Eigen::Index>(r)] * minor;
            if (v == 0) continue;
            res[r].emplace_back(g, v);
            cat_value[lm.resource_category()[r]] += v;
        }
        for (std::size_t k = 0; k < nc; ++k)
            if (cat_value[static_cast<Eigen::Index>(k)] != 0)
                cat[k].emplace_back(g, cat_value[static_cast<Eigen::Index>(k)]);
        for (std::size_t p = 0; p < np; ++p)
            if (par_value[static_cast<Eigen::Index>(p)] != 0)
                par[p].emplace_back(g, par_value[static_cast<Eigen::Index>(p)]);
    }
    goal_tables t;
    t.by_activity.kind = "activity";
    t.by_resource.kind = "resource";
    t.by_category.kind = "category";
    t.by_partner.kind = "partner";
    detail::round_goal_table(t.by_activity, act, b.by_goal, b.by_activity);
    if (activity_only) return t;
    detail::round_goal_table(t.by_resource, res, b.by_goal, b.by_resource);
    detail::round_goal_table(t.by_category, cat, b.by_goal, b.by_category);
    detail::round_goal_table(t.by_partner, par, b.by_goal, b.by_partner);
    return t;
}
}  // namespace detail

/// The goal tables of budget `b`, computed from plan D (activity x goal, the plan `b` was
/// computed from): each goal's total volumes x_g = (I - S)^-1 d_g by the support factorisation
/// already made, then its cost in each activity (c_a (x_g)_a), resource (p_r (C x_g)_r), category
/// and partner (funding shares of its activity costs). Cost O(goals x activities) in time and in
/// memory at most. See docs/prior-year.md.
inline goal_tables compute_goal_tables(const linked_model& lm, const sparse_matrix& plan,
                                       const budget& b) {
    return detail::goal_tables_of(lm, plan, b, false);
}

/// The goal x activity table alone (the first of compute_goal_tables, at a fraction of its cost:
/// the other three need C x_g per goal and their own rounding).
inline goal_table compute_goal_activity_table(const linked_model& lm, const budget& b) {
    return std::move(detail::goal_tables_of(lm, lm.plan(), b, true).by_activity);
}

/// The goal tables of the budget of the model's own plan.
inline goal_tables compute_goal_tables(const linked_model& lm, const budget& b) {
    return compute_goal_tables(lm, lm.plan(), b);
}

}  // namespace zbb

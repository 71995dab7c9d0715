#pragma once
/// @file
/// The BBV view of a budget: the same budget booked the way a Dutch municipality accounts for it.
/// Every activity's own cost goes to its taakveld (support activities to 0.4 Overhead unless they
/// name another), every resource's cost to its Iv3 economic category; the taakveld x economic
/// category table and the reconciliation with the goal view (goal x taakveld: each goal's full
/// cost by the reciprocal method, split over the taakvelden its own and its support activities
/// are booked on) are rounded both ways, so that every table cross-foots with the budget to the
/// cent. docs/bbv.md.

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "zbb/bbv_codes.hpp"
#include "zbb/budget.hpp"
#include "zbb/goal_tables.hpp"
#include "zbb/linked_model.hpp"

namespace zbb {

/// A dense table of exact amounts whose rows and columns each sum to a breakdown of the budget.
struct bbv_table {
    key_list rows;               ///< row keys (taakveld codes, goal or programme ids)
    key_list columns;            ///< column keys (economic category or taakveld codes)
    std::vector<money> amounts;  ///< row-major, rows.size() x columns.size()
    /// Cells not the floor or ceiling of their value (see goal_table); always 0 for a table of
    /// sums (programme_taakveld, whose rows are sums of their goals' cells).
    std::size_t off_bound = 0;

    /// The amount in row r, column c.
    const money& at(std::size_t r, std::size_t c) const {
        return amounts.at(r * columns.size() + c);
    }
    /// The sum of row r.
    money row_sum(std::size_t r) const {
        money s;
        for (std::size_t c = 0; c < columns.size(); ++c) s += at(r, c);
        return s;
    }
    /// The sum of column c.
    money column_sum(std::size_t c) const {
        money s;
        for (std::size_t r = 0; r < rows.size(); ++r) s += at(r, c);
        return s;
    }
};

/// One programme's amounts in the BBV reading of the goal view: its goals' full cost, the part of
/// it booked on 0.4 Overhead, and the rest (the programme's own lasten).
struct programme_amounts {
    money programme_costs;  ///< on the taakvelden other than 0.4
    money overhead;         ///< on 0.4 Overhead (shown apart in the BBV view)
    money full_cost;        ///< the goal view: the sum of its goals' full cost
};

/// The BBV view of one budget.
struct bbv_view {
    /// The taakvelden the budget books on, in the regulation's order: own cost per taakveld,
    /// summing to the total (the sums of the budget's by_activity amounts).
    breakdown by_taakveld;
    /// The Iv3 economic categories, in the Iv3 order (sums of the budget's by_resource amounts).
    breakdown by_economic_category;
    /// Per activity, its index into by_taakveld.keys.
    std::vector<int> activity_taakveld;
    /// The index of 0.4 Overhead in by_taakveld.keys, -1 when nothing is booked there.
    int overhead = -1;
    /// taakveld x economic category: rows sum to by_taakveld, columns to by_economic_category.
    bbv_table taakveld_category;
    /// The reconciliation: goal x taakveld, rows sum to the budget's by_goal (the goal view),
    /// columns to by_taakveld (the BBV view).
    goal_table goal_taakveld;
    /// programme x taakveld: goal_taakveld's cells summed per programme (no rows without
    /// programmes); exact sums, so each row is the sum of its goals' full cost.
    bbv_table programme_taakveld;

    /// The amounts of programme p (an index into programme_taakveld.rows).
    programme_amounts programme(std::size_t p) const {
        programme_amounts out;
        out.full_cost = programme_taakveld.row_sum(p);
        if (overhead >= 0)
            out.overhead = programme_taakveld.at(p, static_cast<std::size_t>(overhead));
        out.programme_costs = out.full_cost - out.overhead;
        return out;
    }
};

/// The name of a taakveld or an economic category code ("" when unknown).
template <std::size_t N>
std::string_view bbv_name(const std::array<bbv_code, N>& list, std::string_view code) {
    const int i = bbv_code_index(list, code);
    return i < 0 ? std::string_view{} : list[static_cast<std::size_t>(i)].name;
}

namespace detail {
inline void require_bbv(const linked_model& lm) {
    if (!lm.has_bbv())
        fail({"model", "", "taakveld"},
             "the model books on no taakveld: give its activities a \"taakveld\" and its "
             "resources an \"economic_category\" (docs/bbv.md)");
}
// The code list index of each entity's code: activities by taakveld (support activities without
// one on 0.4), resources by economic category. Rechecks completeness (a scenario edit may have
// added an entity after linking).
inline std::vector<int> activity_taakveld_codes(const linked_model& lm) {
    const auto& acts = lm.view().activities;
    const auto supplies = lm.supplier_flags();
    const int overhead = bbv_code_index(taakvelden, overhead_taakveld);
    std::vector<int> out(acts.size());
    for (std::size_t a = 0; a < acts.size(); ++a) {
        if (acts[a].taakveld.empty()) {
            if (!supplies[a])
                fail({"activity", acts[a].id, "taakveld"},
                     "missing: the model books its activities on taakvelden (BBV), and only "
                     "support activities default to 0.4 Overhead");
            out[a] = overhead;
            continue;
        }
        out[a] = bbv_code_index(taakvelden, acts[a].taakveld);
        if (out[a] < 0)
            fail({"activity", acts[a].id, "taakveld"},
                 "unknown taakveld '" + acts[a].taakveld + "'");
    }
    return out;
}
inline std::vector<int> resource_category_codes(const linked_model& lm) {
    const auto& res = lm.view().resources;
    std::vector<int> out(res.size());
    for (std::size_t r = 0; r < res.size(); ++r) {
        out[r] = bbv_code_index(economic_categories, res[r].economic_category);
        if (out[r] < 0)
            fail({"resource", res[r].id, "economic_category"},
                 res[r].economic_category.empty()
                     ? std::string("missing: the model books on taakvelden (BBV), and every "
                                   "resource needs its Iv3 economic category")
                     : "unknown economic category '" + res[r].economic_category + "'");
    }
    return out;
}
// Groups the parts of `by` (one per entity) by `code_of` into a breakdown over the codes used,
// in code-list order; `index_of` gets each entity's position among those keys.
template <std::size_t N>
breakdown group_breakdown(const breakdown& by, const std::vector<int>& code_of,
                          const std::array<bbv_code, N>& list, std::vector<int>& index_of) {
    std::vector<int> key_of_code(N, -1);
    std::vector<char> used(N, 0);
    for (int c : code_of) used[static_cast<std::size_t>(c)] = 1;
    std::vector<std::string> keys;
    for (std::size_t c = 0; c < N; ++c)
        if (used[c]) {
            key_of_code[c] = static_cast<int>(keys.size());
            keys.emplace_back(list[c].code);
        }
    breakdown out;
    out.amounts.assign(keys.size(), money{});
    out.values.assign(keys.size(), 0.0);
    index_of.assign(code_of.size(), -1);
    for (std::size_t e = 0; e < code_of.size(); ++e) {
        const int k = key_of_code[static_cast<std::size_t>(code_of[e])];
        index_of[e] = k;
        out.amounts[static_cast<std::size_t>(k)] += by.amounts[e];
        out.values[static_cast<std::size_t>(k)] += by.values[e];
    }
    out.keys = key_list(std::move(keys));
    return out;
}
}  // namespace detail

/// The BBV view of budget `b` of `lm` from its goal x activity table (compute_goal_tables(lm,
/// b).by_activity, or compute_goal_activity_table(lm, b)).
/// Throws model_error when the model books on no taakveld (entity "model", field "taakveld") or an
/// activity or resource lacks its code; std::invalid_argument for a budget of another model.
inline bbv_view compute_bbv(const linked_model& lm, const budget& b,
                            const goal_table& goal_activity) {
    detail::require_bbv(lm);
    const auto na = static_cast<std::size_t>(lm.activities().size());
    const auto nr = static_cast<std::size_t>(lm.resources().size());
    if (b.by_activity.amounts.size() != na || b.by_resource.amounts.size() != nr ||
        goal_activity.columns.size() != na || goal_activity.rows.size() != b.by_goal.amounts.size())
        throw std::invalid_argument("zbb: the budget was not computed from this model");
    bbv_view v;
    std::vector<int> resource_index;
    v.by_taakveld = detail::group_breakdown(b.by_activity, detail::activity_taakveld_codes(lm),
                                            taakvelden, v.activity_taakveld);
    v.by_economic_category = detail::group_breakdown(
        b.by_resource, detail::resource_category_codes(lm), economic_categories, resource_index);
    for (std::size_t t = 0; t < v.by_taakveld.keys.size(); ++t)
        if (v.by_taakveld.keys[t] == overhead_taakveld) v.overhead = static_cast<int>(t);
    const std::size_t nt = v.by_taakveld.keys.size(), ne = v.by_economic_category.keys.size();

    // taakveld x economic category: the value of cell (t, e) is p_r C(r, a) x_a summed over the
    // activities a on t and the resources r of e; rounded both ways (rows by_taakveld, columns
    // by_economic_category), every cell the floor or ceiling of its value unless off_bound.
    const double minor = std::pow(10.0, b.currency.minor_digits);
    std::vector<std::vector<double>> value(ne, std::vector<double>(nt, 0.0));
    const auto& cons = lm.consumption();
    for (std::size_t a = 0; a < na; ++a) {
        const double x = b.volumes[static_cast<Eigen::Index>(a)];
        if (x == 0) continue;
        const auto t = static_cast<std::size_t>(v.activity_taakveld[a]);
        for (sparse_matrix::InnerIterator it(cons, static_cast<int>(a)); it; ++it)
            value[static_cast<std::size_t>(resource_index[static_cast<std::size_t>(it.row())])]
                 [t] += lm.prices()[it.row()] * it.value() * x * minor;
    }
    std::vector<std::vector<std::pair<int, double>>> columns(ne);
    for (std::size_t e = 0; e < ne; ++e)
        for (std::size_t t = 0; t < nt; ++t)
            if (value[e][t] != 0) columns[e].emplace_back(static_cast<int>(t), value[e][t]);
    goal_table cells;
    cells.kind = "economic_category";
    detail::round_goal_table(cells, columns, v.by_taakveld, v.by_economic_category);
    v.taakveld_category.rows = v.by_taakveld.keys;
    v.taakveld_category.columns = v.by_economic_category.keys;
    v.taakveld_category.amounts.assign(nt * ne, money{});
    v.taakveld_category.off_bound = cells.off_bound;
    for (std::size_t t = 0; t < nt; ++t)
        for (const auto& c : cells.rows[t])
            v.taakveld_category.amounts[t * ne + c.column] = c.amount;

    // The reconciliation goal x taakveld: the value of cell (g, t) is c_a (x_g)_a summed over the
    // activities a on t (the goal x activity table's values); rounded both ways (rows by_goal,
    // columns by_taakveld).
    const std::size_t ng = goal_activity.rows.size();
    std::vector<std::vector<std::pair<int, double>>> per_taakveld(nt);
    std::vector<double> row_value(nt);
    std::vector<char> set(nt);
    for (std::size_t g = 0; g < ng; ++g) {
        std::fill(row_value.begin(), row_value.end(), 0.0);
        std::fill(set.begin(), set.end(), 0);
        for (const auto& c : goal_activity.rows[g]) {
            const auto t = static_cast<std::size_t>(v.activity_taakveld[c.column]);
            row_value[t] += c.value;
            set[t] = 1;
        }
        for (std::size_t t = 0; t < nt; ++t)
            if (set[t] && row_value[t] != 0)
                per_taakveld[t].emplace_back(static_cast<int>(g), row_value[t]);
    }
    v.goal_taakveld.kind = "taakveld";
    detail::round_goal_table(v.goal_taakveld, per_taakveld, b.by_goal, v.by_taakveld);

    // programme x taakveld.
    if (lm.has_programmes()) {
        const auto& goals = lm.view().goals;
        const auto np = static_cast<std::size_t>(lm.programmes().size());
        v.programme_taakveld.rows = lm.programmes().keys();
        v.programme_taakveld.columns = v.by_taakveld.keys;
        v.programme_taakveld.amounts.assign(np * nt, money{});
        for (std::size_t g = 0; g < v.goal_taakveld.rows.size(); ++g) {
            const auto p = static_cast<std::size_t>(lm.programmes().find(goals[g].programme));
            for (const auto& c : v.goal_taakveld.rows[g])
                v.programme_taakveld.amounts[p * nt + c.column] += c.amount;
        }
    }
    return v;
}

/// The BBV view of budget `b` from its goal tables.
inline bbv_view compute_bbv(const linked_model& lm, const budget& b, const goal_tables& gt) {
    return compute_bbv(lm, b, gt.by_activity);
}

/// The BBV view of budget `b` of the model's own plan.
inline bbv_view compute_bbv(const linked_model& lm, const budget& b) {
    detail::require_bbv(lm);
    return compute_bbv(lm, b, compute_goal_activity_table(lm, b));
}

}  // namespace zbb

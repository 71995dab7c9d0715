// zbb/optimize/layout.hpp - internal: the optimisation question as a linear programme (columns x,
// attainment a_g, level segments and slacks; goal, supplier, resource, level and frame rows), and
// the checks of the question before it is built.
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "zbb/goals.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/optimize/lp.hpp"
#include "zbb/optimize/types.hpp"

namespace zbb {
namespace detail {

using triplet = Eigen::Triplet<double, int>;

// Direction of each goal: +1 when the indicator should rise (target >= baseline), -1 otherwise;
// gap = |target - baseline|.
struct goal_geometry {
    std::vector<double> sigma, gap;
    explicit goal_geometry(const linked_model& lm) {
        for (const auto& g : lm.view().goals) {
            sigma.push_back(goal_direction(g.baseline, g.target));
            gap.push_back(goal_gap(g.baseline, g.target));
        }
    }
};

// Rows and columns of the optimisation LP, with the bookkeeping needed to read the answer.
struct lp_layout {
    lp_problem lp;
    std::vector<triplet> t;
    int n = 0;                      // activity columns 0..n-1
    std::vector<int> attain_col;    // per goal: column of a_g or -1
    std::vector<int> goal_row;      // per goal: row or -1
    std::vector<int> supplier_row;  // per supplier (in support_solver order)
    std::vector<int> resource_row;  // per resource: row or -1
    int budget_row = -1;
    std::vector<int> last_level_col;  // per activity: column of its last level segment or -1
    std::vector<std::pair<std::string, int>> partner_rows;  // partner id, row
    std::vector<double> partner_cap_value;
    std::vector<std::string> partner_cap_text;           // exact, with the currency's minor digits
    std::vector<std::pair<std::string, int>> area_rows;  // area id, row
    std::vector<double> area_cap_value;
    std::vector<std::string> area_cap_text;
    std::vector<dense_vector> area_cost_weights;  // per area row: w with w^T x = the area's cost
    double budget_value = 0;
    std::string budget_text;

    int add_col(double lo, double hi, double cost) {
        lp.col_lower.push_back(lo);
        lp.col_upper.push_back(hi);
        lp.objective.push_back(cost);
        return lp.cols() - 1;
    }
    int add_row(double lo, double hi) {
        lp.row_lower.push_back(lo);
        lp.row_upper.push_back(hi);
        return lp.rows() - 1;
    }
    void finish() {
        lp.a.resize(lp.rows(), lp.cols());
        lp.a.setFromTriplets(t.begin(), t.end());
        lp.a.makeCompressed();
    }
};

// The frame that applies to a max-effect question: options override the model's frame.
struct frame_values {
    std::optional<decimal> budget;
    std::vector<partner_cap> caps;
    std::vector<area_cap> area_caps;
};
inline frame_values effective_frame(const linked_model& lm, const optimize_options& o) {
    frame_values f;
    if (lm.view().frame) {
        f.budget = lm.view().frame->budget;
        f.caps = lm.view().frame->partner_caps;
        f.area_caps = lm.view().frame->area_caps;
    }
    const int digits = lm.currency().minor_digits;
    if (o.budget_cap) {
        f.budget = o.budget_cap;
        detail::check_money_range(*o.budget_cap, digits, {"option", "", "budget"});
    }
    if (o.partner_caps) {
        f.caps = *o.partner_caps;
        for (const auto& c : f.caps) {
            if (lm.partners().find(c.partner) < 0)
                fail({"option", c.partner, "partner_caps"}, "unknown partner '" + c.partner + "'");
            detail::check_money_range(c.cap, digits, {"option", c.partner, "partner_caps"});
        }
    }
    if (o.area_caps) {
        f.area_caps = *o.area_caps;
        std::vector<std::string> seen;
        for (const auto& c : f.area_caps) {
            if (!lm.has_areas())
                fail({"option", c.area, "area_caps"},
                     "an area cap needs a model with areas (an \"areas\" table)");
            const int k = lm.area_keys_index().find(c.area);
            if (k < 0 || k >= static_cast<int>(lm.area_parents().size()))
                fail({"option", c.area, "area_caps"}, "unknown area '" + c.area + "'");
            if (std::find(seen.begin(), seen.end(), c.area) != seen.end())
                fail({"option", c.area, "area_caps"}, "duplicate area cap");
            seen.push_back(c.area);
            detail::check_money_range(c.cap, digits, {"option", c.area, "area_caps"});
        }
    }
    return f;
}

// An exact money amount (a budget or cap the range policy admitted) as text with the currency's
// minor-unit decimals: "1500.00" (EUR), "1500" (JPY).
inline std::string amount_text(const decimal& amount, const currency& cur) {
    return money::from_minor(amount.units_at_scale(cur.minor_digits)).to_string(cur.minor_digits);
}

// The cost of area k (and its sub-areas) as a linear function of the total volumes x: the full
// cost u_a d_a of the direct volumes d = (I - S) x of the activities whose own area lies in k, so
// w = (I - S)^T (u o 1_k) with u the full unit costs ((I - S)^T u = c). Over the top-level areas
// and the activities without an area, the weights add up to c.
inline dense_vector area_cost_weights(const linked_model& lm, const dense_vector& full_unit_costs,
                                      int k) {
    const int n = lm.activities().size();
    dense_vector v = dense_vector::Zero(n);
    for (int a = 0; a < n; ++a) {
        const int area = lm.activity_area(a);
        if (area >= 0 && lm.area_within(area, k)) v[a] = full_unit_costs[a];
    }
    return v - lm.support().transpose() * v;
}

// Safety margin on money caps: the LP keeps max(`minor_units` minor units, 1e-7 x cap) below the
// cap so that the plan's rounded amounts never exceed it despite solver tolerances.
// (A cap of 0 stays 0: the row then only allows activities without cost.)
inline double capped(double cap, const currency& cur, int minor_units = 1) {
    return std::max(0.0,
                    cap - std::max(minor_units * std::pow(10.0, -cur.minor_digits), 1e-7 * cap));
}

struct layout_flags {
    bool attainment = false;      // max-effect: a_g columns and rows a_g |gap| <= sigma E_g x
    bool frame = false;           // budget, partner and area rows
    bool elastic_goals = false;   // slack on goal rows (least-cost explanation)
    bool elastic_limits = false;  // slack on activity max, resources and frame rows
    bool goal_rows = true;        // false: no goal rows at all (explaining a max-effect question)
};

// Builds the LP for a linked model. Columns: x (activities) first, then a_g, then slacks.
inline lp_layout build_layout(const linked_model& lm, const goal_geometry& geo,
                              const frame_values& frame, layout_flags flags) {
    lp_layout L;
    const auto& src = lm.view();
    const int n = lm.activities().size(), ng = lm.goals().size();
    const auto& c = lm.direct_unit_costs();
    constexpr double inf = lp_problem::inf;
    constexpr double limit_penalty =
        1e4;  // per fraction of a limit, against 1 per fraction of a gap
    L.n = n;
    for (int a = 0; a < n; ++a) {
        const auto& act = src.activities[static_cast<std::size_t>(a)];
        const bool relax_max = flags.elastic_limits && act.max;
        double hi = act.max && !relax_max ? *act.max : inf;
        if (!act.levels.empty()) hi = std::min(hi, act.levels.back().up_to);  // levels act as a max
        L.add_col(act.min, hi,
                  flags.elastic_goals || flags.elastic_limits || flags.attainment ? 0.0 : c[a]);
    }
    // x_s - (S x)_s >= 0 for every supplier s: its direct volume is non-negative.
    const auto& sup = lm.support_solver().suppliers();
    std::vector<int> sup_row(static_cast<std::size_t>(n), -1);
    for (int s : sup) {
        sup_row[static_cast<std::size_t>(s)] = L.add_row(0.0, inf);
        L.supplier_row.push_back(sup_row[static_cast<std::size_t>(s)]);
        L.t.emplace_back(sup_row[static_cast<std::size_t>(s)], s, 1.0);
    }
    const auto& S = lm.support();
    for (int a = 0; a < S.outerSize(); ++a)
        for (sparse_matrix::InnerIterator it(S, a); it; ++it)
            L.t.emplace_back(sup_row[static_cast<std::size_t>(it.row())], a, -it.value());

    // Goal rows, sign-adjusted so that every row reads "progress >= something".
    L.goal_row.assign(static_cast<std::size_t>(ng), -1);
    L.attain_col.assign(static_cast<std::size_t>(ng), -1);
    for (int g = 0; g < ng; ++g) {
        const auto gi = static_cast<std::size_t>(g);
        const double weight = src.goals[gi].weight;
        if (!flags.goal_rows) continue;
        if (flags.attainment) {
            if (geo.gap[gi] == 0.0) continue;  // already at target: excluded (docs/optimize.md)
            L.goal_row[gi] = L.add_row(0.0, inf);
            L.attain_col[gi] = L.add_col(0.0, 1.0, -weight);
            L.t.emplace_back(L.goal_row[gi], L.attain_col[gi], -geo.gap[gi]);
        } else {
            L.goal_row[gi] = L.add_row(geo.gap[gi], inf);
            if (flags.elastic_goals) {
                int s = L.add_col(0.0, inf, 1.0 / std::max(geo.gap[gi], 1e-9));
                L.t.emplace_back(L.goal_row[gi], s, 1.0);
            }
        }
    }
    // Levels (diminishing returns): segment columns 0 <= s_ak <= up_to_k - up_to_(k-1) with
    // x_a - sum_k s_ak = 0; the goal rows see sum_k effect_k E_ga s_ak instead of E_ga x_a. With
    // non-increasing effects (linked_model) and only helpful effects (check_question) the LP fills
    // the segments in order by itself.
    const auto& E = lm.effects();
    L.last_level_col.assign(static_cast<std::size_t>(n), -1);
    for (int a = 0; a < E.outerSize(); ++a) {
        const auto& levels = src.activities[static_cast<std::size_t>(a)].levels;
        std::vector<std::pair<int, double>> segments;  // column, multiplier
        if (levels.empty()) {
            segments.emplace_back(a, 1.0);
        } else {
            const int link = L.add_row(0.0, 0.0);
            L.t.emplace_back(link, a, 1.0);
            double from = 0;
            for (const auto& l : levels) {
                const int col = L.add_col(0.0, l.up_to - from, 0.0);
                L.t.emplace_back(link, col, -1.0);
                segments.emplace_back(col, l.effect.to_double());
                from = l.up_to;
            }
            L.last_level_col[static_cast<std::size_t>(a)] = segments.back().first;
        }
        for (sparse_matrix::InnerIterator it(E, a); it; ++it) {
            const int row = L.goal_row[static_cast<std::size_t>(it.row())];
            if (row < 0) continue;
            for (const auto& [col, m] : segments)
                if (m != 0.0)
                    L.t.emplace_back(
                        row, col, m * geo.sigma[static_cast<std::size_t>(it.row())] * it.value());
        }
    }

    // Resource availability C_r x <= available_r.
    L.resource_row.assign(static_cast<std::size_t>(lm.resources().size()), -1);
    for (int r = 0; r < lm.resources().size(); ++r) {
        const auto& res = src.resources[static_cast<std::size_t>(r)];
        if (!res.available) continue;
        L.resource_row[static_cast<std::size_t>(r)] = L.add_row(-inf, *res.available);
        if (flags.elastic_limits) {
            int e = L.add_col(0.0, inf, limit_penalty / std::max(*res.available, 1.0));
            L.t.emplace_back(L.resource_row[static_cast<std::size_t>(r)], e, -1.0);
        }
    }
    const auto& C = lm.consumption();
    for (int a = 0; a < C.outerSize(); ++a)
        for (sparse_matrix::InnerIterator it(C, a); it; ++it) {
            const int row = L.resource_row[static_cast<std::size_t>(it.row())];
            if (row >= 0) L.t.emplace_back(row, a, it.value());
        }

    // Relaxed activity max bounds: x_a - e_a <= max_a.
    if (flags.elastic_limits)
        for (int a = 0; a < n; ++a) {
            const auto& act = src.activities[static_cast<std::size_t>(a)];
            if (!act.max) continue;
            int row = L.add_row(-inf, *act.max);
            int e = L.add_col(0.0, inf, limit_penalty / std::max(*act.max, 1.0));
            L.t.emplace_back(row, a, 1.0);
            L.t.emplace_back(row, e, -1.0);
        }

    // The financial frame: c^T x <= budget, (F (c o x))_p <= cap_p.
    if (flags.frame) {
        if (frame.budget) {
            L.budget_value = frame.budget->to_double();
            L.budget_text = amount_text(*frame.budget, lm.currency());
            L.budget_row = L.add_row(-inf, capped(L.budget_value, lm.currency()));
            for (int a = 0; a < n; ++a)
                if (c[a] != 0.0) L.t.emplace_back(L.budget_row, a, c[a]);
            if (flags.elastic_limits) {
                int e = L.add_col(0.0, inf, limit_penalty / std::max(L.budget_value, 1.0));
                L.t.emplace_back(L.budget_row, e, -1.0);
            }
        }
        const auto& F = lm.funding_shares();
        std::vector<int> prow(static_cast<std::size_t>(lm.partners().size()), -1);
        for (const auto& cap : frame.caps) {
            const double v = cap.cap.to_double();
            const int p = lm.partners().find(cap.partner);
            prow[static_cast<std::size_t>(p)] = L.add_row(-inf, capped(v, lm.currency()));
            L.partner_rows.emplace_back(cap.partner, prow[static_cast<std::size_t>(p)]);
            L.partner_cap_value.push_back(v);
            L.partner_cap_text.push_back(amount_text(cap.cap, lm.currency()));
            if (flags.elastic_limits) {
                int e = L.add_col(0.0, inf, limit_penalty / std::max(v, 1.0));
                L.t.emplace_back(prow[static_cast<std::size_t>(p)], e, -1.0);
            }
        }
        for (int a = 0; a < F.outerSize(); ++a)
            for (sparse_matrix::InnerIterator it(F, a); it; ++it) {
                const int row = prow[static_cast<std::size_t>(it.row())];
                if (row >= 0 && c[a] != 0.0) L.t.emplace_back(row, a, it.value() * c[a]);
            }
        // Area caps: w_k^T x <= cap_k (area_cost_weights).
        if (!frame.area_caps.empty()) {
            const dense_vector u = lm.support_solver().full_unit_costs(c);
            for (const auto& cap : frame.area_caps) {
                const double v = cap.cap.to_double();
                const int k = lm.area_keys_index().find(cap.area);
                // The reported amount with sub-areas adds one rounded by_area amount per area of
                // the subtree, each within one minor unit of its value: one minor unit of margin
                // per area keeps their sum within the cap.
                int subtree = 0;
                for (int j = 0; j < static_cast<int>(lm.area_parents().size()); ++j)
                    subtree += lm.area_within(j, k) ? 1 : 0;
                const int row = L.add_row(-inf, capped(v, lm.currency(), subtree));
                L.area_rows.emplace_back(cap.area, row);
                L.area_cap_value.push_back(v);
                L.area_cap_text.push_back(amount_text(cap.cap, lm.currency()));
                auto w = area_cost_weights(lm, u, k);
                for (int a = 0; a < n; ++a)
                    if (w[a] != 0.0) L.t.emplace_back(row, a, w[a]);
                L.area_cost_weights.push_back(std::move(w));
                if (flags.elastic_limits) {
                    int e = L.add_col(0.0, inf, limit_penalty / std::max(v, 1.0));
                    L.t.emplace_back(row, e, -1.0);
                }
            }
        }
    }
    L.finish();
    return L;
}

inline optimize_status status_of(lp_status s) {
    switch (s) {
        case lp_status::optimal:
            return optimize_status::optimal;
        case lp_status::infeasible:
            return optimize_status::infeasible;
        case lp_status::unbounded:
            return optimize_status::unbounded;
        case lp_status::limit:
            return optimize_status::time_limit;
        case lp_status::error:
            return optimize_status::error;
    }
    return optimize_status::error;
}

inline lp_settings settings_of(const optimize_options& o) {
    return {o.time_limit_seconds, o.iteration_limit, o.method};
}

inline void check_question(const linked_model& lm, const optimize_options& o) {
    if (lm.goals().size() == 0)
        fail({"model", "", "goals"}, "optimisation needs at least one goal");
    if (o.time_limit_seconds < 0 || !std::isfinite(o.time_limit_seconds))
        fail({"option", "", "time_limit"}, "must be a non-negative number of seconds");
    if (o.iteration_limit < 0) fail({"option", "", "iteration_limit"}, "must not be negative");
    // Levels need an activity that moves every goal it affects toward its target: otherwise the
    // LP would fill a weaker (less harmful) level first and the split would not be in order.
    const auto& src = lm.view();
    const auto& E = lm.effects();
    for (int a = 0; a < E.outerSize(); ++a) {
        const auto& act = src.activities[static_cast<std::size_t>(a)];
        if (act.levels.empty()) continue;
        for (sparse_matrix::InnerIterator it(E, a); it; ++it) {
            const auto& g = src.goals[static_cast<std::size_t>(it.row())];
            const double sigma = goal_direction(g.baseline, g.target);
            if (sigma * it.value() < 0)
                fail({"activity", act.id, "levels"}, "the activity moves goal '" + g.id +
                                                         "' away from its target; the optimiser "
                                                         "takes levels only on activities whose "
                                                         "effects all point toward the targets "
                                                         "(it would fill the weaker levels first)");
        }
    }
}

inline std::string stopped_message(optimize_status status, const lp_solution& sol) {
    std::string m = "the solver stopped without a plan (" + std::string(to_string(status)) + ")";
    if (!sol.message.empty()) m += ": " + sol.message;
    return m;
}

}  // namespace detail
}  // namespace zbb

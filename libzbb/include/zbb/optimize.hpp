// zbb/optimize.hpp - building up from effects: least-cost plans and the best plan inside a fixed
// financial frame, solved as linear programmes (CMake target zbb::optimize, which links CLP).
//
// Solver outcomes are data: every function returns an optimize_result with a status (optimal,
// infeasible with an explanation, unbounded, time_limit, error). Only misuse throws (model_error).
// See docs/optimize.md for the formulation, the attribution of costs to goals and the statuses.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "zbb/budget.hpp"
#include "zbb/goals.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/lp.hpp"
#include "zbb/report.hpp"

namespace zbb {

/// What the optimiser looks for. (Levels of diminishing returns apply to both; decision
/// packages are ranked and selected by zbb/packages.hpp.)
enum class optimize_objective {
    least_cost,  ///< reach every target at the lowest total cost
    max_effect,  ///< maximise the weighted attainment within a budget (and partner caps)
};

inline std::string_view to_string(optimize_objective o) {
    return o == optimize_objective::least_cost ? "least-cost" : "max-effect";
}
/// "least-cost" / "least_cost" or "max-effect" / "max_effect"; throws model_error otherwise.
inline optimize_objective parse_objective(std::string_view name) {
    std::string n(name);
    std::replace(n.begin(), n.end(), '_', '-');
    if (n == "least-cost") return optimize_objective::least_cost;
    if (n == "max-effect") return optimize_objective::max_effect;
    detail::fail({"option", "", "objective"},
                 "unknown objective \"" + std::string(name) + "\"; use least-cost or max-effect");
}

/// How an optimisation ended.
enum class optimize_status {
    optimal,     ///< a plan was found; result.budget holds its budget
    infeasible,  ///< no plan meets every constraint; result.explanation says why
    unbounded,   ///< the objective has no finite optimum (cannot happen with valid models)
    time_limit,  ///< the solver stopped at the time or iteration limit without a proven optimum
    error,       ///< the solver failed numerically
};

inline std::string_view to_string(optimize_status s) {
    switch (s) {
        case optimize_status::optimal:
            return "optimal";
        case optimize_status::infeasible:
            return "infeasible";
        case optimize_status::unbounded:
            return "unbounded";
        case optimize_status::time_limit:
            return "time_limit";
        case optimize_status::error:
            return "error";
    }
    return "error";
}

/// Settings of an optimisation (passed explicitly; no global state).
struct optimize_options {
    double time_limit_seconds = 0;  ///< per linear programme; 0 = no limit
    int iteration_limit = 0;        ///< per linear programme; 0 = no limit
    lp_method method = lp_method::automatic;
    /// max-effect: the budget cap; overrides the model's frame.budget.
    std::optional<decimal> budget_cap;
    /// max-effect: caps per partner; override the model's frame.partner_caps when set.
    std::optional<std::vector<partner_cap>> partner_caps;
    budget_options report;  ///< rounding of the plan's budget
};

/// One goal in an optimal plan.
struct goal_outcome {
    std::string id;
    double baseline = 0, target = 0;
    double projected = 0;   ///< baseline + E x of the plan
    double attainment = 0;  ///< progress from baseline toward target, in [0, 1]
    double shortfall = 0;   ///< indicator units still missing (0 when reached)
    bool reached = false;
    /// Cost in currency units of one more unit of progress on this goal's indicator (the dual
    /// price of its target row): for least-cost the extra total cost; for max-effect the extra
    /// cost in the cheapest plan with the optimal weighted attainment.
    double marginal_cost = 0;
};

/// A bound, capacity or cap that holds the plan back.
struct limit {
    std::string entity;  ///< "activity", "resource", "frame" or "frame.partner_caps"
    std::string id;      ///< activity, resource or partner id ("" for the budget)
    std::string
        field;  ///< "max", "min", "levels" (the last level's up_to), "available", "budget", "cap"
    double bound = 0;  ///< the limit's value
    double used = 0;   ///< the value the plan reaches
    /// Improvement of the objective per unit more of the limit (one less for "min"): currency units
    /// saved (least-cost), weighted attainment gained (max-effect) or shortfall closed (in an
    /// explanation of infeasibility, in fractions of the goals' gaps).
    double shadow_price = 0;
    /// The limit would have to rise by this much for the minimum volumes alone (infeasibility
    /// only).
    double excess = 0;
};

/// Why no plan meets every constraint: the plan that comes closest (an elastic version of the
/// problem with penalised slack on the goal rows and, if needed, on capacities and caps) and
/// what stops it.
struct infeasibility {
    struct goal_gap {
        std::string id;
        double baseline = 0, target = 0;
        double best = 0;                        ///< indicator value in the plan that comes closest
        double shortfall = 0;                   ///< indicator units missing there
        std::vector<std::string> held_back_by;  ///< descriptions of the related limits
    };
    std::vector<goal_gap> goals;     ///< goals that cannot be reached
    std::vector<limit> limits;       ///< binding limits, largest shadow price first
    std::string summary;             ///< one line
    std::vector<std::string> lines;  ///< plain-language explanation, one point a line
};

/// The outcome of an optimisation. When status == optimal, budget holds the full budget report of
/// the plan (computed by zbb::compute_budget, with all its cross-footing guarantees) and
/// budget->by_goal is the part of the total cost each goal carries.
struct optimize_result {
    optimize_objective objective = optimize_objective::least_cost;
    optimize_status status = optimize_status::error;
    std::string message;                ///< one line
    std::optional<zbb::budget> budget;  ///< the plan's budget (optimal only)
    sparse_matrix plan;                 ///< direct volumes D (activity x goal) (optimal only)
    std::vector<goal_outcome> goals;    ///< per goal, model order (optimal only)
    std::vector<limit> binding;         ///< limits with a non-zero shadow price (optimal only)
    double weighted_attainment = 0;     ///< sum of weight x attainment (optimal only)
    /// max-effect: weighted attainment gained per currency unit more budget (dual of the budget
    /// row).
    double marginal_effect_per_currency_unit = 0;
    std::optional<infeasibility> explanation;  ///< infeasible only
    int iterations = 0;        ///< simplex iterations, all linear programmes together
    double solve_seconds = 0;  ///< time in the solver, all linear programmes together

    bool optimal() const noexcept { return status == optimize_status::optimal; }
};

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
    double budget_value = 0;

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
};
inline frame_values effective_frame(const linked_model& lm, const optimize_options& o) {
    frame_values f;
    if (lm.view().frame) {
        f.budget = lm.view().frame->budget;
        f.caps = lm.view().frame->partner_caps;
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
    return f;
}

// Safety margin on money caps: the LP keeps max(one minor unit, 1e-7 x cap) below the cap so
// that the plan's rounded amounts never exceed it despite solver tolerances.
// (A cap of 0 stays 0: the row then only allows activities without cost.)
inline double capped(double cap, const currency& cur) {
    return std::max(0.0, cap - std::max(std::pow(10.0, -cur.minor_digits), 1e-7 * cap));
}

struct layout_flags {
    bool attainment = false;      // max-effect: a_g columns and rows a_g |gap| <= sigma E_g x
    bool frame = false;           // budget and partner rows
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

inline bool near(double v, double bound) {
    return std::fabs(v - bound) <= 1e-7 * std::max(1.0, std::fabs(bound));
}

// Limits that bind with a non-zero shadow price: activity bounds (reduced costs), resources and
// frame rows (row duals). Sign: improvement of the minimised objective per unit of relaxation.
inline std::vector<limit> binding_limits(const linked_model& lm, const lp_layout& L,
                                         const lp_solution& sol, double tol) {
    std::vector<limit> out;
    const auto& src = lm.view();
    for (int a = 0; a < L.n; ++a) {
        const auto& act = src.activities[static_cast<std::size_t>(a)];
        const double x = sol.x[static_cast<std::size_t>(a)];
        double rc = sol.reduced_cost[static_cast<std::size_t>(a)];
        // The last level's up_to bounds both x_a and its last segment: the shadow price is both.
        if (const int last =
                L.last_level_col.empty() ? -1 : L.last_level_col[static_cast<std::size_t>(a)];
            last >= 0 && near(x, act.levels.back().up_to))
            rc += std::min(0.0, sol.reduced_cost[static_cast<std::size_t>(last)]);
        const double level_cap = act.levels.empty() ? lp_problem::inf : act.levels.back().up_to;
        if (act.max && *act.max <= level_cap && near(x, *act.max) && rc < -tol)
            out.push_back({"activity", act.id, "max", *act.max, x, -rc, 0});
        else if (!act.levels.empty() && near(x, level_cap) && rc < -tol)
            out.push_back({"activity", act.id, "levels", level_cap, x, -rc, 0});
        else if (act.min > 0 && near(x, act.min) && rc > tol)
            out.push_back({"activity", act.id, "min", act.min, x, rc, 0});
    }
    for (int r = 0; r < lm.resources().size(); ++r) {
        const int row = L.resource_row[static_cast<std::size_t>(r)];
        if (row < 0) continue;
        const double y = sol.row_dual[static_cast<std::size_t>(row)];
        const auto& res = src.resources[static_cast<std::size_t>(r)];
        if (y < -tol)
            out.push_back({"resource", res.id, "available", *res.available,
                           sol.row_activity[static_cast<std::size_t>(row)], -y, 0});
    }
    if (L.budget_row >= 0) {
        const double y = sol.row_dual[static_cast<std::size_t>(L.budget_row)];
        if (y < -tol)
            out.push_back({"frame", "", "budget", L.budget_value,
                           sol.row_activity[static_cast<std::size_t>(L.budget_row)], -y, 0});
    }
    for (std::size_t k = 0; k < L.partner_rows.size(); ++k) {
        const int row = L.partner_rows[k].second;
        const double y = sol.row_dual[static_cast<std::size_t>(row)];
        if (y < -tol)
            out.push_back({"frame.partner_caps", L.partner_rows[k].first, "cap",
                           L.partner_cap_value[k], sol.row_activity[static_cast<std::size_t>(row)],
                           -y, 0});
    }
    std::stable_sort(out.begin(), out.end(), [](const limit& a, const limit& b) {
        return a.shadow_price > b.shadow_price;
    });
    return out;
}

inline std::string amount_text(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

inline std::string describe(const limit& l) {
    if (l.entity == "frame") return "the budget cap of " + amount_text(l.bound);
    if (l.entity == "frame.partner_caps")
        return "the cap of partner '" + l.id + "' (" + amount_text(l.bound) + ")";
    if (l.entity == "resource")
        return "resource '" + l.id + "' (available " + short_number(l.bound) + ")";
    if (l.field == "levels")
        return "activity '" + l.id + "' last level up_to " + short_number(l.bound);
    return "activity '" + l.id + "' " + l.field + " " + short_number(l.bound);
}

// The attribution rule (docs/optimize.md): the direct volume d_a of each activity is split over
// the goals in proportion to y_g * progress_ga, where y_g >= 0 is the dual price of goal g's row
// and progress_ga = max(0, sigma_g E_ga) the progress one unit of a brings to g; when every such
// weight is zero, it goes to the goal for which a unit of a closes the largest fraction of the
// gap. Direct volume that serves no goal (a support activity's own direct volume, a volume forced
// by a min bound) is split in proportion to the goals' consumption of that support activity and,
// failing that, in proportion to the goals' full cost so far (equally when that is zero too).
inline sparse_matrix attribute_plan(const linked_model& lm, const goal_geometry& geo,
                                    const vector& d, const std::vector<double>& y) {
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
            if (fraction > best) best = fraction, best_goal = it.row();
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
    const vector u = lm.support_solver().full_unit_costs(lm.direct_unit_costs());
    std::vector<vector> consumed;
    std::vector<double> cost(static_cast<std::size_t>(ng));
    double cost_sum = 0.0;
    const bool any_supplier_unserved = std::any_of(unserved.begin(), unserved.end(), [&](int a) {
        const auto& s = lm.support_solver().suppliers();
        return std::binary_search(s.begin(), s.end(), a);
    });
    for (int g = 0; g < ng; ++g) {
        const vector dg = D.col(g);
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
inline vector direct_volumes(const linked_model& lm, const std::vector<double>& xs) {
    const int n = lm.activities().size();
    vector x(n);
    for (int a = 0; a < n; ++a) x[a] = std::max(0.0, xs[static_cast<std::size_t>(a)]);
    vector d = x - lm.support() * x;
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
    const vector d = direct_volumes(lm, sol.x);
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
        vector x(n);
        for (int a = 0; a < n; ++a) x[a] = sol.x[static_cast<std::size_t>(a)];
        for (int a = 0; a < n; ++a) {
            const auto& act = src.activities[static_cast<std::size_t>(a)];
            if (act.max && x[a] > *act.max * (1 + 1e-7) + 1e-9)
                excess.push_back({"activity", act.id, "max", *act.max, x[a], 0, x[a] - *act.max});
        }
        const vector need = lm.consumption() * x;
        for (int k = 0; k < lm.resources().size(); ++k) {
            const auto& res = src.resources[static_cast<std::size_t>(k)];
            if (res.available && need[k] > *res.available * (1 + 1e-7) + 1e-9)
                excess.push_back({"resource", res.id, "available", *res.available, need[k], 0,
                                  need[k] - *res.available});
        }
        const vector own = lm.direct_unit_costs().cwiseProduct(x);
        if (L.budget_row >= 0) {
            const double used = own.sum();
            if (used > L.budget_value * (1 + 1e-7))
                excess.push_back(
                    {"frame", "", "budget", L.budget_value, used, 0, used - L.budget_value});
        }
        const vector by_partner = lm.funding_shares() * own;
        for (std::size_t k = 0; k < L.partner_rows.size(); ++k) {
            const double used = by_partner[lm.partners().find(L.partner_rows[k].first)];
            if (used > L.partner_cap_value[k] * (1 + 1e-7))
                excess.push_back({"frame.partner_caps", L.partner_rows[k].first, "cap",
                                  L.partner_cap_value[k], used, 0, used - L.partner_cap_value[k]});
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
        const vector projected_change = [&] {
            vector x(lm.activities().size());
            for (int a = 0; a < x.size(); ++a)
                x[a] = std::max(0.0, sol.x[static_cast<std::size_t>(a)]);
            if (lm.has_levels())
                for (int a = 0; a < x.size(); ++a) {
                    const auto& lv = lm.view().activities[static_cast<std::size_t>(a)].levels;
                    if (!lv.empty()) x[a] = std::min(x[a], lv.back().up_to);
                }
            return vector(lm.effects() * (lm.has_levels() ? lm.effective_volumes(x) : x));
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
                bool related = l.entity == "frame" || l.entity == "frame.partner_caps";
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

inline std::string stopped_message(optimize_status status, const lp_solution& sol) {
    std::string m = "the solver stopped without a plan (" + std::string(to_string(status)) + ")";
    if (!sol.message.empty()) m += ": " + sol.message;
    return m;
}

}  // namespace detail

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

// --- reports ------------------------------------------------------------------------------------

namespace detail {
inline nlohmann::ordered_json limit_json(const limit& l) {
    nlohmann::ordered_json j{{"entity", l.entity}, {"id", l.id},
                             {"field", l.field},   {"bound", l.bound},
                             {"used", l.used},     {"shadow_price", l.shadow_price}};
    if (l.excess > 0) j["excess"] = l.excess;
    return j;
}
}  // namespace detail

/// The machine-readable result: for an optimal plan the budget report of zbb::budget_report_json
/// ("zbb-report/1") plus "objective", "status", "marginal_cost", "attainment" and "shortfall"
/// (indicator units still missing, 0 when reached) per goal,
/// "weighted_attainment", "binding" and, for max-effect, "marginal_effect_per_euro" (per unit of
/// the model's currency). Otherwise "objective", "status", "message" and, when infeasible,
/// "explanation".
inline std::string optimize_report_json(const linked_model& lm, const optimize_result& r,
                                        int indent = 2) {
    using ojson = nlohmann::ordered_json;
    ojson j;
    if (r.optimal()) {
        j = ojson::parse(budget_report_json(lm, *r.budget, -1));
        j["objective"] = to_string(r.objective);
        j["status"] = to_string(r.status);
        ojson mc = ojson::object(), at = ojson::object(), sf = ojson::object();
        for (const auto& g : r.goals) {
            mc[g.id] = g.marginal_cost;
            at[g.id] = g.attainment;
            sf[g.id] = g.shortfall;
        }
        j["marginal_cost"] = std::move(mc);
        j["attainment"] = std::move(at);
        j["shortfall"] = std::move(sf);
        j["weighted_attainment"] = r.weighted_attainment;
        if (r.objective == optimize_objective::max_effect)
            j["marginal_effect_per_euro"] = r.marginal_effect_per_currency_unit;
        ojson binding = ojson::array();
        for (const auto& l : r.binding) binding.push_back(detail::limit_json(l));
        j["binding"] = std::move(binding);
    } else {
        j["format"] = "zbb-report/1";
        j["model"] = lm.view().name;
        j["objective"] = to_string(r.objective);
        j["status"] = to_string(r.status);
        j["message"] = r.message;
        if (r.explanation) {
            const auto& ex = *r.explanation;
            ojson goals = ojson::array();
            for (const auto& g : ex.goals)
                goals.push_back({{"goal", g.id},
                                 {"baseline", g.baseline},
                                 {"target", g.target},
                                 {"best", g.best},
                                 {"shortfall", g.shortfall},
                                 {"held_back_by", g.held_back_by}});
            ojson limits = ojson::array();
            for (const auto& l : ex.limits) limits.push_back(detail::limit_json(l));
            j["explanation"] = {{"summary", ex.summary},
                                {"goals", std::move(goals)},
                                {"limits", std::move(limits)},
                                {"lines", ex.lines}};
        }
    }
    return j.dump(indent) + "\n";
}

/// A readable result: status, the goals with attainment, marginal cost and the cost each carries,
/// the binding limits, then the full budget report of the plan; or the explanation of why there
/// is no plan.
inline std::string optimize_report_text(const linked_model& lm, const optimize_result& r) {
    const auto& src = lm.view();
    const std::string cur = lm.currency().code;
    std::ostringstream out;
    out << "zbb optimize (" << to_string(r.objective)
        << "): " << (src.name.empty() ? "(unnamed model)" : detail::printable(src.name)) << "\n";
    out << "Status: " << to_string(r.status) << "\n";
    if (!r.optimal()) {
        out << r.message << "\n";
        if (r.explanation) {
            out << "\nWhy there is no plan\n";
            for (const auto& line : r.explanation->lines) out << "  - " << line << "\n";
        }
        return out.str();
    }
    const auto& b = *r.budget;
    const int digits = b.currency.minor_digits;
    out << "Total: " << cur << " " << detail::grouped(b.total, digits) << "\n";
    if (r.objective == optimize_objective::max_effect)
        out << "Weighted attainment: " << detail::fixed(r.weighted_attainment, 4) << "; one " << cur
            << " more adds " << detail::short_number(r.marginal_effect_per_currency_unit) << "\n";
    out << "\n";
    detail::text_table t{{"goal", "baseline", "target", "projected", "attainment",
                          "marginal " + cur + "/unit", "cost " + cur},
                         {},
                         {false, true, true, true, true, true, true}};
    for (std::size_t g = 0; g < r.goals.size(); ++g) {
        const auto& o = r.goals[g];
        t.rows.push_back({o.id, detail::fixed(o.baseline, 2), detail::fixed(o.target, 2),
                          detail::fixed(o.projected, 2), detail::fixed(100 * o.attainment, 1) + "%",
                          detail::fixed(o.marginal_cost, 2),
                          detail::grouped(b.by_goal.amounts[g], digits)});
    }
    t.rows.push_back({"Total", "", "", "", "", "", detail::grouped(b.total, digits)});
    out << "Goals (cost per goal: the plan's direct volumes attributed by dual-weighted effect)\n"
        << t.render() << "\n";
    if (!r.binding.empty()) {
        out << "Binding limits (shadow price: "
            << (r.objective == optimize_objective::least_cost
                    ? cur + " saved per unit more"
                    : "weighted attainment gained per unit more")
            << ")\n";
        for (const auto& l : r.binding)
            out << "  - " << detail::describe(l) << ": " << detail::short_number(l.shadow_price)
                << "\n";
        out << "\n";
    }
    out << budget_report_text(lm, b);
    return out.str();
}

}  // namespace zbb

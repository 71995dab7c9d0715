// zbb/packages.hpp - decision packages (classic zero-based budgeting): rank the increments of the
// decision units, draw the cut-off line at the budget, and compare with the best selection under
// the same budget (a 0/1 knapsack with precedence, solved with COIN-OR CBC; target zbb::optimize).
//
// Solver outcomes are data (packages_result::status); only misuse throws model_error. No CBC type
// appears in this header's API. See docs/optimize.md, "Decision packages".
#pragma once

#include <CbcModel.hpp>
#include <CoinPackedMatrix.hpp>
#include <CoinPackedVector.hpp>
#include <OsiClpSolverInterface.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "zbb/budget.hpp"
#include "zbb/goals.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/lp.hpp"
#include "zbb/report.hpp"

namespace zbb {

/// Settings of a package analysis (passed explicitly; no global state).
struct packages_options {
    std::optional<decimal> budget;   ///< the budget; overrides the model's frame.budget
    double time_limit_seconds = 30;  ///< for the optimal selection (CBC); 0 = no limit
    rounding_mode rounding = rounding_mode::half_even;  ///< of the total of all packages
};

/// How the optimal selection ended.
enum class packages_status {
    optimal,     ///< the optimal selection is proven
    time_limit,  ///< CBC stopped at the time limit; the selection is the best found (maybe none)
    error,       ///< CBC failed; no optimal selection
};

inline std::string_view to_string(packages_status s) {
    return s == packages_status::optimal
               ? "optimal"
               : (s == packages_status::time_limit ? "time_limit" : "error");
}

/// One package, with its cost and effects.
struct package_outcome {
    std::string id;  ///< "<unit>/<level>"
    std::string unit;
    int level = 1;
    std::string name;
    std::optional<double> priority;
    money cost;                   ///< full cost (support included), exact; all packages sum exactly
    double cost_value = 0;        ///< computed full cost in minor units, before rounding
    std::vector<double> effects;  ///< per goal (model order): E x, x the induced total volumes
    /// sum over goals with a gap of weight * progress toward the target / gap (uncapped)
    double weighted_effect = 0;
    double effect_per_currency_unit = 0;  ///< weighted_effect per unit of the currency
    int model_index = 0;                  ///< position in model::packages
    money cumulative;                     ///< cost of this package and all ranked before it
    bool funded = false;                  ///< above the cut-off line
    bool in_optimal = false;              ///< in the optimal selection
};

/// The ranked packages, the line and the optimal selection.
struct packages_result {
    packages_status status = packages_status::error;
    std::string message;
    std::string ranked_by;  ///< "priority" or "effect per currency unit"
    money budget;
    std::vector<package_outcome> ranked;  ///< in rank order
    std::size_t cutoff = 0;               ///< ranked[0..cutoff) are funded
    money total;                          ///< all packages together
    money funded_cost, optimal_cost;
    double funded_attainment =
        0;  ///< weighted attainment of the funded packages (capped at 1 per goal)
    double optimal_attainment = 0;  ///< of the optimal selection
    double left_on_the_table = 0;   ///< optimal_attainment - funded_attainment (>= 0)
    double solve_seconds = 0;

    bool optimal() const noexcept { return status == packages_status::optimal; }
};

/// `r` itself when its optimal selection is proven; otherwise throws zbb::infeasible with
/// "packages <status>: <message>" (Python: PackagesResult.raise_for_status).
inline const packages_result& require_optimal(const packages_result& r) {
    if (!r.optimal())
        throw infeasible({}, "packages " + std::string(to_string(r.status)) + ": " + r.message);
    return r;
}

namespace detail {

// Weighted attainment of a selection: sum_g w_g min(1, sigma_g change_g / gap_g) over goals with a
// gap (as in max-effect, counted up to the target).
inline double selection_attainment(const linked_model& lm, const std::vector<package_outcome>& ps,
                                   const std::vector<bool>& selected) {
    const auto& goals = lm.view().goals;
    double total = 0;
    for (std::size_t g = 0; g < goals.size(); ++g) {
        const double gap = goal_gap(goals[g].baseline, goals[g].target);
        if (gap == 0.0) continue;
        const double sigma = goal_direction(goals[g].baseline, goals[g].target);
        double change = 0;
        for (std::size_t p = 0; p < ps.size(); ++p)
            if (selected[p]) change += ps[p].effects[g];
        total += goals[g].weight * std::min(1.0, sigma * change / gap);
    }
    return total;
}

struct knapsack_answer {
    packages_status status = packages_status::error;
    std::vector<bool> selected;
    double seconds = 0;
};

// Stage 1: max sum_g w_g a_g  s.t.  sum_p cost_p z_p <= budget,  z_(u,k) <= z_(u,k-1),
// gap_g a_g <= sigma_g sum_p effect_pg z_p,  a_g <= 1,  z binary.
// Stage 2: among the selections within 1e-9 of that optimum, the cheapest (min sum_p cost_p z_p),
// so the optimum buys no package that adds nothing (e.g. toward a target already reached).
inline knapsack_answer solve_knapsack(const linked_model& lm,
                                      const std::vector<package_outcome>& ps, double budget_minor,
                                      double time_limit) {
    const auto start = std::chrono::steady_clock::now();
    const auto& goals = lm.view().goals;
    const int np = static_cast<int>(ps.size());
    std::vector<double> collb, colub, attainment, cost;
    for (int p = 0; p < np; ++p) {
        collb.push_back(0);
        colub.push_back(1);
        attainment.push_back(0);
        // the exact package cost in minor units (an integer, exact in a double below 2^53), so the
        // budget row compares what the report shows
        cost.push_back(static_cast<double>(ps[static_cast<std::size_t>(p)].cost.minor_units()));
    }
    std::vector<int> goal_col(goals.size(), -1);
    for (std::size_t g = 0; g < goals.size(); ++g) {
        if (goals[g].target == goals[g].baseline) continue;
        goal_col[g] = static_cast<int>(collb.size());
        collb.push_back(-COIN_DBL_MAX);
        colub.push_back(1);
        attainment.push_back(goals[g].weight);
        cost.push_back(0);
    }
    CoinPackedMatrix matrix(false, 0, 0);
    matrix.setDimensions(0, static_cast<int>(collb.size()));
    std::vector<double> rowlb, rowub;
    {
        CoinPackedVector row;
        for (int p = 0; p < np; ++p)
            if (cost[static_cast<std::size_t>(p)] != 0.0)
                row.insert(p, cost[static_cast<std::size_t>(p)]);
        matrix.appendRow(row);
        rowlb.push_back(-COIN_DBL_MAX);
        rowub.push_back(budget_minor);
    }
    std::unordered_map<std::string, std::vector<int>> by_unit;  // per unit: package index by level
    for (int p = 0; p < np; ++p) {
        const auto& pk = ps[static_cast<std::size_t>(p)];
        auto& levels = by_unit[pk.unit];
        if (levels.size() < static_cast<std::size_t>(pk.level))
            levels.resize(static_cast<std::size_t>(pk.level), -1);
        levels[static_cast<std::size_t>(pk.level - 1)] = p;
    }
    for (int p = 0; p < np; ++p) {  // z_(u,k) <= z_(u,k-1)
        const auto& pk = ps[static_cast<std::size_t>(p)];
        if (pk.level == 1) continue;
        const int q = by_unit[pk.unit][static_cast<std::size_t>(pk.level - 2)];
        CoinPackedVector row;
        row.insert(p, 1.0);
        row.insert(q, -1.0);
        matrix.appendRow(row);
        rowlb.push_back(-COIN_DBL_MAX);
        rowub.push_back(0.0);
    }
    for (std::size_t g = 0; g < goals.size(); ++g) {
        if (goal_col[g] < 0) continue;
        const double gap = goal_gap(goals[g].baseline, goals[g].target);
        const double sigma = goal_direction(goals[g].baseline, goals[g].target);
        CoinPackedVector row;
        row.insert(goal_col[g], gap);
        for (int p = 0; p < np; ++p) {
            const double e = sigma * ps[static_cast<std::size_t>(p)].effects[g];
            if (e != 0.0) row.insert(p, -e);
        }
        matrix.appendRow(row);
        rowlb.push_back(-COIN_DBL_MAX);
        rowub.push_back(0.0);
    }
    auto seconds_left = [&] {
        if (time_limit <= 0) return 0.0;
        const double used =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return std::max(1e-3, time_limit - used);
    };
    knapsack_answer out;
    // Solves min obj^T (z, a) over the rows; sets out.status / out.selected; returns the best
    // objective value or nullopt.
    auto solve = [&](const std::vector<double>& obj) -> std::optional<double> {
        // Nothing beyond the solver's numeric range reaches CBC (its CLP aborts on an objective
        // coefficient of 1e25 or more): such a question ends with status error.
        auto bad = [](double v) { return !std::isfinite(v) || std::fabs(v) > lp_max_magnitude; };
        auto bad_bound = [&](double b) { return std::fabs(b) < COIN_DBL_MAX && bad(b); };
        bool out_of_range = std::any_of(obj.begin(), obj.end(), bad) ||
                            std::any_of(rowub.begin(), rowub.end(), bad_bound) ||
                            std::any_of(rowlb.begin(), rowlb.end(), bad_bound);
        for (int k = 0; k < matrix.getNumElements() && !out_of_range; ++k)
            out_of_range = bad(matrix.getElements()[k]);
        if (out_of_range) {
            out.status = packages_status::error;
            return std::nullopt;
        }
        OsiClpSolverInterface solver;
        solver.messageHandler()->setLogLevel(0);
        solver.loadProblem(matrix, collb.data(), colub.data(), obj.data(), rowlb.data(),
                           rowub.data());
        for (int p = 0; p < np; ++p) solver.setInteger(p);
        CbcModel model(solver);
        model.setLogLevel(0);
        model.messageHandler()->setLogLevel(0);
        model.solver()->messageHandler()->setLogLevel(0);
        if (time_limit > 0) model.setMaximumSeconds(seconds_left());
        model.branchAndBound();
        const double* best = model.bestSolution();
        if (model.isProvenOptimal() && best)
            out.status = packages_status::optimal;
        else if (model.isSecondsLimitReached())
            out.status = packages_status::time_limit;
        else
            out.status = packages_status::error;
        if (!best) return std::nullopt;
        out.selected.assign(static_cast<std::size_t>(np), false);
        for (int p = 0; p < np; ++p) out.selected[static_cast<std::size_t>(p)] = best[p] > 0.5;
        return model.getObjValue();
    };
    std::vector<double> obj(attainment.size());
    for (std::size_t c = 0; c < obj.size(); ++c) obj[c] = -attainment[c];  // CBC minimises
    const auto best = solve(obj);
    if (best && out.status == packages_status::optimal) {
        const double most = -*best;
        const auto stage1 = out.selected;
        CoinPackedVector row;
        for (std::size_t c = 0; c < attainment.size(); ++c)
            if (attainment[c] != 0.0) row.insert(static_cast<int>(c), attainment[c]);
        matrix.appendRow(row);
        rowlb.push_back(most - 1e-9 * std::max(1.0, std::fabs(most)));
        rowub.push_back(COIN_DBL_MAX);
        // Keep the proven stage-1 optimum when the cheapest tie could not be proven, or when the
        // solver's feasibility tolerance let stage 2 give up attainment (checked exactly here).
        const bool cheaper = solve(cost) && out.status == packages_status::optimal;
        const double a1 = selection_attainment(lm, ps, stage1);
        if (!cheaper || selection_attainment(lm, ps, out.selected) <
                            a1 - 1e-12 * std::max(1.0, std::fabs(a1))) {
            out.selected = stage1;
            out.status = packages_status::optimal;
        }
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

}  // namespace detail

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
    const vector u = lm.support_solver().full_unit_costs(lm.direct_unit_costs());

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
        vector d = vector::Zero(n);
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
                if (volume > act.levels.back().up_to * (1 + 1e-9) + 1e-9)
                    fail({"packages", where, "volumes"},
                         "activity '" + act.id + "' reaches volume " +
                             detail::short_number(volume) +
                             " at this level, beyond its last level's up_to " +
                             detail::short_number(act.levels.back().up_to) +
                             " (levels act as a max)");
                double from = 0, eff = 0;
                for (const auto& l : act.levels) {
                    eff += l.effect.to_double() * std::clamp(volume - from, 0.0, l.up_to - from);
                    from = l.up_to;
                }
                return eff;
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
        const vector e = es.toDense();
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

/// Machine-readable: "format": "zbb-packages/1", budget, ranked list with cost and cumulative
/// cost, the cut-off index, funded / unfunded ids, the optimal selection and the effect left on
/// the table (weighted attainment).
inline std::string packages_report_json(const linked_model& lm, const packages_result& r,
                                        int indent = 2) {
    using ojson = nlohmann::ordered_json;
    const int digits = lm.currency().minor_digits;
    ojson j;
    j["format"] = "zbb-packages/1";
    j["model"] = lm.view().name;
    j["currency"] = lm.currency().code;
    j["status"] = to_string(r.status);
    j["message"] = r.message;
    j["budget"] = r.budget.to_string(digits);
    j["ranked_by"] = r.ranked_by;
    ojson ranked = ojson::array(), funded = ojson::array(), unfunded = ojson::array(),
          best = ojson::array();
    for (std::size_t i = 0; i < r.ranked.size(); ++i) {
        const auto& p = r.ranked[i];
        ojson e = ojson::object();
        for (std::size_t g = 0; g < p.effects.size(); ++g) e[lm.goals().ids()[g]] = p.effects[g];
        ojson row{
            {"rank", i + 1}, {"id", p.id}, {"unit", p.unit}, {"level", p.level}, {"name", p.name}};
        if (p.priority) row["priority"] = *p.priority;
        row["cost"] = p.cost.to_string(digits);
        row["cumulative"] = p.cumulative.to_string(digits);
        row["effects"] = std::move(e);
        row["weighted_effect"] = p.weighted_effect;
        row["effect_per_euro"] = std::isfinite(p.effect_per_currency_unit)
                                     ? ojson(p.effect_per_currency_unit)
                                     : ojson(nullptr);
        row["funded"] = p.funded;
        row["in_optimal"] = p.in_optimal;
        ranked.push_back(std::move(row));
        (p.funded ? funded : unfunded).push_back(p.id);
        if (p.in_optimal) best.push_back(p.id);
    }
    j["ranked"] = std::move(ranked);
    j["cutoff"] = r.cutoff;
    j["funded"] = std::move(funded);
    j["unfunded"] = std::move(unfunded);
    j["funded_cost"] = r.funded_cost.to_string(digits);
    j["funded_attainment"] = r.funded_attainment;
    j["optimal"] = {{"packages", std::move(best)},
                    {"cost", r.optimal_cost.to_string(digits)},
                    {"attainment", r.optimal_attainment}};
    j["left_on_the_table"] = r.left_on_the_table;
    return j.dump(indent) + "\n";
}

/// Readable: the ranked table with cumulative cost and the cut-off line, then the optimal selection
/// and what the ranking leaves on the table.
inline std::string packages_report_text(const linked_model& lm, const packages_result& r) {
    const auto& src = lm.view();
    const std::string cur = lm.currency().code;
    const int digits = lm.currency().minor_digits;
    std::ostringstream out;
    out << "zbb packages: " << (src.name.empty() ? "(unnamed model)" : detail::printable(src.name))
        << "\n";
    out << "Budget: " << cur << " " << detail::grouped(r.budget, digits) << "; ranked by "
        << r.ranked_by << "; " << r.cutoff << " of " << r.ranked.size() << " packages funded ("
        << cur << " " << detail::grouped(r.funded_cost, digits) << ")\n\n";
    detail::text_table t{{"rank", "package", "name", "cost " + cur, "cumulative " + cur,
                          "weighted effect", "per 1,000 " + cur},
                         {},
                         {true, false, false, true, true, true, true}};
    for (std::size_t i = 0; i < r.ranked.size(); ++i) {
        const auto& p = r.ranked[i];
        t.rows.push_back({std::to_string(i + 1), p.id, p.name, detail::grouped(p.cost, digits),
                          detail::grouped(p.cumulative, digits),
                          detail::fixed(p.weighted_effect, 4),
                          std::isfinite(p.effect_per_currency_unit)
                              ? detail::fixed(1000 * p.effect_per_currency_unit, 4)
                              : "-"});
    }
    // The table with the cut-off line after the funded rows.
    std::istringstream table(t.render());
    std::string line;
    std::size_t row = 0;
    std::size_t width = 0;
    std::vector<std::string> lines;
    while (std::getline(table, line)) lines.push_back(line), width = std::max(width, line.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i >= 2) {
            if (row == r.cutoff)
                out << "  ==== cut-off: budget " << cur << " " << detail::grouped(r.budget, digits)
                    << " ====\n";
            ++row;
        }
        out << lines[i] << "\n";
    }
    if (r.cutoff == r.ranked.size())
        out << "  ==== cut-off: budget " << cur << " " << detail::grouped(r.budget, digits)
            << " ====\n";
    out << "\nWeighted attainment of the funded packages: " << detail::fixed(r.funded_attainment, 4)
        << "\n";
    out << "Optimal selection (" << to_string(r.status) << "):";
    bool any = false;
    for (const auto& p : r.ranked)
        if (p.in_optimal) out << (any ? ", " : " ") << p.id, any = true;
    if (!any) out << " none";
    out << "; " << cur << " " << detail::grouped(r.optimal_cost, digits) << ", weighted attainment "
        << detail::fixed(r.optimal_attainment, 4) << "\n";
    out << "Left on the table by the ranking: " << detail::fixed(r.left_on_the_table, 4) << "\n";
    return out.str();
}

}  // namespace zbb

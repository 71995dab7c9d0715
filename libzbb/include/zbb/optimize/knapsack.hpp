// zbb/optimize/knapsack.hpp - internal: the optimal selection of decision packages under a budget,
// a 0/1 knapsack with precedence between the levels of a unit, solved with COIN-OR CBC.
#pragma once

#include <CbcModel.hpp>
#include <CoinPackedMatrix.hpp>
#include <CoinPackedVector.hpp>
#include <OsiClpSolverInterface.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "zbb/goals.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/optimize/lp.hpp"
#include "zbb/optimize/package_types.hpp"

namespace zbb {
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
}  // namespace zbb

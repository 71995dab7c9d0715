// zbb/optimize/types.hpp - the public types of the optimiser: objectives, statuses, options, goal
// outcomes, limits, the explanation of infeasibility and the result. No solver type appears here.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zbb/budget.hpp"

namespace zbb {

/// Which simplex or interior-point method solves the linear programmes.
enum class lp_method {
    automatic,  ///< the solver's choice (CLP: dual simplex for these problems)
    primal,     ///< primal simplex
    dual,       ///< dual simplex
    barrier,    ///< interior point with crossover to a basic solution (exact duals)
};

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
    /// max-effect: caps per area (sub-areas included); override the model's frame.area_caps.
    std::optional<std::vector<area_cap>> area_caps;
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
    std::string entity;  ///< "activity", "resource", "frame", "frame.partner_caps" or
                         ///< "frame.area_caps"
    std::string id;      ///< activity, resource, partner or area id ("" for the budget)
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
    /// Money limits (the budget cap, a partner cap): the bound as exact amount text with the
    /// currency's minor-unit decimals, as the descriptions print it; empty for other limits.
    std::string bound_text;
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

}  // namespace zbb

// zbb/optimize/package_types.hpp - the public types of decision packages: options, status, one
// package's outcome, the ranked result. No solver type appears here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zbb/budget.hpp"
#include "zbb/error.hpp"
#include "zbb/money.hpp"

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

}  // namespace zbb

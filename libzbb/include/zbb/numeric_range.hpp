// zbb/numeric_range.hpp - the numeric range policy: the ranges of input numbers within which zbb
// guarantees the cent and its solvers are reliable. linked_model's constructor applies it to every
// model (JSON, DataFrames, workbooks, scenario edits), so a number outside is refused before any
// computation, in budget, optimise and packages alike. docs/errors.md gives the table.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

#include "zbb/decimal.hpp"
#include "zbb/error.hpp"
#include "zbb/money.hpp"

namespace zbb {

/// The limits of the numeric range policy (constants; zbb has no global mutable state).
namespace numeric_range {
/// Volumes, bounds, availability, level up_to and package volumes: 0 <= v <= max_quantity.
inline constexpr double max_quantity = 1e12;
/// Goal baselines and targets, and package priorities: |v| <= max_indicator.
inline constexpr double max_indicator = 1e12;
/// Coefficients (effects, consumption and support per unit, level effects): 0 or
/// min_coefficient <= |v| <= max_coefficient. A smaller non-zero coefficient is below the
/// solvers' tolerances (CLP would treat it as zero while the budget does not).
inline constexpr double min_coefficient = 1e-9;
inline constexpr double max_coefficient = 1e9;
/// Goal weights: 0 or min_weight <= w <= max_weight.
inline constexpr double min_weight = 1e-6;
inline constexpr double max_weight = 1e6;
/// Prices, the frame's budget and partner caps: below 2^53 minor units of the model's currency
/// (max_computed_minor_units), the range in which a double resolves one minor unit.
}  // namespace numeric_range

namespace detail {
/// A number in a range message: 15 significant digits, so that a value just beyond a limit does
/// not print as the limit.
inline std::string range_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

/// Refuses a quantity outside [0, max_quantity] (model_error naming `where`).
inline void check_quantity(double v, const error_location& where) {
    if (!std::isfinite(v)) fail(where, "must be a finite number");
    if (v < 0) fail(where, "must not be negative (got " + short_number(v) + ")");
    if (v > numeric_range::max_quantity)
        fail(where, range_number(v) + " is beyond the numeric range: at most " +
                        short_number(numeric_range::max_quantity));
}

/// Refuses an indicator value with |v| > max_indicator.
inline void check_indicator(double v, const error_location& where) {
    if (!std::isfinite(v)) fail(where, "must be a finite number");
    if (std::fabs(v) > numeric_range::max_indicator)
        fail(where, range_number(v) + " is beyond the numeric range: at most " +
                        short_number(numeric_range::max_indicator) + " in magnitude");
}

/// Refuses a coefficient that is neither 0 nor within [min, max] in magnitude.
inline void check_magnitude(double v, double min, double max, const error_location& where) {
    if (!std::isfinite(v)) fail(where, "must be a finite number");
    const double a = std::fabs(v);
    if (a != 0 && (a < min || a > max))
        fail(where, range_number(v) + " is beyond the numeric range: 0 or between " +
                        short_number(min) + " and " + short_number(max) + " in magnitude");
}

/// Refuses an amount of money (a decimal in major units) of 2^53 minor units or more
/// (money_overflow naming `where`).
inline void check_money_range(const decimal& d, int minor_digits, const error_location& where) {
    static const int128 limit = int128(1) << 53;
    const int shift = d.scale() - minor_digits;
    bool beyond;
    if (shift >= 0) {
        // A decimal has at most 30 digits: beyond 22 places its minor units are below 10^8.
        if (shift > 22) return;
        int128 p = 1;
        for (int i = 0; i < shift; ++i) p *= 10;
        beyond = d.units() / p >= limit;
    } else {
        int128 v = d.units();
        beyond = false;
        for (int i = 0; i < -shift && !beyond; ++i) {
            v *= 10;
            beyond = v >= limit;
        }
        beyond = beyond || v >= limit;
    }
    if (beyond)
        throw money_overflow(where, "\"" + d.text() +
                                        "\" is beyond the numeric range: below 2^53 minor units, "
                                        "the range in which zbb guarantees the cent");
}
}  // namespace detail

}  // namespace zbb

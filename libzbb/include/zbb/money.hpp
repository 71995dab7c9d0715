// zbb/money.hpp - exact money in integer minor units, named rounding modes, largest-remainder
// allocation and currencies.
#pragma once

#include <algorithm>
#include <cmath>
#include <compare>
#include <cstdint>
#include <functional>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zbb/decimal.hpp"
#include "zbb/error.hpp"

namespace zbb {

/// How a computed (floating-point) amount becomes whole minor units.
enum class rounding_mode {
    half_even,       ///< to nearest, ties to even (banker's rounding); the default
    half_up,         ///< to nearest, ties away from zero (commercial rounding)
    half_down,       ///< to nearest, ties toward zero
    toward_zero,     ///< truncate
    away_from_zero,  ///< up in magnitude
    floor,           ///< toward minus infinity
    ceiling,         ///< toward plus infinity
};

/// Name of a rounding mode as used in the CLI and Python ("half-even", ...).
inline std::string_view to_string(rounding_mode m) {
    switch (m) {
        case rounding_mode::half_even:
            return "half-even";
        case rounding_mode::half_up:
            return "half-up";
        case rounding_mode::half_down:
            return "half-down";
        case rounding_mode::toward_zero:
            return "toward-zero";
        case rounding_mode::away_from_zero:
            return "away-from-zero";
        case rounding_mode::floor:
            return "floor";
        case rounding_mode::ceiling:
            return "ceiling";
    }
    return "half-even";
}

/// Parses a rounding mode name ("half-even" or "half_even", ...); throws model_error otherwise.
inline rounding_mode parse_rounding_mode(std::string_view name) {
    std::string n(name);
    std::replace(n.begin(), n.end(), '_', '-');
    for (auto m : {rounding_mode::half_even, rounding_mode::half_up, rounding_mode::half_down,
                   rounding_mode::toward_zero, rounding_mode::away_from_zero, rounding_mode::floor,
                   rounding_mode::ceiling})
        if (to_string(m) == n) return m;
    detail::fail({"option", "", "rounding"},
                 "unknown rounding mode \"" + std::string(name) +
                     "\"; use half-even, half-up, half-down, toward-zero, away-from-zero, floor "
                     "or ceiling");
}

/// A currency: ISO 4217 code and the number of decimals of its minor unit.
struct currency {
    std::string code = "EUR";
    int minor_digits = 2;
};

/// The currency for an ISO code; `minor_digits` overrides the built-in table and is required for
/// codes the table does not know.
inline currency currency_for(std::string_view code, std::optional<int> minor_digits = {}) {
    struct entry {
        std::string_view code;
        int digits;
    };
    static constexpr entry table[] = {{"EUR", 2}, {"USD", 2}, {"GBP", 2}, {"CHF", 2}, {"SEK", 2},
                                      {"NOK", 2}, {"DKK", 2}, {"PLN", 2}, {"CZK", 2}, {"HUF", 2},
                                      {"CAD", 2}, {"AUD", 2}, {"NZD", 2}, {"ANG", 2}, {"AWG", 2},
                                      {"SRD", 2}, {"JPY", 0}, {"ISK", 0}, {"KRW", 0}, {"BHD", 3},
                                      {"KWD", 3}, {"JOD", 3}, {"OMR", 3}, {"TND", 3}};
    if (code.size() != 3 ||
        !std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        detail::fail({"model", "", "currency"},
                     "\"" + std::string(code) + "\" is not a three-letter ISO 4217 code");
    if (minor_digits) {
        if (*minor_digits < 0 || *minor_digits > 6)
            detail::fail({"model", "", "minor_units"}, "must be between 0 and 6");
        return {std::string(code), *minor_digits};
    }
    for (const auto& e : table)
        if (e.code == code) return {std::string(code), e.digits};
    detail::fail({"model", "", "currency"},
                 "unknown currency \"" + std::string(code) + "\"; give \"minor_units\" to use it");
}

/// An exact amount of money in integer minor units (cents for EUR), backed by a checked 128-bit
/// integer: overflow throws, it never wraps.
class money {
  public:
    constexpr money() = default;
    static money from_minor(const int128& minor) {
        money m;
        m.minor_ = minor;
        return m;
    }
    const int128& minor_units() const noexcept { return minor_; }

    money& operator+=(const money& o) {
        minor_ = checked([&] { return minor_ + o.minor_; });
        return *this;
    }
    money& operator-=(const money& o) {
        minor_ = checked([&] { return minor_ - o.minor_; });
        return *this;
    }
    friend money operator+(money a, const money& b) { return a += b; }
    friend money operator-(money a, const money& b) { return a -= b; }
    friend bool operator==(const money&, const money&) = default;
    friend std::strong_ordering operator<=>(const money& a, const money& b) {
        return a.minor_ < b.minor_ ? std::strong_ordering::less
                                   : (a.minor_ > b.minor_ ? std::strong_ordering::greater
                                                          : std::strong_ordering::equal);
    }

    /// Decimal text with exactly `minor_digits` decimals: "958000.00", "-0.05".
    std::string to_string(int minor_digits) const {
        int128 v = minor_ < 0 ? int128(-minor_) : minor_;
        std::string digits = v.str();
        if (static_cast<int>(digits.size()) <= minor_digits)
            digits.insert(0, static_cast<std::size_t>(minor_digits) + 1 - digits.size(), '0');
        if (minor_digits > 0) digits.insert(digits.size() - minor_digits, 1, '.');
        return (minor_ < 0 ? "-" : "") + digits;
    }

    /// Parses "1250000.00" (at most `minor_digits` decimals, optional leading '-').
    static money parse(std::string_view text, int minor_digits, const error_location& where) {
        bool negative = !text.empty() && text.front() == '-';
        auto d = decimal::parse(negative ? text.substr(1) : text, where);
        if (d.scale() > minor_digits)
            detail::fail(where, "amount \"" + std::string(text) + "\" has more than " +
                                    std::to_string(minor_digits) + " decimals");
        int128 u = d.units_at_scale(minor_digits);
        return from_minor(negative ? int128(-u) : u);
    }

  private:
    template <class F>
    static int128 checked(F&& f) {
        try {
            return f();
        } catch (const std::overflow_error&) {
            throw money_overflow({"money", "", ""}, "amount overflows the 128-bit range");
        }
    }
    int128 minor_ = 0;
};

/// Largest magnitude (in minor units) that zbb converts from the floating-point computation:
/// 2^53, where a double still resolves one minor unit. Beyond it a cent cannot be guaranteed, so
/// zbb refuses with money_overflow instead of printing a wrong amount.
inline constexpr double max_computed_minor_units = 9007199254740992.0;

namespace detail {
/// Rounds v to an integer in the given mode. Values within a few ulps of a tie count as ties,
/// so that an exact half computed with floating-point noise still rounds by the mode's tie rule.
inline double round_in_mode(double v, rounding_mode mode) {
    double fl = std::floor(v);
    double frac = v - fl;
    double tol = 16.0 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::fabs(v));
    bool tie = std::fabs(frac - 0.5) <= tol;
    bool near_int_low = frac <= tol, near_int_high = 1.0 - frac <= tol;
    switch (mode) {
        case rounding_mode::half_even:
            if (tie) return std::fmod(fl, 2.0) == 0.0 ? fl : fl + 1.0;
            return frac < 0.5 ? fl : fl + 1.0;
        case rounding_mode::half_up:
            if (tie) return v >= 0 ? fl + 1.0 : fl;
            return frac < 0.5 ? fl : fl + 1.0;
        case rounding_mode::half_down:
            if (tie) return v >= 0 ? fl : fl + 1.0;
            return frac < 0.5 ? fl : fl + 1.0;
        case rounding_mode::floor:
            return near_int_high ? fl + 1.0 : fl;
        case rounding_mode::ceiling:
            return near_int_low ? fl : fl + 1.0;
        case rounding_mode::toward_zero:
            return v >= 0 ? round_in_mode(v, rounding_mode::floor)
                          : round_in_mode(v, rounding_mode::ceiling);
        case rounding_mode::away_from_zero:
            return v >= 0 ? round_in_mode(v, rounding_mode::ceiling)
                          : round_in_mode(v, rounding_mode::floor);
    }
    return fl;
}

/// True when a computed amount (minor units) is finite and within max_computed_minor_units.
inline bool computed_in_range(double minor) {
    return std::isfinite(minor) && std::fabs(minor) <= max_computed_minor_units;
}

inline void check_computed(double minor, const error_location& where) {
    if (!std::isfinite(minor))
        throw money_overflow(where, "computed amount is not finite (the inputs overflow)");
    if (std::fabs(minor) > max_computed_minor_units)
        throw money_overflow(where,
                             "computed amount exceeds 2^53 minor units, the range in which "
                             "zbb guarantees the cent");
}
}  // namespace detail

/// Converts a computed amount, given in minor units as a double, to money in the named mode.
inline money round_to_money(double minor, rounding_mode mode, const error_location& where = {}) {
    detail::check_computed(minor, where);
    return money::from_minor(int128(static_cast<std::int64_t>(detail::round_in_mode(minor, mode))));
}

/// Splits `total` over parts whose computed values (minor units, as doubles) are `values`, by the
/// largest-remainder method: every part is the floor or the ceiling of its value, and the parts
/// sum to `total` exactly. The values must be non-negative and should sum to about `total` (within
/// one minor unit per part); otherwise the values are first rescaled to `total`. Ties between equal
/// remainders go to the larger value, then to the earlier part. `where(i)` names part i in errors.
template <class Where>
std::vector<money> allocate_largest_remainder(const money& total, std::span<const double> values,
                                              Where&& where) {
    const std::size_t n = values.size();
    std::vector<money> parts(n);
    if (n == 0) {
        if (total.minor_units() != 0)
            throw std::invalid_argument("zbb: cannot allocate a non-zero amount over no parts");
        return parts;
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (!detail::computed_in_range(values[i])) detail::check_computed(values[i], where(i));
        if (values[i] < 0)
            throw std::invalid_argument("zbb: negative value in largest-remainder allocation");
    }
    // Floors, then one more unit for the k parts with the largest remainders (ties: larger value,
    // then earlier part), in linear time: the remainders (all in [0, 1)) are bucketed by their
    // leading bits; every part in a bucket above the boundary bucket gets a unit, and only the
    // boundary bucket is sorted. Floors and remainders are recomputed rather than stored.
    constexpr int buckets = 4096;
    auto bucket_of = [](double r) {
        const int b = static_cast<int>(r * buckets);
        return b < 0 ? 0 : (b >= buckets ? buckets - 1 : b);
    };
    auto distribute = [&](std::span<const double> q) -> bool {
        std::vector<std::uint32_t> count(buckets, 0);
        std::int64_t sum = 0;
        // q[i] >= 0 and at most 2^53 (checked above): truncation is the floor, and much faster
        // than std::floor without SSE4.1.
        for (std::size_t i = 0; i < n; ++i) {
            const auto f = static_cast<std::int64_t>(q[i]);
            sum += f;
            ++count[static_cast<std::size_t>(bucket_of(q[i] - static_cast<double>(f)))];
        }
        const int128 k128 = total.minor_units() - int128(sum);
        if (k128 < 0 || k128 > int128(static_cast<std::int64_t>(n))) return false;
        const auto k = static_cast<std::size_t>(static_cast<std::int64_t>(k128));
        int boundary = buckets;  // parts in buckets above it get a unit: none when k == 0
        std::size_t above = 0;
        if (k == n) {
            boundary = -1;
        } else if (k > 0) {
            boundary = buckets - 1;
            while (above + count[static_cast<std::size_t>(boundary)] < k)
                above += count[static_cast<std::size_t>(boundary--)];
        }
        std::vector<std::uint32_t> edge;
        if (boundary >= 0 && boundary < buckets)
            edge.reserve(count[static_cast<std::size_t>(boundary)]);
        for (std::size_t i = 0; i < n; ++i) {
            const auto f = static_cast<std::int64_t>(q[i]);
            const int b = bucket_of(q[i] - static_cast<double>(f));
            if (b == boundary && k < n) edge.push_back(static_cast<std::uint32_t>(i));
            parts[i] = money::from_minor(int128(f + (b > boundary || k == n ? 1 : 0)));
        }
        if (k > 0 && k < n) {
            std::sort(edge.begin(), edge.end(), [&](std::uint32_t a, std::uint32_t b) {
                const double ra = q[a] - static_cast<double>(static_cast<std::int64_t>(q[a]));
                const double rb = q[b] - static_cast<double>(static_cast<std::int64_t>(q[b]));
                if (ra != rb) return ra > rb;
                if (q[a] != q[b]) return q[a] > q[b];
                return a < b;
            });
            const money one = money::from_minor(1);
            for (std::size_t j = 0; j < k - above; ++j) parts[edge[j]] += one;
        }
        return true;
    };
    if (distribute(values)) return parts;
    std::vector<double> q(n);
    // The values do not sum to about the total: rescale them to it (proportional allocation).
    double sum = 0.0;
    for (double v : values) sum += v;
    if (!(sum > 0.0))
        throw std::invalid_argument("zbb: cannot allocate a non-zero amount over zero values");
    double scale = static_cast<double>(total.minor_units()) / sum;
    for (std::size_t i = 0; i < n; ++i) q[i] = values[i] * scale;
    if (!distribute(q)) throw std::logic_error("zbb: largest-remainder allocation failed");
    return parts;
}

/// Overload without error naming.
inline std::vector<money> allocate_largest_remainder(const money& total,
                                                     std::span<const double> values) {
    return allocate_largest_remainder(total, values, [](std::size_t) { return error_location{}; });
}

/// Splits `total` exactly in proportion to integer weights (for example funding shares at a common
/// scale), largest remainder first, ties to the earlier part. Parts sum to `total` exactly.
inline std::vector<money> allocate_exact(const money& total, std::span<const int128> weights) {
    int128 wsum = 0;
    for (const auto& w : weights) {
        if (w < 0) throw std::invalid_argument("zbb: negative weight in allocation");
        wsum += w;
    }
    if (wsum == 0) throw std::invalid_argument("zbb: allocation over weights that sum to zero");
    const bool negative = total.minor_units() < 0;
    const int128 t = negative ? int128(-total.minor_units()) : total.minor_units();
    std::vector<int128> q(weights.size()), r(weights.size());
    int128 sum = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        // t * w may exceed 128 bits for huge inputs; the checked type then throws.
        int128 prod = t * weights[i];
        q[i] = prod / wsum;
        r[i] = prod % wsum;
        sum += q[i];
    }
    std::vector<std::size_t> order(weights.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return r[a] > r[b]; });
    for (int128 k = t - sum, j = 0; j < k; ++j) q[order[static_cast<std::size_t>(j)]] += 1;
    std::vector<money> parts(weights.size());
    for (std::size_t i = 0; i < weights.size(); ++i)
        parts[i] = money::from_minor(negative ? int128(-q[i]) : q[i]);
    return parts;
}

}  // namespace zbb

// zbb/decimal.hpp - exact decimal numbers read from text (prices, funding shares).
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <compare>
#include <string>
#include <string_view>

#include "zbb/error.hpp"

namespace zbb {

/// Checked signed 128-bit integer: arithmetic that would overflow throws std::overflow_error.
using int128 = boost::multiprecision::checked_int128_t;

/// An exact non-negative decimal such as "78.40": value = units / 10^scale. Parsed from its text
/// without passing through a binary float; the original text is kept for lossless writing.
class decimal {
  public:
    decimal() = default;

    /// Parses plain decimal text: digits, optionally a point and more digits ("0.75", "125000",
    /// "0.0125"). Signs, exponents, spaces, empty parts ("5.", ".5") and more than 30 significant
    /// digits are refused with a model_error naming `where` (a "-" sign gets its own message so
    /// the caller learns that the value is negative).
    static decimal parse(std::string_view text, const error_location& where) {
        if (text.empty()) detail::fail(where, "empty decimal; expected text such as \"78.40\"");
        if (text.front() == '-')
            detail::fail(where, "must not be negative (got \"" + std::string(text) + "\")");
        decimal d;
        bool point = false, digits_before = false, digits_after = false;
        int significant = 0;
        for (char ch : text) {
            if (ch == '.') {
                if (point || !digits_before) goto malformed;
                point = true;
            } else if (ch >= '0' && ch <= '9') {
                if (significant > 0 || ch != '0') ++significant;
                if (significant > max_digits)
                    throw money_overflow(where, "decimal \"" + std::string(text) +
                                                    "\" has more than 30 significant digits");
                d.units_ = d.units_ * 10 + (ch - '0');
                (point ? digits_after : digits_before) = true;
                if (point) ++d.scale_;
            } else {
                goto malformed;
            }
        }
        if (point && !digits_after) goto malformed;
        if (d.scale_ > max_digits)
            detail::fail(where, "decimal \"" + std::string(text) + "\" has more than 30 decimals");
        d.text_ = std::string(text);
        return d;
    malformed:
        detail::fail(where, "malformed decimal \"" + std::string(text) +
                                "\"; expected digits with an optional point, such as \"78.40\"");
    }

    /// The scaled integer: value = units() / 10^scale().
    const int128& units() const noexcept { return units_; }
    int scale() const noexcept { return scale_; }
    /// The text it was read from (or made from).
    const std::string& text() const noexcept { return text_; }
    bool is_zero() const noexcept { return units_ == 0; }

    /// Nearest double, for the floating-point part of the computation (never for parsing).
    double to_double() const {
        // units < 10^30 converts with one rounding; dividing by an exact power of ten adds one
        // more.
        return static_cast<double>(units_) / pow10_double(scale_);
    }

    /// The value expressed in units of 10^-scale (scale >= this->scale()); exact.
    int128 units_at_scale(int scale) const {
        int128 v = units_;
        for (int i = scale_; i < scale; ++i) v *= 10;
        return v;
    }

    friend bool operator==(const decimal& a, const decimal& b) { return a.compare(b) == 0; }
    friend std::strong_ordering operator<=>(const decimal& a, const decimal& b) {
        int c = a.compare(b);
        return c < 0 ? std::strong_ordering::less
                     : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
    }

  private:
    static constexpr int max_digits = 30;
    static double pow10_double(int n) {
        double p = 1.0;
        for (int i = 0; i < n; ++i) p *= 10.0;
        return p;
    }
    int compare(const decimal& o) const {
        int s = scale_ > o.scale_ ? scale_ : o.scale_;
        auto a = units_at_scale(s), b = o.units_at_scale(s);
        return a < b ? -1 : (a > b ? 1 : 0);
    }

    int128 units_ = 0;
    int scale_ = 0;
    std::string text_ = "0";
};

}  // namespace zbb

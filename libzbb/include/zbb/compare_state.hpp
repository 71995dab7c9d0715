// zbb/compare_state.hpp - one column of a comparison as bytes, so that the columns can be made
// anywhere (the workers of a concurrent.futures executor, a Dask cluster) and the comparison
// assembled where they come back (assemble_comparison), with results identical to a comparison
// made in one process.
//
// The bytes ("zbb-column/1") hold the zbb version that made them (the reader refuses another:
// every worker must compute the same way) and what assemble_comparison and the reports need of a
// column: name, status, message and, when ok, the total, each breakdown's exact amounts and
// computed values, each goal's attainment, the weighted attainment and the goals reached. Doubles
// travel as their bit patterns and amounts as sign and magnitude, all little-endian, so nothing is
// rounded on the way. The keys are not written: they are the base model's, and the reader checks
// that every breakdown has as many lines and cross-foots to the total.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zbb/compare.hpp"
#include "zbb/error.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/money.hpp"
#include "zbb/version.hpp"

namespace zbb {

namespace detail {

inline constexpr std::string_view column_state_magic{"zbb-column/1\n", 13};

/// A computed value of a budget line: within 2^53 minor units and within one unit of its amount
/// (every amount is the floor or ceiling of its value).
inline bool value_fits(double value, const money& amount) {
    return computed_in_range(value) &&
           std::fabs(value - static_cast<double>(amount.minor_units())) <= 1.0;
}

class state_writer {
  public:
    explicit state_writer(std::string& out) : out_(out) {}
    void u64(std::uint64_t v) {
        for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFFu));
    }
    void f64(double v) {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        u64(bits);
    }
    void text(std::string_view s) {
        u64(s.size());
        out_.append(s);
    }
    void amount(const money& m) {
        const int128& v = m.minor_units();
        const bool negative = v < 0;
        const int128 mag = negative ? int128(-v) : v;
        out_.push_back(negative ? '\1' : '\0');
        u64(static_cast<std::uint64_t>(mag & int128(UINT64_MAX)));
        u64(static_cast<std::uint64_t>(mag >> 64));
    }

  private:
    std::string& out_;
};

class state_reader {
  public:
    /// `kind` says what the bytes should be, in errors ("a column of a comparison
    /// (zbb-column/1)"); `entity` is the error's entity.
    state_reader(std::string_view in, std::string where,
                 std::string kind = "a column of a comparison (zbb-column/1)",
                 std::string entity = "variant")
        : in_(in), where_(std::move(where)), kind_(std::move(kind)), entity_(std::move(entity)) {}
    [[noreturn]] void bad(const std::string& what) const {
        fail({entity_, where_, "state"}, "not " + kind_ + ": " + what);
    }
    void expect(std::string_view s) {
        if (in_.substr(at_, s.size()) != s) bad("wrong header");
        at_ += s.size();
    }
    std::uint64_t u64() {
        if (in_.size() - at_ < 8) bad("truncated");
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[at_ + i])) << (8 * i);
        at_ += 8;
        return v;
    }
    double f64() {
        const std::uint64_t bits = u64();
        double v = 0;
        std::memcpy(&v, &bits, sizeof v);
        return v;
    }
    double finite() {
        const double v = f64();
        if (!std::isfinite(v)) bad("a value that is not finite");
        return v;
    }
    std::size_t count(std::size_t item_bytes) {
        const std::uint64_t n = u64();
        if (item_bytes != 0 && n > (in_.size() - at_) / item_bytes) bad("truncated");
        return static_cast<std::size_t>(n);
    }
    std::string text() {
        const std::size_t n = count(1);
        std::string s(in_.substr(at_, n));
        at_ += n;
        return s;
    }
    money amount() {
        if (in_.size() - at_ < 17) bad("truncated");
        const char sign = in_[at_++];
        if (sign != '\0' && sign != '\1') bad("a malformed amount");
        const std::uint64_t lo = u64(), hi = u64();
        // Every amount of a budget is within 2^53 minor units (max_computed_minor_units).
        if (hi != 0 || lo > (std::uint64_t{1} << 53)) bad("an amount beyond 2^53 minor units");
        if (sign == '\1' && lo == 0) bad("a malformed amount");  // zero is written unsigned
        const int128 mag(lo);
        return money::from_minor(sign == '\1' ? int128(-mag) : mag);
    }
    void end() const {
        if (at_ != in_.size()) bad("bytes after the column");
    }
    void name(std::string n) { where_ = std::move(n); }

  private:
    std::string_view in_;
    std::size_t at_ = 0;
    std::string where_, kind_, entity_;
};

}  // namespace detail

/// The column as bytes ("zbb-column/1"); read back by column_from_state.
inline std::string column_state(const compare_column& col) {
    std::string out;
    out.append(detail::column_state_magic);
    detail::state_writer w(out);
    w.text(version);
    w.text(col.name);
    w.text(col.status);
    w.text(col.message);
    w.u64(col.ok() && col.result ? 1 : 0);
    if (!col.ok() || !col.result) return out;
    const budget& b = *col.result;
    w.amount(b.total);
    w.f64(b.total_value);
    for (const breakdown* br :
         {&b.by_goal, &b.by_activity, &b.by_resource, &b.by_partner, &b.by_category}) {
        w.u64(br->amounts.size());
        for (std::size_t i = 0; i < br->amounts.size(); ++i) {
            w.amount(br->amounts[i]);
            w.f64(br->values[i]);
        }
    }
    w.u64(col.attainment.size());
    for (double a : col.attainment) w.f64(a);
    w.f64(col.weighted_attainment);
    w.u64(col.goals_reached);
    return out;
}

/// A column from column_state's bytes, its breakdowns keyed by `base`'s lines (the model the
/// comparison is of). The budget holds the total and the breakdowns (the parts a comparison
/// reports), not volumes or warnings. Throws model_error (entity "variant", field "state") for
/// bytes that are not such a column, whose breakdowns do not have the base's lines or do not sum
/// to the total, whose amounts are beyond 2^53 minor units or more than one unit from their
/// computed values, whose values or attainments are not finite or (attainments) outside [0, 1],
/// or that another zbb version made.
inline compare_column column_from_state(std::string_view bytes, const linked_model& base) {
    detail::state_reader r(bytes, "");
    r.expect(detail::column_state_magic);
    const std::string made_by = r.text();
    if (made_by != version)
        r.bad("made by zbb " + made_by + ", read by zbb " + version +
              "; every worker of a comparison must run the same zbb");
    compare_column col;
    col.name = r.text();
    r.name(col.name);
    col.status = r.text();
    col.message = r.text();
    const std::uint64_t has_budget = r.u64();
    if (has_budget > 1 || (has_budget == 1) != col.ok())
        r.bad("a status of '" + col.status + "' " + (has_budget ? "with" : "without") +
              " a budget");
    if (!has_budget) {
        r.end();
        return col;
    }
    budget b;
    b.currency = base.currency();
    b.total = r.amount();
    b.total_value = r.finite();
    if (!detail::value_fits(b.total_value, b.total)) r.bad("a total beyond its computed value");
    const std::pair<breakdown*, key_list> parts[] = {{&b.by_goal, base.goal_keys()},
                                                     {&b.by_activity, base.activity_keys()},
                                                     {&b.by_resource, base.resource_keys()},
                                                     {&b.by_partner, base.partner_keys()},
                                                     {&b.by_category, base.category_keys()}};
    for (const auto& [br, keys] : parts) {
        const std::size_t n = r.count(25);
        if (n != keys.size()) r.bad("a breakdown with other lines than the model's");
        br->keys = keys;
        br->amounts.reserve(n);
        br->values.reserve(n);
        money sum;
        for (std::size_t i = 0; i < n; ++i) {
            br->amounts.push_back(r.amount());
            br->values.push_back(r.finite());
            if (!detail::value_fits(br->values.back(), br->amounts.back()))
                r.bad("an amount beyond its computed value");
            sum += br->amounts.back();
        }
        if (sum != b.total) r.bad("a breakdown that does not sum to the total");
    }
    const std::size_t goals = r.count(8);
    if (goals != base.goal_keys().size()) r.bad("attainments for other goals than the model's");
    for (std::size_t g = 0; g < goals; ++g) {
        col.attainment.push_back(r.finite());
        if (col.attainment.back() < 0 || col.attainment.back() > 1)
            r.bad("an attainment outside [0, 1]");
    }
    col.weighted_attainment = r.finite();
    const std::uint64_t reached = r.u64();
    if (reached > goals) r.bad("more goals reached than goals");
    col.goals_reached = static_cast<std::size_t>(reached);
    r.end();
    col.result = std::move(b);
    return col;
}

}  // namespace zbb

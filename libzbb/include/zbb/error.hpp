// zbb/error.hpp - the exceptions zbb throws. Every message names the offending entity id and field.
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zbb {

/// Where an error points to in a model: the kind of entity ("goal", "activity", "resource",
/// "partner", "effects", "consumption", "support", "funding", "plan", "model", "file"), its id
/// (or "" when none applies) and the field (or "").
struct error_location {
    std::string entity;
    std::string id;
    std::string field;
};

/// `s` made safe to print on one line: control characters escaped (`\n`, `\t`, `\r`, `\x01`),
/// bytes outside well-formed UTF-8 escaped (`\xff`), and bidirectional controls (U+202A to U+202E,
/// U+2066 to U+2069), which reorder what a terminal shows, marked as `\u202e`. Used by every error
/// message and every text report.
inline std::string printable(std::string_view s) {
    std::string safe;
    safe.reserve(s.size());
    auto escape = [&safe](unsigned char c) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02x", c);
        safe += buf;
    };
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            if (c == '\n')
                safe += "\\n";
            else if (c == '\t')
                safe += "\\t";
            else if (c == '\r')
                safe += "\\r";
            else if (c < 0x20 || c == 0x7f)
                escape(c);
            else
                safe += static_cast<char>(c);
            ++i;
            continue;
        }
        std::size_t len =
            c >= 0xF0 && c <= 0xF4 ? 4 : (c >= 0xE0 ? 3 : (c >= 0xC2 && c <= 0xDF ? 2 : 0));
        if (c >= 0xF5) len = 0;
        bool ok = len > 0 && i + len <= s.size();
        for (std::size_t k = 1; ok && k < len; ++k)
            ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
        if (!ok) {
            escape(c);
            ++i;
            continue;
        }
        if (len == 3 && c == 0xE2) {  // U+2000..U+2FFF: the bidirectional controls
            const auto c1 = static_cast<unsigned char>(s[i + 1]);
            const auto c2 = static_cast<unsigned char>(s[i + 2]);
            const unsigned cp = 0x2000u | ((c1 & 0x3Fu) << 6) | (c2 & 0x3Fu);
            if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", cp);
                safe += buf;
                i += 3;
                continue;
            }
        }
        safe.append(s, i, len);
        i += len;
    }
    return safe;
}

/// The text of every zbb exception: "entity 'id', field 'field': what" (parts that are empty
/// left out), made one line by printable(). The CLI prints its own messages this way too.
inline std::string located_message(const error_location& where, const std::string& what) {
    std::string out;
    if (!where.entity.empty()) out += where.entity;
    if (!where.id.empty()) out += (out.empty() ? "'" : " '") + where.id + "'";
    if (!where.field.empty()) out += (out.empty() ? "field '" : ", field '") + where.field + "'";
    if (!out.empty()) out += ": ";
    out += what;
    // One line and valid UTF-8 whatever the input contains.
    return printable(out);
}

namespace detail {
using zbb::located_message;
using zbb::printable;
}  // namespace detail

/// A model (or a request on it) is invalid: malformed input, unknown or duplicate ids, values
/// out of range. Derives from std::invalid_argument.
class model_error : public std::invalid_argument {
  public:
    model_error(error_location where, const std::string& what)
        : std::invalid_argument(detail::located_message(where, what)), where_(std::move(where)) {}
    /// `context: message`, the message as given (for example another error's what()), made one
    /// line by printable(); where() as given. Used by rethrow_with_context.
    model_error(error_location where, std::string_view context, std::string_view message)
        : std::invalid_argument(
              detail::printable(std::string(context) + ": " + std::string(message))),
          where_(std::move(where)) {}
    const error_location& where() const noexcept { return where_; }

  private:
    error_location where_;
};

/// The support matrix S has a loop that feeds itself: (I - S) x = d has no finite non-negative
/// solution. activities() lists the ids of the activities in the loop.
class support_loop_error : public model_error {
  public:
    support_loop_error(std::vector<std::string> loop, const std::string& what)
        : model_error({"support", join(loop), "per_unit"}, what), loop_(std::move(loop)) {}
    /// `e` with `context: ` before its message; where() and activities() kept.
    support_loop_error(const support_loop_error& e, std::string_view context)
        : model_error(e.where(), context, e.what()), loop_(e.loop_) {}
    const std::vector<std::string>& activities() const noexcept { return loop_; }

  private:
    static std::string join(const std::vector<std::string>& ids) {
        std::string s;
        for (const auto& id : ids) s += (s.empty() ? "" : ", ") + id;
        return s;
    }
    std::vector<std::string> loop_;
};

/// A question on a valid model has no answer (for example targets that cannot be reached).
/// Derives from std::domain_error.
class infeasible : public std::domain_error {
  public:
    infeasible(error_location where, const std::string& what)
        : std::domain_error(detail::located_message(where, what)), where_(std::move(where)) {}
    /// `context: message`, the message as given, where() as given (see model_error).
    infeasible(error_location where, std::string_view context, std::string_view message)
        : std::domain_error(detail::printable(std::string(context) + ": " + std::string(message))),
          where_(std::move(where)) {}
    const error_location& where() const noexcept { return where_; }

  private:
    error_location where_;
};

/// An amount does not fit: money out of the checked 128-bit range, or a computed amount beyond
/// the range in which zbb can guarantee the cent. Derives from std::overflow_error.
class money_overflow : public std::overflow_error {
  public:
    money_overflow(error_location where, const std::string& what)
        : std::overflow_error(detail::located_message(where, what)), where_(std::move(where)) {}
    /// `context: message`, the message as given, where() as given (see model_error).
    money_overflow(error_location where, std::string_view context, std::string_view message)
        : std::overflow_error(
              detail::printable(std::string(context) + ": " + std::string(message))),
          where_(std::move(where)) {}
    const error_location& where() const noexcept { return where_; }

  private:
    error_location where_;
};

/// Throws the zbb exception being handled (call it inside a catch block) again as the same class
/// with `context: ` before its message, keeping where() (and a support loop's activities()):
/// "variant 'v', changes[0] (goal.target): goal 'G-x', field 'id': unknown goal". Exceptions of
/// other classes are rethrown unchanged.
[[noreturn]] inline void rethrow_with_context(std::string_view context) {
    try {
        throw;
    } catch (const support_loop_error& e) {
        throw support_loop_error(e, context);
    } catch (const model_error& e) {
        throw model_error(e.where(), context, e.what());
    } catch (const money_overflow& e) {
        throw money_overflow(e.where(), context, e.what());
    } catch (const infeasible& e) {
        throw infeasible(e.where(), context, e.what());
    }
}

namespace detail {
/// A number for a message: six significant digits.
inline std::string short_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

[[noreturn]] inline void fail(const error_location& where, const std::string& what) {
    throw model_error(where, what);
}
}  // namespace detail

}  // namespace zbb

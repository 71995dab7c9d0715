// zbb/prior.hpp - last year's budget (or realisation) against the zero-based one: reading a prior
// budget file, the comparison line by line and the waterfall that attributes the change to goals.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "zbb/budget.hpp"
#include "zbb/error.hpp"
#include "zbb/goal_tables.hpp"
#include "zbb/io.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/money.hpp"

namespace zbb {

/// The kinds of line a prior budget can hold, in the order reports list them.
inline constexpr std::string_view prior_kinds[] = {"goal",     "activity", "resource",
                                                   "category", "partner",  "area"};

/// One line of a prior budget: its kind (one of prior_kinds), id and exact amount, and where it
/// was read (1-based line in a CSV file, 0-based index in a JSON "lines" array).
struct prior_line {
    std::string kind;
    std::string id;
    money amount;
    std::size_t position = 0;
};

/// A prior budget: last year's budget or realisation, as read from a file (docs/prior-year.md).
struct prior_budget {
    std::string source;             ///< the file name (for messages)
    std::string currency;           ///< the currency a zbb-report/1 prior states ("" otherwise)
    std::vector<prior_line> lines;  ///< in file order; (kind, id) unique
    bool has_kind(std::string_view kind) const {
        return std::any_of(lines.begin(), lines.end(),
                           [&](const prior_line& l) { return l.kind == kind; });
    }
};

namespace detail {

/// "file 'F', line N" (CSV) or "file 'F', lines[N]" (JSON), then " (ENTITY)".
inline std::pair<std::string, std::string> prior_where(const std::string& source, std::size_t line,
                                                       bool csv, const std::string& entity) {
    std::string where = "file '" + source + "'";
    std::string field;
    if (line > 0 || !csv) {
        field = csv ? "line " + std::to_string(line) : "lines[" + std::to_string(line) + "]";
        where += ", " + field;
    }
    if (!entity.empty()) where += " (" + entity + ")";
    return {where, field};
}

[[noreturn]] inline void prior_fail(const std::string& source, std::size_t line, bool csv,
                                    const std::string& entity, const std::string& message) {
    const auto [where, field] = prior_where(source, line, csv, entity);
    throw model_error({"file", source, field}, where, message);
}

/// An amount, or the running sum of a kind's amounts, of 2^53 minor units or more: money_overflow.
[[noreturn]] inline void prior_beyond_range(const std::string& source, std::size_t line, bool csv,
                                            const std::string& entity, const std::string& what) {
    const auto [where, field] = prior_where(source, line, csv, entity);
    throw money_overflow({"file", source, field}, where,
                         what +
                             " is beyond the numeric range: below 2^53 minor units, the range in "
                             "which zbb guarantees the cent");
}

inline constexpr std::int64_t prior_limit_minor = std::int64_t{1} << 53;

/// An amount of a prior file: "-1234.56", or with a decimal comma "-1.234,56" / "-1234,56" when
/// `decimal_comma` (thousands points only in groups of three). Exact; at most `minor_digits`
/// decimals.
inline money parse_prior_amount(std::string_view text, bool decimal_comma, int minor_digits,
                                const std::string& source, std::size_t line, bool csv,
                                const std::string& entity) {
    const std::string shown = "\"" + std::string(text) + "\"";
    auto bad = [&](const std::string& why) -> money {
        prior_fail(source, line, csv, entity, "amount " + shown + " " + why);
    };
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    if (text.empty()) return bad("is empty; give an amount such as \"1234.56\"");
    std::string plain;
    bool negative = false;
    if (text.front() == '-') {
        negative = true;
        text.remove_prefix(1);
    }
    const char point = decimal_comma ? ',' : '.';
    const char group = decimal_comma ? '.' : '\0';
    const std::size_t dp = text.find(point);
    std::string_view whole = text.substr(0, dp);
    const std::string_view frac =
        dp == std::string_view::npos ? std::string_view{} : text.substr(dp + 1);
    if (dp != std::string_view::npos && frac.empty())
        return bad("is not a number; expected digits with an optional " +
                   std::string(decimal_comma ? "decimal comma, such as \"1.234,56\""
                                             : "decimal point, such as \"1234.56\""));
    if (group && whole.find(group) != std::string_view::npos) {
        // 1.234.567: groups of exactly three digits after the first.
        std::size_t start = 0, n = 0;
        bool ok = true;
        while (true) {
            const std::size_t e = whole.find(group, start);
            const std::string_view part =
                whole.substr(start, e == std::string_view::npos ? e : e - start);
            if (part.empty() || part.size() > 3 || (n > 0 && part.size() != 3)) ok = false;
            plain += part;
            ++n;
            if (e == std::string_view::npos) break;
            start = e + 1;
        }
        if (!ok) return bad("has thousands separators in the wrong places");
    } else {
        plain += whole;
    }
    if (plain.empty() || plain.find_first_not_of("0123456789") != std::string::npos ||
        frac.find_first_not_of("0123456789") != std::string_view::npos)
        return bad(std::string("is not a number; expected digits with an optional ") +
                   (decimal_comma ? "decimal comma, such as \"1.234,56\""
                                  : "decimal point, such as \"1234.56\""));
    if (static_cast<int>(frac.size()) > minor_digits)
        return bad("has more than " + std::to_string(minor_digits) +
                   " decimals (the currency's minor unit)");
    if (plain.size() + frac.size() > 30) return bad("has more than 30 digits");
    std::string exact = plain;
    if (!frac.empty()) {
        exact += '.';
        exact.append(frac);
    }
    const auto m = money::parse(exact, minor_digits, {});
    if (m.minor_units() >= int128(prior_limit_minor))  // as prices and frames
        prior_beyond_range(source, line, csv, entity, "amount " + shown);
    return negative ? money{} - m : m;
}

/// Splits one CSV record (RFC 4180 quotes) at `sep`. Returns false for an unterminated quote.
inline bool split_csv_record(std::string_view line, char sep, std::vector<std::string>& out) {
    out.clear();
    std::string field;
    bool quoted = false, was_quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char ch = line[i];
        if (quoted) {
            if (ch == '"') {
                if (i + 1 < line.size() && line[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += ch;
            }
        } else if (ch == '"' && field.empty() && !was_quoted) {
            quoted = was_quoted = true;
        } else if (ch == sep) {
            out.push_back(std::move(field));
            field.clear();
            was_quoted = false;
        } else {
            field += ch;
        }
    }
    if (quoted) return false;
    out.push_back(std::move(field));
    return true;
}

inline std::string trim_copy(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

inline std::string lower_copy(std::string_view s) {
    std::string out(s);
    for (auto& ch : out)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return out;
}

/// What a reader keeps while adding lines: the (kind, id) seen and each kind's running sum.
struct prior_reading {
    int minor_digits = 2;
    std::unordered_map<std::string, std::size_t> seen;
    std::unordered_map<std::string, money> sums;
};

/// Adds a line, refusing an unknown kind, an empty id, a duplicate (kind, id) and a line after
/// which its kind's amounts sum to 2^53 minor units or more in magnitude (money_overflow).
inline void add_prior_line(prior_budget& p, prior_reading& r, prior_line line, bool csv) {
    auto& seen = r.seen;
    if (std::find(std::begin(prior_kinds), std::end(prior_kinds), line.kind) ==
        std::end(prior_kinds))
        prior_fail(p.source, line.position, csv, "",
                   "unknown kind \"" + line.kind +
                       "\"; use activity, resource, category, partner, goal or area");
    if (line.id.empty()) prior_fail(p.source, line.position, csv, line.kind, "empty id");
    std::string key = line.kind;
    key += '\n';
    key += line.id;
    if (auto it = seen.find(key); it != seen.end())
        prior_fail(p.source, line.position, csv, line.kind + " '" + line.id + "'",
                   "duplicate line; " + line.kind + " '" + line.id + "' is already on " +
                       (csv ? "line " : "lines[") + std::to_string(it->second) + (csv ? "" : "]"));
    seen.emplace(key, line.position);
    money& sum = r.sums[line.kind];
    sum += line.amount;
    const int128& units = sum.minor_units();
    if (units >= int128(prior_limit_minor) || units <= int128(-prior_limit_minor))
        prior_beyond_range(p.source, line.position, csv, line.kind + " '" + line.id + "'",
                           "the " + line.kind + " lines up to here sum to " +
                               sum.to_string(r.minor_digits) + ", which");
    p.lines.push_back(std::move(line));
}

}  // namespace detail

/// Reads a prior budget from CSV text: a header `kind,id,amount` (or `breakdown,key,amount`, the
/// `zbb budget --csv` output, whose `total` row is skipped), then one line per amount. A header
/// with `;` selects Dutch spreadsheet CSV: `;`-separated, decimal comma, optional thousands points.
/// A byte-order mark, CRLF line ends, blank lines, RFC 4180 quotes and trailing empty fields are
/// accepted. Amounts are exact with at most `minor_digits` decimals and may be negative. Refused
/// with model_error naming the file, the line and the id: a missing or other header, an unknown
/// kind, an empty id, a malformed amount and a duplicate (kind, id).
inline prior_budget read_prior_csv(std::string_view text, std::string_view source,
                                   int minor_digits = 2) {
    prior_budget p;
    p.source = std::string(source);
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::size_t pos = 0, line_no = 0;
    bool header = false, comma = true, report_header = false;
    char sep = ',';
    std::vector<std::string> fields;
    detail::prior_reading seen{minor_digits, {}, {}};
    while (pos <= text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t;,") == std::string_view::npos) {
            if (end == text.size()) break;
            continue;
        }
        if (line.find('\0') != std::string_view::npos)
            detail::prior_fail(p.source, line_no, true, "", "contains a NUL byte; not a text file");
        if (!simdjson::validate_utf8(line.data(), line.size()))
            detail::prior_fail(p.source, line_no, true, "",
                               "is not valid UTF-8; save the file as UTF-8 (Excel: CSV UTF-8)");
        if (!header) {
            sep = line.find(';') != std::string_view::npos ? ';' : ',';
            comma = sep == ';';
            if (!detail::split_csv_record(line, sep, fields))
                detail::prior_fail(p.source, line_no, true, "", "unterminated quote");
            while (!fields.empty() && detail::trim_copy(fields.back()).empty()) fields.pop_back();
            std::vector<std::string> names;
            names.reserve(fields.size());
            for (const auto& f : fields) names.push_back(detail::lower_copy(detail::trim_copy(f)));
            const bool plain = names == std::vector<std::string>{"kind", "id", "amount"};
            const bool report = names == std::vector<std::string>{"breakdown", "key", "amount"};
            report_header = report;
            if (!plain && !report)
                detail::prior_fail(p.source, line_no, true, "",
                                   "expected the header kind,id,amount (or kind;id;amount, or the "
                                   "breakdown,key,amount of zbb budget --csv), got \"" +
                                       std::string(line.substr(0, 80)) + "\"");
            header = true;
            if (end == text.size()) break;
            continue;
        }
        if (!detail::split_csv_record(line, sep, fields))
            detail::prior_fail(p.source, line_no, true, "", "unterminated quote");
        while (fields.size() > 3 && detail::trim_copy(fields.back()).empty()) fields.pop_back();
        if (fields.size() != 3)
            detail::prior_fail(p.source, line_no, true, "",
                               "expected 3 fields (kind, id, amount) separated by '" +
                                   std::string(1, sep) + "', got " + std::to_string(fields.size()));
        prior_line l;
        l.kind = detail::lower_copy(detail::trim_copy(fields[0]));
        l.id = detail::trim_copy(fields[1]);
        l.position = line_no;
        // The first row of zbb budget --csv, and for a model with years the later years'
        // totals (the budget above is the budget year's): checked, not compared.
        if ((l.kind == "total" || l.kind == "year") && report_header) {
            (void)detail::parse_prior_amount(fields[2], comma, minor_digits, p.source, line_no,
                                             true, l.kind == "total" ? "total" : "year " + l.id);
            if (end == text.size()) break;
            continue;
        }
        l.amount = detail::parse_prior_amount(fields[2], comma, minor_digits, p.source, line_no,
                                              true, l.kind + " '" + l.id + "'");
        detail::add_prior_line(p, seen, std::move(l), true);
        if (end == text.size()) break;
    }
    if (!header)
        detail::prior_fail(p.source, 0, true, "", "empty file; expected the header kind,id,amount");
    return p;
}

/// Reads a prior budget from JSON: either {"format": "zbb-prior/1", "lines": [{"kind", "id",
/// "amount"}, ...]} with amounts as decimal strings, or a `zbb budget --json` report
/// ("zbb-report/1"), whose by_goal, by_activity, by_resource, by_category and by_partner sections
/// are taken. Refused like the CSV form, and an amount given as a JSON number (money never passes
/// through a binary float).
inline prior_budget read_prior_json(std::string_view text, std::string_view source,
                                    int minor_digits = 2) {
    prior_budget p;
    p.source = std::string(source);
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    detail::check_depth(text, p.source);
    simdjson::dom::parser parser;
    simdjson::padded_string padded(text);
    simdjson::dom::element doc;
    if (auto err = parser.parse(padded).get(doc)) {
        if (err == simdjson::MEMALLOC) throw std::bad_alloc();
        detail::diagnose_json(text, p.source);
        detail::fail({"file", p.source, ""},
                     std::string("invalid JSON: ") + simdjson::error_message(err));
    }
    if (!doc.is_object())
        detail::fail({"file", p.source, ""}, "must be a JSON object (a zbb-prior/1 document)");
    const auto top = doc.get_object().value_unsafe();
    std::vector<std::string_view> keys;
    for (auto f : top) {
        if (std::find(keys.begin(), keys.end(), f.key) != keys.end())
            detail::fail({"file", p.source, std::string(f.key)}, "duplicate key in a JSON object");
        keys.push_back(f.key);
    }
    simdjson::dom::element format;
    if (top.at_key("format").get(format) || !format.is_string())
        detail::fail(
            {"file", p.source, "format"},
            "missing \"format\"; expected \"zbb-prior/1\" (or a zbb-report/1 budget report)");
    const std::string_view fmt = format.get_string().value_unsafe();
    detail::prior_reading seen{minor_digits, {}, {}};
    auto amount_of = [&](simdjson::dom::element e, std::size_t pos, const std::string& entity) {
        if (!e.is_string())
            detail::prior_fail(p.source, pos, false, entity,
                               "amount must be a decimal string such as \"1234.56\"");
        return detail::parse_prior_amount(e.get_string().value_unsafe(), false, minor_digits,
                                          p.source, pos, false, entity);
    };
    if (fmt == "zbb-report/1") {
        simdjson::dom::element cur;
        if (!top.at_key("currency").get(cur) && cur.is_string())
            p.currency = std::string(cur.get_string().value_unsafe());
        std::size_t pos = 0;
        for (std::string_view kind : prior_kinds) {
            simdjson::dom::element section;
            if (top.at_key("by_" + std::string(kind)).get(section)) continue;
            if (!section.is_object())
                detail::fail({"file", p.source, "by_" + std::string(kind)}, "must be an object");
            const simdjson::dom::object entries = section.get_object().value_unsafe();
            for (auto f : entries) {
                prior_line l{std::string(kind), std::string(f.key), {}, pos};
                l.amount = amount_of(f.value, pos, l.kind + " '" + l.id + "'");
                detail::add_prior_line(p, seen, std::move(l), false);
                ++pos;
            }
        }
        return p;
    }
    if (fmt != "zbb-prior/1")
        detail::fail({"file", p.source, "format"},
                     "unsupported format \"" + std::string(fmt) + "\"; expected \"zbb-prior/1\"");
    for (auto k : keys)
        if (k != "format" && k != "name" && k != "description" && k != "lines" && k != "$schema")
            detail::fail({"file", p.source, std::string(k)},
                         "unknown key; a prior budget has format, name, description and lines");
    simdjson::dom::element lines;
    if (top.at_key("lines").get(lines) || !lines.is_array())
        detail::fail({"file", p.source, "lines"}, "must be a JSON array of {kind, id, amount}");
    std::size_t pos = 0;
    const simdjson::dom::array list = lines.get_array().value_unsafe();
    for (simdjson::dom::element e : list) {
        if (!e.is_object())
            detail::prior_fail(p.source, pos, false, "", "must be an object {kind, id, amount}");
        prior_line l;
        l.position = pos;
        simdjson::dom::element amount;
        bool has_amount = false;
        std::vector<std::string_view> fields;
        const simdjson::dom::object obj = e.get_object().value_unsafe();
        for (auto f : obj) {
            if (std::find(fields.begin(), fields.end(), f.key) != fields.end())
                detail::prior_fail(p.source, pos, false, "",
                                   "duplicate key \"" + std::string(f.key) + "\"");
            fields.push_back(f.key);
            if (f.key == "amount") {
                amount = f.value;
                has_amount = true;
            } else if (f.key == "kind" || f.key == "id") {
                if (!f.value.is_string())
                    detail::prior_fail(p.source, pos, false, "",
                                       "\"" + std::string(f.key) + "\" must be a string");
                if (f.key == "kind")
                    l.kind = detail::lower_copy(f.value.get_string().value_unsafe());
                else
                    l.id = std::string(f.value.get_string().value_unsafe());
            } else {
                detail::prior_fail(
                    p.source, pos, false, "",
                    "unknown key \"" + std::string(f.key) + "\"; a line has kind, id and amount");
            }
        }
        if (l.kind.empty()) detail::prior_fail(p.source, pos, false, "", "missing \"kind\"");
        if (!has_amount)
            detail::prior_fail(p.source, pos, false, l.kind + " '" + l.id + "'",
                               "missing \"amount\"");
        l.amount = amount_of(amount, pos, l.kind + " '" + l.id + "'");
        detail::add_prior_line(p, seen, std::move(l), false);
        ++pos;
    }
    return p;
}

/// Reads a prior budget from a file's text: JSON (read_prior_json) when its first character after
/// a byte-order mark and white space is `{`, CSV (read_prior_csv) otherwise; `source` names it.
inline prior_budget read_prior_text(std::string_view text, std::string_view source,
                                    int minor_digits = 2) {
    std::string_view body(text);
    if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
    const auto first = body.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && body[first] == '{')
        return read_prior_json(text, source, minor_digits);
    return read_prior_csv(text, source, minor_digits);
}

/// Reads a prior budget file (read_prior_text). Errors name the file.
inline prior_budget read_prior_file(const std::string& path, int minor_digits = 2) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        detail::fail({"file", path, ""}, "is a directory, not a prior budget file");
    std::ifstream in(path, std::ios::binary);
    if (!in) detail::fail({"file", path, ""}, "cannot open file");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) detail::fail({"file", path, ""}, "cannot read file");
    return read_prior_text(text, path, minor_digits);
}

/// How a line moved from the prior budget to the zero-based one.
enum class line_status { new_line, stopped, changed, same };

inline std::string_view to_string(line_status s) {
    switch (s) {
        case line_status::new_line:
            return "new";
        case line_status::stopped:
            return "stopped";
        case line_status::changed:
            return "changed";
        case line_status::same:
            break;
    }
    return "same";
}

/// One line of the comparison: prior and zero-based amount (zero where the line is absent),
/// change = zero_based - prior, and the status: new (no prior amount, a zero-based one), stopped
/// (a prior amount, none zero-based; also every id the model does not have), changed or same.
struct prior_line_change {
    std::string id;
    money prior, zero_based, change;
    line_status status = line_status::same;
    bool in_model = true;  ///< false for a prior id the model does not have
};

/// The comparison of one kind: every model line of the kind (model order), then the prior's ids
/// the model does not have (file order). prior_total + change_total = zero_based_total, exactly.
struct prior_kind_change {
    std::string kind;
    std::vector<prior_line_change> lines;
    money prior_total, zero_based_total, change_total;
};

/// One bar of the waterfall: the prior total (kind "start"), the change attributed to one goal
/// (kind "goal", step = the goal id), the lines that stop (kind "stopped") and the zero-based
/// total (kind "end").
struct waterfall_step {
    std::string step;
    std::string kind;
    money amount;
};

/// Last year's budget against the zero-based one (docs/prior-year.md).
struct prior_comparison {
    zbb::currency currency;
    std::string source;                    ///< the prior file
    std::vector<prior_kind_change> kinds;  ///< the kinds the prior has, in prior_kinds order
    std::string waterfall_kind;            ///< the kind the waterfall is built from
    std::vector<waterfall_step> waterfall;
};

namespace detail {
inline const breakdown& breakdown_of(const budget& b, std::string_view kind) {
    if (kind == "goal") return b.by_goal;
    if (kind == "activity") return b.by_activity;
    if (kind == "resource") return b.by_resource;
    if (kind == "category") return b.by_category;
    if (kind == "area") return b.by_area;
    if (kind == "partner") return b.by_partner;
    throw std::invalid_argument("zbb: the budget has no breakdown of kind '" + std::string(kind) +
                                "'");
}
}  // namespace detail

/// Compares prior budget `prior` with budget `b` (and its goal tables `t`) of model `lm`. Each kind
/// the prior holds is compared separately. The waterfall runs from the prior total of
/// `waterfall_kind` (by default the first of activity, resource, category, partner, goal the prior
/// holds) to the zero-based total: each line that has a zero-based amount has its prior amount
/// split over the goals in proportion to the line's goal-table cells (exactly, largest remainder),
/// and each goal's bar is the sum over lines of its cell minus its part of the prior; a line
/// without a zero-based amount goes to the "stopped" bar. The bars sum exactly to the change of
/// the total. Throws std::invalid_argument for an empty prior or a waterfall kind it lacks.
inline prior_comparison compare_prior(const linked_model& lm, const budget& b, const goal_tables& t,
                                      const prior_budget& prior,
                                      std::optional<std::string> waterfall_kind = {}) {
    if (prior.lines.empty())
        throw model_error({"file", prior.source, ""}, "file '" + prior.source + "'",
                          "has no lines; nothing to compare");
    for (const auto* table : {&t.by_activity, &t.by_resource, &t.by_category, &t.by_partner})
        if (table->rows.size() != b.by_goal.amounts.size() ||
            table->columns.size() != detail::breakdown_of(b, table->kind).amounts.size())
            throw std::invalid_argument(
                "zbb: compare_prior needs the goal tables of the budget it compares (see "
                "compute_goal_tables)");
    if (!prior.currency.empty() && prior.currency != b.currency.code)
        throw model_error({"file", prior.source, "currency"}, "file '" + prior.source + "'",
                          "the prior budget is in " + prior.currency + ", the model in " +
                              b.currency.code + "; compare budgets in one currency");
    if (prior.has_kind("area") && !lm.has_areas())
        throw model_error({"file", prior.source, "area"}, "file '" + prior.source + "'",
                          "has area lines but the model has no areas");
    if (waterfall_kind && *waterfall_kind == "area")
        throw model_error({"option", "", "waterfall"},
                          "the waterfall is built from activity, resource, category, partner or "
                          "goal lines, not from area lines");
    prior_comparison c;
    c.currency = b.currency;
    c.source = prior.source;
    for (std::string_view kind : prior_kinds) {
        if (!prior.has_kind(kind)) continue;
        const breakdown& br = detail::breakdown_of(b, kind);
        prior_kind_change k;
        k.kind = std::string(kind);
        std::unordered_map<std::string_view, std::size_t> index;
        for (std::size_t i = 0; i < br.keys.size(); ++i) {
            index.emplace(br.keys.ids()[i], i);
            k.lines.push_back({br.keys.ids()[i], {}, br.amounts[i], {}, line_status::same, true});
        }
        for (const auto& l : prior.lines) {
            if (l.kind != kind) continue;
            if (auto it = index.find(l.id); it != index.end())
                k.lines[it->second].prior = l.amount;
            else
                k.lines.push_back({l.id, l.amount, {}, {}, line_status::stopped, false});
        }
        for (auto& l : k.lines) {
            l.change = l.zero_based - l.prior;
            if (l.in_model)
                l.status = l.prior == l.zero_based   ? line_status::same
                           : l.prior == money{}      ? line_status::new_line
                           : l.zero_based == money{} ? line_status::stopped
                                                     : line_status::changed;
            k.prior_total += l.prior;
            k.zero_based_total += l.zero_based;
            k.change_total += l.change;
        }
        c.kinds.push_back(std::move(k));
    }
    if (!waterfall_kind) {
        for (std::string_view kind : {"activity", "resource", "category", "partner", "goal"})
            if (prior.has_kind(kind)) {
                waterfall_kind = std::string(kind);
                break;
            }
        if (!waterfall_kind)
            throw model_error({"file", prior.source, "area"}, "file '" + prior.source + "'",
                              "has only area lines; the waterfall needs activity, resource, "
                              "category, partner or goal lines");
    }
    const auto kc = std::find_if(c.kinds.begin(), c.kinds.end(), [&](const prior_kind_change& k) {
        return k.kind == *waterfall_kind;
    });
    if (kc == c.kinds.end())
        throw model_error(
            {"option", "", "waterfall"},
            "the prior budget has no " + *waterfall_kind + " lines to build the waterfall from");
    c.waterfall_kind = *waterfall_kind;

    const auto ng = static_cast<std::size_t>(lm.goals().size());
    std::vector<money> by_goal(ng);
    money stopped;
    if (c.waterfall_kind == "goal") {
        for (std::size_t i = 0; i < kc->lines.size(); ++i) {
            const auto& l = kc->lines[i];
            if (l.in_model && l.zero_based != money{})
                by_goal[i] += l.change;
            else
                stopped += l.change;
        }
    } else {
        const goal_table& table = t.of(c.waterfall_kind);
        const std::size_t nk = table.columns.size();
        // Per column, the goals' cells (rows are sorted by column).
        std::vector<std::vector<std::pair<std::size_t, money>>> column(nk);
        for (std::size_t g = 0; g < table.rows.size(); ++g)
            for (const auto& cell : table.rows[g])
                if (cell.amount != money{}) column[cell.column].emplace_back(g, cell.amount);
        for (std::size_t i = 0; i < kc->lines.size(); ++i) {
            const auto& l = kc->lines[i];
            if (!l.in_model || l.zero_based == money{} || column[i].empty()) {
                stopped += l.change;
                continue;
            }
            std::vector<int128> w;
            bool positive = true;
            for (const auto& [g, a] : column[i]) {
                w.push_back(a.minor_units() < 0 ? int128(-a.minor_units()) : a.minor_units());
                positive = positive && a.minor_units() > 0;
            }
            (void)positive;
            const auto parts = allocate_exact(l.prior, w);
            for (std::size_t j = 0; j < column[i].size(); ++j)
                by_goal[column[i][j].first] += column[i][j].second - parts[j];
        }
    }
    c.waterfall.push_back({"prior", "start", kc->prior_total});
    money sum = kc->prior_total;
    for (std::size_t g = 0; g < ng; ++g) {
        c.waterfall.push_back({lm.goals().ids()[g], "goal", by_goal[g]});
        sum += by_goal[g];
    }
    c.waterfall.push_back({"stopped", "stopped", stopped});
    sum += stopped;
    c.waterfall.push_back({"zero_based", "end", kc->zero_based_total});
    if (sum != kc->zero_based_total)
        throw std::logic_error("zbb: the waterfall does not cross-foot to the zero-based total");
    return c;
}

}  // namespace zbb

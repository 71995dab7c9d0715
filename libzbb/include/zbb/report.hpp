// zbb/report.hpp - budget reports: machine-readable JSON and a readable text report.
#pragma once

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "zbb/budget.hpp"
#include "zbb/goals.hpp"
#include "zbb/json_writer.hpp"
#include "zbb/linked_model.hpp"

namespace zbb {

/// The machine-readable report ("zbb-report/1"): amounts as decimal strings with the currency's
/// minor-unit decimals, volumes and indicators as numbers, every id of the model in its section.
/// Written in one pass (linear in the model); `indent` < 0 gives compact JSON.
inline std::string budget_report_json(const linked_model& lm, const budget& b, int indent = 2) {
    const int digits = b.currency.minor_digits;
    std::string out;
    out.reserve(256 + 64 * (lm.activities().ids().size() * 2 + lm.resources().ids().size() * 2 +
                            lm.goals().ids().size() * 3 + lm.partners().ids().size()));
    detail::json_writer j(out, indent);
    j.begin_object();
    j.key("format");
    j.value("zbb-report/1");
    j.key("model");
    j.value(lm.view().name);
    j.key("currency");
    j.value(b.currency.code);
    j.key("total");
    j.value(b.total.to_string(digits));
    auto section = [&](const char* name, const breakdown& br) {
        j.key(name);
        j.begin_object();
        for (std::size_t i = 0; i < br.keys.size(); ++i) {
            j.key(br.keys[i]);
            j.value(br.amounts[i].to_string(digits));
        }
        j.end_object();
    };
    section("by_goal", b.by_goal);
    section("by_activity", b.by_activity);
    section("by_resource", b.by_resource);
    section("by_partner", b.by_partner);
    section("by_category", b.by_category);
    auto numbers = [&](const char* name, const std::vector<std::string>& ids, const vector& v) {
        j.key(name);
        j.begin_object();
        for (std::size_t i = 0; i < ids.size(); ++i) {
            j.key(ids[i]);
            j.value(v[static_cast<Eigen::Index>(i)]);
        }
        j.end_object();
    };
    numbers("volumes", lm.activities().ids(), b.volumes);
    numbers("resource_needs", lm.resources().ids(), b.resource_needs);
    j.key("goals");
    j.begin_object();
    for (std::size_t g = 0; g < lm.goals().ids().size(); ++g) {
        const auto& src = lm.view().goals[g];
        j.key(src.id);
        j.begin_object();
        j.key("baseline");
        j.value(src.baseline);
        j.key("target");
        j.value(src.target);
        j.key("projected");
        j.value(b.projected[static_cast<Eigen::Index>(g)]);
        j.end_object();
    }
    j.end_object();
    j.key("warnings");
    j.begin_array();
    for (const auto& w : b.warnings) j.value(w);
    j.end_array();
    j.end_object();
    out += '\n';
    return out;
}

/// The budget as one tidy CSV table (RFC 4180) for a finance department's own tools: columns
/// breakdown, key, amount; the first row is the total (key empty), then every line of the goal,
/// activity, resource, partner and category breakdowns. Amounts are exact decimal text.
inline std::string budget_report_csv(const linked_model& lm, const budget& b) {
    (void)lm;
    const int digits = b.currency.minor_digits;
    std::string out = "breakdown,key,amount\n";
    auto field = [&](std::string_view s) {
        if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
            out += s;
            return;
        }
        out += '"';
        for (char c : s) {
            if (c == '"') out += '"';
            out += c;
        }
        out += '"';
    };
    out += "total,," + b.total.to_string(digits) + "\n";
    auto section = [&](const char* name, const breakdown& br) {
        for (std::size_t i = 0; i < br.keys.size(); ++i) {
            out += name;
            out += ',';
            field(br.keys[i]);
            out += ',';
            out += br.amounts[i].to_string(digits);
            out += '\n';
        }
    };
    section("goal", b.by_goal);
    section("activity", b.by_activity);
    section("resource", b.by_resource);
    section("partner", b.by_partner);
    section("category", b.by_category);
    return out;
}

namespace detail {
inline std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}
// Money with thousands separators: 1,234,567.89
inline std::string grouped(const money& m, int digits) {
    std::string s = m.to_string(digits);
    bool neg = !s.empty() && s[0] == '-';
    if (neg) s.erase(0, 1);
    auto point = s.find('.');
    std::string whole = s.substr(0, point),
                rest = point == std::string::npos ? "" : s.substr(point);
    std::string out;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
        out += whole[i];
    }
    return (neg ? "-" : "") + out + rest;
}
// Display width of UTF-8 text (code points; good enough for Latin scripts).
inline std::size_t display_width(const std::string& s) {
    std::size_t w = 0;
    for (unsigned char c : s) w += (c & 0xC0) != 0x80;
    return w;
}
// Shortens text to at most `width` code points, ending in "..." when cut.
inline std::string clip(const std::string& s, std::size_t width) {
    if (display_width(s) <= width) return s;
    std::string out;
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if ((c & 0xC0) != 0x80 && ++w > width - 3) break;
        out += s[i];
    }
    return out + "...";
}
struct text_table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::vector<bool> right;  // right-align column
    /// The table as text; every cell through printable() (ids and names may hold control
    /// characters: a newline would split a row).
    std::string render() const {
        std::vector<std::vector<std::string>> cells;
        cells.reserve(rows.size());
        for (const auto& r : rows) {
            cells.emplace_back();
            for (const auto& c : r) cells.back().push_back(printable(c));
        }
        std::vector<std::string> head;
        for (const auto& c : header) head.push_back(printable(c));
        return render(head, cells);
    }

  private:
    std::string render(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows) const {
        std::vector<std::size_t> w(header.size(), 0);
        auto widen = [&](const std::vector<std::string>& r) {
            for (std::size_t c = 0; c < r.size(); ++c) w[c] = std::max(w[c], display_width(r[c]));
        };
        widen(header);
        for (const auto& r : rows) widen(r);
        std::ostringstream out;
        auto line = [&](const std::vector<std::string>& r) {
            std::string s;
            for (std::size_t c = 0; c < r.size(); ++c) {
                std::string pad(w[c] - display_width(r[c]), ' ');
                s += "  " + (right[c] ? pad + r[c] : r[c] + pad);
            }
            while (!s.empty() && s.back() == ' ') s.pop_back();
            out << s << '\n';
        };
        line(header);
        std::size_t total_w = 0;
        for (auto x : w) total_w += x + 2;
        out << "  " << std::string(total_w - 2, '-') << '\n';
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (i + 1 == rows.size() && rows[i][0] == "Total")
                out << "  " << std::string(total_w - 2, '-') << '\n';
            line(rows[i]);
        }
        return out.str();
    }
};
}  // namespace detail

/// A readable report: tables by goal, activity, resource, partner and category with totals, and
/// each goal's projected indicator against its target.
inline std::string budget_report_text(const linked_model& lm, const budget& b) {
    using detail::grouped;
    const auto& src = lm.view();
    const int digits = b.currency.minor_digits;
    const std::string cur = b.currency.code;
    constexpr std::size_t name_width = 40;  // names are clipped in the text report, never in JSON
    std::ostringstream out;
    out << "zbb budget: " << (src.name.empty() ? "(unnamed model)" : detail::printable(src.name))
        << "\n";
    out << "Total: " << cur << " " << grouped(b.total, digits) << "\n\n";

    auto share = [&](const money& m) {
        if (b.total.minor_units() == 0) return std::string("-");
        return detail::fixed(100.0 * static_cast<double>(m.minor_units()) /
                                 static_cast<double>(b.total.minor_units()),
                             1) +
               "%";
    };
    auto amounts_table = [&](const char* title, const breakdown& br, auto name_of) {
        detail::text_table t{{"id", "name", cur, "share"}, {}, {false, false, true, true}};
        for (std::size_t i = 0; i < br.keys.size(); ++i)
            t.rows.push_back({br.keys[i], detail::clip(name_of(i), name_width),
                              grouped(br.amounts[i], digits), share(br.amounts[i])});
        t.rows.push_back(
            {"Total", "", grouped(b.total, digits), b.total.minor_units() == 0 ? "-" : "100.0%"});
        out << title << "\n" << t.render() << "\n";
    };
    amounts_table("Cost by goal (support costs charged by the reciprocal method)", b.by_goal,
                  [&](std::size_t i) { return src.goals[i].name; });
    {
        detail::text_table t{{"id", "name", "volume", "unit", cur, "share"},
                             {},
                             {false, false, true, false, true, true}};
        for (std::size_t i = 0; i < b.by_activity.keys.size(); ++i) {
            const auto& a = src.activities[i];
            t.rows.push_back({a.id, detail::clip(a.name, name_width),
                              detail::fixed(b.volumes[static_cast<Eigen::Index>(i)], 2), a.unit,
                              grouped(b.by_activity.amounts[i], digits),
                              share(b.by_activity.amounts[i])});
        }
        t.rows.push_back({"Total", "", "", "", grouped(b.total, digits),
                          b.total.minor_units() == 0 ? "-" : "100.0%"});
        out << "Own cost by activity\n" << t.render() << "\n";
    }
    {
        detail::text_table t{{"id", "name", "need", "unit", "price", cur, "share"},
                             {},
                             {false, false, true, false, true, true, true}};
        for (std::size_t i = 0; i < b.by_resource.keys.size(); ++i) {
            const auto& r = src.resources[i];
            t.rows.push_back({r.id, detail::clip(r.name, name_width),
                              detail::fixed(b.resource_needs[static_cast<Eigen::Index>(i)], 2),
                              r.unit, r.price.text(), grouped(b.by_resource.amounts[i], digits),
                              share(b.by_resource.amounts[i])});
        }
        t.rows.push_back({"Total", "", "", "", "", grouped(b.total, digits),
                          b.total.minor_units() == 0 ? "-" : "100.0%"});
        out << "Cost by resource\n" << t.render() << "\n";
    }
    amounts_table("Cost by partner (funding shares of each activity's own cost)", b.by_partner,
                  [&](std::size_t i) { return src.partners[i].name; });
    amounts_table("Cost by category", b.by_category, [](std::size_t) { return std::string(); });
    {
        detail::text_table t{{"id", "name", "unit", "baseline", "projected", "target", "status"},
                             {},
                             {false, false, false, true, true, true, false}};
        for (std::size_t g = 0; g < src.goals.size(); ++g) {
            const auto& goal = src.goals[g];
            const double p = b.projected[static_cast<Eigen::Index>(g)];
            const goal_progress at = progress_toward(goal, p);
            t.rows.push_back(
                {goal.id, detail::clip(goal.name, name_width), goal.unit,
                 detail::fixed(goal.baseline, 2), detail::fixed(p, 2),
                 detail::fixed(goal.target, 2),
                 at.reached ? "reached" : "short by " + detail::fixed(at.shortfall, 2)});
        }
        out << "Goals: projected indicator (baseline + effects x volumes) against target\n"
            << t.render();
    }
    if (!b.warnings.empty()) {
        out << "\nWarnings\n";
        for (const auto& w : b.warnings) out << "  - " << w << "\n";
    }
    return out.str();
}

}  // namespace zbb

// zbb/report.hpp - budget reports: machine-readable JSON and a readable text report.
#pragma once

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "zbb/areas.hpp"
#include "zbb/budget.hpp"
#include "zbb/goals.hpp"
#include "zbb/json_writer.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/text_table.hpp"

namespace zbb {

namespace detail {
/// The members of the budget report ("format" .. "warnings") into the object `j` has open; the
/// optimiser's report writes them and then its own members, so no report parses another.
inline void write_budget_members(json_writer& j, const linked_model& lm, const budget& b) {
    const int digits = b.currency.minor_digits;
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
    if (lm.has_areas()) {
        section("by_area", b.by_area);
        bool nested = false;
        for (int p : lm.area_parents()) nested = nested || p >= 0;
        if (nested) {
            const auto with_sub = area_amounts_with_sub_areas(lm, b);
            j.key("by_area_including_sub_areas");
            j.begin_object();
            for (std::size_t i = 0; i < with_sub.size(); ++i) {
                j.key(b.by_area.keys[i]);
                j.value(with_sub[i].to_string(digits));
            }
            j.end_object();
        }
    }
    auto numbers = [&](const char* name, const std::vector<std::string>& ids,
                       const dense_vector& v) {
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
}
}  // namespace detail

/// The machine-readable report ("zbb-report/1"): amounts as decimal strings with the currency's
/// minor-unit decimals, volumes and indicators as numbers, every id of the model in its section.
/// Written in one pass (linear in the model); `indent` < 0 gives compact JSON.
inline std::string budget_report_json(const linked_model& lm, const budget& b, int indent = 2) {
    std::string out;
    out.reserve(256 + 64 * (lm.activities().ids().size() * 2 + lm.resources().ids().size() * 2 +
                            lm.goals().ids().size() * 3 + lm.partners().ids().size()));
    detail::json_writer j(out, indent);
    j.begin_object();
    detail::write_budget_members(j, lm, b);
    j.end_object();
    j.newline();
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
    section("area", b.by_area);  // no lines when the model has no areas
    return out;
}

/// A readable report: tables by goal, activity, resource, partner and category with totals, and
/// each goal's projected indicator against its target.
inline std::string budget_report_text(const linked_model& lm, const budget& b) {
    const auto& src = lm.view();
    const int digits = b.currency.minor_digits;
    const std::string cur = b.currency.code;
    constexpr std::size_t name_width = 40;  // names are clipped in the text report, never in JSON
    std::ostringstream out;
    out << "zbb budget: " << (src.name.empty() ? "(unnamed model)" : detail::printable(src.name))
        << "\n";
    out << "Total: " << cur << " " << grouped_text(b.total, digits) << "\n\n";

    auto share = [&](const money& m) {
        if (b.total.minor_units() == 0) return std::string("-");
        return fixed_text(100.0 * static_cast<double>(m.minor_units()) /
                              static_cast<double>(b.total.minor_units()),
                          1) +
               "%";
    };
    auto amounts_table = [&](const char* title, const breakdown& br, auto name_of) {
        text_table t{{"id", "name", cur, "share"}, {}, {false, false, true, true}};
        for (std::size_t i = 0; i < br.keys.size(); ++i)
            t.rows.push_back({br.keys[i], clip_text(name_of(i), name_width),
                              grouped_text(br.amounts[i], digits), share(br.amounts[i])});
        t.rows.push_back({"Total", "", grouped_text(b.total, digits),
                          b.total.minor_units() == 0 ? "-" : "100.0%"});
        out << title << "\n" << t.render() << "\n";
    };
    amounts_table("Cost by goal (support costs charged by the reciprocal method)", b.by_goal,
                  [&](std::size_t i) { return src.goals[i].name; });
    {
        text_table t{{"id", "name", "volume", "unit", cur, "share"},
                     {},
                     {false, false, true, false, true, true}};
        for (std::size_t i = 0; i < b.by_activity.keys.size(); ++i) {
            const auto& a = src.activities[i];
            t.rows.push_back({a.id, clip_text(a.name, name_width),
                              fixed_text(b.volumes[static_cast<Eigen::Index>(i)], 2), a.unit,
                              grouped_text(b.by_activity.amounts[i], digits),
                              share(b.by_activity.amounts[i])});
        }
        t.rows.push_back({"Total", "", "", "", grouped_text(b.total, digits),
                          b.total.minor_units() == 0 ? "-" : "100.0%"});
        out << "Own cost by activity\n" << t.render() << "\n";
    }
    {
        text_table t{{"id", "name", "need", "unit", "price", cur, "share"},
                     {},
                     {false, false, true, false, true, true, true}};
        for (std::size_t i = 0; i < b.by_resource.keys.size(); ++i) {
            const auto& r = src.resources[i];
            t.rows.push_back({r.id, clip_text(r.name, name_width),
                              fixed_text(b.resource_needs[static_cast<Eigen::Index>(i)], 2), r.unit,
                              r.price.text(), grouped_text(b.by_resource.amounts[i], digits),
                              share(b.by_resource.amounts[i])});
        }
        t.rows.push_back({"Total", "", "", "", "", grouped_text(b.total, digits),
                          b.total.minor_units() == 0 ? "-" : "100.0%"});
        out << "Cost by resource\n" << t.render() << "\n";
    }
    amounts_table("Cost by partner (funding shares of each activity's own cost)", b.by_partner,
                  [&](std::size_t i) { return src.partners[i].name; });
    amounts_table("Cost by category", b.by_category, [](std::size_t) { return std::string(); });
    if (lm.has_areas()) {
        const auto with_sub = area_amounts_with_sub_areas(lm, b);
        bool nested = false;
        for (int p : lm.area_parents()) nested = nested || p >= 0;
        std::vector<std::string> head{"id", "name", "parent", cur, "share"};
        if (nested) head.push_back("incl. sub-areas");
        std::vector<bool> right{false, false, false, true, true};
        if (nested) right.push_back(true);
        text_table t{head, {}, right};
        for (std::size_t i = 0; i < b.by_area.keys.size(); ++i) {
            const bool own = i < src.areas.size();
            std::vector<std::string> r{
                b.by_area.keys[i], own ? clip_text(src.areas[i].name, name_width) : "",
                own ? src.areas[i].parent : "", grouped_text(b.by_area.amounts[i], digits),
                share(b.by_area.amounts[i])};
            if (nested) r.push_back(grouped_text(with_sub[i], digits));
            t.rows.push_back(std::move(r));
        }
        std::vector<std::string> total{"Total", "", "", grouped_text(b.total, digits),
                                       b.total.minor_units() == 0 ? "-" : "100.0%"};
        if (nested) total.push_back("");
        t.rows.push_back(std::move(total));
        out << "Cost by area (full cost of each plan entry in its area; support charged by the "
               "reciprocal method)\n"
            << t.render() << "\n";
    }
    {
        text_table t{{"id", "name", "unit", "baseline", "projected", "target", "status"},
                     {},
                     {false, false, false, true, true, true, false}};
        for (std::size_t g = 0; g < src.goals.size(); ++g) {
            const auto& goal = src.goals[g];
            const double p = b.projected[static_cast<Eigen::Index>(g)];
            const goal_progress at = progress_toward(goal, p);
            t.rows.push_back({goal.id, clip_text(goal.name, name_width), goal.unit,
                              fixed_text(goal.baseline, 2), fixed_text(p, 2),
                              fixed_text(goal.target, 2),
                              at.reached ? "reached" : "short by " + fixed_text(at.shortfall, 2)});
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

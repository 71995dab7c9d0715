// zbb/prior_report.hpp - reports of the goal tables (zbb budget --by goal,KIND) and of the
// comparison with a prior budget (zbb budget --prior FILE): JSON, CSV and text.
#pragma once

#include <sstream>
#include <string>
#include <string_view>

#include "zbb/goal_tables.hpp"
#include "zbb/json_writer.hpp"
#include "zbb/prior.hpp"
#include "zbb/report.hpp"
#include "zbb/text_table.hpp"

namespace zbb {

namespace detail {
inline void csv_field(std::string& out, std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += s;
        return;
    }
    out += '"';
    for (char ch : s) {
        if (ch == '"') out += '"';
        out += ch;
    }
    out += '"';
}

/// "prior", "waterfall_kind" and "waterfall" into the object `j` has open.
inline void write_prior_members(json_writer& j, const prior_comparison& c) {
    const int digits = c.currency.minor_digits;
    j.key("prior_source");
    j.value(c.source);
    j.key("prior");
    j.begin_object();
    for (const auto& k : c.kinds) {
        j.key(k.kind);
        j.begin_object();
        for (const auto& l : k.lines) {
            j.key(l.id);
            j.begin_object();
            j.key("prior");
            j.value(l.prior.to_string(digits));
            j.key("zero_based");
            j.value(l.zero_based.to_string(digits));
            j.key("change");
            j.value(l.change.to_string(digits));
            j.key("status");
            j.value(std::string(to_string(l.status)));
            j.key("in_model");
            j.value(l.in_model);
            j.end_object();
        }
        j.end_object();
    }
    j.end_object();
    j.key("prior_totals");
    j.begin_object();
    for (const auto& k : c.kinds) {
        j.key(k.kind);
        j.begin_object();
        j.key("prior");
        j.value(k.prior_total.to_string(digits));
        j.key("zero_based");
        j.value(k.zero_based_total.to_string(digits));
        j.key("change");
        j.value(k.change_total.to_string(digits));
        j.end_object();
    }
    j.end_object();
    j.key("waterfall_kind");
    j.value(c.waterfall_kind);
    j.key("waterfall");
    j.begin_array();
    for (const auto& s : c.waterfall) {
        j.begin_inline();
        j.begin_object();
        j.key("step");
        j.value(s.step);
        j.key("kind");
        j.value(s.kind);
        j.key("amount");
        j.value(s.amount.to_string(digits));
        j.end_object();
        j.end_inline();
    }
    j.end_array();
}
}  // namespace detail

/// The budget report ("zbb-report/1") with the comparison against the prior budget added:
/// "prior" {KIND: {ID: {prior, zero_based, change, status, in_model}}}, "prior_totals",
/// "waterfall_kind" and "waterfall" [{step, kind, amount}].
inline std::string prior_report_json(const linked_model& lm, const budget& b,
                                     const prior_comparison& c, int indent = 2) {
    std::string out;
    detail::json_writer j(out, indent);
    j.begin_object();
    detail::write_budget_members(j, lm, b);
    detail::write_prior_members(j, c);
    j.end_object();
    j.newline();
    return out;
}

/// The comparison as one CSV table: columns kind,id,prior,zero_based,change,status, one row per
/// line of every kind, then the waterfall as rows of kind "waterfall" (id the step, the bar's
/// amount under change, status start, goal, stopped or end).
inline std::string prior_report_csv(const prior_comparison& c) {
    const int digits = c.currency.minor_digits;
    std::string out = "kind,id,prior,zero_based,change,status\n";
    for (const auto& k : c.kinds)
        for (const auto& l : k.lines) {
            out += k.kind + ',';
            detail::csv_field(out, l.id);
            out += ',' + l.prior.to_string(digits) + ',' + l.zero_based.to_string(digits) + ',' +
                   l.change.to_string(digits) + ',' + std::string(to_string(l.status)) + '\n';
        }
    for (const auto& s : c.waterfall) {
        out += "waterfall,";
        detail::csv_field(out, s.step);
        out += ",,," + s.amount.to_string(digits) + ',' + s.kind + '\n';
    }
    return out;
}

/// A readable comparison: per kind a table of prior, zero-based, change and status with totals,
/// then the waterfall from the prior total to the zero-based one.
inline std::string prior_report_text(const linked_model& lm, const prior_comparison& c) {
    const int digits = c.currency.minor_digits;
    const std::string cur = c.currency.code;
    std::ostringstream out;
    out << "Against the prior budget " << printable(c.source) << "\n\n";
    for (const auto& k : c.kinds) {
        text_table t{{k.kind, "prior " + cur, "zero-based " + cur, "change " + cur, "status"},
                     {},
                     {false, true, true, true, false}};
        for (const auto& l : k.lines)
            t.rows.push_back({l.id + (l.in_model ? "" : " (not in the model)"),
                              grouped_text(l.prior, digits), grouped_text(l.zero_based, digits),
                              grouped_text(l.change, digits), std::string(to_string(l.status))});
        t.rows.push_back({"Total", grouped_text(k.prior_total, digits),
                          grouped_text(k.zero_based_total, digits),
                          grouped_text(k.change_total, digits), ""});
        out << "By " << k.kind << "\n" << t.render() << "\n";
    }
    text_table w{{"step", "name", cur, "running " + cur}, {}, {false, false, true, true}};
    money running;
    for (const auto& s : c.waterfall) {
        std::string name;
        if (s.kind == "goal") {
            const auto& goals = lm.view().goals;
            for (const auto& g : goals)
                if (g.id == s.step) name = clip_text(g.name, 40);
        } else if (s.kind == "start") {
            name = "prior total (by " + c.waterfall_kind + ")";
        } else if (s.kind == "stopped") {
            name = "lines that stop";
        } else {
            name = "zero-based total";
        }
        if (s.kind == "start" || s.kind == "end")
            running = s.amount;
        else
            running += s.amount;
        w.rows.push_back(
            {s.step, name, grouped_text(s.amount, digits), grouped_text(running, digits)});
    }
    out << "Waterfall: the change attributed to goals (by " << c.waterfall_kind << ")\n"
        << w.render();
    return out.str();
}

/// The goal x KIND table as JSON ("zbb-goal-table/1"): the margins by_goal and by_KIND, and
/// "cells" {GOAL: {ID: amount}} with every cell whose computed value is not zero; "off_bound"
/// counts the cells that are not the floor or ceiling of their value.
inline std::string goal_table_json(const linked_model& lm, const budget& b, const goal_table& t,
                                   int indent = 2) {
    const int digits = b.currency.minor_digits;
    std::string out;
    detail::json_writer j(out, indent);
    j.begin_object();
    j.key("format");
    j.value("zbb-goal-table/1");
    j.key("model");
    j.value(lm.view().name);
    j.key("currency");
    j.value(b.currency.code);
    j.key("rows");
    j.value("goal");
    j.key("columns");
    j.value(t.kind);
    j.key("total");
    j.value(b.total.to_string(digits));
    auto margin = [&](const std::string& name, const breakdown& br) {
        j.key(name);
        j.begin_object();
        for (std::size_t i = 0; i < br.keys.size(); ++i) {
            j.key(br.keys[i]);
            j.value(br.amounts[i].to_string(digits));
        }
        j.end_object();
    };
    margin("by_goal", b.by_goal);
    if (t.kind == "taakveld") {  // not a breakdown of the budget: the table's column sums
        breakdown by;            // (zbb/bbv.hpp: the BBV view's by_taakveld)
        by.keys = t.columns;
        by.amounts.assign(t.columns.size(), money{});
        for (const auto& row : t.rows)
            for (const auto& cell : row) by.amounts[cell.column] += cell.amount;
        margin("by_taakveld", by);
    } else {
        margin("by_" + t.kind, detail::breakdown_of(b, t.kind));
    }
    j.key("cells");
    j.begin_object();
    for (std::size_t g = 0; g < t.rows.size(); ++g) {
        j.key(t.goals[g]);
        j.begin_object();
        for (const auto& cell : t.rows[g]) {
            j.key(t.columns[cell.column]);
            j.value(cell.amount.to_string(digits));
        }
        j.end_object();
    }
    j.end_object();
    j.key("off_bound");
    j.value(static_cast<std::int64_t>(t.off_bound));
    j.end_object();
    j.newline();
    return out;
}

/// The goal x KIND table as CSV: columns goal,KIND,amount, one row per cell whose computed value
/// is not zero.
inline std::string goal_table_csv(const budget& b, const goal_table& t) {
    const int digits = b.currency.minor_digits;
    std::string out = "goal," + t.kind + ",amount\n";
    for (std::size_t g = 0; g < t.rows.size(); ++g)
        for (const auto& cell : t.rows[g]) {
            detail::csv_field(out, t.goals[g]);
            out += ',';
            detail::csv_field(out, t.columns[cell.column]);
            out += ',' + cell.amount.to_string(digits) + '\n';
        }
    return out;
}

/// The goal x KIND table as text: per goal its cells and its total, then the grand total.
inline std::string goal_table_text(const linked_model& lm, const budget& b, const goal_table& t) {
    const int digits = b.currency.minor_digits;
    std::ostringstream out;
    out << "zbb budget: "
        << (lm.view().name.empty() ? "(unnamed model)" : printable(lm.view().name)) << "\n";
    out << "Full cost of each goal by " << t.kind
        << " (support costs charged by the reciprocal method)\n";
    text_table tt{{"goal", t.kind, b.currency.code}, {}, {false, false, true}};
    for (std::size_t g = 0; g < t.rows.size(); ++g) {
        for (const auto& cell : t.rows[g])
            tt.rows.push_back(
                {t.goals[g], t.columns[cell.column], grouped_text(cell.amount, digits)});
        tt.rows.push_back({t.goals[g], "Total", grouped_text(b.by_goal.amounts[g], digits)});
    }
    tt.rows.push_back({"Total", "", grouped_text(b.total, digits)});
    out << tt.render();
    if (t.off_bound > 0)
        out << "Note: " << t.off_bound << (t.off_bound == 1 ? " cell is" : " cells are")
            << " not the floor or ceiling of the computed value, so that the table meets both the "
               "goal and the "
            << t.kind << " amounts (docs/prior-year.md)\n";
    return out.str();
}

}  // namespace zbb

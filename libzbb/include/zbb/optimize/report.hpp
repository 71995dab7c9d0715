// zbb/optimize/report.hpp - the optimiser's reports, written from an optimize_result (the data):
// JSON ("zbb-report/1" with the optimiser's members) and a readable text. Neither parses the
// output of another report.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "zbb/json_writer.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/optimize/limits.hpp"
#include "zbb/optimize/types.hpp"
#include "zbb/report.hpp"
#include "zbb/text_table.hpp"

namespace zbb {

namespace detail {
inline void write_limit(json_writer& j, const limit& l) {
    j.begin_object();
    j.key("entity");
    j.value(l.entity);
    j.key("id");
    j.value(l.id);
    j.key("field");
    j.value(l.field);
    j.key("bound");
    j.value(l.bound);
    j.key("used");
    j.value(l.used);
    j.key("shadow_price");
    j.value(l.shadow_price);
    if (l.excess > 0) {
        j.key("excess");
        j.value(l.excess);
    }
    j.end_object();
}
inline void write_strings(json_writer& j, const std::vector<std::string>& items) {
    j.begin_array();
    for (const auto& s : items) j.value(s);
    j.end_array();
}
}  // namespace detail

/// The machine-readable result, written from the result itself in one pass: for an optimal plan
/// the members of the budget report of zbb::budget_report_json ("zbb-report/1") followed by
/// "objective", "status", "marginal_cost", "attainment" and "shortfall" (indicator units still
/// missing, 0 when reached) per goal, "weighted_attainment", for max-effect
/// "marginal_effect_per_currency_unit" (weighted attainment per unit of the model's currency; also
/// written as "marginal_effect_per_euro", deprecated, for one release) and "binding". Otherwise
/// "format", "model", "objective", "status", "message" and, when infeasible, "explanation".
inline std::string optimize_report_json(const linked_model& lm, const optimize_result& r,
                                        int indent = 2) {
    std::string out;
    detail::json_writer j(out, indent);
    j.begin_object();
    auto per_goal = [&](const char* name, double goal_outcome::*field) {
        j.key(name);
        j.begin_object();
        for (const auto& g : r.goals) {
            j.key(g.id);
            j.value(g.*field);
        }
        j.end_object();
    };
    if (r.optimal()) {
        detail::write_budget_members(j, lm, *r.budget);
        j.key("objective");
        j.value(to_string(r.objective));
        j.key("status");
        j.value(to_string(r.status));
        per_goal("marginal_cost", &goal_outcome::marginal_cost);
        per_goal("attainment", &goal_outcome::attainment);
        per_goal("shortfall", &goal_outcome::shortfall);
        j.key("weighted_attainment");
        j.value(r.weighted_attainment);
        if (r.objective == optimize_objective::max_effect) {
            j.key("marginal_effect_per_currency_unit");
            j.value(r.marginal_effect_per_currency_unit);
            j.key("marginal_effect_per_euro");  // deprecated alias (ChangeLog.md)
            j.value(r.marginal_effect_per_currency_unit);
        }
        j.key("binding");
        j.begin_array();
        for (const auto& l : r.binding) detail::write_limit(j, l);
        j.end_array();
    } else {
        j.key("format");
        j.value("zbb-report/1");
        j.key("model");
        j.value(lm.view().name);
        j.key("objective");
        j.value(to_string(r.objective));
        j.key("status");
        j.value(to_string(r.status));
        j.key("message");
        j.value(r.message);
        if (r.explanation) {
            const auto& ex = *r.explanation;
            j.key("explanation");
            j.begin_object();
            j.key("summary");
            j.value(ex.summary);
            j.key("goals");
            j.begin_array();
            for (const auto& g : ex.goals) {
                j.begin_object();
                j.key("goal");
                j.value(g.id);
                j.key("baseline");
                j.value(g.baseline);
                j.key("target");
                j.value(g.target);
                j.key("best");
                j.value(g.best);
                j.key("shortfall");
                j.value(g.shortfall);
                j.key("held_back_by");
                detail::write_strings(j, g.held_back_by);
                j.end_object();
            }
            j.end_array();
            j.key("limits");
            j.begin_array();
            for (const auto& l : ex.limits) detail::write_limit(j, l);
            j.end_array();
            j.key("lines");
            detail::write_strings(j, ex.lines);
            j.end_object();
        }
    }
    j.end_object();
    j.newline();
    return out;
}

/// A readable result: status, the goals with attainment, marginal cost and the cost each carries,
/// the binding limits, then the full budget report of the plan; or the explanation of why there
/// is no plan.
inline std::string optimize_report_text(const linked_model& lm, const optimize_result& r) {
    const auto& src = lm.view();
    const std::string cur = lm.currency().code;
    std::ostringstream out;
    out << "zbb optimize (" << to_string(r.objective)
        << "): " << (src.name.empty() ? "(unnamed model)" : detail::printable(src.name)) << "\n";
    out << "Status: " << to_string(r.status) << "\n";
    if (!r.optimal()) {
        out << r.message << "\n";
        if (r.explanation) {
            out << "\nWhy there is no plan\n";
            for (const auto& line : r.explanation->lines) out << "  - " << line << "\n";
        }
        return out.str();
    }
    const auto& b = *r.budget;
    const int digits = b.currency.minor_digits;
    out << "Total: " << cur << " " << grouped_text(b.total, digits) << "\n";
    if (r.objective == optimize_objective::max_effect)
        out << "Weighted attainment: " << fixed_text(r.weighted_attainment, 4) << "; one " << cur
            << " more adds " << detail::short_number(r.marginal_effect_per_currency_unit) << "\n";
    out << "\n";
    text_table t{{"goal", "baseline", "target", "projected", "attainment",
                  "marginal " + cur + "/unit", "cost " + cur},
                 {},
                 {false, true, true, true, true, true, true}};
    for (std::size_t g = 0; g < r.goals.size(); ++g) {
        const auto& o = r.goals[g];
        t.rows.push_back({o.id, fixed_text(o.baseline, 2), fixed_text(o.target, 2),
                          fixed_text(o.projected, 2), fixed_text(100 * o.attainment, 1) + "%",
                          fixed_text(o.marginal_cost, 2),
                          grouped_text(b.by_goal.amounts[g], digits)});
    }
    t.rows.push_back({"Total", "", "", "", "", "", grouped_text(b.total, digits)});
    out << "Goals (cost per goal: the plan's direct volumes attributed by dual-weighted effect)\n"
        << t.render() << "\n";
    if (!r.binding.empty()) {
        out << "Binding limits (shadow price: "
            << (r.objective == optimize_objective::least_cost
                    ? cur + " saved per unit more"
                    : "weighted attainment gained per unit more")
            << ")\n";
        for (const auto& l : r.binding)
            out << "  - " << detail::describe(l) << ": " << detail::short_number(l.shadow_price)
                << "\n";
        out << "\n";
    }
    out << budget_report_text(lm, b);
    return out.str();
}

}  // namespace zbb

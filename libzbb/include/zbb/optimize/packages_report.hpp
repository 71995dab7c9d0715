// zbb/optimize/packages_report.hpp - the reports of decision packages, written from a
// packages_result: JSON ("zbb-packages/1") and a readable text with the cut-off line.
#pragma once

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "zbb/linked_model.hpp"
#include "zbb/optimize/package_types.hpp"
#include "zbb/text_table.hpp"

namespace zbb {

/// Machine-readable: "format": "zbb-packages/1", budget, ranked list with cost and cumulative
/// cost, the cut-off index, funded / unfunded ids, the optimal selection and the effect left on
/// the table (weighted attainment).
inline std::string packages_report_json(const linked_model& lm, const packages_result& r,
                                        int indent = 2) {
    using ojson = nlohmann::ordered_json;
    const int digits = lm.currency().minor_digits;
    ojson j;
    j["format"] = "zbb-packages/1";
    j["model"] = lm.view().name;
    j["currency"] = lm.currency().code;
    j["status"] = to_string(r.status);
    j["message"] = r.message;
    j["budget"] = r.budget.to_string(digits);
    j["ranked_by"] = r.ranked_by;
    ojson ranked = ojson::array(), funded = ojson::array(), unfunded = ojson::array(),
          best = ojson::array();
    for (std::size_t i = 0; i < r.ranked.size(); ++i) {
        const auto& p = r.ranked[i];
        ojson e = ojson::object();
        for (std::size_t g = 0; g < p.effects.size(); ++g) e[lm.goals().ids()[g]] = p.effects[g];
        ojson row{
            {"rank", i + 1}, {"id", p.id}, {"unit", p.unit}, {"level", p.level}, {"name", p.name}};
        if (p.priority) row["priority"] = *p.priority;
        row["cost"] = p.cost.to_string(digits);
        row["cumulative"] = p.cumulative.to_string(digits);
        row["effects"] = std::move(e);
        row["weighted_effect"] = p.weighted_effect;
        const ojson per_unit = std::isfinite(p.effect_per_currency_unit)
                                   ? ojson(p.effect_per_currency_unit)
                                   : ojson(nullptr);
        row["effect_per_currency_unit"] = per_unit;
        row["effect_per_euro"] = per_unit;  // deprecated alias (ChangeLog.md)
        row["funded"] = p.funded;
        row["in_optimal"] = p.in_optimal;
        ranked.push_back(std::move(row));
        (p.funded ? funded : unfunded).push_back(p.id);
        if (p.in_optimal) best.push_back(p.id);
    }
    j["ranked"] = std::move(ranked);
    j["cutoff"] = r.cutoff;
    j["funded"] = std::move(funded);
    j["unfunded"] = std::move(unfunded);
    j["funded_cost"] = r.funded_cost.to_string(digits);
    j["funded_attainment"] = r.funded_attainment;
    j["optimal"] = {{"packages", std::move(best)},
                    {"cost", r.optimal_cost.to_string(digits)},
                    {"attainment", r.optimal_attainment}};
    j["left_on_the_table"] = r.left_on_the_table;
    return j.dump(indent) + "\n";
}

/// Readable: the ranked table with cumulative cost and the cut-off line, then the optimal selection
/// and what the ranking leaves on the table.
inline std::string packages_report_text(const linked_model& lm, const packages_result& r) {
    const auto& src = lm.view();
    const std::string cur = lm.currency().code;
    const int digits = lm.currency().minor_digits;
    std::ostringstream out;
    out << "zbb packages: " << (src.name.empty() ? "(unnamed model)" : detail::printable(src.name))
        << "\n";
    out << "Budget: " << cur << " " << grouped_text(r.budget, digits) << "; ranked by "
        << r.ranked_by << "; " << r.cutoff << " of " << r.ranked.size() << " packages funded ("
        << cur << " " << grouped_text(r.funded_cost, digits) << ")\n\n";
    text_table t{{"rank", "package", "name", "cost " + cur, "cumulative " + cur, "weighted effect",
                  "per 1,000 " + cur},
                 {},
                 {true, false, false, true, true, true, true}};
    for (std::size_t i = 0; i < r.ranked.size(); ++i) {
        const auto& p = r.ranked[i];
        t.rows.push_back({std::to_string(i + 1), p.id, p.name, grouped_text(p.cost, digits),
                          grouped_text(p.cumulative, digits), fixed_text(p.weighted_effect, 4),
                          std::isfinite(p.effect_per_currency_unit)
                              ? fixed_text(1000 * p.effect_per_currency_unit, 4)
                              : "-"});
    }
    // The cut-off line before the first unfunded row (after the last row when all are funded).
    t.lines_before.emplace_back(
        r.cutoff, "==== cut-off: budget " + cur + " " + grouped_text(r.budget, digits) + " ====");
    out << t.render();
    out << "\nWeighted attainment of the funded packages: " << fixed_text(r.funded_attainment, 4)
        << "\n";
    out << "Optimal selection (" << to_string(r.status) << "):";
    bool any = false;
    for (const auto& p : r.ranked)
        if (p.in_optimal) out << (any ? ", " : " ") << p.id, any = true;
    if (!any) out << " none";
    out << "; " << cur << " " << grouped_text(r.optimal_cost, digits) << ", weighted attainment "
        << fixed_text(r.optimal_attainment, 4) << "\n";
    out << "Left on the table by the ranking: " << fixed_text(r.left_on_the_table, 4) << "\n";
    return out.str();
}

}  // namespace zbb

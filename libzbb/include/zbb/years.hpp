// zbb/years.hpp - the multi-year estimate (meerjarenraming): the budget year T and the years after
// it up to years.last_year, each with its indexed prices and its volumes, and their budgets.
//
// Year y's model is the linked model with
//   - every resource of a category in years.indexation priced at price x F_s(y), where F_s(y) is
//     the product of the series' factors of the years T+1..y (F_s(T) = 1): exact decimal
//     arithmetic, the indexed price rounded half-even only if it needs more than 30 significant
//     digits or decimals (the limit of every price); price_low and price_high alike;
//   - the plan with each (goal, activity) of years.volumes at that year's volume.
// Each year's budget is computed as any budget (the year's total rounded once, every line the
// floor or ceiling of its value by largest remainder from that total), so each year cross-foots
// on its own; the multi-year amounts are the exact sums of the years' amounts. Year models share
// the matrices and the support factorisation with the model (zbb/scenario.hpp).
#pragma once

#include <algorithm>
#include <boost/multiprecision/cpp_int.hpp>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "zbb/balance.hpp"
#include "zbb/budget.hpp"
#include "zbb/json_writer.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/prior_report.hpp"
#include "zbb/report.hpp"
#include "zbb/scenario.hpp"
#include "zbb/text_table.hpp"

namespace zbb {

/// An exact non-negative decimal of any length: value = units / 10^scale (a cumulative index
/// factor, an indexed price before it becomes a price again).
struct exact_decimal {
    boost::multiprecision::cpp_int units = 1;
    int scale = 0;

    /// The exact product.
    friend exact_decimal operator*(const exact_decimal& a, const decimal& d) {
        return {a.units * boost::multiprecision::cpp_int(d.units()), a.scale + d.scale()};
    }
    /// Plain decimal text with at least `min_scale` decimals (no further trailing zeros), rounded
    /// half-even to at most `max_digits` significant digits and `max_digits` decimals when it has
    /// more.
    std::string text(int max_digits = 30, int min_scale = 0) const {
        using boost::multiprecision::cpp_int;
        cpp_int u = units;
        int s = scale;
        const int digits = static_cast<int>(u.str().size());
        const int drop = std::max(s - max_digits, digits - max_digits);
        if (drop > 0 && u != 0) {
            const cpp_int p = boost::multiprecision::pow(cpp_int(10), drop);
            cpp_int q = u / p;
            const cpp_int r = u % p, twice = 2 * r;
            if (twice > p || (twice == p && (q % 2) != 0)) ++q;
            u = q;
            s -= drop;
        }
        if (u == 0)
            return min_scale > 0 ? "0." + std::string(static_cast<std::size_t>(min_scale), '0')
                                 : "0";
        std::string t = u.str();
        while (s > min_scale && t.size() > 1 && t.back() == '0') {  // 78.400 -> 78.4
            t.pop_back();
            --s;
        }
        if (s < 0) return t + std::string(static_cast<std::size_t>(-s), '0');
        if (s == 0) return t;
        if (static_cast<int>(t.size()) <= s)
            t.insert(0, static_cast<std::size_t>(s) + 1 - t.size(), '0');
        t.insert(t.size() - static_cast<std::size_t>(s), ".");
        return t;
    }
};

/// The years of a linked model's estimate, T first; {} without "years".
inline std::vector<int> estimate_years(const linked_model& lm) {
    std::vector<int> out;
    if (!lm.has_years()) return out;
    for (int y = lm.years()->budget_year; y <= lm.years()->last_year; ++y) out.push_back(y);
    return out;
}

/// The cumulative factor F_s(year) of index series `series`: the exact product of its factors of
/// the years after the budget year up to `year` (1 in the budget year). Throws
/// std::invalid_argument for a model without years or a year outside the estimate; a year
/// without a factor counts 1 (linking refuses that for every series a category uses).
inline exact_decimal cumulative_factor(const linked_model& lm, const std::string& series,
                                       int year) {
    if (!lm.has_years() || year < lm.years()->budget_year || year > lm.years()->last_year)
        throw std::invalid_argument("zbb: year " + std::to_string(year) +
                                    " is outside the model's estimate");
    exact_decimal f;
    for (const auto& step : lm.years()->index_series)
        if (step.series == series && step.year <= year) f = f * step.factor;
    return f;
}

/// The model's resources with their prices in `year` (price, price_low and price_high times the
/// cumulative factor of their category's series; resources of a category without indexation
/// unchanged). Throws money_overflow (entity "resource", field "price") for an indexed price of
/// 2^53 minor units or more, naming the year.
inline std::vector<resource> indexed_resources(const linked_model& lm, int year) {
    std::vector<resource> out = lm.view().resources;
    if (!lm.has_years() || year == lm.years()->budget_year) return out;
    std::unordered_map<std::string, exact_decimal> factor_of_category;
    for (const auto& c : lm.years()->indexation)
        factor_of_category.emplace(c.category, cumulative_factor(lm, c.series, year));
    for (auto& r : out) {
        const auto it = factor_of_category.find(r.category);
        if (it == factor_of_category.end()) continue;
        const error_location where{"resource", r.id, "price"};
        auto index = [&](decimal& p) {
            const std::string text = (it->second * p).text(30, p.scale());
            try {
                p = decimal::parse(text, where);
                detail::check_money_range(p, lm.currency().minor_digits, where);
            } catch (const money_overflow&) {
                throw money_overflow(where, "the price indexed to " + std::to_string(year) + " (" +
                                                text + ") is too large");
            }
        };
        index(r.price);
        if (r.price_low) index(*r.price_low);
        if (r.price_high) index(*r.price_high);
    }
    return out;
}

/// The plan of `year`: the model's plan with every (goal, activity) of years.volumes in that year
/// at its volume (the row keeps its place and area; a pair without a row is added at the end).
inline zbb::plan year_plan(const linked_model& lm, int year) {
    zbb::plan p = lm.view().plan;
    if (!lm.has_years()) return p;
    std::unordered_map<std::string, std::size_t> row_of;
    for (std::size_t i = 0; i < p.rows.size(); ++i)
        row_of.emplace(detail::pair_id(p.rows[i].goal, p.rows[i].activity), i);
    for (const auto& v : lm.years()->volumes) {
        if (v.year != year) continue;
        const auto it = row_of.find(detail::pair_id(v.goal, v.activity));
        if (it != row_of.end())
            p.rows[it->second].volume = v.volume;
        else
            p.rows.push_back({v.goal, v.activity, v.volume});
    }
    return p;
}

/// The linked model of `year`: its indexed prices and its plan, without the estimate (a model of
/// one year); shares every matrix and the support factorisation with `lm`. The budget year's
/// model computes the same budget as `lm`.
inline linked_model year_model(const linked_model& lm, int year) {
    const auto years = estimate_years(lm);
    if (years.empty() || year < years.front() || year > years.back())
        throw std::invalid_argument("zbb: year " + std::to_string(year) +
                                    " is outside the model's estimate");
    linked_model one_year = with_years(lm, std::nullopt);
    if (year == years.front()) return one_year;
    return with_plan(with_resource_prices(one_year, indexed_resources(lm, year)),
                     year_plan(lm, year));
}

/// The multi-year estimate's budgets.
struct multi_year_budget {
    std::vector<int> years;       ///< T, T+1, ..., last_year
    std::vector<budget> budgets;  ///< one per year, each cross-footing on its own
    money total;                  ///< the exact sum of the years' totals
    /// Per breakdown, per key, the exact sum over the years (keys and order of every year's
    /// breakdown; values are the sums of the computed values).
    breakdown by_goal, by_activity, by_resource, by_partner, by_category, by_area;
    /// Each year's warnings, prefixed with the year ("2029: activity 'A': volume ...").
    std::vector<std::string> warnings;
    /// The sluitend check per year (zbb/balance.hpp); empty unless years.municipality is set.
    std::vector<year_balance> balances;

    /// True when every year is structurally balanced (and there is a check).
    bool structurally_balanced() const {
        if (balances.empty()) return false;
        for (const auto& b : balances)
            if (!b.structurally_balanced()) return false;
        return true;
    }

    /// The budget of `year`; throws std::out_of_range for a year outside the estimate.
    const budget& of(int year) const {
        for (std::size_t i = 0; i < years.size(); ++i)
            if (years[i] == year) return budgets[i];
        throw std::out_of_range("zbb: year " + std::to_string(year) + " is not in the estimate");
    }
    /// The breakdown of kind "goal", "activity", "resource", "partner", "category" or "area" of
    /// the multi-year total (or of one year's budget `b`); throws std::invalid_argument otherwise.
    static const breakdown& kind_of(const budget& b, const std::string& kind) {
        if (kind == "goal") return b.by_goal;
        if (kind == "activity") return b.by_activity;
        if (kind == "resource") return b.by_resource;
        if (kind == "partner") return b.by_partner;
        if (kind == "category") return b.by_category;
        if (kind == "area") return b.by_area;
        throw std::invalid_argument("zbb: unknown breakdown '" + kind + "'");
    }
    const breakdown& total_of(const std::string& kind) const {
        if (kind == "goal") return by_goal;
        if (kind == "activity") return by_activity;
        if (kind == "resource") return by_resource;
        if (kind == "partner") return by_partner;
        if (kind == "category") return by_category;
        if (kind == "area") return by_area;
        throw std::invalid_argument("zbb: unknown breakdown '" + kind + "'");
    }
};

/// The budgets of every year of the estimate and their sums. Throws std::invalid_argument for a
/// model without years; model_error / money_overflow as compute_budget, for the year whose
/// budget fails (indexed prices: see indexed_resources).
inline multi_year_budget compute_multi_year_budget(const linked_model& lm,
                                                   const budget_options& options = {}) {
    if (!lm.has_years())
        throw std::invalid_argument("zbb: the model has no multi-year estimate (\"years\")");
    multi_year_budget out;
    out.years = estimate_years(lm);
    out.budgets.reserve(out.years.size());
    for (int y : out.years) {
        out.budgets.push_back(compute_budget(year_model(lm, y), options));
        for (const auto& w : out.budgets.back().warnings)
            out.warnings.push_back(std::to_string(y) + ": " + w);
    }
    const budget& first = out.budgets.front();
    out.total = money{};
    for (const auto& b : out.budgets) out.total += b.total;
    auto sum = [&](breakdown budget::*member, breakdown& into) {
        const breakdown& f = first.*member;
        into.keys = f.keys;
        into.amounts.assign(f.amounts.size(), money{});
        into.values.assign(f.values.size(), 0.0);
        for (const auto& b : out.budgets)
            for (std::size_t i = 0; i < f.amounts.size(); ++i) {
                into.amounts[i] += (b.*member).amounts[i];
                into.values[i] += (b.*member).values[i];
            }
    };
    sum(&budget::by_goal, out.by_goal);
    sum(&budget::by_activity, out.by_activity);
    sum(&budget::by_resource, out.by_resource);
    sum(&budget::by_partner, out.by_partner);
    sum(&budget::by_category, out.by_category);
    sum(&budget::by_area, out.by_area);
    if (!lm.years()->municipality.empty())
        for (std::size_t i = 0; i < out.years.size(); ++i)
            out.balances.push_back(compute_year_balance(lm, out.budgets[i], out.years[i]));
    return out;
}

// --- reports ------------------------------------------------------------------------------------

/// The breakdowns a multi-year report shows, in order (area only for a model with areas).
inline std::vector<std::string> multi_year_kinds(const linked_model& lm) {
    std::vector<std::string> k{"goal", "activity", "resource", "partner", "category"};
    if (lm.has_areas()) k.push_back("area");
    return k;
}

/// The multi-year report as JSON ("zbb-years/1"): the years, the total per year and in all, and
/// per breakdown each key's amount per year and in all (exact decimal strings), then the indexed
/// unit price of every indexed resource per year.
inline std::string multi_year_report_json(const linked_model& lm, const multi_year_budget& m,
                                          int indent = 2) {
    const int digits = lm.currency().minor_digits;
    std::string out;
    detail::json_writer j(out, indent);
    j.begin_object();
    j.key("format");
    j.value("zbb-years/1");
    j.key("model");
    j.value(lm.view().name);
    j.key("currency");
    j.value(lm.currency().code);
    j.key("years");
    j.begin_inline();
    j.begin_array();
    for (int y : m.years) j.value(y);
    j.end_array();
    j.end_inline();
    j.key("total");
    j.value(m.total.to_string(digits));
    j.key("by_year");
    j.begin_inline();
    j.begin_object();
    for (std::size_t i = 0; i < m.years.size(); ++i) {
        j.key(std::to_string(m.years[i]));
        j.value(m.budgets[i].total.to_string(digits));
    }
    j.end_object();
    j.end_inline();
    for (const auto& kind : multi_year_kinds(lm)) {
        const breakdown& all = m.total_of(kind);
        j.key("by_" + kind);
        j.begin_object();
        for (std::size_t k = 0; k < all.keys.size(); ++k) {
            j.key(all.keys[k]);
            j.begin_inline();
            j.begin_object();
            for (std::size_t i = 0; i < m.years.size(); ++i) {
                j.key(std::to_string(m.years[i]));
                j.value(
                    multi_year_budget::kind_of(m.budgets[i], kind).amounts[k].to_string(digits));
            }
            j.key("total");
            j.value(all.amounts[k].to_string(digits));
            j.end_object();
            j.end_inline();
        }
        j.end_object();
    }
    if (!m.balances.empty()) {
        j.key("balance");
        j.begin_object();
        j.key("municipality");
        j.value(lm.years()->municipality);
        j.key("structurally_balanced");
        j.value(m.structurally_balanced());
        j.key("years");
        j.begin_object();
        for (const auto& yb : m.balances) {
            j.key(std::to_string(yb.year));
            j.begin_inline();
            j.begin_object();
            for (const auto& line : balance_lines(yb)) {
                j.key(line.key);
                j.value(line.amount.to_string(digits));
            }
            if (yb.off_bound > 0) {  // cells of the split that left floor or ceiling (rare)
                j.key("off_bound");
                j.value(static_cast<std::int64_t>(yb.off_bound));
            }
            j.key("structurally_balanced");
            j.value(yb.structurally_balanced());
            j.end_object();
            j.end_inline();
        }
        j.end_object();
        j.end_object();
    }
    j.key("prices");
    j.begin_object();
    std::vector<std::vector<resource>> prices;
    for (int y : m.years) prices.push_back(indexed_resources(lm, y));
    std::unordered_map<std::string, bool> indexed;
    for (const auto& c : lm.years()->indexation) indexed[c.category] = true;
    const auto& resources = lm.view().resources;
    for (std::size_t r = 0; r < resources.size(); ++r) {
        if (!indexed.count(resources[r].category)) continue;
        j.key(resources[r].id);
        j.begin_inline();
        j.begin_object();
        for (std::size_t i = 0; i < m.years.size(); ++i) {
            j.key(std::to_string(m.years[i]));
            j.value(prices[i][r].price.text());
        }
        j.end_object();
        j.end_inline();
    }
    j.end_object();
    j.key("warnings");
    j.begin_array();
    for (const auto& w : m.warnings) j.value(w);
    j.end_array();
    j.end_object();
    j.newline();
    return out;
}

/// The multi-year report as one tidy CSV table: columns breakdown, key, year, amount; the totals
/// per year first (breakdown "total", key empty), then every key of every breakdown per year.
/// The multi-year sums are left to the reader (they are the sums of the rows).
inline std::string multi_year_report_csv(const linked_model& lm, const multi_year_budget& m) {
    const int digits = lm.currency().minor_digits;
    std::string out = "breakdown,key,year,amount\n";
    for (std::size_t i = 0; i < m.years.size(); ++i)
        out += "total,," + std::to_string(m.years[i]) + "," + m.budgets[i].total.to_string(digits) +
               "\n";
    for (const auto& kind : multi_year_kinds(lm)) {
        const breakdown& all = m.total_of(kind);
        for (std::size_t k = 0; k < all.keys.size(); ++k)
            for (std::size_t i = 0; i < m.years.size(); ++i) {
                out.append(kind).push_back(',');
                detail::csv_field(out, all.keys[k]);
                out.push_back(',');
                out.append(std::to_string(m.years[i])).push_back(',');
                out.append(
                    multi_year_budget::kind_of(m.budgets[i], kind).amounts[k].to_string(digits));
                out.push_back('\n');
            }
    }
    for (const auto& yb : m.balances)
        for (const auto& line : balance_lines(yb)) {
            out.append("balance,").append(line.key).push_back(',');
            out.append(std::to_string(yb.year)).push_back(',');
            out.append(line.amount.to_string(digits)).push_back('\n');
        }
    return out;
}

/// The multi-year report as text: per breakdown a table with one column per year and the
/// multi-year total, each with its Total row (the sums of the columns, to the cent).
inline std::string multi_year_report_text(const linked_model& lm, const multi_year_budget& m) {
    const int digits = lm.currency().minor_digits;
    const auto& src = lm.view();
    std::ostringstream out;
    out << "zbb multi-year estimate: "
        << (src.name.empty() ? "(unnamed model)" : detail::printable(src.name)) << ", "
        << m.years.front() << "-" << m.years.back() << " (budget year " << m.years.front() << ")\n";
    out << "Total " << m.years.front() << "-" << m.years.back() << ": " << lm.currency().code << " "
        << grouped_text(m.total, digits) << "\n\n";
    const char* titles[] = {"Cost by goal (support costs charged by the reciprocal method)",
                            "Own cost by activity",
                            "Cost by resource",
                            "Cost by partner (funding shares of each activity's own cost)",
                            "Cost by category",
                            "Cost by area (full cost of each plan entry in its area)"};
    std::size_t t_index = 0;
    for (const auto& kind : multi_year_kinds(lm)) {
        std::vector<std::string> head{"id"};
        std::vector<bool> right{false};
        for (int y : m.years) {
            head.push_back(std::to_string(y));
            right.push_back(true);
        }
        head.push_back("total");
        right.push_back(true);
        text_table t{head, {}, right};
        const breakdown& all = m.total_of(kind);
        for (std::size_t k = 0; k < all.keys.size(); ++k) {
            std::vector<std::string> row{all.keys[k]};
            for (std::size_t i = 0; i < m.years.size(); ++i)
                row.push_back(grouped_text(
                    multi_year_budget::kind_of(m.budgets[i], kind).amounts[k], digits));
            row.push_back(grouped_text(all.amounts[k], digits));
            t.rows.push_back(std::move(row));
        }
        std::vector<std::string> total{"Total"};
        for (const auto& b : m.budgets) total.push_back(grouped_text(b.total, digits));
        total.push_back(grouped_text(m.total, digits));
        t.rows.push_back(std::move(total));
        out << titles[t_index++] << ", " << lm.currency().code << "\n" << t.render() << "\n";
    }
    if (!m.balances.empty()) {
        std::vector<std::string> head{"line"};
        std::vector<bool> right{false};
        for (int y : m.years) {
            head.push_back(std::to_string(y));
            right.push_back(true);
        }
        text_table t{head, {}, right};
        const auto first = balance_lines(m.balances.front());
        for (std::size_t l = 0; l < first.size(); ++l) {
            std::vector<std::string> row{first[l].label};
            for (const auto& yb : m.balances)
                row.push_back(grouped_text(balance_lines(yb)[l].amount, digits));
            t.rows.push_back(std::move(row));
        }
        std::vector<std::string> verdict{"structurally balanced"};
        for (const auto& yb : m.balances)
            verdict.push_back(yb.structurally_balanced() ? "yes" : "no");
        t.rows.push_back(std::move(verdict));
        out << "Balance (sluitend): the costs of partner '"
            << detail::printable(lm.years()->municipality)
            << "' against its income, structural and incidental, " << lm.currency().code << "\n"
            << t.render();
        std::vector<std::string> short_years;
        for (const auto& yb : m.balances)
            if (!yb.structurally_balanced())
                short_years.push_back(std::to_string(yb.year) + " (" +
                                      grouped_text(yb.shortfall.structural, digits) + ")");
        if (short_years.empty()) {
            out << "Structurally balanced (structureel sluitend) in every year.\n\n";
        } else {
            out << "Not structurally balanced in ";
            for (std::size_t i = 0; i < short_years.size(); ++i)
                out << (i ? ", " : "") << short_years[i];
            out << ": the structural income falls short by these amounts.\n\n";
        }
    }
    // The indexed prices, so that each year can be checked by hand.
    std::unordered_map<std::string, std::string> series_of;
    for (const auto& c : lm.years()->indexation) series_of[c.category] = c.series;
    std::vector<std::string> head{"resource", "category", "series"};
    std::vector<bool> right{false, false, false};
    for (int y : m.years) {
        head.push_back(std::to_string(y));
        right.push_back(true);
    }
    text_table t{head, {}, right};
    std::vector<std::vector<resource>> prices;
    for (int y : m.years) prices.push_back(indexed_resources(lm, y));
    for (std::size_t r = 0; r < src.resources.size(); ++r) {
        const auto it = series_of.find(src.resources[r].category);
        if (it == series_of.end()) continue;
        std::vector<std::string> row{src.resources[r].id, src.resources[r].category, it->second};
        for (const auto& p : prices) row.push_back(p[r].price.text());
        t.rows.push_back(std::move(row));
    }
    if (!t.rows.empty())
        out << "Unit prices per year (indexed: price x the series' factors since the budget "
               "year)\n"
            << t.render();
    else
        out << "No prices are indexed (no \"indexation\" rows).\n";
    if (!m.warnings.empty()) {
        out << "\nWarnings\n";
        for (const auto& w : m.warnings) out << "  - " << w << "\n";
    }
    return out.str();
}

/// The budget report of a model with years (the budget year's budget `b`, as
/// budget_report_json) with the member "by_year": the total of every year of the estimate.
inline std::string budget_report_json(const linked_model& lm, const budget& b,
                                      const multi_year_budget& m, int indent = 2) {
    std::string out;
    detail::json_writer j(out, indent);
    j.begin_object();
    detail::write_budget_members(j, lm, b);
    j.key("by_year");
    j.begin_inline();
    j.begin_object();
    for (std::size_t i = 0; i < m.years.size(); ++i) {
        j.key(std::to_string(m.years[i]));
        j.value(m.budgets[i].total.to_string(b.currency.minor_digits));
    }
    j.end_object();
    j.end_inline();
    j.end_object();
    j.newline();
    return out;
}

/// The budget report of a model with years as CSV: budget_report_csv and a line per year
/// (breakdown "year", key the year, amount its total).
inline std::string budget_report_csv(const linked_model& lm, const budget& b,
                                     const multi_year_budget& m) {
    std::string out = budget_report_csv(lm, b);
    for (std::size_t i = 0; i < m.years.size(); ++i)
        out += "year," + std::to_string(m.years[i]) + "," +
               m.budgets[i].total.to_string(b.currency.minor_digits) + "\n";
    return out;
}

/// The budget report of a model with years as text: budget_report_text and the total per year.
inline std::string budget_report_text(const linked_model& lm, const budget& b,
                                      const multi_year_budget& m) {
    const int digits = b.currency.minor_digits;
    std::string out = budget_report_text(lm, b);
    text_table t{{"year", b.currency.code}, {}, {false, true}};
    for (std::size_t i = 0; i < m.years.size(); ++i)
        t.rows.push_back({std::to_string(m.years[i]), grouped_text(m.budgets[i].total, digits)});
    t.rows.push_back({"Total", grouped_text(m.total, digits)});
    out += "\nTotal per year of the estimate (the budget above is " +
           std::to_string(m.years.front()) + "; zbb budget --by year shows every year)\n" +
           t.render();
    return out;
}

}  // namespace zbb

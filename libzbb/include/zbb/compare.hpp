// zbb/compare.hpp - comparing variants of a model (docs/variants.md): one column per variant, the
// base first, each the budget of its changed model computed on its own; the exact change of every
// line against a reference column; weighted attainment, goals reached and dominance. Reports in
// JSON ("zbb-compare/1"), CSV and text, written from the result structs.
//
// The budget question lives here (zbb::zbb); the optimiser's questions (least cost, max effect)
// are in zbb/optimize/compare.hpp (zbb::optimize), which gives compare_variants its outcomes.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zbb/budget.hpp"
#include "zbb/error.hpp"
#include "zbb/goals.hpp"
#include "zbb/json_writer.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/money.hpp"
#include "zbb/text_table.hpp"
#include "zbb/variant.hpp"

namespace zbb {

/// Attainments (fractions of a goal's gap, in [0, 1]) within this of each other count as equal
/// when deciding dominance, so that floating-point noise never makes a variant "better".
inline constexpr double compare_attainment_tolerance = 1e-9;

/// Settings of a comparison.
struct compare_options {
    std::string reference = "base";  ///< the column every change is measured against
    budget_options budget;           ///< rounding and threads of every column's budget
};

/// What the question gave for one column: a budget, or a status saying why there is none.
struct compare_outcome {
    std::string status = "ok";     ///< "ok", or e.g. "infeasible", "time_limit", "error"
    std::string message;           ///< one line when the status is not ok
    std::optional<budget> result;  ///< the column's budget (status ok)
};

/// The exact change of one breakdown against the reference: an amount per key.
struct breakdown_change {
    key_list keys;
    std::vector<money> amounts;
};

/// The change of a column against the reference column. Each breakdown's changes sum exactly to
/// `total`; a line whose computed (unrounded) value did not change shows exactly 0.
struct budget_change {
    money total;
    breakdown_change by_goal, by_activity, by_resource, by_partner, by_category;
};

/// One column of a comparison.
struct compare_column {
    std::string name;  ///< "base" or the variant's name
    std::string status = "ok";
    std::string message;
    std::optional<budget> result;    ///< the budget of the column's model (status ok)
    std::vector<double> attainment;  ///< per goal, progress_toward(...).attainment (status ok)
    double weighted_attainment = 0;  ///< sum of weight x attainment, the column's weights
    std::size_t goals_reached = 0;
    std::optional<budget_change> change;    ///< against the reference (both ok)
    std::vector<std::string> dominated_by;  ///< columns that dominate this one
    bool ok() const noexcept { return status == "ok"; }
};

/// A comparison: the columns, base first, in the order of the variants.
struct comparison {
    zbb::currency currency;
    std::string model;  ///< the base model's name
    std::string reference;
    key_list goal_keys, activity_keys, resource_keys, partner_keys, category_keys;
    std::vector<compare_column> columns;
};

namespace detail {
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

/// The change of a breakdown: `total` (the exact change of the total) allocated by the largest
/// remainder over the lines whose computed value changed (now[i] != ref[i]), each the floor or
/// ceiling of its exact change now[i] - ref[i]; unchanged lines get 0. Should no line have
/// changed while the total did (only possible through rounding noise), the change of the rounded
/// amounts is used.
inline std::vector<money> allocate_change(const money& total, std::span<const double> now,
                                          std::span<const double> ref,
                                          std::span<const money> now_amounts,
                                          std::span<const money> ref_amounts) {
    const std::size_t n = now.size();
    std::vector<money> out(n);
    std::vector<std::size_t> lines;
    for (std::size_t i = 0; i < n; ++i)
        if (now[i] != ref[i]) lines.push_back(i);
    if (lines.empty()) {
        if (total.minor_units() != 0)
            for (std::size_t i = 0; i < n; ++i) out[i] = now_amounts[i] - ref_amounts[i];
        return out;
    }
    std::vector<std::int64_t> floors(lines.size());
    std::vector<double> rest(lines.size()), delta(lines.size());
    int128 k = total.minor_units();
    for (std::size_t j = 0; j < lines.size(); ++j) {
        delta[j] = now[lines[j]] - ref[lines[j]];
        const double f = std::floor(delta[j]);
        floors[j] = static_cast<std::int64_t>(f);
        rest[j] = delta[j] - f;
        k -= floors[j];
    }
    // 0 <= k < m after adding the same number of units to every line (only when the values are
    // far from the totals, never in practice).
    const auto m = static_cast<std::int64_t>(lines.size());
    const auto k64 = static_cast<std::int64_t>(k);
    const std::int64_t each = floor_div(k64, m);
    const auto extra = static_cast<std::size_t>(k64 - each * m);
    std::vector<std::size_t> order(lines.size());
    for (std::size_t j = 0; j < order.size(); ++j) order[j] = j;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (rest[a] != rest[b]) return rest[a] > rest[b];
        if (std::fabs(delta[a]) != std::fabs(delta[b]))
            return std::fabs(delta[a]) > std::fabs(delta[b]);
        return a < b;
    });
    for (std::size_t j = 0; j < order.size(); ++j) {
        const std::size_t at = order[j];
        out[lines[at]] =
            money::from_minor(int128(floors[at] + each + (j < extra ? std::int64_t{1} : 0)));
    }
    return out;
}

inline breakdown_change change_of(const money& total, const breakdown& now, const breakdown& ref) {
    return {now.keys, allocate_change(total, now.values, ref.values, now.amounts, ref.amounts)};
}

inline void check_column_names(const std::vector<variant>& variants) {
    for (std::size_t i = 0; i < variants.size(); ++i) {
        const auto& name = variants[i].name;
        if (name.empty()) fail({"variant", "", "name"}, "a variant in a comparison needs a name");
        if (name == "base")
            fail({"variant", name, "name"},
                 "\"base\" names the base model's column; give the variant another name");
        for (std::size_t j = 0; j < i; ++j)
            if (variants[j].name == name)
                fail({"variant", name, "name"},
                     "two variants have this name; names in a comparison must be unique");
    }
}
}  // namespace detail

/// One column of a comparison from its model and outcome: status, budget and, when the status
/// is ok, each goal's attainment (progress_toward), the weighted attainment and the goals
/// reached. Change and dominance are the comparison's (assemble_comparison). This is the part of
/// a comparison that can run anywhere (a worker of an executor, see zbb/compare_state.hpp).
inline compare_column make_compare_column(std::string name, const linked_model& model,
                                          compare_outcome outcome) {
    compare_column col;
    col.name = std::move(name);
    col.status = std::move(outcome.status);
    col.message = std::move(outcome.message);
    col.result = std::move(outcome.result);
    if (col.ok() && !col.result)
        throw std::invalid_argument("zbb: an outcome with status ok needs a budget");
    if (!col.ok()) {
        col.result.reset();
        return col;
    }
    const auto& goals = model.view().goals;
    for (std::size_t g = 0; g < goals.size(); ++g) {
        const auto p =
            progress_toward(goals[g], col.result->projected[static_cast<Eigen::Index>(g)]);
        col.attainment.push_back(p.attainment);
        col.weighted_attainment += goals[g].weight * p.attainment;
        if (p.reached) ++col.goals_reached;
    }
    return col;
}

/// A comparison from columns made by make_compare_column, columns[0] the base: computes the
/// change of every column against options.reference and dominance: column A is dominated by B
/// when B's total is at most A's and B's attainment is at least A's on every goal (within
/// compare_attainment_tolerance), at least one of them strictly. `base` gives the keys, the
/// currency and the model's name. Throws model_error for an unknown reference (entity "option",
/// field "reference"), a first column not named "base", a later column named "base", unnamed or
/// named twice (field "name"), and a column without the base's lines (field "state").
inline comparison assemble_comparison(const linked_model& base, std::vector<compare_column> columns,
                                      const compare_options& options = {}) {
    if (columns.empty() || columns[0].name != "base")
        detail::fail({"variant", columns.empty() ? "" : columns[0].name, "name"},
                     "the first column of a comparison is the base model's, named \"base\"");
    for (std::size_t i = 1; i < columns.size(); ++i) {
        if (columns[i].name.empty() || columns[i].name == "base")
            detail::fail({"variant", columns[i].name, "name"},
                         "a variant's column needs a name other than \"base\"");
        for (std::size_t j = 1; j < i; ++j)
            if (columns[j].name == columns[i].name)
                detail::fail({"variant", columns[i].name, "name"},
                             "two columns have this name; names in a comparison must be unique");
    }
    comparison c;
    c.currency = base.currency();
    c.model = base.view().name;
    c.reference = options.reference;
    c.goal_keys = base.goal_keys();
    c.activity_keys = base.activity_keys();
    c.resource_keys = base.resource_keys();
    c.partner_keys = base.partner_keys();
    c.category_keys = base.category_keys();
    std::size_t ref = columns.size();
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].name == options.reference) ref = i;
    if (ref == columns.size()) {
        std::string known;
        for (const auto& col : columns) {
            if (!known.empty()) known += ", ";
            known += col.name;
        }
        detail::fail({"option", "", "reference"},
                     "unknown column '" + options.reference + "'; use one of " + known);
    }
    for (const auto& col : columns)
        if (col.ok() && (!col.result || col.result->by_goal.amounts.size() != c.goal_keys.size() ||
                         col.result->by_activity.amounts.size() != c.activity_keys.size() ||
                         col.result->by_resource.amounts.size() != c.resource_keys.size() ||
                         col.result->by_partner.amounts.size() != c.partner_keys.size() ||
                         col.result->by_category.amounts.size() != c.category_keys.size() ||
                         col.attainment.size() != c.goal_keys.size()))
            detail::fail({"variant", col.name, "state"},
                         "the column does not have the base model's lines");
    c.columns = std::move(columns);
    const compare_column& r = c.columns[ref];
    for (auto& col : c.columns) {
        if (!col.ok() || !r.ok()) continue;
        const budget &now = *col.result, &was = *r.result;
        budget_change ch;
        ch.total = now.total - was.total;
        ch.by_goal = detail::change_of(ch.total, now.by_goal, was.by_goal);
        ch.by_activity = detail::change_of(ch.total, now.by_activity, was.by_activity);
        ch.by_resource = detail::change_of(ch.total, now.by_resource, was.by_resource);
        ch.by_partner = detail::change_of(ch.total, now.by_partner, was.by_partner);
        ch.by_category = detail::change_of(ch.total, now.by_category, was.by_category);
        col.change = std::move(ch);
    }
    for (auto& a : c.columns) {
        if (!a.ok()) continue;
        for (const auto& b : c.columns) {
            if (&a == &b || !b.ok() || b.result->total > a.result->total) continue;
            bool at_least = true, better = b.result->total < a.result->total;
            for (std::size_t g = 0; g < a.attainment.size() && at_least; ++g) {
                if (b.attainment[g] < a.attainment[g] - compare_attainment_tolerance)
                    at_least = false;
                if (b.attainment[g] > a.attainment[g] + compare_attainment_tolerance) better = true;
            }
            if (at_least && better) a.dominated_by.push_back(b.name);
        }
    }
    return c;
}

/// Compares columns that are already computed: `models[i]` is column i's model (for its goals'
/// baselines, targets and weights), `outcomes[i]` its budget or status; names[0] is "base".
/// make_compare_column for each, then assemble_comparison.
inline comparison compare_columns(const std::vector<std::string>& names,
                                  const std::vector<linked_model>& models,
                                  std::vector<compare_outcome> outcomes,
                                  const compare_options& options = {}) {
    if (names.empty() || names.size() != models.size() || names.size() != outcomes.size())
        throw std::invalid_argument("zbb: compare_columns needs one model and outcome per name");
    std::vector<compare_column> columns;
    columns.reserve(names.size());
    for (std::size_t i = 0; i < names.size(); ++i)
        columns.push_back(make_compare_column(names[i], models[i], std::move(outcomes[i])));
    return assemble_comparison(models[0], std::move(columns), options);
}

/// `outcome_of(model)` for the variant named `name`: an error while computing it (an amount beyond
/// the range, say) is rethrown as the same class with "variant 'NAME': " before its message.
template <class OutcomeOf>
compare_outcome variant_outcome(const std::string& name, const linked_model& model,
                                OutcomeOf&& outcome_of) {
    try {
        return outcome_of(model);
    } catch (...) {
        std::string context = "variant '";
        context += name;
        context += '\'';
        rethrow_with_context(context);
    }
}

/// Compares `base` with each variant: column "base" first, then one column per variant in order,
/// each model made by apply_variant(base, v) and its outcome given by `outcome_of(model)` (a
/// callable from const linked_model& to compare_outcome: the budget, or an optimiser's plan).
/// Variant names must be non-empty, unique and never "base" (model_error, entity "variant",
/// field "name"); an error in a variant is apply_variant's.
template <class OutcomeOf>
comparison compare_variants(const linked_model& base, const std::vector<variant>& variants,
                            OutcomeOf&& outcome_of, const compare_options& options = {}) {
    detail::check_column_names(variants);
    // One column at a time, in order (base first, then each variant applied and computed): the
    // first error is the same as when the columns are made by the tasks of an executor, and only
    // one changed model is alive at a time.
    std::vector<compare_column> columns;
    columns.reserve(variants.size() + 1);
    columns.push_back(make_compare_column("base", base, outcome_of(base)));
    for (const auto& v : variants) {
        const linked_model changed = apply_variant(base, v);
        columns.push_back(
            make_compare_column(v.name, changed, variant_outcome(v.name, changed, outcome_of)));
    }
    return assemble_comparison(base, std::move(columns), options);
}

/// Compares the budgets of the models' own plans (the bottom-up budget of each changed model,
/// options.budget for its rounding): every column equals compute_budget(apply_variant(base, v)).
inline comparison compare_budgets(const linked_model& base, const std::vector<variant>& variants,
                                  const compare_options& options = {}) {
    return compare_variants(
        base, variants,
        [&](const linked_model& m) {
            compare_outcome o;
            o.result = compute_budget(m, options.budget);
            return o;
        },
        options);
}

namespace detail {
struct compare_section {
    const char* name;      // JSON member
    const char* csv_name;  // CSV breakdown
    const char* title;     // text report
    const key_list* keys;
    const breakdown budget::*of_budget;
    const breakdown_change budget_change::*of_change;
};
inline std::vector<compare_section> compare_sections(const comparison& c) {
    return {
        {"by_goal", "goal", "Cost by goal", &c.goal_keys, &budget::by_goal,
         &budget_change::by_goal},
        {"by_partner", "partner", "Cost by partner", &c.partner_keys, &budget::by_partner,
         &budget_change::by_partner},
        {"by_activity", "activity", "Own cost by activity", &c.activity_keys, &budget::by_activity,
         &budget_change::by_activity},
        {"by_resource", "resource", "Cost by resource", &c.resource_keys, &budget::by_resource,
         &budget_change::by_resource},
        {"by_category", "category", "Cost by category", &c.category_keys, &budget::by_category,
         &budget_change::by_category},
    };
}
}  // namespace detail

/// The comparison as JSON ("zbb-compare/1", docs/variants.md): per column its status, total,
/// breakdowns, weighted attainment, goals reached, change against the reference and the columns
/// that dominate it; amounts as decimal strings with the currency's minor digits, null where a
/// status is not ok (and the change null when either column is not ok).
inline std::string compare_report_json(const comparison& c, int indent = 2) {
    const int digits = c.currency.minor_digits;
    std::string out;
    detail::json_writer j(out, indent);
    const auto sections = detail::compare_sections(c);
    j.begin_object();
    j.key("format");
    j.value("zbb-compare/1");
    j.key("model");
    j.value(c.model);
    j.key("currency");
    j.value(c.currency.code);
    j.key("reference");
    j.value(c.reference);
    j.key("variants");
    j.begin_object();
    for (const auto& col : c.columns) {
        j.key(col.name);
        j.begin_object();
        j.key("status");
        j.value(col.status);
        j.key("message");
        j.value(col.message);
        j.key("total");
        if (col.ok())
            j.value(col.result->total.to_string(digits));
        else
            j.null();
        for (const auto& s : sections) {
            j.key(s.name);
            if (!col.ok()) {
                j.null();
                continue;
            }
            const breakdown& br = (*col.result).*s.of_budget;
            j.begin_object();
            for (std::size_t i = 0; i < br.keys.size(); ++i) {
                j.key(br.keys[i]);
                j.value(br.amounts[i].to_string(digits));
            }
            j.end_object();
        }
        j.key("weighted_attainment");
        if (col.ok())
            j.value(col.weighted_attainment);
        else
            j.null();
        j.key("goals_reached");
        if (col.ok())
            j.value(static_cast<std::int64_t>(col.goals_reached));
        else
            j.null();
        j.key("change");
        if (!col.change) {
            j.null();
        } else {
            j.begin_object();
            j.key("total");
            j.value(col.change->total.to_string(digits));
            for (const auto& s : sections) {
                const breakdown_change& ch = (*col.change).*s.of_change;
                j.key(s.name);
                j.begin_object();
                for (std::size_t i = 0; i < ch.keys.size(); ++i) {
                    j.key(ch.keys[i]);
                    j.value(ch.amounts[i].to_string(digits));
                }
                j.end_object();
            }
            j.end_object();
        }
        j.key("dominated_by");
        j.begin_array();
        for (const auto& d : col.dominated_by) j.value(d);
        j.end_array();
        j.end_object();
    }
    j.end_object();
    j.end_object();
    j.newline();
    return out;
}

/// The comparison as one CSV table (RFC 4180, quoting as budget_report_csv): columns variant,
/// breakdown, key, amount, change; per column a total row (key empty) and a row per line of the
/// goal, partner, activity, resource and category breakdowns. Amount and change are exact decimal
/// text, empty where the column (or, for the change, the reference) has no budget.
inline std::string compare_report_csv(const comparison& c) {
    const int digits = c.currency.minor_digits;
    std::string out = "variant,breakdown,key,amount,change\n";
    auto field = [&](std::string_view s) {
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
    };
    auto row = [&](const compare_column& col, std::string_view breakdown_name, std::string_view key,
                   const money* amount, const money* change) {
        field(col.name);
        out += ',';
        out += breakdown_name;
        out += ',';
        field(key);
        out += ',';
        if (amount) out += amount->to_string(digits);
        out += ',';
        if (change) out += change->to_string(digits);
        out += '\n';
    };
    const auto sections = detail::compare_sections(c);
    for (const auto& col : c.columns) {
        row(col, "total", "", col.ok() ? &col.result->total : nullptr,
            col.change ? &col.change->total : nullptr);
        for (const auto& s : sections)
            for (std::size_t i = 0; i < s.keys->size(); ++i)
                row(col, s.csv_name, (*s.keys)[i],
                    col.ok() ? &((*col.result).*s.of_budget).amounts[i] : nullptr,
                    col.change ? &((*col.change).*s.of_change).amounts[i] : nullptr);
    }
    return out;
}

/// A readable comparison: a summary table (total, change, weighted attainment, goals reached,
/// dominated by) and per breakdown a table with each column's amount and change.
inline std::string compare_report_text(const comparison& c) {
    const int digits = c.currency.minor_digits;
    std::ostringstream out;
    out << "zbb compare: " << (c.model.empty() ? "(unnamed model)" : printable(c.model)) << "\n";
    out << "Amounts in " << c.currency.code << "; changes against '" << printable(c.reference)
        << "'\n\n";
    auto signed_text = [&](const money& m) {
        std::string text = grouped_text(m, digits);
        if (m.minor_units() > 0) text.insert(text.begin(), '+');
        return text;
    };
    {
        text_table t{{"variant", "status", "total", "change", "weighted attainment",
                      "goals reached", "dominated by"},
                     {},
                     {false, false, true, true, true, true, false}};
        for (const auto& col : c.columns) {
            std::string dominated;
            for (const auto& d : col.dominated_by) dominated += (dominated.empty() ? "" : ", ") + d;
            t.rows.push_back({col.name, col.status,
                              col.ok() ? grouped_text(col.result->total, digits) : "-",
                              col.change ? signed_text(col.change->total) : "-",
                              col.ok() ? fixed_text(col.weighted_attainment, 3) : "-",
                              col.ok() ? std::to_string(col.goals_reached) + " of " +
                                             std::to_string(col.attainment.size())
                                       : "-",
                              dominated.empty() ? "-" : dominated});
        }
        out << "Summary\n" << t.render();
    }
    for (const auto& s : detail::compare_sections(c)) {
        std::vector<std::string> header{"id"};
        std::vector<bool> right{false};
        for (const auto& col : c.columns) {
            header.push_back(col.name);
            right.push_back(true);
            if (col.name != c.reference) {
                header.push_back("change");
                right.push_back(true);
            }
        }
        text_table t{header, {}, right};
        for (std::size_t i = 0; i < s.keys->size(); ++i) {
            std::vector<std::string> cells{(*s.keys)[i]};
            for (const auto& col : c.columns) {
                cells.push_back(
                    col.ok() ? grouped_text(((*col.result).*s.of_budget).amounts[i], digits) : "-");
                if (col.name != c.reference)
                    cells.push_back(
                        col.change ? signed_text(((*col.change).*s.of_change).amounts[i]) : "-");
            }
            t.rows.push_back(std::move(cells));
        }
        std::vector<std::string> total{"Total"};
        for (const auto& col : c.columns) {
            total.push_back(col.ok() ? grouped_text(col.result->total, digits) : "-");
            if (col.name != c.reference)
                total.push_back(col.change ? signed_text(col.change->total) : "-");
        }
        t.rows.push_back(std::move(total));
        out << "\n" << s.title << "\n" << t.render();
    }
    bool any = false;
    for (const auto& col : c.columns)
        if (!col.ok()) {
            if (!any) out << "\nWithout a plan\n";
            any = true;
            out << "  - " << printable(col.name) << " (" << col.status
                << "): " << printable(col.message) << "\n";
        }
    return out.str();
}

}  // namespace zbb

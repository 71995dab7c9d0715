#pragma once
/// @file
/// The BBV view over the years of the estimate and its reports: JSON ("zbb-bbv/1"), a tidy CSV
/// table, text, and the programme report in Markdown with the three W-questions per programme.
/// docs/bbv.md.

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "zbb/bbv.hpp"
#include "zbb/json_writer.hpp"
#include "zbb/text_table.hpp"
#include "zbb/years.hpp"

namespace zbb {

/// The BBV view of every year of the estimate (one view of the budget for a model without years).
struct bbv_estimate {
    std::vector<int> years;       ///< T..last_year; empty for a model without years
    std::vector<budget> budgets;  ///< per year (one without years)
    std::vector<bbv_view> views;  ///< per year
    /// Per year, per programme: (activity, direct volume for the programme's goals), the planned
    /// activities in model order (empty without programmes).
    std::vector<std::vector<std::vector<std::pair<int, double>>>> programme_volumes;
};

namespace detail {
// Per programme, the direct volumes its goals plan (D summed over the programme's goals).
inline std::vector<std::vector<std::pair<int, double>>> programme_volumes_of(
    const linked_model& lm, const sparse_matrix& plan) {
    std::vector<std::vector<std::pair<int, double>>> out;
    if (!lm.has_programmes()) return out;
    const auto np = static_cast<std::size_t>(lm.programmes().size());
    const auto na = static_cast<std::size_t>(lm.activities().size());
    std::vector<std::vector<double>> dense(np);
    const auto& goals = lm.view().goals;
    for (int g = 0; g < plan.outerSize(); ++g) {
        const auto p = static_cast<std::size_t>(
            lm.programmes().find(goals[static_cast<std::size_t>(g)].programme));
        for (sparse_matrix::InnerIterator it(plan, g); it; ++it) {
            if (dense[p].empty()) dense[p].assign(na, 0.0);
            dense[p][static_cast<std::size_t>(it.row())] += it.value();
        }
    }
    out.resize(np);
    for (std::size_t p = 0; p < np; ++p)
        for (std::size_t a = 0; a < dense[p].size(); ++a)
            if (dense[p][a] != 0) out[p].emplace_back(static_cast<int>(a), dense[p][a]);
    return out;
}
}  // namespace detail

/// The BBV view of every year: each year's model (zbb/years.hpp, year_model), its budget, goal
/// tables and BBV view. Throws as compute_bbv and compute_budget.
inline bbv_estimate compute_bbv_estimate(const linked_model& lm,
                                         const budget_options& options = {}) {
    detail::require_bbv(lm);
    bbv_estimate e;
    auto add = [&](const linked_model& m) {
        e.budgets.push_back(compute_budget(m, options));
        e.views.push_back(
            compute_bbv(m, e.budgets.back(), compute_goal_activity_table(m, e.budgets.back())));
        e.programme_volumes.push_back(detail::programme_volumes_of(m, m.plan()));
    };
    if (!lm.has_years()) {
        add(lm);
        return e;
    }
    e.years = estimate_years(lm);
    for (int y : e.years) add(year_model(lm, y));
    return e;
}

namespace detail {
// "6.1 Samenkracht en burgerparticipatie".
inline std::string taakveld_label(const std::string& code) {
    return code + " " + std::string(bbv_name(taakvelden, code));
}
inline std::string category_label(const std::string& code) {
    return code + " " + std::string(bbv_name(economic_categories, code));
}
inline std::string year_label(const bbv_estimate& e, std::size_t i) {
    return e.years.empty() ? std::string("amount") : std::to_string(e.years[i]);
}
// A Markdown table: '|' in cells escaped, numbers right-aligned.
inline std::string markdown_table(const std::vector<std::string>& header,
                                  const std::vector<std::vector<std::string>>& rows,
                                  const std::vector<bool>& right) {
    auto cell = [](const std::string& s) {
        std::string out;
        for (char c : printable(s)) {
            if (c == '|') out += '\\';
            out += c;
        }
        return out;
    };
    std::string out = "|";
    for (const auto& h : header) {
        out += ' ';
        out += cell(h);
        out += " |";
    }
    out += "\n|";
    for (std::size_t c = 0; c < header.size(); ++c) out += right[c] ? " ---: |" : " --- |";
    out += "\n";
    for (const auto& r : rows) {
        out += "|";
        for (const auto& c : r) {
            out += ' ';
            out += cell(c);
            out += " |";
        }
        out += "\n";
    }
    return out;
}
// A table in the chosen form (text or Markdown).
inline std::string render_table(bool markdown, const std::vector<std::string>& header,
                                std::vector<std::vector<std::string>> rows,
                                const std::vector<bool>& right) {
    if (markdown) return markdown_table(header, rows, right);
    return text_table{header, std::move(rows), right}.render();
}
// One row per key of a per-year breakdown: label, each year's amount, and the sum over the years
// when there is more than one; then the Total row.
template <class Amount, class Label>
std::vector<std::vector<std::string>> year_rows(std::size_t n_keys, std::size_t n_years,
                                                Amount&& amount, Label&& label, int digits,
                                                bool total_row = true) {
    std::vector<std::vector<std::string>> rows;
    std::vector<money> column_total(n_years);
    for (std::size_t k = 0; k < n_keys; ++k) {
        std::vector<std::string> row{label(k)};
        money sum;
        for (std::size_t y = 0; y < n_years; ++y) {
            const money m = amount(k, y);
            row.push_back(grouped_text(m, digits));
            sum += m;
            column_total[y] += m;
        }
        if (n_years > 1) row.push_back(grouped_text(sum, digits));
        rows.push_back(std::move(row));
    }
    if (total_row) {
        std::vector<std::string> row{"Total"};
        money sum;
        for (const auto& m : column_total) {
            row.push_back(grouped_text(m, digits));
            sum += m;
        }
        if (n_years > 1) row.push_back(grouped_text(sum, digits));
        rows.push_back(std::move(row));
    }
    return rows;
}
inline std::vector<std::string> year_header(const bbv_estimate& e, const std::string& first) {
    std::vector<std::string> h{first};
    for (std::size_t y = 0; y < e.views.size(); ++y) h.push_back(year_label(e, y));
    if (e.views.size() > 1) h.push_back("total");
    return h;
}
inline std::vector<bool> year_right(const bbv_estimate& e) {
    std::vector<bool> r(1, false);
    r.resize(1 + e.views.size() + (e.views.size() > 1 ? 1 : 0), true);
    return r;
}
// The amount of key `code` in breakdown `br` (zero when the year books nothing there).
inline money amount_of(const breakdown& br, const std::string& code) {
    for (std::size_t k = 0; k < br.keys.size(); ++k)
        if (br.keys[k] == code) return br.amounts[k];
    return {};
}
// The codes booked in any year, in code-list order.
template <std::size_t N, class Of>
std::vector<std::string> codes_used(const bbv_estimate& e, const std::array<bbv_code, N>& list,
                                    Of&& of) {
    std::vector<std::string> out;
    for (const auto& c : list)
        for (const auto& v : e.views) {
            const auto& keys = of(v).ids();
            if (std::find(keys.begin(), keys.end(), c.code) != keys.end()) {
                out.emplace_back(c.code);
                break;
            }
        }
    return out;
}

// The shared sections of the text and Markdown reports: taakvelden and economic categories per
// year, overhead, the taakveld x category table and the reconciliation of the budget year.
inline std::string bbv_tables(const linked_model& lm, const bbv_estimate& e, bool md) {
    const int digits = lm.currency().minor_digits;
    const std::string cur = lm.currency().code;
    const std::string h = md ? "## " : "";
    const std::string end = md ? "\n" : "";
    std::string out;
    const auto tv = codes_used(e, taakvelden, [](const bbv_view& v) { return v.by_taakveld.keys; });
    out += h +
           "Taakvelden (BBV view: each activity's own cost on its taakveld, support activities on "
           "0.4 Overhead unless they name another), " +
           cur + "\n" + end;
    out += render_table(
        md, year_header(e, "taakveld"),
        year_rows(
            tv.size(), e.views.size(),
            [&](std::size_t k, std::size_t y) { return amount_of(e.views[y].by_taakveld, tv[k]); },
            [&](std::size_t k) { return taakveld_label(tv[k]); }, digits),
        year_right(e));
    const auto ec = codes_used(e, economic_categories,
                               [](const bbv_view& v) { return v.by_economic_category.keys; });
    out += "\n" + h + "Economic categories (Iv3), " + cur + "\n" + end;
    out += render_table(md, year_header(e, "economic category"),
                        year_rows(
                            ec.size(), e.views.size(),
                            [&](std::size_t k, std::size_t y) {
                                return amount_of(e.views[y].by_economic_category, ec[k]);
                            },
                            [&](std::size_t k) { return category_label(ec[k]); }, digits),
                        year_right(e));

    // Overhead: the support activities' own cost on 0.4.
    const auto& acts = lm.view().activities;
    std::vector<std::size_t> on_overhead;
    for (std::size_t a = 0; a < acts.size(); ++a) {
        const auto& v0 = e.views.front();
        if (v0.overhead >= 0 && v0.activity_taakveld[a] == v0.overhead) on_overhead.push_back(a);
    }
    if (!on_overhead.empty()) {
        out += "\n" + h + "Overhead (taakveld 0.4, shown apart from the programmes): own cost of " +
               "the activities booked there, " + cur + "\n" + end;
        out += render_table(md, year_header(e, "activity"),
                            year_rows(
                                on_overhead.size(), e.views.size(),
                                [&](std::size_t k, std::size_t y) {
                                    return e.budgets[y].by_activity.amounts[on_overhead[k]];
                                },
                                [&](std::size_t k) { return acts[on_overhead[k]].id; }, digits),
                            year_right(e));
    }

    // The budget year's taakveld x economic category table.
    const auto& v = e.views.front();
    const std::string first_year = e.years.empty() ? "" : ", " + std::to_string(e.years.front());
    {
        std::vector<std::string> head{"taakveld"};
        for (const auto& c : v.taakveld_category.columns) head.push_back(c);
        head.push_back("total");
        std::vector<bool> right(head.size(), true);
        right[0] = false;
        std::vector<std::vector<std::string>> rows;
        for (std::size_t t = 0; t < v.taakveld_category.rows.size(); ++t) {
            std::vector<std::string> row{v.taakveld_category.rows[t]};
            for (std::size_t c = 0; c < v.taakveld_category.columns.size(); ++c)
                row.push_back(grouped_text(v.taakveld_category.at(t, c), digits));
            row.push_back(grouped_text(v.taakveld_category.row_sum(t), digits));
            rows.push_back(std::move(row));
        }
        std::vector<std::string> total{"Total"};
        for (std::size_t c = 0; c < v.taakveld_category.columns.size(); ++c)
            total.push_back(grouped_text(v.taakveld_category.column_sum(c), digits));
        total.push_back(grouped_text(e.budgets.front().total, digits));
        rows.push_back(std::move(total));
        out += "\n" + h + "Taakveld x economic category" + first_year + ", " + cur + "\n" + end;
        out += render_table(md, head, std::move(rows), right);
    }

    // The reconciliation: rows the goal view (programmes, or goals without programmes), columns
    // the BBV view.
    {
        const bool by_programme = lm.has_programmes();
        std::vector<std::string> head{by_programme ? "programme" : "goal"};
        for (const auto& c : v.by_taakveld.keys) head.push_back(c);
        head.push_back("goal view");
        std::vector<bool> right(head.size(), true);
        right[0] = false;
        std::vector<std::vector<std::string>> rows;
        const std::size_t nt = v.by_taakveld.keys.size();
        const std::size_t n =
            by_programme ? v.programme_taakveld.rows.size() : v.goal_taakveld.goals.size();
        for (std::size_t r = 0; r < n; ++r) {
            std::vector<std::string> row{by_programme ? v.programme_taakveld.rows[r]
                                                      : v.goal_taakveld.goals[r]};
            money sum;
            for (std::size_t t = 0; t < nt; ++t) {
                const money m =
                    by_programme ? v.programme_taakveld.at(r, t) : v.goal_taakveld.amount(r, t);
                row.push_back(grouped_text(m, digits));
                sum += m;
            }
            row.push_back(grouped_text(sum, digits));
            rows.push_back(std::move(row));
        }
        std::vector<std::string> total{"Total (BBV view)"};
        for (std::size_t t = 0; t < nt; ++t)
            total.push_back(grouped_text(v.by_taakveld.amounts[t], digits));
        total.push_back(grouped_text(e.budgets.front().total, digits));
        rows.push_back(std::move(total));
        out += "\n" + h + "Reconciliation of the goal view and the BBV view" + first_year + ", " +
               cur + "\n" + end;
        out += std::string(md ? "" : "  ") + "Rows: the full cost of each " +
               (by_programme ? "programme's goals" : "goal") +
               " (support charged by the reciprocal method). Columns: where the BBV view books "
               "it (0.4: the overhead the goal view charges to it).\n" +
               end;
        out += render_table(md, head, std::move(rows), right);
    }
    std::size_t off = 0;
    for (const auto& view : e.views)
        off += view.taakveld_category.off_bound + view.goal_taakveld.off_bound;
    if (off > 0)
        out += "\n" + std::to_string(off) +
               " cells are not the floor or ceiling of their value: the row and column amounts, "
               "each rounded on its own, cannot both be met that way (docs/bbv.md)\n";
    return out;
}
}  // namespace detail

/// The BBV report as text: per year the taakvelden and economic categories, the overhead, the
/// budget year's taakveld x economic category table and its reconciliation with the goal view.
inline std::string bbv_report_text(const linked_model& lm, const bbv_estimate& e) {
    const auto& name = lm.view().name;
    std::string out = "zbb BBV view: " +
                      (name.empty() ? std::string("(unnamed model)") : detail::printable(name));
    if (!e.years.empty())
        out += ", " + std::to_string(e.years.front()) + "-" + std::to_string(e.years.back());
    out += "\n\n" + detail::bbv_tables(lm, e, false);
    return out;
}

/// The programme report in Markdown: per programme the three W-questions (what do we want to
/// achieve: its goals with indicator, baseline, target and the plan's projection; what will we
/// do: the activities its goals plan, with their volumes per year; what may it cost: its lasten
/// per taakveld and year, the overhead apart, and its full cost in the goal view), then the
/// BBV tables of bbv_report_text. Programmes come from the model's "programmes"; for a model
/// without them the report has the tables only (the reconciliation per goal).
inline std::string programme_report_markdown(const linked_model& lm, const bbv_estimate& e) {
    const int digits = lm.currency().minor_digits;
    const auto& src = lm.view();
    const std::string cur = lm.currency().code;
    std::string out = "# Programme budget: " + (src.name.empty() ? std::string("(unnamed model)")
                                                                 : detail::printable(src.name));
    if (!e.years.empty())
        out += ", " + std::to_string(e.years.front()) + "-" + std::to_string(e.years.back());
    out += "\n\nAmounts in " + cur +
           ". Every table cross-foots with the budget to the cent; the goal view charges support "
           "to the goals by the reciprocal method, the BBV view books it on 0.4 Overhead.\n";
    const auto& v0 = e.views.front();
    const auto& acts = src.activities;
    for (std::size_t p = 0; p < v0.programme_taakveld.rows.size(); ++p) {
        const auto& prog = src.programmes[p];
        out += "\n## Programme " + detail::printable(prog.id) +
               (prog.name.empty() ? "" : ": " + detail::printable(prog.name)) + "\n";
        // Wat willen we bereiken?
        out += "\n### Wat willen we bereiken? (what do we want to achieve)\n\n";
        std::vector<std::vector<std::string>> goals;
        const std::string projected =
            "projected" + (e.years.empty() ? std::string() : " " + std::to_string(e.years.front()));
        for (std::size_t g = 0; g < src.goals.size(); ++g) {
            const auto& goal = src.goals[g];
            if (goal.programme != prog.id) continue;
            goals.push_back(
                {goal.id, goal.name, goal.unit, fixed_text(goal.baseline, 2),
                 fixed_text(goal.target, 2),
                 fixed_text(e.budgets.front().projected[static_cast<Eigen::Index>(g)], 2)});
        }
        out +=
            detail::markdown_table({"goal", "name", "indicator", "baseline", "target", projected},
                                   goals, {false, false, false, true, true, true});
        // Wat gaan we daarvoor doen?
        out +=
            "\n### Wat gaan we daarvoor doen? (what will we do)\n\nDirect volumes the "
            "programme's goals plan.\n\n";
        std::vector<int> planned;
        for (const auto& year : e.programme_volumes)
            for (const auto& [a, vol] : year[p])
                if (std::find(planned.begin(), planned.end(), a) == planned.end())
                    planned.push_back(a);
        std::sort(planned.begin(), planned.end());
        std::vector<std::string> head{"activity", "unit", "taakveld"};
        std::vector<bool> right{false, false, false};
        for (std::size_t y = 0; y < e.views.size(); ++y) {
            head.push_back(e.years.empty() ? "volume" : std::to_string(e.years[y]));
            right.push_back(true);
        }
        std::vector<std::vector<std::string>> rows;
        for (int a : planned) {
            const auto& act = acts[static_cast<std::size_t>(a)];
            std::vector<std::string> row{act.id, act.unit,
                                         std::string(v0.by_taakveld.keys[static_cast<std::size_t>(
                                             v0.activity_taakveld[static_cast<std::size_t>(a)])])};
            for (const auto& year : e.programme_volumes) {
                double vol = 0;
                for (const auto& [b, x] : year[p])
                    if (b == a) vol = x;
                row.push_back(fixed_text(vol, 2));
            }
            rows.push_back(std::move(row));
        }
        out += detail::markdown_table(head, rows, right);
        // Wat mag het kosten?
        out += "\n### Wat mag het kosten? (what may it cost), " + cur + "\n\n";
        std::vector<std::string> tv;
        for (const auto& c : taakvelden) {
            if (c.code == overhead_taakveld) continue;
            for (const auto& v : e.views) {
                const auto& keys = v.by_taakveld.keys.ids();
                const auto it = std::find(keys.begin(), keys.end(), c.code);
                if (it != keys.end() &&
                    v.programme_taakveld.at(p, static_cast<std::size_t>(it - keys.begin())) !=
                        money{}) {
                    tv.emplace_back(c.code);
                    break;
                }
            }
        }
        auto cell = [&](std::size_t y, const std::string& code) {
            const auto& keys = e.views[y].by_taakveld.keys.ids();
            const auto it = std::find(keys.begin(), keys.end(), code);
            return it == keys.end() ? money{}
                                    : e.views[y].programme_taakveld.at(
                                          p, static_cast<std::size_t>(it - keys.begin()));
        };
        auto cost_rows = detail::year_rows(
            tv.size(), e.views.size(), [&](std::size_t k, std::size_t y) { return cell(y, tv[k]); },
            [&](std::size_t k) { return detail::taakveld_label(tv[k]); }, digits, false);
        const std::vector<std::pair<std::string, int>> lines{
            {"Lasten of the programme (without overhead)", 0},
            {"0.4 Overhead charged in the goal view (shown apart in the BBV view)", 1},
            {"Full cost (goal view)", 2}};
        for (const auto& [label, which] : lines) {
            std::vector<std::string> row{label};
            money sum;
            for (std::size_t y = 0; y < e.views.size(); ++y) {
                const auto a = e.views[y].programme(p);
                const money m = which == 0   ? a.programme_costs
                                : which == 1 ? a.overhead
                                             : a.full_cost;
                row.push_back(grouped_text(m, digits));
                sum += m;
            }
            if (e.views.size() > 1) row.push_back(grouped_text(sum, digits));
            cost_rows.push_back(std::move(row));
        }
        out += detail::markdown_table(detail::year_header(e, "taakveld"), cost_rows,
                                      detail::year_right(e));
    }
    out += "\n" + detail::bbv_tables(lm, e, true);
    return out;
}

/// The BBV report as JSON ("zbb-bbv/1"): the code lists used (taakvelden, economic categories,
/// programmes) and per year the total, by_taakveld, by_economic_category, the taakveld x category
/// cells, the goal x taakveld and programme x taakveld reconciliation (non-zero cells) and per
/// programme its lasten, overhead and full cost; amounts as exact decimal strings.
inline std::string bbv_report_json(const linked_model& lm, const bbv_estimate& e, int indent = 2) {
    const int digits = lm.currency().minor_digits;
    const auto& src = lm.view();
    std::string out;
    detail::json_writer j(out, indent);
    auto codes = [&](const char* name, const std::vector<std::string>& used, auto& list) {
        j.key(name);
        j.begin_array();
        for (const auto& c : used) {
            j.begin_inline();
            j.begin_object();
            j.key("code");
            j.value(c);
            j.key("name");
            j.value(bbv_name(list, c));
            j.end_object();
            j.end_inline();
        }
        j.end_array();
    };
    auto map = [&](const char* name, const breakdown& br) {
        j.key(name);
        j.begin_inline();
        j.begin_object();
        for (std::size_t k = 0; k < br.keys.size(); ++k) {
            j.key(br.keys[k]);
            j.value(br.amounts[k].to_string(digits));
        }
        j.end_object();
        j.end_inline();
    };
    auto cell = [&](const char* rk, const std::string& r, const char* ck, const std::string& c,
                    const money& m) {
        j.begin_inline();
        j.begin_object();
        j.key(rk);
        j.value(r);
        j.key(ck);
        j.value(c);
        j.key("amount");
        j.value(m.to_string(digits));
        j.end_object();
        j.end_inline();
    };
    j.begin_object();
    j.key("format");
    j.value("zbb-bbv/1");
    j.key("model");
    j.value(src.name);
    j.key("currency");
    j.value(lm.currency().code);
    codes("taakvelden",
          detail::codes_used(e, taakvelden, [](const bbv_view& v) { return v.by_taakveld.keys; }),
          taakvelden);
    codes("economic_categories",
          detail::codes_used(e, economic_categories,
                             [](const bbv_view& v) { return v.by_economic_category.keys; }),
          economic_categories);
    if (lm.has_programmes()) {
        j.key("programmes");
        j.begin_array();
        for (const auto& p : src.programmes) {
            j.begin_inline();
            j.begin_object();
            j.key("id");
            j.value(p.id);
            j.key("name");
            j.value(p.name);
            j.end_object();
            j.end_inline();
        }
        j.end_array();
    }
    j.key("years");
    j.begin_array();
    for (std::size_t y = 0; y < e.views.size(); ++y) {
        const auto& v = e.views[y];
        j.begin_object();
        if (!e.years.empty()) {
            j.key("year");
            j.value(e.years[y]);
        }
        j.key("total");
        j.value(e.budgets[y].total.to_string(digits));
        map("by_taakveld", v.by_taakveld);
        map("by_economic_category", v.by_economic_category);
        j.key("taakveld_category");
        j.begin_array();
        for (std::size_t t = 0; t < v.taakveld_category.rows.size(); ++t)
            for (std::size_t c = 0; c < v.taakveld_category.columns.size(); ++c)
                if (v.taakveld_category.at(t, c) != money{})
                    cell("taakveld", v.taakveld_category.rows[t], "category",
                         v.taakveld_category.columns[c], v.taakveld_category.at(t, c));
        j.end_array();
        j.key("goal_taakveld");
        j.begin_array();
        for (std::size_t g = 0; g < v.goal_taakveld.rows.size(); ++g)
            for (const auto& c : v.goal_taakveld.rows[g])
                if (c.amount != money{})
                    cell("goal", v.goal_taakveld.goals[g], "taakveld",
                         v.goal_taakveld.columns[c.column], c.amount);
        j.end_array();
        if (lm.has_programmes()) {
            j.key("programmes");
            j.begin_array();
            for (std::size_t p = 0; p < v.programme_taakveld.rows.size(); ++p) {
                const auto a = v.programme(p);
                j.begin_object();
                j.key("programme");
                j.value(v.programme_taakveld.rows[p]);
                j.key("programme_costs");
                j.value(a.programme_costs.to_string(digits));
                j.key("overhead");
                j.value(a.overhead.to_string(digits));
                j.key("full_cost");
                j.value(a.full_cost.to_string(digits));
                j.key("by_taakveld");
                j.begin_inline();
                j.begin_object();
                for (std::size_t t = 0; t < v.programme_taakveld.columns.size(); ++t)
                    if (v.programme_taakveld.at(p, t) != money{}) {
                        j.key(v.programme_taakveld.columns[t]);
                        j.value(v.programme_taakveld.at(p, t).to_string(digits));
                    }
                j.end_object();
                j.end_inline();
                j.end_object();
            }
            j.end_array();
        }
        const std::size_t off = v.taakveld_category.off_bound + v.goal_taakveld.off_bound;
        if (off > 0) {
            j.key("off_bound");
            j.value(static_cast<std::int64_t>(off));
        }
        j.end_object();
    }
    j.end_array();
    j.end_object();
    j.newline();
    return out;
}

/// The BBV report as one tidy CSV table: columns year, table, row, column, amount. Tables:
/// "total", "taakveld" (row the code), "economic_category", "taakveld_category" (row taakveld,
/// column category), "goal_taakveld" (row goal, column taakveld) and "programme_taakveld"; only
/// non-zero cells of the two-way tables. The year is empty for a model without years.
inline std::string bbv_report_csv(const linked_model& lm, const bbv_estimate& e) {
    const int digits = lm.currency().minor_digits;
    std::string out = "year,table,row,column,amount\n";
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
    for (std::size_t y = 0; y < e.views.size(); ++y) {
        const auto& v = e.views[y];
        const std::string year = e.years.empty() ? "" : std::to_string(e.years[y]);
        auto line = [&](const char* table, std::string_view row, std::string_view column,
                        const money& m) {
            out += year + "," + table + ",";
            field(row);
            out += ',';
            field(column);
            out += "," + m.to_string(digits) + "\n";
        };
        line("total", "", "", e.budgets[y].total);
        for (std::size_t k = 0; k < v.by_taakveld.keys.size(); ++k)
            line("taakveld", v.by_taakveld.keys[k], "", v.by_taakveld.amounts[k]);
        for (std::size_t k = 0; k < v.by_economic_category.keys.size(); ++k)
            line("economic_category", v.by_economic_category.keys[k], "",
                 v.by_economic_category.amounts[k]);
        for (std::size_t t = 0; t < v.taakveld_category.rows.size(); ++t)
            for (std::size_t c = 0; c < v.taakveld_category.columns.size(); ++c)
                if (v.taakveld_category.at(t, c) != money{})
                    line("taakveld_category", v.taakveld_category.rows[t],
                         v.taakveld_category.columns[c], v.taakveld_category.at(t, c));
        for (std::size_t g = 0; g < v.goal_taakveld.rows.size(); ++g)
            for (const auto& c : v.goal_taakveld.rows[g])
                if (c.amount != money{})
                    line("goal_taakveld", v.goal_taakveld.goals[g],
                         v.goal_taakveld.columns[c.column], c.amount);
        for (std::size_t p = 0; p < v.programme_taakveld.rows.size(); ++p)
            for (std::size_t t = 0; t < v.programme_taakveld.columns.size(); ++t)
                if (v.programme_taakveld.at(p, t) != money{})
                    line("programme_taakveld", v.programme_taakveld.rows[p],
                         v.programme_taakveld.columns[t], v.programme_taakveld.at(p, t));
    }
    return out;
}

}  // namespace zbb

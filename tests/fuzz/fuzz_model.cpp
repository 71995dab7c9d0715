// libFuzzer harness: read -> link -> budget (and the multi-year estimate) -> reports, on any bytes.
// Every failure must be one of zbb's exceptions (std::invalid_argument, std::domain_error,
// std::overflow_error, std::bad_alloc); a crash, a sanitizer report, a leak or another exception is
// a finding. A model that reads must write back to text that reads to the same model (lossless),
// and its budget must cross-foot.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.hpp"
#include "zbb/zbb.hpp"

namespace {

using zbb_fuzz::check;

void budget_and_reports(const zbb::model& m, zbb::support_method method) {
    zbb::link_options options;
    options.support.method = method;
    const zbb::linked_model lm(m, options);
    const auto b = zbb::compute_budget(lm);
    for (const auto* br :
         {&b.by_goal, &b.by_activity, &b.by_resource, &b.by_partner, &b.by_category}) {
        zbb::money sum;
        for (const auto& a : br->amounts) sum += a;
        check(br->amounts.empty() ? b.total == zbb::money() : sum == b.total);
    }
    // The goal tables cross-foot both ways with the budget's breakdowns.
    const auto tables = zbb::compute_goal_tables(lm, b);
    for (const auto* t :
         {&tables.by_activity, &tables.by_resource, &tables.by_category, &tables.by_partner}) {
        std::vector<zbb::money> column(t->columns.size());
        for (std::size_t g = 0; g < t->rows.size(); ++g) {
            zbb::money row;
            for (const auto& c : t->rows[g]) {
                row += c.amount;
                column[c.column] += c.amount;
            }
            check(row == b.by_goal.amounts[g]);
        }
        const auto& margin = zbb::detail::breakdown_of(b, t->kind);
        for (std::size_t k = 0; k < column.size(); ++k) check(column[k] == margin.amounts[k]);
    }
    const std::string json = zbb::budget_report_json(lm, b);
    check(!json.empty() && json.back() == '\n');
    (void)zbb::budget_report_text(lm, b);
    (void)zbb::budget_report_csv(lm, b);
    // A multi-year estimate: every year cross-foots and the years sum to the multi-year total.
    if (lm.has_years()) {
        const auto years = zbb::compute_multi_year_budget(lm);
        zbb::money sum;
        for (const auto& y : years.budgets) {
            zbb::money goals;
            for (const auto& a : y.by_goal.amounts) goals += a;
            check(y.by_goal.amounts.empty() ? y.total == zbb::money() : goals == y.total);
            sum += y.total;
        }
        check(sum == years.total);
        (void)zbb::multi_year_report_json(lm, years);
        (void)zbb::multi_year_report_text(lm, years);
        (void)zbb::multi_year_report_csv(lm, years);
    }
    // The BBV view: taakvelden and the reconciliation cross-foot with the budget.
    if (lm.has_bbv()) {
        const auto v = zbb::compute_bbv(lm, b, tables);
        zbb::money sum;
        for (const auto& a : v.by_taakveld.amounts) sum += a;
        check(v.by_taakveld.amounts.empty() ? b.total == zbb::money() : sum == b.total);
        for (std::size_t t = 0; t < v.taakveld_category.rows.size(); ++t)
            check(v.taakveld_category.row_sum(t) == v.by_taakveld.amounts[t]);
        for (std::size_t g = 0; g < v.goal_taakveld.rows.size(); ++g) {
            zbb::money row;
            for (const auto& c : v.goal_taakveld.rows[g]) row += c.amount;
            check(row == b.by_goal.amounts[g]);
        }
        const auto e = zbb::compute_bbv_estimate(lm);
        (void)zbb::bbv_report_json(lm, e);
        (void)zbb::bbv_report_csv(lm, e);
        (void)zbb::programme_report_markdown(lm, e);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto read = zbb_fuzz::read(data, size);
    if (!read) return 0;
    const zbb::model& m = *read;
    // Lossless: what was read writes back to text that reads to the same model.
    const std::string written = zbb::write_model_json(m);
    check(zbb::write_model_json(zbb::read_model_json(written, "written")) == written);
    for (auto method : {zbb::support_method::automatic, zbb::support_method::direct,
                        zbb::support_method::iterative}) {
        try {
            budget_and_reports(m, method);
        } catch (const std::invalid_argument&) {
        } catch (const std::domain_error&) {
        } catch (const std::overflow_error&) {
        }
    }
    return 0;
}

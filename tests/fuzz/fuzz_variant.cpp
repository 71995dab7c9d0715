// libFuzzer harness: variant files (zbb-variant/1) on any bytes, applied to the built-in example
// and compared with it; and the bytes of a comparison's column (zbb-column/1). Every refusal must
// be one of zbb's exceptions. A variant that applies must give a comparison whose changes sum to
// the change of the total in every breakdown, and whose columns, sent through their bytes and
// assembled again, give the same report. Bytes that read as a column must cross-foot.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.hpp"
#include "zbb/zbb.hpp"

namespace {

using zbb_fuzz::check;

const zbb::linked_model& the_example() {
    static const zbb::linked_model lm = [] {
        std::ifstream in(ZBB_SOURCE_DIR "/examples/dementia-friendly.json", std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
        return zbb::linked_model(zbb::read_model_json(text, "example"));
    }();
    return lm;
}

void check_sums(const zbb::comparison& c) {
    for (const auto& col : c.columns) {
        if (!col.change) continue;
        for (const auto* part :
             {&col.change->by_goal, &col.change->by_activity, &col.change->by_resource,
              &col.change->by_partner, &col.change->by_category}) {
            zbb::money sum;
            for (const auto& a : part->amounts) sum += a;
            check(sum == col.change->total);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const zbb::linked_model& base = the_example();
    if (text.substr(0, 13) == "zbb-column/1\n") {
        try {
            auto col = zbb::column_from_state(text, base);
            if (col.ok()) {
                zbb::money sum;
                for (const auto& a : col.result->by_partner.amounts) sum += a;
                check(sum == col.result->total);
            }
            check(zbb::column_state(col) == text);  // nothing else reads as a column
            // Assembled beside the base's own column, against either as the reference.
            std::vector<zbb::compare_column> columns{
                zbb::make_compare_column("base", base, {"ok", "", zbb::compute_budget(base)})};
            const std::string name = col.name;
            columns.push_back(std::move(col));
            for (const std::string& reference : {std::string("base"), name}) {
                zbb::compare_options options;
                options.reference = reference;
                const auto c = zbb::assemble_comparison(base, columns, options);
                check_sums(c);
                (void)zbb::compare_report_json(c);
                (void)zbb::compare_report_text(c);
            }
        } catch (const zbb::model_error&) {
        }
        return 0;
    }
    std::optional<zbb::variant> v;
    try {
        v = zbb::read_variant_json(text, "fuzz.json");
    } catch (const std::invalid_argument&) {
    } catch (const std::overflow_error&) {
    } catch (const std::bad_alloc&) {
    }
    if (!v) return 0;
    zbb::comparison c;
    try {
        c = zbb::compare_budgets(base, {*v});
    } catch (const std::invalid_argument&) {
        return 0;
    } catch (const std::overflow_error&) {
        return 0;
    }
    check_sums(c);
    std::vector<zbb::compare_column> columns;
    for (const auto& col : c.columns) {
        auto again = zbb::column_from_state(zbb::column_state(col), base);
        again.change.reset();
        again.dominated_by.clear();
        columns.push_back(std::move(again));
    }
    const auto assembled = zbb::assemble_comparison(base, std::move(columns));
    check(zbb::compare_report_json(assembled) == zbb::compare_report_json(c));
    (void)zbb::compare_report_csv(c);
    (void)zbb::compare_report_text(c);
    return 0;
}

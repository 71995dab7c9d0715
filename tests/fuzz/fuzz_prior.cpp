// libFuzzer harness: prior budget files (CSV, Dutch CSV, JSON) on any bytes, compared with the
// built-in example's budget. Every refusal must be one of zbb's exceptions; a prior that reads must
// give a comparison whose kinds and waterfall cross-foot to the zero-based total, to the cent (the
// readers keep every amount and each kind's sum below 2^53 minor units, so nothing overflows).
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "fuzz_common.hpp"
#include "zbb/zbb.hpp"

namespace {

using zbb_fuzz::check;

struct example {
    zbb::linked_model lm;
    zbb::budget b;
    zbb::goal_tables t;
};

const example& the_example() {
    static const example e = [] {
        std::ifstream in(ZBB_SOURCE_DIR "/examples/dementia-friendly.json", std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
        zbb::linked_model lm(zbb::read_model_json(text, "example"));
        auto b = zbb::compute_budget(lm);
        auto t = zbb::compute_goal_tables(lm, b);
        return example{std::move(lm), std::move(b), std::move(t)};
    }();
    return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const example& e = the_example();
    for (bool json : {false, true}) {
        std::optional<zbb::prior_budget> prior;
        try {
            prior = json ? zbb::read_prior_json(text, "fuzz.json")
                         : zbb::read_prior_csv(text, "fuzz.csv");
        } catch (const std::invalid_argument&) {
        } catch (const std::overflow_error&) {
        } catch (const std::bad_alloc&) {
        }
        if (!prior || prior->lines.empty()) continue;
        for (std::string_view kind : zbb::prior_kinds) {
            if (!prior->has_kind(kind)) continue;
            zbb::prior_comparison c;
            try {
                c = zbb::compare_prior(e.lm, e.b, e.t, *prior, std::string(kind));
            } catch (const zbb::model_error&) {
                continue;  // a report prior in another currency
            }
            for (const auto& k : c.kinds) check(k.prior_total + k.change_total == e.b.total);
            zbb::money level = c.waterfall.front().amount;
            for (std::size_t i = 1; i + 1 < c.waterfall.size(); ++i) level += c.waterfall[i].amount;
            check(level == e.b.total && c.waterfall.back().amount == e.b.total);
            (void)zbb::prior_report_json(e.lm, e.b, c);
            (void)zbb::prior_report_csv(c);
            (void)zbb::prior_report_text(e.lm, c);
        }
    }
    return 0;
}

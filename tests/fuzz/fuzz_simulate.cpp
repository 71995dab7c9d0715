// libFuzzer harness for the Monte Carlo: read -> link -> simulate (16 draws) -> reports, on any
// bytes. Every failure must be one of zbb's exceptions (std::invalid_argument, std::domain_error,
// std::overflow_error, std::bad_alloc); a crash, a sanitizer report, a leak or another exception is
// a finding, and so is a result that cannot be trusted:
// - the text report holds no raw control character, the JSON report parses;
// - every p_reach lies in [0, 1], every percentile triple is ordered (p5 <= p50 <= p95);
// - one thread and two threads give the same report, byte for byte;
// - the drawn support systems also solve when every one is factorised anew (max_update_rank 0);
// - a model without ranges draws the same total every time (p5 = p50 = p95 = mean).
#include <cstddef>
#include <cstdint>
#include <new>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "fuzz_common.hpp"
#include "zbb/zbb.hpp"

namespace {

using zbb_fuzz::check;

bool printable(const std::string& s) {
    for (const char ch : s) {
        const auto u = static_cast<unsigned char>(ch);
        if ((u < 0x20 && ch != '\n') || u == 0x7f) return false;
    }
    return true;
}

template <class Statistics>
bool ordered(const Statistics& q) {
    return !(q.p50 < q.p5) && !(q.p95 < q.p50);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto read = zbb_fuzz::read(data, size, 200, 50);
    if (!read) return 0;
    const zbb::model& m = *read;
    try {
        const zbb::linked_model lm(m);
        zbb::simulate_options o;
        o.draws = 16;
        o.seed = 11;
        o.threads = 1;
        const auto one = zbb::simulate(lm, {}, o);
        o.threads = 2;
        const auto two = zbb::simulate(lm, {}, o);
        const std::string json_text = zbb::simulation_report_json(one);
        check(json_text == zbb::simulation_report_json(two));
        check(printable(zbb::simulation_report_text(one)));
        const auto doc = nlohmann::json::parse(json_text);
        check(doc["variants"]["base"]["goals"].size() ==
              static_cast<std::size_t>(lm.goals().size()));
        const auto& base = one.variants.front();
        check(ordered(base.total));
        for (const auto& g : base.goals) {
            check(g.p_reach >= 0.0 && g.p_reach <= 1.0);
            check(ordered(g.projected));
        }
        // Uncertain support solved by factorising every drawn S instead of the low-rank update.
        o.max_update_rank = 0;
        const auto refactorised = zbb::simulate(lm, {}, o);
        check(ordered(refactorised.variants.front().total));
        if (zbb::simulator(lm, o.shape).coefficients().empty()) {
            const auto& t = one.variants.front().total;
            check(t.p5 == t.p50 && t.p50 == t.p95 && t.p95 == t.mean);
        }
    } catch (const std::invalid_argument&) {
    } catch (const std::domain_error&) {
    } catch (const std::overflow_error&) {
    } catch (const std::bad_alloc&) {
    }
    return 0;
}

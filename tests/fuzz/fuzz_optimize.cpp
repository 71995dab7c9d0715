// libFuzzer harness for the optimiser and decision packages: read -> link -> least cost, max effect
// within a frame, and the package ranking, on any bytes. Every failure must be one of zbb's
// exceptions (std::invalid_argument, std::domain_error, std::overflow_error, std::bad_alloc); an
// abort (a dependency's assertion), a crash, a sanitizer report, a leak in zbb's code or another
// exception is a finding, and so is a status that cannot be trusted:
// - least cost "optimal" must reach every goal; max effect "optimal" must keep within its cap;
// - "infeasible" must come with an explanation that names a goal or a limit.
// COIN-OR is not instrumented; its known leaks are suppressed in tests/fuzz/lsan.supp.
#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string_view>

#include "fuzz_common.hpp"
#include "zbb/optimize.hpp"
#include "zbb/zbb.hpp"

namespace {

using zbb_fuzz::check;

template <class F>
void guarded(F&& f) {
    try {
        f();
    } catch (const std::invalid_argument&) {
    } catch (const std::domain_error&) {
    } catch (const std::overflow_error&) {
    } catch (const std::bad_alloc&) {
    }
}

void check_infeasible(const zbb::optimize_result& r) {
    if (r.status != zbb::optimize_status::infeasible) return;
    check(r.explanation.has_value());
    check(!r.explanation->goals.empty() || !r.explanation->limits.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto read = zbb_fuzz::read(data, size, 200, 50);
    if (!read) return 0;
    const zbb::model& m = *read;
    guarded([&] {
        const zbb::linked_model lm(m);
        zbb::optimize_options o;
        o.time_limit_seconds = 2;
        guarded([&] {
            const auto r = zbb::least_cost(lm, o);
            check_infeasible(r);
            if (r.status == zbb::optimize_status::optimal)
                for (const auto& g : r.goals) check(g.reached);
        });
        guarded([&] {
            auto with_cap = o;
            if (!m.frame || !m.frame->budget)
                with_cap.budget_cap = zbb::decimal::parse("1000000.00", {});
            const auto r = zbb::max_effect(lm, with_cap);
            check_infeasible(r);
            if (r.status == zbb::optimize_status::optimal && r.budget) {
                const auto& cap = with_cap.budget_cap ? *with_cap.budget_cap : *m.frame->budget;
                const auto limit = zbb::money::parse(cap.text(), lm.currency().minor_digits, {});
                check(r.budget->total <= limit);
            }
        });
        guarded([&] {
            zbb::packages_options p;
            p.time_limit_seconds = 2;
            if (!m.frame || !m.frame->budget) p.budget = zbb::decimal::parse("1000000.00", {});
            (void)zbb::rank_packages(lm, p);
        });
    });
    return 0;
}

// zbb/simulate_state.hpp - a chunk of a simulation (one model's results over a range of draws)
// as bytes, so that draws can be simulated anywhere (the workers of a concurrent.futures
// executor, a Dask cluster) and assembled where they come back (assemble_simulation), with
// results identical to a simulation made in one process.
//
// The bytes ("zbb-simulation/1") hold the zbb version that made them (the reader refuses
// another), the column's name, first draw, currency, goals (id, baseline, target) and per draw the
// total in minor units (sign and magnitude) and each goal's projection (bit patterns), all
// little-endian.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "zbb/compare_state.hpp"
#include "zbb/simulate.hpp"
#include "zbb/version.hpp"

namespace zbb {

namespace detail {
inline constexpr std::string_view simulation_state_magic{"zbb-simulation/1\n", 17};
}

/// The chunk as bytes ("zbb-simulation/1"); read back by simulation_column_from_state.
inline std::string simulation_column_state(const simulation_column& c) {
    std::string out;
    out.append(detail::simulation_state_magic);
    detail::state_writer w(out);
    w.text(version);
    w.text(c.name);
    w.u64(c.first_draw);
    w.text(c.currency);
    w.u64(static_cast<std::uint64_t>(c.minor_digits));
    w.u64(c.goals.size());
    for (std::size_t g = 0; g < c.goals.size(); ++g) {
        w.text(c.goals[g]);
        w.f64(c.baselines[g]);
        w.f64(c.targets[g]);
    }
    w.u64(c.totals.size());
    for (auto t : c.totals) w.amount(money::from_minor(t));
    for (double p : c.projected) w.f64(p);
    return out;
}

/// A chunk from simulation_column_state's bytes. Throws model_error (entity "simulation", field
/// "state") for bytes that are not such a chunk: truncated or with bytes after it, another zbb
/// version, totals beyond 2^53 minor units or written as minus zero, values that are not finite.
inline simulation_column simulation_column_from_state(std::string_view bytes) {
    detail::state_reader r(bytes, "", "a chunk of a simulation (zbb-simulation/1)", "simulation");
    r.expect(detail::simulation_state_magic);
    const std::string made_by = r.text();
    if (made_by != version)
        r.bad("made by zbb " + made_by + ", read by zbb " + version +
              "; every worker of a simulation must run the same zbb");
    simulation_column c;
    c.name = r.text();
    r.name(c.name);
    c.first_draw = r.u64();
    c.currency = r.text();
    const std::uint64_t digits = r.u64();
    if (digits > 18) r.bad("a currency with more than 18 decimals");
    c.minor_digits = static_cast<int>(digits);
    const std::size_t ng = r.count(24);
    for (std::size_t g = 0; g < ng; ++g) {
        c.goals.push_back(r.text());
        c.baselines.push_back(r.finite());
        c.targets.push_back(r.finite());
    }
    const std::size_t n = r.count(17 + 8 * ng);
    if (n > UINT64_MAX - c.first_draw) r.bad("draws beyond the counter's range");
    c.totals.reserve(n);
    for (std::size_t k = 0; k < n; ++k)
        c.totals.push_back(static_cast<std::int64_t>(r.amount().minor_units()));
    c.projected.reserve(n * ng);
    for (std::size_t k = 0; k < n * ng; ++k) c.projected.push_back(r.finite());
    r.end();
    return c;
}

}  // namespace zbb

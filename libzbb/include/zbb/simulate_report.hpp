// zbb/simulate_report.hpp - the reports of a simulation (zbb simulate): JSON and text, and the
// one-at-a-time sensitivity behind the tornado chart.
#pragma once

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "zbb/json_writer.hpp"
#include "zbb/simulate.hpp"
#include "zbb/text_table.hpp"

namespace zbb {

/// The name of a range shape: "triangular" or "pert"; parse_range_shape is its inverse (throws
/// model_error for another name).
inline std::string_view to_string(range_shape s) {
    return s == range_shape::pert ? "pert" : "triangular";
}
inline range_shape parse_range_shape(std::string_view name) {
    if (name == "triangular") return range_shape::triangular;
    if (name == "pert" || name == "PERT") return range_shape::pert;
    detail::fail({"option", "", "distribution"},
                 "unknown distribution \"" + std::string(name) + "\"; use triangular or pert");
}

/// The JSON report: {"draws", "seed", "variants": {NAME: {"total": {"mean", "p5", "p50", "p95"},
/// "goals": {ID: {"p_reach", "projected": {"mean", "p5", "p50", "p95"}}}}}}, money as decimal
/// strings with the currency's decimals.
inline std::string simulation_report_json(const simulation& s, int indent = 2) {
    std::string out;
    detail::json_writer w(out, indent);
    const int digits = s.minor_digits;
    w.begin_object();
    w.key("draws");
    w.value(static_cast<std::int64_t>(s.draws));
    w.key("seed");
    w.value(static_cast<std::int64_t>(s.seed));
    w.key("variants");
    w.begin_object();
    for (const auto& v : s.variants) {
        w.key(v.name);
        w.begin_object();
        w.key("total");
        w.begin_inline();
        w.begin_object();
        for (const auto& [k, m] :
             {std::pair{"mean", &v.total.mean}, std::pair{"p5", &v.total.p5},
              std::pair{"p50", &v.total.p50}, std::pair{"p95", &v.total.p95}}) {
            w.key(k);
            w.value(m->to_string(digits));
        }
        w.end_object();
        w.end_inline();
        w.key("goals");
        w.begin_object();
        for (const auto& g : v.goals) {
            w.key(g.id);
            w.begin_inline();
            w.begin_object();
            w.key("p_reach");
            w.value(g.p_reach);
            w.key("projected");
            w.begin_object();
            for (const auto& [k, x] :
                 {std::pair{"mean", g.projected.mean}, std::pair{"p5", g.projected.p5},
                  std::pair{"p50", g.projected.p50}, std::pair{"p95", g.projected.p95}}) {
                w.key(k);
                w.value(x);
            }
            w.end_object();
            w.end_object();
            w.end_inline();
        }
        w.end_object();
        w.end_object();
    }
    w.end_object();
    w.end_object();
    if (indent >= 0) w.newline();
    return out;
}

/// The text report: per model the total cost's mean and percentiles, and per goal the target, the
/// probability of reaching it and the projected indicator's mean and percentiles.
inline std::string simulation_report_text(const simulation& s) {
    const int digits = s.minor_digits;
    std::ostringstream out;
    out << "zbb simulate: " << s.draws << " draws, seed " << s.seed << ", " << to_string(s.shape)
        << " ranges; amounts in " << s.currency << "\n\n";
    {
        text_table t{{"variant", "mean", "p5", "p50", "p95"}, {}, {false, true, true, true, true}};
        for (const auto& v : s.variants)
            t.rows.push_back({v.name, grouped_text(v.total.mean, digits),
                              grouped_text(v.total.p5, digits), grouped_text(v.total.p50, digits),
                              grouped_text(v.total.p95, digits)});
        out << "Total cost\n" << t.render();
    }
    for (const auto& v : s.variants) {
        text_table t{{"goal", "target", "p_reach", "mean", "p5", "p50", "p95"},
                     {},
                     {false, true, true, true, true, true, true}};
        for (const auto& g : v.goals)
            t.rows.push_back({g.id, fixed_text(g.target, 2), fixed_text(g.p_reach, 3),
                              fixed_text(g.projected.mean, 2), fixed_text(g.projected.p5, 2),
                              fixed_text(g.projected.p50, 2), fixed_text(g.projected.p95, 2)});
        out << "\nGoals of " << printable(v.name) << " (projected indicator)\n" << t.render();
    }
    return out.str();
}

/// One bar of the tornado chart: a coefficient at its low and at its high, every other at its
/// likely value.
struct tornado_bar {
    uncertain_coefficient coefficient;
    money total_at_low, total_at_high;       ///< the total cost, rounded as the budget's
    std::vector<double> projected_at_low;    ///< per goal
    std::vector<double> projected_at_high;   ///< per goal
    std::vector<double> attainment_at_low;   ///< per goal (zbb/goals.hpp)
    std::vector<double> attainment_at_high;  ///< per goal
};

/// The one-at-a-time sensitivity of a model (its simulator): for every uncertain coefficient
/// the total cost and each goal's projection and attainment with that coefficient at its low and
/// at its high and every other at its likely value. In coefficients() order; sort by the swing
/// that matters (cost, or one goal's attainment) for the chart.
inline std::vector<tornado_bar> tornado(const simulator& sim, rounding_mode rounding) {
    const auto& coefs = sim.coefficients();
    const auto& lm = sim.model();
    const auto& goals = lm.view().goals;
    const std::size_t ng = goals.size();
    std::vector<double> values(coefs.size());
    for (std::size_t i = 0; i < coefs.size(); ++i) values[i] = coefs[i].likely;
    simulator::workspace w;
    std::vector<double> projected(ng);
    std::vector<tornado_bar> bars;
    bars.reserve(coefs.size());
    for (std::size_t i = 0; i < coefs.size(); ++i) {
        tornado_bar b;
        b.coefficient = coefs[i];
        for (int side = 0; side < 2; ++side) {
            values[i] = side == 0 ? coefs[i].low : coefs[i].high;
            const double total = sim.evaluate(values, w, projected.data());
            const money m = round_to_money(total, rounding, {"simulation", coefs[i].id, "total"});
            auto& at = side == 0 ? b.projected_at_low : b.projected_at_high;
            auto& att = side == 0 ? b.attainment_at_low : b.attainment_at_high;
            (side == 0 ? b.total_at_low : b.total_at_high) = m;
            at = projected;
            att.resize(ng);
            for (std::size_t g = 0; g < ng; ++g)
                att[g] = progress_toward(goals[g], projected[g]).attainment;
        }
        values[i] = coefs[i].likely;
        bars.push_back(std::move(b));
    }
    return bars;
}

}  // namespace zbb

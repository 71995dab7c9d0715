// bindings/register_simulate.cpp - Monte Carlo (zbb/simulate.hpp, zbb/simulate_report.hpp,
// zbb/simulate_state.hpp): _core.simulate (in one call), for an executor the chunks of draws as
// bytes (simulation_chunk_states, run by the workers) and assemble_simulation, _core.Simulation,
// and the one-at-a-time sensitivity behind the tornado chart. The computations run without the
// GIL; a progress callback is called with it.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zbb/simulate.hpp"
#include "zbb/simulate_report.hpp"
#include "zbb/simulate_state.hpp"
#include "zbb_py.hpp"

namespace zbb_py {

namespace {

using V = zbb::variant;

zbb::simulate_options options_of(std::uint64_t draws, std::uint64_t seed,
                                 const std::string& distribution, const std::string& rounding,
                                 unsigned threads) {
    zbb::simulate_options o;
    o.draws = draws;
    o.seed = seed;
    o.shape = zbb::parse_range_shape(distribution);
    o.rounding = zbb::parse_rounding_mode(rounding);
    o.threads = threads;
    return o;
}

// The summary as named columns, one row per (variant, goal).
py::dict goals_of(const zbb::simulation& s) {
    struct row {
        const zbb::variant_simulation* v;
        const zbb::goal_simulation* g;
    };
    std::vector<row> rows;
    for (const auto& v : s.variants)
        for (const auto& g : v.goals) rows.push_back({&v, &g});
    return named_columns({
        {"variant", list_column(rows, [](const row& r) { return py::str(r.v->name); })},
        {"goal", list_column(rows, [](const row& r) { return py::str(r.g->id); })},
        {"baseline", array_column<double>(rows, [](const row& r) { return r.g->baseline; })},
        {"target", array_column<double>(rows, [](const row& r) { return r.g->target; })},
        {"p_reach", array_column<double>(rows, [](const row& r) { return r.g->p_reach; })},
        {"mean", array_column<double>(rows, [](const row& r) { return r.g->projected.mean; })},
        {"p5", array_column<double>(rows, [](const row& r) { return r.g->projected.p5; })},
        {"p50", array_column<double>(rows, [](const row& r) { return r.g->projected.p50; })},
        {"p95", array_column<double>(rows, [](const row& r) { return r.g->projected.p95; })},
    });
}

// The total cost per variant as named columns of exact minor units (Python ints).
py::dict totals_of(const zbb::simulation& s) {
    return named_columns({
        {"variant", list_column(s.variants, [](const auto& v) { return py::str(v.name); })},
        {"mean", list_column(s.variants,
                             [](const auto& v) { return to_py_int(v.total.mean.minor_units()); })},
        {"p5", list_column(s.variants,
                           [](const auto& v) { return to_py_int(v.total.p5.minor_units()); })},
        {"p50", list_column(s.variants,
                            [](const auto& v) { return to_py_int(v.total.p50.minor_units()); })},
        {"p95", list_column(s.variants,
                            [](const auto& v) { return to_py_int(v.total.p95.minor_units()); })},
    });
}

const zbb::simulation_column& column_named(const zbb::simulation& s, const std::string& name) {
    for (const auto& c : s.columns)
        if (c.name == name) return c;
    fail({"variant", name, "name"}, "no simulated model has this name");
}

// The bars of the tornado chart as named columns: the coefficient, and the total (exact minor
// units) and per goal the projection and attainment at its low and at its high.
py::dict tornado_of(const zbb::simulator& sim, const std::vector<zbb::tornado_bar>& bars) {
    auto per_goal = [](const std::vector<double>& v) {
        py::list l;
        for (double x : v) l.append(x);
        return l;
    };
    py::dict out = named_columns({
        {"table",
         list_column(bars,
                     [](const auto& b) { return py::str(std::string(b.coefficient.table())); })},
        {"id", list_column(bars, [](const auto& b) { return py::str(b.coefficient.id); })},
        {"field",
         list_column(bars,
                     [](const auto& b) { return py::str(std::string(b.coefficient.field())); })},
        {"low", array_column<double>(bars, [](const auto& b) { return b.coefficient.low; })},
        {"likely", array_column<double>(bars, [](const auto& b) { return b.coefficient.likely; })},
        {"high", array_column<double>(bars, [](const auto& b) { return b.coefficient.high; })},
        {"total_at_low",
         list_column(bars, [](const auto& b) { return to_py_int(b.total_at_low.minor_units()); })},
        {"total_at_high",
         list_column(bars, [](const auto& b) { return to_py_int(b.total_at_high.minor_units()); })},
        {"projected_at_low",
         list_column(bars, [&](const auto& b) { return per_goal(b.projected_at_low); })},
        {"projected_at_high",
         list_column(bars, [&](const auto& b) { return per_goal(b.projected_at_high); })},
        {"attainment_at_low",
         list_column(bars, [&](const auto& b) { return per_goal(b.attainment_at_low); })},
        {"attainment_at_high",
         list_column(bars, [&](const auto& b) { return per_goal(b.attainment_at_high); })},
    });
    out["goals"] = sim.model().goals().ids();
    return out;
}

}  // namespace

void register_simulate(py::module_& m) {
    py::class_<zbb::simulation>(m, "Simulation",
                                "A Monte Carlo simulation of a model and its variants "
                                "(zbb/simulate.hpp).")
        .def_readonly("draws", &zbb::simulation::draws)
        .def_readonly("seed", &zbb::simulation::seed)
        .def_property_readonly(
            "distribution",
            [](const zbb::simulation& s) { return std::string(zbb::to_string(s.shape)); })
        .def_readonly("currency", &zbb::simulation::currency)
        .def_readonly("minor_digits", &zbb::simulation::minor_digits)
        .def_property_readonly("names",
                               [](const zbb::simulation& s) {
                                   std::vector<std::string> out;
                                   for (const auto& v : s.variants) out.push_back(v.name);
                                   return out;
                               })
        .def("goals", &goals_of)
        .def("totals", &totals_of)
        .def(
            "samples",
            [](py::object self, const std::string& name) {
                const auto& s = self.cast<const zbb::simulation&>();
                const auto& c = column_named(s, name);
                const auto n = static_cast<py::ssize_t>(c.totals.size());
                const auto ng = static_cast<py::ssize_t>(c.goals.size());
                py::array_t<std::int64_t> totals(
                    {n}, {static_cast<py::ssize_t>(sizeof(std::int64_t))}, c.totals.data(), self);
                totals.attr("setflags")(py::arg("write") = false);
                py::array_t<double> projected({n, ng},
                                              {static_cast<py::ssize_t>(sizeof(double)) * ng,
                                               static_cast<py::ssize_t>(sizeof(double))},
                                              c.projected.data(), self);
                projected.attr("setflags")(py::arg("write") = false);
                return named_columns(
                    {{"goals", py::cast(c.goals)}, {"totals", totals}, {"projected", projected}});
            },
            py::arg("name") = "base")
        .def("column_states",
             [](const zbb::simulation& s) {
                 py::list out;
                 for (const auto& c : s.columns)
                     out.append(py::bytes(zbb::simulation_column_state(c)));
                 return out;
             })
        .def(
            "report",
            [](const zbb::simulation& s, const std::string& format, int indent) {
                if (format != "json" && format != "text")
                    fail({"option", "", "format"},
                         "unknown format \"" + format + "\"; use json or text");
                const py::gil_scoped_release release;
                return format == "json" ? zbb::simulation_report_json(s, indent)
                                        : zbb::simulation_report_text(s);
            },
            py::arg("format") = "json", py::arg("indent") = 2);

    m.def(
        "simulate",
        [](const model_handle& base, const std::vector<V>& variants, std::uint64_t draws,
           std::uint64_t seed, const std::string& distribution, const std::string& rounding,
           unsigned threads, std::optional<py::function> progress) {
            auto o = options_of(draws, seed, distribution, rounding, threads);
            if (progress)
                o.progress = [&progress](std::uint64_t done, std::uint64_t all) {
                    const py::gil_scoped_acquire hold;
                    (*progress)(done, all);
                };
            const py::gil_scoped_release release;
            return zbb::simulate(*base.lm, variants, o);
        },
        py::arg("model"), py::arg("variants"), py::kw_only(), py::arg("draws"), py::arg("seed"),
        py::arg("distribution") = "triangular", py::arg("rounding") = "half-even",
        py::arg("threads") = 0, py::arg("progress") = py::none());
    m.def(
        "simulation_chunk_states",
        [](const model_handle& base, const std::vector<std::optional<V>>& variants,
           std::uint64_t seed, std::uint64_t first, std::uint64_t count,
           const std::string& distribution, const std::string& rounding, unsigned threads) {
            const auto o = options_of(count, seed, distribution, rounding, threads);
            if (seed > zbb::max_simulation_seed)
                fail({"option", "", "seed"}, "must be at most 2^63 - 1");
            std::vector<std::string> states;
            {
                const py::gil_scoped_release release;
                for (const auto& v : variants) {
                    if (!v) {
                        const zbb::simulator sim(*base.lm, o.shape, o.max_update_rank);
                        states.push_back(zbb::simulation_column_state(
                            sim.run("base", seed, first, count, o.rounding, threads)));
                        continue;
                    }
                    zbb::linked_model changed = zbb::apply_variant(*base.lm, *v);
                    try {
                        const zbb::simulator sim(std::move(changed), o.shape, o.max_update_rank);
                        states.push_back(zbb::simulation_column_state(
                            sim.run(v->name, seed, first, count, o.rounding, threads)));
                    } catch (...) {
                        zbb::rethrow_with_context("variant '" + v->name + "'");
                    }
                }
            }
            py::list out;
            for (const auto& st : states) out.append(py::bytes(st));
            return out;
        },
        py::arg("model"), py::arg("variants"), py::kw_only(), py::arg("seed"), py::arg("first"),
        py::arg("count"), py::arg("distribution") = "triangular", py::arg("rounding") = "half-even",
        py::arg("threads") = 1);
    m.def(
        "assemble_simulation",
        [](const std::vector<py::bytes>& states, std::uint64_t draws, std::uint64_t seed,
           const std::string& distribution, const std::string& rounding) {
            std::vector<std::string> bytes;
            bytes.reserve(states.size());
            for (const auto& b : states) bytes.emplace_back(b);
            const auto shape = zbb::parse_range_shape(distribution);
            const auto mode = zbb::parse_rounding_mode(rounding);
            const py::gil_scoped_release release;
            std::vector<zbb::simulation_column> chunks;
            chunks.reserve(bytes.size());
            for (const auto& b : bytes) chunks.push_back(zbb::simulation_column_from_state(b));
            return zbb::assemble_simulation(draws, seed, shape, std::move(chunks), mode);
        },
        py::arg("states"), py::kw_only(), py::arg("draws"), py::arg("seed"),
        py::arg("distribution") = "triangular", py::arg("rounding") = "half-even");
    m.def(
        "tornado",
        [](const model_handle& base, const std::optional<V>& variant,
           const std::string& distribution, const std::string& rounding) {
            const auto shape = zbb::parse_range_shape(distribution);
            const auto mode = zbb::parse_rounding_mode(rounding);
            std::optional<zbb::simulator> sim;
            std::vector<zbb::tornado_bar> bars;
            {
                const py::gil_scoped_release release;
                if (variant)
                    sim.emplace(zbb::apply_variant(*base.lm, *variant), shape);
                else
                    sim.emplace(*base.lm, shape);
                bars = zbb::tornado(*sim, mode);
            }
            return tornado_of(*sim, bars);
        },
        py::arg("model"), py::arg("variant") = py::none(), py::kw_only(),
        py::arg("distribution") = "triangular", py::arg("rounding") = "half-even");
}

}  // namespace zbb_py

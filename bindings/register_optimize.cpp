// bindings/register_optimize.cpp - _core.optimize and _core.OptimizeResult: zbb::least_cost and
// zbb::max_effect (zbb/optimize.hpp) on a linked model, without the GIL. The outcome is data (a
// status, an explanation when infeasible); only misuse raises (zbb.ModelError). The plan's budget
// is an ordinary _core.Budget.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "zbb/optimize.hpp"
#include "zbb_py.hpp"

namespace zbb_py {

namespace {

/// The Python-side handle of an optimisation result: the result and the model it belongs to.
struct optimize_handle {
    model_ptr lm;
    zbb::optimize_result r;
    zbb::rounding_mode rounding = zbb::rounding_mode::half_even;
};

using caps_arg = std::optional<std::vector<std::pair<std::string, std::string>>>;

optimize_handle run(const model_handle& h, const std::string& objective,
                    const std::string& rounding, double time_limit,
                    const std::optional<std::string>& budget, const caps_arg& caps) {
    zbb::optimize_options o;
    const auto obj = zbb::parse_objective(objective);
    o.report.rounding = zbb::parse_rounding_mode(rounding);
    o.time_limit_seconds = time_limit;
    if (budget) o.budget_cap = zbb::decimal::parse(*budget, {"option", "", "budget"});
    if (caps) {
        std::vector<zbb::partner_cap> v;
        for (const auto& [partner, cap] : *caps)
            v.push_back({partner, zbb::decimal::parse(cap, {"option", partner, "partner_caps"})});
        o.partner_caps = std::move(v);
    }
    optimize_handle out{h.lm, {}, o.report.rounding};
    const py::gil_scoped_release release;
    out.r = zbb::optimize(*h.lm, obj, o);
    return out;
}

py::tuple limit_tuple(const zbb::limit& l) {
    return py::make_tuple(l.entity, l.id, l.field, l.bound, l.used, l.shadow_price, l.excess);
}

py::list limits(const std::vector<zbb::limit>& v) {
    py::list out;
    for (const auto& l : v) out.append(limit_tuple(l));
    return out;
}

template <class F>
py::array_t<double> per_goal(const zbb::optimize_result& r, F f) {
    py::array_t<double> out(static_cast<py::ssize_t>(r.goals.size()));
    auto* d = out.mutable_data();
    for (std::size_t g = 0; g < r.goals.size(); ++g) d[g] = f(r.goals[g]);
    return out;
}

}  // namespace

void register_optimize(py::module_& m) {
    using R = optimize_handle;
    py::class_<R>(m, "OptimizeResult", "The outcome of an optimisation (immutable).")
        .def_property_readonly("model", [](const R& h) { return model_handle{h.lm}; })
        .def_property_readonly(
            "objective", [](const R& h) { return std::string(zbb::to_string(h.r.objective)); })
        .def_property_readonly("status",
                               [](const R& h) { return std::string(zbb::to_string(h.r.status)); })
        .def_property_readonly("message", [](const R& h) { return h.r.message; })
        .def_property_readonly("weighted_attainment",
                               [](const R& h) { return h.r.weighted_attainment; })
        .def_property_readonly("marginal_effect_per_currency_unit",
                               [](const R& h) { return h.r.marginal_effect_per_currency_unit; })
        .def_property_readonly("iterations", [](const R& h) { return h.r.iterations; })
        .def_property_readonly("solve_seconds", [](const R& h) { return h.r.solve_seconds; })
        .def("budget",
             [](const R& h) -> std::optional<budget_handle> {
                 if (!h.r.budget) return std::nullopt;
                 return budget_handle{h.lm, h.r.plan, *h.r.budget, h.rounding};
             })
        .def("goal_ids",
             [](const R& h) {
                 std::vector<std::string> ids;
                 for (const auto& g : h.r.goals) ids.push_back(g.id);
                 return ids;
             })
        .def(
            "marginal_cost",
            [](const R& h) { return per_goal(h.r, [](const auto& g) { return g.marginal_cost; }); })
        .def("attainment",
             [](const R& h) { return per_goal(h.r, [](const auto& g) { return g.attainment; }); })
        .def("projected",
             [](const R& h) { return per_goal(h.r, [](const auto& g) { return g.projected; }); })
        .def("shortfall",
             [](const R& h) { return per_goal(h.r, [](const auto& g) { return g.shortfall; }); })
        .def("binding", [](const R& h) { return limits(h.r.binding); })
        .def("explanation",
             [](const R& h) -> py::object {
                 if (!h.r.explanation) return py::none();
                 const auto& ex = *h.r.explanation;
                 py::list goals;
                 for (const auto& g : ex.goals)
                     goals.append(py::make_tuple(g.id, g.baseline, g.target, g.best, g.shortfall,
                                                 g.held_back_by));
                 py::dict d;
                 d["summary"] = ex.summary;
                 d["lines"] = ex.lines;
                 d["goals"] = goals;
                 d["limits"] = limits(ex.limits);
                 return d;
             })
        .def(
            "report_json",
            [](const R& h, int indent) { return zbb::optimize_report_json(*h.lm, h.r, indent); },
            py::arg("indent") = 2)
        .def("report_text", [](const R& h) { return zbb::optimize_report_text(*h.lm, h.r); });

    m.def("optimize", &run, py::arg("model"), py::arg("objective"), py::kw_only(),
          py::arg("rounding") = "half-even", py::arg("time_limit") = 0.0,
          py::arg("budget") = py::none(), py::arg("partner_caps") = py::none());
}

}  // namespace zbb_py

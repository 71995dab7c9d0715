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
                    const std::optional<std::string>& budget, const caps_arg& caps,
                    const caps_arg& area_caps) {
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
    if (area_caps) {
        std::vector<zbb::area_cap> v;
        for (const auto& [area, cap] : *area_caps)
            v.push_back({area, zbb::decimal::parse(cap, {"option", area, "area_caps"})});
        o.area_caps = std::move(v);
    }
    optimize_handle out{h.lm, {}, o.report.rounding};
    const py::gil_scoped_release release;
    out.r = zbb::optimize(*h.lm, obj, o);
    return out;
}

/// Limits (binding ones, or those of an explanation) as named columns: entity, id, field (lists of
/// str), bound, used, shadow_price, excess (float arrays).
py::dict limits(const std::vector<zbb::limit>& v) {
    py::dict out;
    out["entity"] = list_column(v, [](const zbb::limit& l) { return l.entity; });
    out["id"] = list_column(v, [](const zbb::limit& l) { return l.id; });
    out["field"] = list_column(v, [](const zbb::limit& l) { return l.field; });
    out["bound"] = array_column<double>(v, [](const zbb::limit& l) { return l.bound; });
    out["used"] = array_column<double>(v, [](const zbb::limit& l) { return l.used; });
    out["shadow_price"] =
        array_column<double>(v, [](const zbb::limit& l) { return l.shadow_price; });
    out["excess"] = array_column<double>(v, [](const zbb::limit& l) { return l.excess; });
    return out;
}

/// The goals an explanation names, as named columns: goal (list of ids), baseline, target, best,
/// shortfall (float arrays), held_back_by (a list of lists of descriptions).
template <class Goals>
py::dict unreachable_goals(const Goals& goals) {
    using G = typename Goals::value_type;
    py::dict out;
    out["goal"] = list_column(goals, [](const G& g) { return g.id; });
    out["baseline"] = array_column<double>(goals, [](const G& g) { return g.baseline; });
    out["target"] = array_column<double>(goals, [](const G& g) { return g.target; });
    out["best"] = array_column<double>(goals, [](const G& g) { return g.best; });
    out["shortfall"] = array_column<double>(goals, [](const G& g) { return g.shortfall; });
    out["held_back_by"] = list_column(goals, [](const G& g) { return g.held_back_by; });
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
                 return budget_handle{h.lm, h.r.plan, *h.r.budget, h.rounding, false};
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
                 py::dict d;
                 d["summary"] = ex.summary;
                 d["lines"] = ex.lines;
                 d["goals"] = unreachable_goals(ex.goals);
                 d["limits"] = limits(ex.limits);
                 return d;
             })
        .def(
            "report_json",
            [](const R& h, std::optional<int> indent) {
                // Without an indent: the library's default, what `zbb optimize --json` prints.
                return indent ? zbb::optimize_report_json(*h.lm, h.r, *indent)
                              : zbb::optimize_report_json(*h.lm, h.r);
            },
            py::arg("indent") = py::none())
        .def("report_text", [](const R& h) { return zbb::optimize_report_text(*h.lm, h.r); });

    m.def("optimize", &run, py::arg("model"), py::arg("objective"), py::kw_only(),
          py::arg("rounding") = "half-even", py::arg("time_limit") = 0.0,
          py::arg("budget") = py::none(), py::arg("partner_caps") = py::none(),
          py::arg("area_caps") = py::none());
}

}  // namespace zbb_py

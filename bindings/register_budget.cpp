// bindings/register_budget.cpp - _core.compute_budget and _core.Budget: the same computation as
// the CLI (zbb::compute_budget on a zbb::linked_model), exact amounts as integers in minor units,
// vectors as read-only numpy views that keep the budget alive.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "columns.hpp"
#include "zbb/goals.hpp"
#include "zbb_py.hpp"

namespace zbb_py {

namespace {

budget_handle compute(const model_handle& h, const std::string& rounding, const py::object& plan) {
    // Parsed before the handle is made: GCC 12 may destroy an aggregate's members twice when a
    // later initializer throws.
    const zbb::rounding_mode mode = zbb::parse_rounding_mode(rounding);
    budget_handle out{h.lm, {}, {}, mode, true};
    std::optional<zbb::plan> p;
    if (!plan.is_none()) p = plan_from_columns(plan.cast<py::dict>());
    const py::gil_scoped_release release;
    out.own_plan = !p;
    out.plan = p ? h.lm->link_plan(*p) : h.lm->plan();
    out.b = zbb::compute_budget(*h.lm, out.plan, {out.rounding});
    return out;
}

const zbb::breakdown& breakdown_of(const zbb::budget& b, const std::string& name) {
    if (name == "goal") return b.by_goal;
    if (name == "activity") return b.by_activity;
    if (name == "resource") return b.by_resource;
    if (name == "partner") return b.by_partner;
    if (name == "category") return b.by_category;
    if (name == "area") return b.by_area;
    fail({"option", "", "by"}, "unknown breakdown '" + name +
                                   "'; use goal, activity, resource, partner, category or area");
}

// Exact amounts in minor units: an int64 array (computed amounts never exceed 2^53 minor units, so
// they always fit; a list of Python ints otherwise).
py::object minor_units(const std::vector<zbb::money>& amounts) {
    const zbb::int128 lo = std::numeric_limits<std::int64_t>::min();
    const zbb::int128 hi = std::numeric_limits<std::int64_t>::max();
    bool fits = true;
    for (const auto& a : amounts) fits = fits && a.minor_units() >= lo && a.minor_units() <= hi;
    if (!fits) {
        py::list out;
        for (const auto& a : amounts) out.append(to_py_int(a.minor_units()));
        return out;
    }
    py::array_t<std::int64_t> out(static_cast<py::ssize_t>(amounts.size()));
    auto* d = out.mutable_data();
    for (std::size_t i = 0; i < amounts.size(); ++i)
        d[i] = static_cast<std::int64_t>(amounts[i].minor_units());
    return out;
}

using B = budget_handle;

template <const zbb::dense_vector zbb::budget::*V>
py::array_t<double> vector_view(py::object self) {
    const auto& v = self.cast<const B&>().b.*V;
    return readonly_view(v.data(), v.size(), self);
}

}  // namespace

void register_budget(py::module_& m) {
    py::class_<B>(m, "Budget", "A computed bottom-up budget (immutable).")
        .def_property_readonly("model", [](const B& h) { return model_handle{h.lm}; })
        .def_property_readonly("currency", [](const B& h) { return h.b.currency.code; })
        .def_property_readonly("minor_digits", [](const B& h) { return h.b.currency.minor_digits; })
        .def_property_readonly("rounding",
                               [](const B& h) { return std::string(zbb::to_string(h.rounding)); })
        .def_property_readonly("total_minor",
                               [](const B& h) { return to_py_int(h.b.total.minor_units()); })
        .def_property_readonly(
            "total_text", [](const B& h) { return h.b.total.to_string(h.b.currency.minor_digits); })
        .def_property_readonly("total_value", [](const B& h) { return h.b.total_value; })
        .def_property_readonly("warnings", [](const B& h) { return h.b.warnings; })
        .def("area_amounts_with_sub_areas",
             [](const B& h) { return minor_units(zbb::area_amounts_with_sub_areas(*h.lm, h.b)); })
        .def(
            "keys",
            [](const B& h, const std::string& by) { return breakdown_of(h.b, by).keys.ids(); },
            py::arg("by"))
        .def(
            "amounts_minor",
            [](const B& h, const std::string& by) {
                return minor_units(breakdown_of(h.b, by).amounts);
            },
            py::arg("by"))
        .def(
            "values",
            [](py::object self, const std::string& by) {
                const auto& v = breakdown_of(self.cast<const B&>().b, by).values;
                return readonly_view(v.data(), v.size(), self);
            },
            py::arg("by"))
        .def("direct_volumes", &vector_view<&zbb::budget::direct_volumes>)
        .def("volumes", &vector_view<&zbb::budget::volumes>)
        .def("resource_needs", &vector_view<&zbb::budget::resource_needs>)
        .def("unit_costs", &vector_view<&zbb::budget::unit_costs>)
        .def("full_unit_costs", &vector_view<&zbb::budget::full_unit_costs>)
        .def("projected", &vector_view<&zbb::budget::projected>)
        .def("plan_matrix",
             [](py::object self) {
                 const auto& s = self.cast<const B&>().plan;
                 return py::make_tuple(
                     readonly_view(s.valuePtr(), static_cast<std::size_t>(s.nonZeros()), self),
                     readonly_view(s.innerIndexPtr(), static_cast<std::size_t>(s.nonZeros()), self),
                     readonly_view(s.outerIndexPtr(), static_cast<std::size_t>(s.outerSize()) + 1,
                                   self),
                     py::make_tuple(s.rows(), s.cols()));
             })
        .def(
            "report_json",
            [](const B& h, std::optional<int> indent) {
                // Without an indent: the library's default, exactly what `zbb budget --json`
                // prints.
                // A model with years and its own plan: with every year's total, as the CLI.
                if (h.own_plan && h.lm->has_years()) {
                    const auto years = zbb::compute_multi_year_budget(*h.lm, {h.rounding});
                    return zbb::budget_report_json(*h.lm, h.b, years, indent.value_or(2));
                }
                return indent ? zbb::budget_report_json(*h.lm, h.b, *indent)
                              : zbb::budget_report_json(*h.lm, h.b);
            },
            py::arg("indent") = py::none())
        .def("report_text", [](const B& h) {
            if (h.own_plan && h.lm->has_years())
                return zbb::budget_report_text(*h.lm, h.b,
                                               zbb::compute_multi_year_budget(*h.lm, {h.rounding}));
            return zbb::budget_report_text(*h.lm, h.b);
        });

    m.def("compute_budget", &compute, py::arg("model"), py::kw_only(),
          py::arg("rounding") = "half-even", py::arg("plan") = py::none());
    // The one rule of a goal reached (zbb/goals.hpp), for Python's tables and plots.
    m.def(
        "goal_progress",
        [](const py::array_t<double, py::array::c_style | py::array::forcecast>& baseline,
           const py::array_t<double, py::array::c_style | py::array::forcecast>& target,
           const py::array_t<double, py::array::c_style | py::array::forcecast>& projected) {
            const auto n = baseline.size();
            if (target.size() != n || projected.size() != n)
                throw zbb::model_error({"goals", "", ""},
                                       "goal_progress: arrays of different lengths");
            py::array_t<bool> reached(n);
            py::array_t<double> shortfall(n), attainment(n);
            auto r = reached.mutable_unchecked<1>();
            auto s = shortfall.mutable_unchecked<1>();
            auto a = attainment.mutable_unchecked<1>();
            const double *b = baseline.data(), *t = target.data(), *p = projected.data();
            for (py::ssize_t i = 0; i < n; ++i) {
                const zbb::goal_progress g = zbb::progress_toward(b[i], t[i], p[i]);
                r(i) = g.reached;
                s(i) = g.shortfall;
                a(i) = g.attainment;
            }
            py::dict out;
            out["reached"] = reached;
            out["shortfall"] = shortfall;
            out["attainment"] = attainment;
            return out;
        },
        py::arg("baseline"), py::arg("target"), py::arg("projected"));
    m.attr("goal_tolerance") = zbb::goal_tolerance;
    m.attr("rounding_modes") = py::make_tuple("half-even", "half-up", "half-down", "toward-zero",
                                              "away-from-zero", "floor", "ceiling");
}

}  // namespace zbb_py

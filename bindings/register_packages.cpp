// bindings/register_packages.cpp - _core.rank_packages and _core.PackagesResult: zbb::rank_packages
// (zbb/packages.hpp) on a linked model, without the GIL. The optimal selection's outcome is data (a
// status); only misuse raises (zbb.ModelError). Money leaves as Python ints in minor units (exact,
// never through a double); zbb._packages makes Decimals of them.
#include <pybind11/stl.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "zbb/packages.hpp"
#include "zbb_py.hpp"

namespace zbb_py {

namespace {

/// The Python-side handle of a package analysis: the result and the model it belongs to.
struct packages_handle {
    model_ptr lm;
    zbb::packages_result r;
};

packages_handle run(const model_handle& h, const std::optional<std::string>& budget,
                    double time_limit, const std::string& rounding) {
    zbb::packages_options o;
    if (budget) o.budget = zbb::decimal::parse(*budget, {"option", "", "budget"});
    o.time_limit_seconds = time_limit;
    o.rounding = zbb::parse_rounding_mode(rounding);
    packages_handle out{h.lm, {}};
    const py::gil_scoped_release release;
    out.r = zbb::rank_packages(*h.lm, o);
    return out;
}

/// The ranked packages as named columns, in rank order: id, unit, name (lists of str), level and
/// model_index (position in the model's packages; int64 arrays), priority (float array, NaN when
/// not stated), cost_minor and cumulative_minor (lists of Python ints, minor units: exact, never
/// through a double), weighted_effect, effect_per_currency_unit (may be +-inf) and cost_value (the
/// computed cost in minor units, before rounding; float arrays), funded and in_optimal (bool
/// arrays).
py::dict package_columns(const std::vector<zbb::package_outcome>& v) {
    using P = zbb::package_outcome;
    py::dict out;
    out["id"] = list_column(v, [](const P& p) { return p.id; });
    out["unit"] = list_column(v, [](const P& p) { return p.unit; });
    out["level"] = array_column<std::int64_t>(v, [](const P& p) { return p.level; });
    out["name"] = list_column(v, [](const P& p) { return p.name; });
    out["priority"] = array_column<double>(v, [](const P& p) {
        return p.priority.value_or(std::numeric_limits<double>::quiet_NaN());
    });
    out["cost_minor"] = list_column(v, [](const P& p) { return to_py_int(p.cost.minor_units()); });
    out["cumulative_minor"] =
        list_column(v, [](const P& p) { return to_py_int(p.cumulative.minor_units()); });
    out["weighted_effect"] = array_column<double>(v, [](const P& p) { return p.weighted_effect; });
    out["effect_per_currency_unit"] =
        array_column<double>(v, [](const P& p) { return p.effect_per_currency_unit; });
    out["funded"] = array_column<bool>(v, [](const P& p) { return p.funded; });
    out["in_optimal"] = array_column<bool>(v, [](const P& p) { return p.in_optimal; });
    out["model_index"] = array_column<std::int64_t>(v, [](const P& p) { return p.model_index; });
    out["cost_value"] = array_column<double>(v, [](const P& p) { return p.cost_value; });
    return out;
}

}  // namespace

void register_packages(py::module_& m) {
    using R = packages_handle;
    py::class_<R>(m, "PackagesResult",
                  "Ranked decision packages and the optimal selection (immutable).")
        .def_property_readonly("model", [](const R& h) { return model_handle{h.lm}; })
        .def_property_readonly("status",
                               [](const R& h) { return std::string(zbb::to_string(h.r.status)); })
        .def_property_readonly("message", [](const R& h) { return h.r.message; })
        .def_property_readonly("ranked_by", [](const R& h) { return h.r.ranked_by; })
        .def_property_readonly("currency", [](const R& h) { return h.lm->currency().code; })
        .def_property_readonly("minor_digits",
                               [](const R& h) { return h.lm->currency().minor_digits; })
        .def_property_readonly("budget_minor",
                               [](const R& h) { return to_py_int(h.r.budget.minor_units()); })
        .def_property_readonly("total_minor",
                               [](const R& h) { return to_py_int(h.r.total.minor_units()); })
        .def_property_readonly("funded_cost_minor",
                               [](const R& h) { return to_py_int(h.r.funded_cost.minor_units()); })
        .def_property_readonly("optimal_cost_minor",
                               [](const R& h) { return to_py_int(h.r.optimal_cost.minor_units()); })
        .def_property_readonly("cutoff", [](const R& h) { return h.r.cutoff; })
        .def_property_readonly("funded_attainment",
                               [](const R& h) { return h.r.funded_attainment; })
        .def_property_readonly("optimal_attainment",
                               [](const R& h) { return h.r.optimal_attainment; })
        .def_property_readonly("left_on_the_table",
                               [](const R& h) { return h.r.left_on_the_table; })
        .def_property_readonly("solve_seconds", [](const R& h) { return h.r.solve_seconds; })
        .def("goal_ids", [](const R& h) { return h.lm->goals().ids(); })
        .def("packages", [](const R& h) { return package_columns(h.r.ranked); })
        .def("effects",
             [](const R& h) {
                 // packages (rank order) x goals (model order)
                 const auto ng = static_cast<py::ssize_t>(h.lm->goals().size());
                 py::array_t<double> out({static_cast<py::ssize_t>(h.r.ranked.size()), ng});
                 auto v = out.mutable_unchecked<2>();
                 for (std::size_t i = 0; i < h.r.ranked.size(); ++i)
                     for (py::ssize_t g = 0; g < ng; ++g)
                         v(static_cast<py::ssize_t>(i), g) =
                             h.r.ranked[i].effects[static_cast<std::size_t>(g)];
                 return out;
             })
        .def(
            "report_json",
            [](const R& h, std::optional<int> indent) {
                // Without an indent: the library's default, what `zbb packages --json` prints.
                return indent ? zbb::packages_report_json(*h.lm, h.r, *indent)
                              : zbb::packages_report_json(*h.lm, h.r);
            },
            py::arg("indent") = py::none())
        .def("report_text", [](const R& h) { return zbb::packages_report_text(*h.lm, h.r); });

    m.def("rank_packages", &run, py::arg("model"), py::kw_only(), py::arg("budget") = py::none(),
          py::arg("time_limit") = 30.0, py::arg("rounding") = "half-even");
}

}  // namespace zbb_py

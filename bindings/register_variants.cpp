// bindings/register_variants.cpp - variant files (zbb/variant.hpp) and their comparison
// (zbb/compare.hpp, zbb/optimize/compare.hpp): _core.Variant, read_variant_text/file,
// apply_variant and compare_report. The computations run without the GIL.
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "zbb/compare.hpp"
#include "zbb/optimize.hpp"
#include "zbb/variant.hpp"
#include "zbb_py.hpp"

namespace zbb_py {

namespace {

py::object value_of(const zbb::variant_value& v) {
    switch (v.kind) {
        case zbb::variant_value::kind_type::null:
            return py::none();
        case zbb::variant_value::kind_type::number:
            return py::float_(v.number);
        case zbb::variant_value::kind_type::text:
            return py::str(v.text);
    }
    return py::none();
}

// The changes as named columns: set, keys (a dict per change) and value (None, float or the exact
// decimal text).
py::dict changes_of(const zbb::variant& v) {
    py::list set, keys, value;
    for (const auto& c : v.changes) {
        set.append(c.set);
        py::dict k;
        for (const auto& [name, id] : c.keys) k[py::str(name)] = id;
        keys.append(k);
        value.append(value_of(c.value));
    }
    py::dict out;
    out["set"] = set;
    out["keys"] = keys;
    out["value"] = value;
    return out;
}

zbb::comparison compare(const model_handle& base, const std::vector<zbb::variant>& variants,
                        const std::string& objective, const std::string& reference,
                        const std::string& rounding) {
    zbb::compare_options options;
    options.reference = reference;
    options.budget.rounding = zbb::parse_rounding_mode(rounding);
    const bool budget = objective == "budget";
    const auto goal =
        budget ? zbb::optimize_objective::least_cost : zbb::parse_objective(objective);
    const py::gil_scoped_release release;
    if (budget) return zbb::compare_budgets(*base.lm, variants, options);
    zbb::optimize_options o;
    o.report = options.budget;
    return zbb::compare_optimized(*base.lm, variants, goal, o, options);
}

}  // namespace

void register_variants(py::module_& m) {
    using V = zbb::variant;
    py::class_<V>(m, "Variant", "A variant file (zbb-variant/1), checked for its structure.")
        .def_readonly("format", &V::format)
        .def_readonly("name", &V::name)
        .def_readonly("description", &V::description)
        .def("changes", &changes_of);
    m.def(
        "read_variant_text",
        [](const std::string& text, const std::string& source) {
            const py::gil_scoped_release release;
            return zbb::read_variant_json(text, source);
        },
        py::arg("text"), py::arg("source") = "variant");
    m.def(
        "read_variant_file",
        [](const std::string& path) {
            const py::gil_scoped_release release;
            return zbb::read_variant_file(path);
        },
        py::arg("path"));
    m.def(
        "apply_variant",
        [](const model_handle& h, const V& v) {
            return edited([&] { return zbb::apply_variant(*h.lm, v); });
        },
        py::arg("model"), py::arg("variant"));
    m.def(
        "compare_report",
        [](const model_handle& base, const std::vector<V>& variants, const std::string& objective,
           const std::string& reference, const std::string& rounding, const std::string& format) {
            if (format != "json" && format != "text" && format != "csv")
                fail({"option", "", "format"},
                     "unknown format '" + format + "'; use json, text or csv");
            const auto c = compare(base, variants, objective, reference, rounding);
            if (format == "json") return zbb::compare_report_json(c, -1);
            if (format == "csv") return zbb::compare_report_csv(c);
            return zbb::compare_report_text(c);
        },
        py::arg("model"), py::arg("variants"), py::kw_only(), py::arg("objective") = "budget",
        py::arg("reference") = "base", py::arg("rounding") = "half-even",
        py::arg("format") = "json");
}

}  // namespace zbb_py

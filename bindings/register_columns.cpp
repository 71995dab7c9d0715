// bindings/register_columns.cpp - bulk entry points: a model (or a plan) from whole columns, and a
// model's tables back as columns. The columns are read with the GIL held; validation and linking
// run without it.
#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "columns.hpp"
#include "model_edits.hpp"
#include "zbb_py.hpp"

namespace zbb_py {

void register_columns(py::module_& m) {
    m.def(
        "build_model",
        [](const py::dict& tables, const std::string& format, const std::string& name,
           const std::string& description, const std::string& currency,
           std::optional<int> minor_units) {
            return link(
                model_from_columns({format, name, description, currency, minor_units}, tables));
        },
        py::arg("tables"), py::kw_only(), py::arg("format") = "zbb-model/1", py::arg("name") = "",
        py::arg("description") = "", py::arg("currency") = "EUR",
        py::arg("minor_units") = py::none());
    py::class_<model_handle> cls =
        py::reinterpret_borrow<py::class_<model_handle>>(m.attr("Model"));
    cls.def(
        "table",
        [](const model_handle& h, const std::string& table) {
            return table_to_columns(*h.lm, table);
        },
        py::arg("table"));
    cls.def(
        "with_plan",
        [](const model_handle& h, const py::dict& columns) {
            return link(with_plan(*h.lm, plan_from_columns(columns)));
        },
        py::arg("columns"));
}

}  // namespace zbb_py

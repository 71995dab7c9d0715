// bindings/register_variants.cpp - variant files (zbb/variant.hpp) and their comparison
// (zbb/compare.hpp, zbb/optimize/compare.hpp, zbb/compare_state.hpp): _core.Variant,
// read_variant_text/file, apply_variant, compare (in one call) and, for an executor, its columns
// as bytes (compare_column_states, run by the workers) and assemble_comparison. The computations
// run without the GIL.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "zbb/compare.hpp"
#include "zbb/compare_state.hpp"
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

// The settings of a comparison's columns: how each column's outcome is computed.
struct column_settings {
    bool budget = true;  // the bottom-up budget of the column's plan, else an optimisation
    zbb::optimize_objective goal = zbb::optimize_objective::least_cost;
    zbb::budget_options report;
};

column_settings settings_of(const std::string& objective, const std::string& rounding) {
    column_settings s;
    s.report.rounding = zbb::parse_rounding_mode(rounding);
    s.budget = objective == "budget";
    if (!s.budget) s.goal = zbb::parse_objective(objective);
    return s;
}

zbb::compare_outcome outcome_for(const zbb::linked_model& m, const column_settings& s) {
    if (s.budget) return {"ok", "", zbb::compute_budget(m, s.report)};
    zbb::optimize_options o;
    o.report = s.report;
    return zbb::outcome_of(zbb::optimize(m, s.goal, o));
}

zbb::comparison compare(const model_handle& base, const std::vector<zbb::variant>& variants,
                        const std::string& objective, const std::string& reference,
                        const std::string& rounding) {
    zbb::compare_options options;
    options.reference = reference;
    const auto s = settings_of(objective, rounding);
    options.budget = s.report;
    const py::gil_scoped_release release;
    return zbb::compare_variants(
        *base.lm, variants, [&](const zbb::linked_model& m) { return outcome_for(m, s); }, options);
}

std::string report_of(const zbb::comparison& c, const std::string& format, int indent) {
    if (format == "json") return zbb::compare_report_json(c, indent);
    if (format == "csv") return zbb::compare_report_csv(c);
    if (format == "text") return zbb::compare_report_text(c);
    fail({"option", "", "format"}, "unknown format '" + format + "'; use json, text or csv");
}

// One row per column: name, status, total and change in minor units (None without them),
// weighted attainment (None without a budget), goals reached and the columns that dominate it.
py::dict summary_of(const zbb::comparison& c) {
    py::list name, status, total, change, weighted, reached, dominated;
    for (const auto& col : c.columns) {
        name.append(col.name);
        status.append(col.status);
        total.append(col.ok() ? py::object(to_py_int(col.result->total.minor_units()))
                              : py::object(py::none()));
        change.append(col.change ? py::object(to_py_int(col.change->total.minor_units()))
                                 : py::object(py::none()));
        weighted.append(col.ok() ? py::object(py::float_(col.weighted_attainment))
                                 : py::object(py::none()));
        reached.append(col.ok() ? py::object(py::int_(col.goals_reached)) : py::object(py::none()));
        py::list by;
        for (const auto& d : col.dominated_by) by.append(d);
        dominated.append(by);
    }
    return named_columns({{"name", name},
                          {"status", status},
                          {"total_minor", total},
                          {"change_minor", change},
                          {"weighted_attainment", weighted},
                          {"goals_reached", reached},
                          {"dominated_by", dominated}});
}

// One breakdown ("goal", "partner", "activity", "resource", "category") of every column, or its
// change: the keys and per column a list of minor units (None for a column without them).
py::tuple lines_of(const zbb::comparison& c, const std::string& by, bool change) {
    for (const auto& s : zbb::detail::compare_sections(c)) {
        if (by != s.csv_name) continue;
        py::dict columns;
        for (const auto& col : c.columns) {
            const std::vector<zbb::money>* amounts = nullptr;
            if (change && col.change) amounts = &((*col.change).*s.of_change).amounts;
            if (!change && col.ok()) amounts = &((*col.result).*s.of_budget).amounts;
            if (!amounts) {
                columns[py::str(col.name)] = py::none();
                continue;
            }
            py::list minor;
            for (const auto& a : *amounts) minor.append(to_py_int(a.minor_units()));
            columns[py::str(col.name)] = minor;
        }
        return py::make_tuple(s.keys->ids(), columns);
    }
    fail({"option", "", "by"},
         "unknown breakdown '" + by + "'; use goal, partner, activity, resource or category");
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
    py::class_<zbb::comparison>(
        m, "Comparison", "A comparison of the base model and its variants (zbb/compare.hpp).")
        .def_property_readonly("names",
                               [](const zbb::comparison& c) {
                                   std::vector<std::string> out;
                                   for (const auto& col : c.columns) out.push_back(col.name);
                                   return out;
                               })
        .def_readonly("reference", &zbb::comparison::reference)
        .def_property_readonly("currency", [](const zbb::comparison& c) { return c.currency.code; })
        .def_property_readonly("minor_digits",
                               [](const zbb::comparison& c) { return c.currency.minor_digits; })
        .def("column_states",
             [](const zbb::comparison& c) {
                 py::list out;
                 for (const auto& col : c.columns) out.append(py::bytes(zbb::column_state(col)));
                 return out;
             })
        .def("summary", &summary_of)
        .def("lines", &lines_of, py::arg("by"), py::arg("change") = false)
        .def(
            "report",
            [](const zbb::comparison& c, const std::string& format, int indent) {
                std::string out;
                {
                    const py::gil_scoped_release release;
                    out = report_of(c, format, indent);
                }
                return out;
            },
            py::arg("format") = "json", py::arg("indent") = 2);
    m.def("compare", &compare, py::arg("model"), py::arg("variants"), py::kw_only(),
          py::arg("objective") = "budget", py::arg("reference") = "base",
          py::arg("rounding") = "half-even");
    m.def(
        "check_variant_names",
        [](const std::vector<V>& variants) { zbb::detail::check_column_names(variants); },
        py::arg("variants"));
    m.def(
        "compare_column_states",
        [](const model_handle& base, const std::vector<std::optional<V>>& variants,
           const std::string& objective, const std::string& rounding) {
            const auto s = settings_of(objective, rounding);
            std::vector<std::string> states;
            {
                const py::gil_scoped_release release;
                for (const auto& v : variants) {
                    if (!v) {
                        states.push_back(zbb::column_state(
                            zbb::make_compare_column("base", *base.lm, outcome_for(*base.lm, s))));
                        continue;
                    }
                    const zbb::linked_model changed = zbb::apply_variant(*base.lm, *v);
                    auto outcome = zbb::variant_outcome(
                        v->name, changed, [&](const auto& model) { return outcome_for(model, s); });
                    states.push_back(zbb::column_state(
                        zbb::make_compare_column(v->name, changed, std::move(outcome))));
                }
            }
            py::list out;
            for (const auto& st : states) out.append(py::bytes(st));
            return out;
        },
        py::arg("model"), py::arg("variants"), py::kw_only(), py::arg("objective") = "budget",
        py::arg("rounding") = "half-even");
    m.def(
        "assemble_comparison",
        [](const model_handle& base, const std::vector<py::bytes>& states,
           const std::string& reference) {
            std::vector<std::string> bytes;
            bytes.reserve(states.size());
            for (const auto& b : states) bytes.emplace_back(b);
            const py::gil_scoped_release release;
            std::vector<zbb::compare_column> columns;
            columns.reserve(bytes.size());
            for (const auto& b : bytes) columns.push_back(zbb::column_from_state(b, *base.lm));
            zbb::compare_options options;
            options.reference = reference;
            return zbb::assemble_comparison(*base.lm, std::move(columns), options);
        },
        py::arg("model"), py::arg("states"), py::kw_only(), py::arg("reference") = "base");
}

}  // namespace zbb_py

// bindings/register_prior.cpp - the goal tables of a budget and the comparison with a prior budget
// (zbb/goal_tables.hpp, zbb/prior.hpp): _core.PriorBudget, _core.read_prior_file / _text,
// Budget.goal_tables() and _core.PriorComparison, with the same reports as the CLI.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "zbb/areas.hpp"
#include "zbb/prior_report.hpp"
#include "zbb_py.hpp"

namespace zbb_py {

namespace {

struct prior_comparison_handle {
    model_ptr lm;
    zbb::budget b;
    zbb::prior_comparison c;
};

py::object minor(const zbb::money& m) {
    return to_py_int(m.minor_units());
}

py::dict prior_lines(const zbb::prior_budget& p) {
    py::list kind, id, amount;
    for (const auto& l : p.lines) {
        kind.append(l.kind);
        id.append(l.id);
        amount.append(minor(l.amount));
    }
    py::dict d;
    d["kind"] = kind;
    d["id"] = id;
    d["amount_minor"] = amount;
    return d;
}

}  // namespace

void register_prior(py::module_& m) {
    py::class_<zbb::prior_budget>(m, "PriorBudget", "A prior budget as read from a file.")
        .def_property_readonly("source", [](const zbb::prior_budget& p) { return p.source; })
        .def("lines", &prior_lines);
    m.def(
        "read_prior_file",
        [](const std::string& path, int minor_digits) {
            const py::gil_scoped_release release;
            return zbb::read_prior_file(path, minor_digits);
        },
        py::arg("path"), py::arg("minor_digits") = 2);
    m.def(
        "read_prior_text",
        [](const std::string& text, const std::string& source, int minor_digits) {
            const py::gil_scoped_release release;
            return zbb::read_prior_text(text, source, minor_digits);
        },
        py::arg("text"), py::arg("source") = "prior", py::arg("minor_digits") = 2);

    using C = prior_comparison_handle;
    py::class_<C>(m, "PriorComparison", "A budget against a prior budget (immutable).")
        .def_property_readonly("source", [](const C& h) { return h.c.source; })
        .def_property_readonly("waterfall_kind", [](const C& h) { return h.c.waterfall_kind; })
        .def("lines",
             [](const C& h) {
                 py::list kind, id, prior, zero_based, change, status, in_model;
                 for (const auto& k : h.c.kinds)
                     for (const auto& l : k.lines) {
                         kind.append(k.kind);
                         id.append(l.id);
                         prior.append(minor(l.prior));
                         zero_based.append(minor(l.zero_based));
                         change.append(minor(l.change));
                         status.append(std::string(zbb::to_string(l.status)));
                         in_model.append(l.in_model);
                     }
                 return named_columns({{"kind", kind},
                                       {"id", id},
                                       {"prior_minor", prior},
                                       {"zero_based_minor", zero_based},
                                       {"change_minor", change},
                                       {"status", status},
                                       {"in_model", in_model}});
             })
        .def("waterfall",
             [](const C& h) {
                 py::list step, kind, amount;
                 for (const auto& s : h.c.waterfall) {
                     step.append(s.step);
                     kind.append(s.kind);
                     amount.append(minor(s.amount));
                 }
                 py::dict d;
                 d["step"] = step;
                 d["kind"] = kind;
                 d["amount_minor"] = amount;
                 return d;
             })
        .def(
            "report_json",
            [](const C& h, std::optional<int> indent) {
                return indent ? zbb::prior_report_json(*h.lm, h.b, h.c, *indent)
                              : zbb::prior_report_json(*h.lm, h.b, h.c);
            },
            py::arg("indent") = py::none())
        .def("report_csv", [](const C& h) { return zbb::prior_report_csv(h.c); })
        .def("report_text", [](const C& h) {
            return zbb::budget_report_text(*h.lm, h.b) + "\n" + zbb::prior_report_text(*h.lm, h.c);
        });

    m.def(
        "goal_tables",
        [](const budget_handle& h) {
            zbb::goal_tables t;
            zbb::goal_table by_area;  // only when the model has areas
            {
                const py::gil_scoped_release release;
                t = zbb::compute_goal_tables(*h.lm, h.plan, h.b);
                if (h.lm->has_areas()) by_area = zbb::compute_goal_area_table(*h.lm, h.plan, h.b);
            }
            py::dict out;
            for (const auto* table :
                 {&t.by_activity, &t.by_resource, &t.by_category, &t.by_partner, &by_area}) {
                if (table->kind.empty()) continue;
                std::size_t n = 0;
                for (const auto& r : table->rows) n += r.size();
                py::array_t<std::int32_t> goal(static_cast<py::ssize_t>(n)),
                    column(static_cast<py::ssize_t>(n));
                py::array_t<std::int64_t> amount(static_cast<py::ssize_t>(n));
                py::array_t<double> value(static_cast<py::ssize_t>(n));
                auto* g = goal.mutable_data();
                auto* k = column.mutable_data();
                auto* a = amount.mutable_data();
                auto* v = value.mutable_data();
                std::size_t i = 0;
                for (std::size_t row = 0; row < table->rows.size(); ++row)
                    for (const auto& cell : table->rows[row]) {
                        g[i] = static_cast<std::int32_t>(row);
                        k[i] = static_cast<std::int32_t>(cell.column);
                        // Cells are bounded by the budget's amounts, which fit 2^53 minor units.
                        a[i] = static_cast<std::int64_t>(cell.amount.minor_units());
                        v[i] = cell.value;
                        ++i;
                    }
                py::dict d;
                d["goal"] = goal;
                d["column"] = column;
                d["amount_minor"] = amount;
                d["value"] = value;
                d["columns"] = table->columns.ids();
                d["off_bound"] = table->off_bound;
                out[py::str(table->kind)] = d;
            }
            return out;
        },
        py::arg("budget"));
    m.def(
        "compare_prior",
        [](const budget_handle& h, const zbb::prior_budget& prior,
           std::optional<std::string> waterfall) {
            C out{h.lm, h.b, {}};
            const py::gil_scoped_release release;
            const auto tables = zbb::compute_goal_tables(*h.lm, h.plan, h.b);
            out.c = zbb::compare_prior(*h.lm, h.b, tables, prior, std::move(waterfall));
            return out;
        },
        py::arg("budget"), py::arg("prior"), py::kw_only(), py::arg("waterfall") = py::none());
}

}  // namespace zbb_py

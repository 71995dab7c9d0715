// bindings/register_columns.cpp - bulk entry points: a model (or a plan) from whole columns, a
// model's tables back as columns, and the description of the tables. The columns are read with
// the GIL held; validation and linking run without it.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <utility>

#include "columns.hpp"
#include "zbb_py.hpp"

namespace zbb_py {

namespace {

model_handle build(const py::dict& tables, const py::dict& header) {
    columns_model built = model_from_columns(header, tables);
    model_handle h = link(std::move(built.model));
    if (built.orphan) throw *built.orphan;  // after the model's own errors, as from JSON
    return h;
}

// Every table of a model as columns, with its header and frame: what a Model pickles as. Reading
// it back goes through the same column path (linear in the size of the model).
py::tuple state_of(const zbb::linked_model& lm) {
    const auto m = lm.view();
    py::dict tables;
    for (const char* name :
         {"goals", "activities", "resources", "partners", "areas", "programmes", "effects",
          "consumption", "support", "funding", "plan", "levels", "packages", "package_volumes"})
        tables[name] = table_to_columns(lm, name);
    if (m.years) {
        py::dict years;
        years["budget_year"] = m.years->budget_year;
        years["last_year"] = m.years->last_year;
        if (!m.years->municipality.empty()) years["municipality"] = m.years->municipality;
        tables["years"] = years;
        for (const char* name :
             {"index_series", "indexation", "year_volumes", "income", "incidental"})
            tables[name] = table_to_columns(lm, name);
    }
    if (m.frame) {
        py::dict frame;
        frame["budget"] =
            m.frame->budget ? py::object(py::str(m.frame->budget->text())) : py::none();
        tables["frame"] = frame;
        tables["partner_caps"] = table_to_columns(lm, "partner_caps");
        tables["area_caps"] = table_to_columns(lm, "area_caps");
    }
    return py::make_tuple(header_of(m), tables);
}

}  // namespace

void register_columns(py::module_& m) {
    m.def("build_model", &build, py::arg("tables"), py::arg("header") = py::dict(),
          "A validated model from {table: {column: array}} and the header fields.");
    m.def("model_tables", &tables_description,
          "The description of a model's tables: names, columns, kinds, required, defaults.");
    m.def(
        "from_state",
        [](const py::dict& header, const py::dict& tables) { return build(tables, header); },
        py::arg("header"), py::arg("tables"));
    py::class_<model_handle> cls =
        py::reinterpret_borrow<py::class_<model_handle>>(m.attr("Model"));
    cls.def(
        "table",
        [](const model_handle& h, const std::string& table) {
            return table_to_columns(*h.lm, table);
        },
        py::arg("table"));
    cls.def("header", [](const model_handle& h) { return header_of(h.lm->view()); });
    cls.def("frame", [](const model_handle& h) -> py::object {
        const auto& f = h.lm->view().frame;
        if (!f) return py::none();
        py::dict out;
        if (f->budget) out["budget"] = f->budget->text();
        // Each kind of cap as rows {owner: id, "cap": text}, only when there are any.
        auto caps_rows = [&](const char* table, const char* key, const auto& caps, auto owner) {
            if (caps.empty()) return;
            py::list rows;
            for (const auto& c : caps) {
                py::dict row;
                row[key] = c.*owner;
                row["cap"] = c.cap.text();
                rows.append(row);
            }
            out[table] = rows;
        };
        caps_rows("partner_caps", "partner", f->partner_caps, &zbb::partner_cap::partner);
        caps_rows("area_caps", "area", f->area_caps, &zbb::area_cap::area);
        return out;
    });
    cls.def("years", [](const model_handle& h) -> py::object {
        // As in the JSON format: {"budget_year", "last_year", "index_series": [{series, year,
        // factor}], "indexation": [{category, series}], "volumes": [{goal, activity, year,
        // volume}]}, the lists only when they have rows.
        const auto& y = h.lm->years();
        if (!y) return py::none();
        py::dict out;
        out["budget_year"] = y->budget_year;
        out["last_year"] = y->last_year;
        if (!y->index_series.empty()) {
            py::list rows;
            for (const auto& f : y->index_series)
                rows.append(py::dict(py::arg("series") = f.series, py::arg("year") = f.year,
                                     py::arg("factor") = f.factor.text()));
            out["index_series"] = rows;
        }
        if (!y->indexation.empty()) {
            py::list rows;
            for (const auto& c : y->indexation)
                rows.append(
                    py::dict(py::arg("category") = c.category, py::arg("series") = c.series));
            out["indexation"] = rows;
        }
        if (!y->volumes.empty()) {
            py::list rows;
            for (const auto& v : y->volumes)
                rows.append(py::dict(py::arg("goal") = v.goal, py::arg("activity") = v.activity,
                                     py::arg("year") = v.year, py::arg("volume") = v.volume));
            out["volumes"] = rows;
        }
        if (!y->municipality.empty()) out["municipality"] = y->municipality;
        if (!y->income.empty()) {
            py::list rows;
            for (const auto& l : y->income)
                rows.append(py::dict(py::arg("id") = l.id, py::arg("year") = l.year,
                                     py::arg("kind") = l.kind, py::arg("amount") = l.amount.text(),
                                     py::arg("nature") = l.nature));
            out["income"] = rows;
        }
        if (!y->incidental.empty()) {
            py::list rows;
            for (const auto& i : y->incidental)
                rows.append(py::dict(py::arg("activity") = i.activity));
            out["incidental"] = rows;
        }
        return out;
    });
    cls.def(
        "with_years",
        [](const model_handle& h, const py::dict& tables) {
            std::optional<zbb::multi_year> years = years_from_columns(tables);
            return edited([&] { return zbb::with_years(*h.lm, std::move(years)); });
        },
        py::arg("tables"));
    cls.def("state", [](const model_handle& h) { return state_of(*h.lm); });
    cls.def(
        "with_plan",
        [](const model_handle& h, const py::dict& columns) {
            zbb::plan plan = plan_from_columns(columns);
            return edited([&] { return zbb::with_plan(*h.lm, std::move(plan)); });
        },
        py::arg("columns"));
    cls.def(
        "with_frame",
        [](const model_handle& h, const py::dict& tables) {
            std::optional<zbb::financial_frame> frame = frame_from_columns(tables);
            return edited([&] { return zbb::with_frame(*h.lm, std::move(frame)); });
        },
        py::arg("tables"));
}

}  // namespace zbb_py

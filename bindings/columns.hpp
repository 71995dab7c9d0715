// bindings/columns.hpp - whole-column conversion between numpy arrays and zbb::model tables,
// driven by the table description of zbb/tables.hpp.
//
// Building a model from DataFrames goes through here: the Python layer hands over one dict of
// columns per table (numpy object arrays for text, float64 arrays for numbers and whole numbers,
// object arrays of decimal text for prices and shares), and the rows are made in C++ in one pass,
// with errors that name the table, row and field exactly as the JSON reader does. Every table of
// the description is covered, the nested ones (levels, packages' volumes, partner caps) as long
// tables whose first columns name the row they belong to.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <optional>
#include <string>

#include "zbb/linked_model.hpp"
#include "zbb/model.hpp"

namespace zbb_py {

namespace py = pybind11;

/// A model built from columns, and the error of the first package volume whose package the
/// packages table does not have. That error is raised only after the model has been linked, so
/// that a malformed package is reported as the JSON reader reports it.
struct columns_model {
    zbb::model model;
    std::optional<zbb::model_error> orphan;
};

/// Makes a (not yet validated) model from `header` ({column of table "model": value}) and `tables`
/// ({table: {column: array}}, tables may be missing; "frame" is {"budget": value} and present only
/// when the model has a frame). Needs the GIL. Throws zbb::model_error for unknown tables or
/// columns, missing required cells, cells of the wrong type and malformed decimals.
columns_model model_from_columns(const py::dict& header, const py::dict& tables);

/// The financial frame of {"frame": {"budget": value}, "partner_caps": {column: array}} (no
/// "frame" or None: no frame), read as model_from_columns reads it. Needs the GIL.
std::optional<zbb::financial_frame> frame_from_columns(const py::dict& tables);

/// The multi-year estimate of {"years": {"budget_year": int, "last_year": int}, "index_series",
/// "indexation", "year_volumes": {column: array}} (no "years" or None: none; rows of the three
/// tables without it are refused). Needs the GIL.
std::optional<zbb::multi_year> years_from_columns(const py::dict& tables);

/// The plan rows of {column: array} (columns goal, activity, volume). Needs the GIL.
zbb::plan plan_from_columns(const py::dict& columns);

/// One table of a validated model as {column: array}: text as numpy object arrays, numbers as
/// float64 arrays (NaN where an optional number is unset), whole numbers as int64 arrays, prices
/// and shares as their decimal text. Nested tables come flattened, their parent's key first.
py::dict table_to_columns(const zbb::linked_model& lm, const std::string& table);

/// The header fields of a model ({"format": ..., "name": ..., "minor_units": None | int, ...}).
py::dict header_of(const zbb::model_view& m);

/// The description of the tables (zbb::model_tables()) as plain Python objects.
py::list tables_description();

}  // namespace zbb_py

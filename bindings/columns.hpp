// bindings/columns.hpp - whole-column conversion between numpy arrays and zbb::model tables.
//
// Building a model from DataFrames goes through here: the Python layer hands over one dict of
// columns per table (numpy object arrays for text, float64 arrays for numbers, object arrays of
// decimal text for prices and shares), and the rows are made in C++ in one pass, with errors that
// name the table, row and field exactly as the JSON reader does.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <optional>
#include <string>

#include "zbb/linked_model.hpp"
#include "zbb/model.hpp"

namespace zbb_py {

namespace py = pybind11;

/// The model header given beside the tables.
struct model_header {
    std::string format = "zbb-model/1";
    std::string name;
    std::string description;
    std::string currency = "EUR";
    std::optional<int> minor_units;
};

/// Makes a (not yet validated) model from a header and a dict {table: {column: array}}; tables
/// may be missing. Needs the GIL. Throws zbb::model_error for unknown tables or columns, missing
/// required cells, cells of the wrong type and malformed decimals.
zbb::model model_from_columns(const model_header& header, const py::dict& tables);

/// The plan rows of {column: array} (columns goal, activity, volume). Needs the GIL.
zbb::plan plan_from_columns(const py::dict& columns);

/// One table of a validated model as {column: array}: text as numpy object arrays, numbers as
/// float64 arrays (NaN where an optional number is unset), prices and shares as their decimal text.
py::dict table_to_columns(const zbb::linked_model& lm, const std::string& table);

}  // namespace zbb_py

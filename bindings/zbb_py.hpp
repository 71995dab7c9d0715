// bindings/zbb_py.hpp - what the register_<concept>.cpp files of zbb._core share.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <initializer_list>
#include <iterator>
#include <memory>
#include <string>
#include <utility>

#include "zbb/zbb.hpp"

namespace zbb_py {

namespace py = pybind11;

/// A validated model as Python sees it: immutable and shared, so that budgets and numpy views can
/// keep it alive without copying.
using model_ptr = std::shared_ptr<const zbb::linked_model>;

/// The Python-side handle of a model (`_core.Model`).
struct model_handle {
    model_ptr lm;
};

/// The Python-side handle of a budget (`_core.Budget`): the budget and the model it belongs to.
struct budget_handle {
    model_ptr lm;
    zbb::sparse_matrix plan;  ///< the linked plan D (activity x goal) the budget was computed for
    zbb::budget b;
    zbb::rounding_mode rounding = zbb::rounding_mode::half_even;
    bool own_plan = true;  ///< computed for the model's plan (its reports then show every year)
};

/// A model_error naming `where` (the bindings refuse bad arguments as the library does).
[[noreturn]] inline void fail(const zbb::error_location& where, const std::string& what) {
    throw zbb::model_error(where, what);
}

/// Links `m` (validation, matrices, support factorisation) without holding the GIL.
inline model_handle link(zbb::model m) {
    const py::gil_scoped_release release;
    return {std::make_shared<const zbb::linked_model>(std::move(m))};
}

/// The model made by a scenario edit `edit` (a callable returning a zbb::linked_model, see
/// zbb/scenario.hpp), run without the GIL.
template <class Edit>
model_handle edited(Edit&& edit) {
    const py::gil_scoped_release release;
    return {std::make_shared<const zbb::linked_model>(edit())};
}

/// A read-only 1-d numpy view of `size` doubles at `data`, kept alive by `owner`.
inline py::array_t<double> readonly_view(const double* data, Eigen::Index size,
                                         const py::handle& owner) {
    py::array_t<double> a({static_cast<py::ssize_t>(size)},
                          {static_cast<py::ssize_t>(sizeof(double))}, data, owner);
    a.attr("setflags")(py::arg("write") = false);
    return a;
}

/// Any read-only 1-d numpy view of a contiguous std::vector-like buffer, kept alive by `owner`.
template <class T>
py::array_t<T> readonly_view(const T* data, std::size_t size, const py::handle& owner) {
    py::array_t<T> a({static_cast<py::ssize_t>(size)}, {static_cast<py::ssize_t>(sizeof(T))}, data,
                     owner);
    a.attr("setflags")(py::arg("write") = false);
    return a;
}

/// An exact 128-bit integer as a Python int (never through a double).
inline py::int_ to_py_int(const zbb::int128& v) {
    return py::reinterpret_steal<py::int_>(PyLong_FromString(v.str().c_str(), nullptr, 10));
}

// Results cross into Python as named columns (a py::dict of column name -> column), never as
// positional tuples: one entry per field, each a numpy array (numbers, flags) or a list (texts,
// exact integers, nested lists), one element per row.

/// The column `f(row)` of `rows` as a numpy array of T (a number or bool).
template <class T, class Rows, class F>
py::array_t<T> array_column(const Rows& rows, F f) {
    py::array_t<T> out(static_cast<py::ssize_t>(std::size(rows)));
    auto* d = out.mutable_data();
    for (const auto& r : rows) *d++ = static_cast<T>(f(r));
    return out;
}

/// A dict of named columns ({"name": list, ...}), in the order given.
inline py::dict named_columns(std::initializer_list<std::pair<const char*, py::object>> columns) {
    py::dict out;
    for (const auto& [name, column] : columns) out[name] = column;
    return out;
}

/// The column `f(row)` of `rows` as a list of Python objects (texts, Python ints, lists).
template <class Rows, class F>
py::list list_column(const Rows& rows, F f) {
    py::list out;
    for (const auto& r : rows) out.append(f(r));
    return out;
}

void register_errors(py::module_& m);
void register_model(py::module_& m);
void register_columns(py::module_& m);
void register_budget(py::module_& m);
void register_optimize(py::module_& m);
void register_packages(py::module_& m);
void register_variants(py::module_& m);
void register_prior(py::module_& m);
void register_simulate(py::module_& m);
void register_years(py::module_& m);
void register_bbv(py::module_& m);

}  // namespace zbb_py

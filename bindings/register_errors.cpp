// bindings/register_errors.cpp - zbb's C++ exceptions arrive in Python as zbb.ModelError,
// zbb.SupportLoopError, zbb.InfeasibleError and zbb.MoneyOverflowError (defined in
// zbb/_errors.py), each carrying .entity, .id and .field.
#include <pybind11/stl.h>

#include <exception>
#include <stdexcept>
#include <string>

#include "zbb_py.hpp"

namespace zbb_py {

namespace {

// Raises zbb._errors.<cls>(message, entity=..., id=..., field=..., **extra) as the pending Python
// error. Falls back to `fallback` if the Python class cannot be made (it never throws).
void raise(const char* cls, const char* what, const zbb::error_location& where, PyObject* fallback,
           const py::dict& extra = py::dict()) {
    try {
        py::object type = py::module_::import("zbb._errors").attr(cls);
        py::object err = type(what, py::arg("entity") = where.entity, py::arg("id") = where.id,
                              py::arg("field") = where.field, **extra);
        PyErr_SetObject(type.ptr(), err.ptr());
    } catch (py::error_already_set&) {
        PyErr_SetString(fallback, what);
    }
}

void translate(std::exception_ptr p) {
    try {
        if (p) std::rethrow_exception(p);
    } catch (const zbb::support_loop_error& e) {
        py::dict extra;
        extra["activities"] = py::cast(e.activities());
        raise("SupportLoopError", e.what(), e.where(), PyExc_ValueError, extra);
    } catch (const zbb::model_error& e) {
        raise("ModelError", e.what(), e.where(), PyExc_ValueError);
    } catch (const zbb::infeasible& e) {
        raise("InfeasibleError", e.what(), e.where(), PyExc_ValueError);
    } catch (const zbb::money_overflow& e) {
        raise("MoneyOverflowError", e.what(), e.where(), PyExc_OverflowError);
    } catch (const std::overflow_error& e) {
        // Checked 128-bit arithmetic outside a located amount.
        raise("MoneyOverflowError", e.what(), {"money", "", ""}, PyExc_OverflowError);
    }
}

}  // namespace

void register_errors(py::module_& m) {
    py::register_exception_translator(&translate);
    // For tests of the translation itself.
    m.def(
        "_raise_for_test",
        [](const std::string& kind, const std::string& id) {
            zbb::error_location at{"goal", id, "target"};
            if (kind == "model") throw zbb::model_error(at, "test");
            if (kind == "loop") throw zbb::support_loop_error({id, id + "2"}, "test");
            if (kind == "infeasible") throw zbb::infeasible(at, "test");
            if (kind == "overflow") throw zbb::money_overflow(at, "test");
            if (kind == "int128") throw std::overflow_error("test");
            throw std::runtime_error("test");
        },
        py::arg("kind"), py::arg("id") = "G-1");
}

}  // namespace zbb_py

// bindings/module.cpp - the private compiled module zbb._core. The public API is the pure-Python
// package zbb (src/zbb); each concept registers itself from its own register_<concept>.cpp.
#include "zbb_py.hpp"

PYBIND11_MODULE(_core, m) {
    m.doc() = "zbb._core: compiled core of zbb (private; use the zbb package)";
    m.attr("version") = zbb::version;
    zbb_py::register_errors(m);
    zbb_py::register_model(m);
    zbb_py::register_columns(m);
    zbb_py::register_budget(m);
    zbb_py::register_optimize(m);
    zbb_py::register_packages(m);
    zbb_py::register_variants(m);
    zbb_py::register_prior(m);
    zbb_py::register_simulate(m);
    zbb_py::register_years(m);
    zbb_py::register_bbv(m);
}

// bindings/register_bbv.cpp - the BBV view (zbb/bbv.hpp, zbb/bbv_report.hpp): its report over
// every year of the estimate exactly as `zbb bbv` writes it (JSON, CSV, text, Markdown).
#include <string>

#include "zbb_py.hpp"

namespace zbb_py {

namespace {

std::string report(const model_handle& h, const std::string& rounding, const std::string& format,
                   int indent) {
    const zbb::rounding_mode mode = zbb::parse_rounding_mode(rounding);
    if (format != "json" && format != "csv" && format != "text" && format != "markdown")
        fail({"option", "", "format"},
             "unknown format '" + format + "'; use json, csv, text or markdown");
    const py::gil_scoped_release release;
    const zbb::bbv_estimate e = zbb::compute_bbv_estimate(*h.lm, {mode});
    if (format == "json") return zbb::bbv_report_json(*h.lm, e, indent);
    if (format == "csv") return zbb::bbv_report_csv(*h.lm, e);
    if (format == "markdown") return zbb::programme_report_markdown(*h.lm, e);
    return zbb::bbv_report_text(*h.lm, e);
}

}  // namespace

void register_bbv(py::module_& m) {
    m.def("bbv_report", &report, py::arg("model"), py::kw_only(), py::arg("rounding") = "half-even",
          py::arg("format") = "json", py::arg("indent") = 2,
          "The BBV report (zbb-bbv/1 JSON, CSV, text or the Markdown programme report) as zbb bbv "
          "writes it.");
}

}  // namespace zbb_py

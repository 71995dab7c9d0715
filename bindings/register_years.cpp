// bindings/register_years.cpp - the multi-year estimate (zbb/years.hpp): the model of one year of
// the estimate (its indexed prices and volumes; a zbb.Model whose budget is that year's), and the
// multi-year report exactly as `zbb budget --by year` writes it.
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "zbb_py.hpp"

namespace zbb_py {

namespace {

// Refuses a model without years and a year outside its estimate as a model_error naming
// "years", before anything is computed.
void check_year(const zbb::linked_model& lm, int year) {
    const auto years = zbb::estimate_years(lm);
    if (years.empty())
        fail({"years", "", ""}, "the model has no multi-year estimate (give years=...)");
    if (year < years.front() || year > years.back())
        fail({"years", "", "year"}, std::to_string(year) + " is not a year of the estimate " +
                                        std::to_string(years.front()) + "-" +
                                        std::to_string(years.back()));
}

std::string report(const model_handle& h, const std::string& rounding, const std::string& format,
                   int indent) {
    const zbb::rounding_mode mode = zbb::parse_rounding_mode(rounding);
    if (format != "json" && format != "csv" && format != "text")
        fail({"option", "", "format"}, "unknown format '" + format + "'; use json, csv or text");
    if (!h.lm->has_years())
        fail({"years", "", ""}, "the model has no multi-year estimate (give years=...)");
    const py::gil_scoped_release release;
    const zbb::multi_year_budget m = zbb::compute_multi_year_budget(*h.lm, {mode});
    if (format == "json") return zbb::multi_year_report_json(*h.lm, m, indent);
    if (format == "csv") return zbb::multi_year_report_csv(*h.lm, m);
    return zbb::multi_year_report_text(*h.lm, m);
}

}  // namespace

void register_years(py::module_& m) {
    m.def(
        "year_model",
        [](const model_handle& h, int year) {
            check_year(*h.lm, year);
            return edited([&] { return zbb::year_model(*h.lm, year); });
        },
        py::arg("model"), py::arg("year"),
        "The model of one year of the estimate: indexed prices, that year's volumes, no years.");
    m.def(
        "estimate_years", [](const model_handle& h) { return zbb::estimate_years(*h.lm); },
        py::arg("model"));
    m.def(
        "multi_year_report", &report, py::arg("model"), py::kw_only(),
        py::arg("rounding") = "half-even", py::arg("format") = "json", py::arg("indent") = 2,
        "The multi-year report (zbb-years/1 JSON, CSV or text) as zbb budget --by year writes it.");
}

}  // namespace zbb_py

// bindings/register_model.cpp - _core.Model: a validated, immutable model (zbb::linked_model):
// JSON in and out, header, ids, the linked sparse matrices as zero-copy views, scenario edits
// (zbb/scenario.hpp: new models sharing what they do not change, made without the GIL).
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "zbb_py.hpp"

namespace zbb_py {

namespace {

// (data, indices, indptr, shape) of a compressed column-major matrix: read-only views kept alive
// by `owner`, ready for scipy.sparse.csc_matrix.
py::tuple csc_views(const zbb::sparse_matrix& s, const py::handle& owner) {
    return py::make_tuple(
        readonly_view(s.valuePtr(), static_cast<std::size_t>(s.nonZeros()), owner),
        readonly_view(s.innerIndexPtr(), static_cast<std::size_t>(s.nonZeros()), owner),
        readonly_view(s.outerIndexPtr(), static_cast<std::size_t>(s.outerSize()) + 1, owner),
        py::make_tuple(s.rows(), s.cols()));
}

model_handle read_file(const std::string& path) {
    zbb::model m;
    {
        const py::gil_scoped_release release;
        m = zbb::read_model_file(path);
    }
    return link(std::move(m));
}

model_handle read_text(const std::string& text, const std::string& source) {
    zbb::model m;
    {
        const py::gil_scoped_release release;
        m = zbb::read_model_json(text, source);
    }
    return link(std::move(m));
}

}  // namespace

void register_model(py::module_& m) {
    using M = model_handle;
    py::class_<M>(m, "Model", "A validated zbb model (immutable).")
        .def_property_readonly("format", [](const M& h) { return h.lm->view().format; })
        .def_property_readonly("name", [](const M& h) { return h.lm->view().name; })
        .def_property_readonly("description", [](const M& h) { return h.lm->view().description; })
        .def_property_readonly("currency", [](const M& h) { return h.lm->currency().code; })
        .def_property_readonly("minor_units", [](const M& h) { return h.lm->view().minor_units; })
        .def_property_readonly("minor_digits",
                               [](const M& h) { return h.lm->currency().minor_digits; })
        .def_property_readonly("goal_ids", [](const M& h) { return h.lm->goals().ids(); })
        .def_property_readonly("activity_ids", [](const M& h) { return h.lm->activities().ids(); })
        .def_property_readonly("resource_ids", [](const M& h) { return h.lm->resources().ids(); })
        .def_property_readonly("partner_ids", [](const M& h) { return h.lm->partners().ids(); })
        .def_property_readonly("categories", [](const M& h) { return h.lm->categories(); })
        .def_property_readonly("has_areas", [](const M& h) { return h.lm->has_areas(); })
        .def_property_readonly("has_bbv", [](const M& h) { return h.lm->has_bbv(); })
        .def_property_readonly("has_programmes", [](const M& h) { return h.lm->has_programmes(); })
        .def_property_readonly("area_keys", [](const M& h) { return h.lm->area_keys().ids(); })
        .def_property_readonly("resource_category",
                               [](const M& h) { return h.lm->resource_category(); })
        .def(
            "to_json",
            [](const M& h, int indent) { return zbb::write_model_json(h.lm->source(), indent); },
            py::arg("indent") = 2)
        .def(
            "matrix",
            [](py::object self, const std::string& name) {
                const auto& lm = *self.cast<const M&>().lm;
                if (name == "effects") return csc_views(lm.effects(), self);
                if (name == "consumption") return csc_views(lm.consumption(), self);
                if (name == "support") return csc_views(lm.support(), self);
                if (name == "funding") return csc_views(lm.funding_shares(), self);
                if (name == "plan") return csc_views(lm.plan(), self);
                fail({"option", "", "matrix"}, "unknown matrix '" + name + "'");
            },
            py::arg("name"))
        .def("prices",
             [](py::object self) {
                 const auto& v = self.cast<const M&>().lm->prices();
                 return readonly_view(v.data(), v.size(), self);
             })
        .def("direct_unit_costs",
             [](py::object self) {
                 const auto& v = self.cast<const M&>().lm->direct_unit_costs();
                 return readonly_view(v.data(), v.size(), self);
             })
        .def(
            "with_goal_target",
            [](const M& h, const std::string& goal, double target) {
                return edited([&] { return zbb::with_goal_target(*h.lm, goal, target); });
            },
            py::arg("goal"), py::arg("target"))
        .def(
            "with_goal_weight",
            [](const M& h, const std::string& goal, double weight) {
                return edited([&] { return zbb::with_goal_weight(*h.lm, goal, weight); });
            },
            py::arg("goal"), py::arg("weight"))
        .def(
            "with_resource_price",
            [](const M& h, const std::string& resource, const std::string& price) {
                return edited([&] {
                    return zbb::with_resource_price(*h.lm, resource, std::string_view(price));
                });
            },
            py::arg("resource"), py::arg("price"))
        .def(
            "with_resource_available",
            [](const M& h, const std::string& resource, std::optional<double> units) {
                return edited([&] { return zbb::with_resource_available(*h.lm, resource, units); });
            },
            py::arg("resource"), py::arg("available"))
        .def(
            "with_activity_bounds",
            [](const M& h, const std::string& activity, double min, std::optional<double> max) {
                return edited([&] { return zbb::with_activity_bounds(*h.lm, activity, min, max); });
            },
            py::arg("activity"), py::arg("min"), py::arg("max"))
        .def(
            "with_plan_volume",
            [](const M& h, const std::string& goal, const std::string& activity, double volume) {
                return edited([&] { return zbb::with_plan_volume(*h.lm, goal, activity, volume); });
            },
            py::arg("goal"), py::arg("activity"), py::arg("volume"))
        .def(
            "with_funding_shares",
            [](const M& h, const std::string& activity,
               const std::vector<std::pair<std::string, std::string>>& shares) {
                return edited([&] {
                    std::vector<zbb::partner_share> parsed;
                    parsed.reserve(shares.size());
                    for (const auto& [partner, text] : shares)
                        parsed.push_back(
                            {partner,
                             zbb::decimal::parse(
                                 text, {"funding", zbb::pair_id(activity, partner), "share"})});
                    return zbb::with_funding_shares(*h.lm, activity, parsed);
                });
            },
            py::arg("activity"), py::arg("shares"));

    m.def("read_json_file", &read_file, py::arg("path"));
    m.def("read_json_text", &read_text, py::arg("text"), py::arg("source") = "model");
}

}  // namespace zbb_py

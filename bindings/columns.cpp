// bindings/columns.cpp - whole-column conversion between numpy arrays and zbb::model tables,
// driven by the table description (zbb/tables.hpp).
#include "columns.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "zbb/tables.hpp"
#include "zbb_py.hpp"

namespace zbb_py {

namespace {

using zbb::error_location;
namespace schema = zbb::schema;

// One column: a 1-d numpy array of objects (text, decimals) or of float64 (numbers).
class column {
  public:
    column() = default;
    column(py::array a, const std::string& table, const std::string& name)
        : a_(std::move(a)), given_(true) {
        const auto& arr = py::reinterpret_borrow<py::array>(a_);
        if (arr.ndim() != 1) fail({table, "", name}, "column must be one-dimensional");
        kind_ = arr.dtype().kind();
        if (kind_ == 'f' && arr.itemsize() != sizeof(double))
            fail({table, "", name}, "numbers must be given as float64");
        if (kind_ == 'i' && arr.itemsize() != sizeof(std::int64_t))
            fail({table, "", name}, "whole numbers must be given as int64 or float64");
        if (kind_ != 'O' && kind_ != 'f' && kind_ != 'i')
            fail({table, "", name}, "column must hold text (object) or float64 numbers");
        size_ = static_cast<std::size_t>(arr.shape(0));
        stride_ = arr.strides(0);
        data_ = static_cast<const char*>(arr.data());
    }
    std::size_t size() const noexcept { return size_; }
    bool given() const noexcept { return given_; }
    bool numbers() const noexcept { return kind_ == 'f' || kind_ == 'i'; }
    PyObject* object_at(std::size_t i) const {
        return *reinterpret_cast<PyObject* const*>(data_ + static_cast<py::ssize_t>(i) * stride_);
    }
    double number_at(std::size_t i) const {
        const char* at = data_ + static_cast<py::ssize_t>(i) * stride_;
        if (kind_ == 'i') return static_cast<double>(*reinterpret_cast<const std::int64_t*>(at));
        return *reinterpret_cast<const double*>(at);
    }

  private:
    py::object a_;  // the numpy array, kept alive while its buffer is read
    bool given_ = false;
    char kind_ = 'O';
    std::size_t size_ = 0;
    py::ssize_t stride_ = 0;
    const char* data_ = nullptr;
};

bool missing_object(PyObject* o) {
    return o == Py_None || (PyFloat_Check(o) && std::isnan(PyFloat_AS_DOUBLE(o)));
}

// A Python object as text: false when it is not a str.
bool object_text(PyObject* o, std::string_view& out) {
    if (!PyUnicode_Check(o)) return false;
    Py_ssize_t n = 0;
    const char* s = PyUnicode_AsUTF8AndSize(o, &n);
    if (s == nullptr) {
        PyErr_Clear();
        return false;
    }
    out = std::string_view(s, static_cast<std::size_t>(n));
    return true;
}

// Cell i of a column, as zbb::schema::read_cell reads it. A missing cell (None, NaN, or a column
// that was not given) is unset.
struct numpy_cell {
    const column& c;
    std::size_t i;
    bool present() const {
        if (!c.given()) return false;
        return c.numbers() ? !std::isnan(c.number_at(i)) : !missing_object(c.object_at(i));
    }
    bool string(std::string_view& out) const {
        return !c.numbers() && object_text(c.object_at(i), out);
    }
    bool number(double& out) const {
        if (!c.numbers()) return false;
        out = c.number_at(i);
        return true;
    }
    static constexpr const char* string_expected = "must be a string";
    static constexpr const char* number_expected = "must be a number";
};

// A Python scalar (a header field, the frame's budget) as a cell.
struct object_cell {
    PyObject* o;
    bool present() const { return o != nullptr && !missing_object(o); }
    bool string(std::string_view& out) const { return object_text(o, out); }
    bool number(double& out) const {
        if (PyBool_Check(o)) return false;
        if (PyFloat_Check(o)) {
            out = PyFloat_AS_DOUBLE(o);
            return true;
        }
        if (PyLong_Check(o)) {
            out = PyLong_AsDouble(o);
            if (out == -1.0 && PyErr_Occurred()) {
                PyErr_Clear();
                out = std::numeric_limits<double>::infinity();
            }
            return true;
        }
        return false;
    }
    static constexpr const char* string_expected = "must be a string";
    static constexpr const char* number_expected = "must be a number";
};

// The columns of one table, checked against the names the description gives it.
class table_columns {
  public:
    table_columns(const py::dict& tables, const std::string& name,
                  const std::set<std::string>& known)
        : name_(name) {
        if (!tables.contains(name)) return;
        py::object t = tables[py::str(name)];
        if (t.is_none()) return;
        if (!py::isinstance<py::dict>(t))
            fail({"model", "", name}, "table must be a dict of columns");
        bool first = true;
        for (auto item : t.cast<py::dict>()) {
            auto key = py::cast<std::string>(item.first);
            if (!known.count(key)) fail({name, "", key}, "unknown column");
            if (!py::isinstance<py::array>(item.second))
                fail({name, "", key}, "column must be a numpy array");
            column c(py::reinterpret_borrow<py::array>(item.second), name, key);
            if (first)
                rows_ = c.size();
            else if (c.size() != rows_)
                fail({name, "", key}, "columns have different lengths");
            first = false;
            cols_.emplace(key, std::move(c));
        }
    }
    std::size_t rows() const noexcept { return rows_; }
    const column& operator[](std::string_view key) const {
        auto it = cols_.find(std::string(key));
        return it == cols_.end() ? none_ : it->second;
    }

  private:
    std::string name_;
    std::size_t rows_ = 0;
    std::map<std::string, column> cols_;
    column none_;
};

template <class Table>
std::set<std::string> column_names(const Table& t, std::initializer_list<const char*> parent = {}) {
    std::set<std::string> out(parent.begin(), parent.end());
    schema::for_each(t.columns, [&](const auto& c) { out.emplace(c.name); });
    return out;
}

// Reads row i's cells into `row`: the key columns first (the row named by position: `position`,
// by default i), then the rest (named by its key), as the JSON reader does.
template <class Table, class Row>
void read_columns_row(const Table& t, const table_columns& cols, std::size_t i, Row& row,
                      schema::row_place& place, std::optional<std::size_t> position = {}) {
    place.named = false;
    place.key0 = nullptr;
    place.style = t.key;
    place.index = position.value_or(i);
    std::size_t k = 0;
    schema::for_each(t.columns, [&](const auto& col) {
        if (k < t.keys) {
            schema::read_cell(col, numpy_cell{cols[col.name], i}, row, place);
            place.key(k, row.*col.member);
        }
        ++k;
    });
    if (t.keys > 0) {
        place.named = true;
        place.entity = t.entity;
    }
    k = 0;
    schema::for_each(t.columns, [&](const auto& col) {
        if (k >= t.keys) schema::read_cell(col, numpy_cell{cols[col.name], i}, row, place);
        ++k;
    });
}

// A table of the model (goals ... plan, packages): every row of its columns.
template <class Table, class Row>
void read_table(const py::dict& tables, const Table& t, std::vector<Row>& out) {
    const std::string name(t.name);
    const table_columns cols(tables, name, column_names(t));
    out.clear();
    out.reserve(cols.rows());
    schema::row_place place;
    place.prefix = t.name;
    for (std::size_t i = 0; i < cols.rows(); ++i) {
        out.emplace_back();
        read_columns_row(t, cols, i, out.back(), place);
    }
}

// A package level as the key text of its package ("1", or the number as Python writes it).
std::string level_text(double v) {
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
        return std::to_string(static_cast<long long>(v));
    return py::cast<std::string>(py::repr(py::float_(v)));
}

std::string required_text(const column& c, std::size_t i, const std::string& table,
                          const char* field) {
    schema::row_place place;
    place.prefix = table;
    place.index = i;
    std::string_view text;
    const numpy_cell cell{c, i};
    if (!cell.present()) fail(place.at(field), "required field is missing");
    if (!cell.string(text)) fail(place.at(field), "must be a string");
    return std::string(text);
}

// Levels (activity, up_to, effect): each row joins its activity's levels, in row order.
void read_levels(const py::dict& tables, zbb::model& m) {
    const auto& t = schema::levels_table;
    const table_columns cols(tables, "levels", column_names(t, {"activity"}));
    if (cols.rows() == 0) return;
    std::unordered_map<std::string_view, std::size_t> activity_of;
    for (std::size_t a = 0; a < m.activities.size(); ++a)
        activity_of.emplace(m.activities[a].id, a);
    for (std::size_t i = 0; i < cols.rows(); ++i) {
        const std::string id = required_text(cols["activity"], i, "levels", "activity");
        auto it = activity_of.find(id);
        if (it == activity_of.end())
            fail({"levels[" + std::to_string(i) + "]", "", "activity"},
                 "unknown activity '" + id + "'");
        auto& act = m.activities[it->second];
        schema::row_place place;
        place.prefix = t.entity;
        place.parent_id = act.id;
        act.levels.emplace_back();
        // Named as the JSON reader names it: by its place among the activity's levels.
        read_columns_row(t, cols, i, act.levels.back(), place, act.levels.size() - 1);
    }
}

// Package volumes (unit, level, activity, volume): each row joins its package's volumes. A row
// of a package the packages table does not have is left out; its error is returned.
std::optional<zbb::model_error> read_package_volumes(const py::dict& tables, zbb::model& m) {
    const auto& t = schema::package_volumes_table;
    const table_columns cols(tables, "package_volumes", column_names(t, {"unit", "level"}));
    if (cols.rows() == 0) return std::nullopt;
    std::unordered_map<std::string, std::size_t> package_of;
    std::set<std::string_view> units;
    for (std::size_t p = 0; p < m.packages.size(); ++p) {
        package_of.emplace(zbb::package_id(m.packages[p]), p);
        units.insert(m.packages[p].unit);
    }
    std::optional<zbb::model_error> orphan;
    for (std::size_t i = 0; i < cols.rows(); ++i) {
        const std::string where = "package_volumes[" + std::to_string(i) + "]";
        const std::string unit = required_text(cols["unit"], i, "package_volumes", "unit");
        const numpy_cell level{cols["level"], i};
        double lv = 0;
        if (!level.present()) fail({where, "", "level"}, "required field is missing");
        if (!level.number(lv)) fail({where, "", "level"}, "must be a number");
        const std::string id = unit + "/" + level_text(lv);
        auto it = package_of.find(id);
        if (it == package_of.end()) {
            if (!orphan)
                orphan.emplace(error_location{where, "", units.count(unit) ? "level" : "unit"},
                               "no package '" + id + "' in the packages table");
            continue;
        }
        auto& package = m.packages[it->second];
        const std::string parent = zbb::package_id(package);
        schema::row_place place;
        place.prefix = t.entity;
        place.parent_id = parent;
        package.volumes.emplace_back();
        // Named as the JSON reader names it: by its place among the package's volumes.
        read_columns_row(t, cols, i, package.volumes.back(), place, package.volumes.size() - 1);
    }
    return orphan;
}

void read_plan(const py::dict& tables, zbb::plan& plan) {
    read_table(tables, schema::plan_table, plan.rows);
}

// A new numpy object array of n cells (all None).
py::array new_object_array(std::size_t n) {
    return py::array(py::dtype("O"), std::vector<py::ssize_t>{static_cast<py::ssize_t>(n)},
                     std::vector<py::ssize_t>{});
}

// Output columns of one table, built from the rows through the description.
class column_writer {
  public:
    explicit column_writer(std::size_t n) : n_(n) {}

    // A text column, one str per row, except where `pool` shares one str per entity id.
    template <class Get>
    py::array text(Get&& get, const zbb::id_index* pool = nullptr) {
        py::array out = new_object_array(n_);
        auto** cells = static_cast<PyObject**>(out.mutable_data());
        std::vector<py::object>* shared = pool ? &pool_for(*pool) : nullptr;
        for (std::size_t i = 0; i < n_; ++i) {
            const std::string& s = get(i);
            PyObject* o = nullptr;
            if (shared) {
                const int k = pool->find(s);
                if (k >= 0) {
                    o = (*shared)[static_cast<std::size_t>(k)].ptr();
                    Py_INCREF(o);
                }
            }
            if (o == nullptr) {
                o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
                if (o == nullptr) throw py::error_already_set();
            }
            Py_XDECREF(cells[i]);
            cells[i] = o;
        }
        return out;
    }
    // A text column of optional exact decimals: their text, None where absent.
    template <class Get>
    py::array optional_decimals(Get&& get) {
        py::array out = new_object_array(n_);
        auto** cells = static_cast<PyObject**>(out.mutable_data());
        for (std::size_t i = 0; i < n_; ++i) {
            const std::optional<zbb::decimal>& d = get(i);
            PyObject* o = Py_None;
            if (d) {
                const std::string& s = d->text();
                o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
                if (o == nullptr) throw py::error_already_set();
            } else {
                Py_INCREF(o);
            }
            Py_XDECREF(cells[i]);
            cells[i] = o;
        }
        return out;
    }
    template <class Get>
    py::array_t<double> numbers(Get&& get) {
        py::array_t<double> out(static_cast<py::ssize_t>(n_));
        double* d = out.mutable_data();
        for (std::size_t i = 0; i < n_; ++i) d[i] = get(i);
        return out;
    }
    template <class Get>
    py::array_t<std::int64_t> integers(Get&& get) {
        py::array_t<std::int64_t> out(static_cast<py::ssize_t>(n_));
        std::int64_t* d = out.mutable_data();
        for (std::size_t i = 0; i < n_; ++i) d[i] = get(i);
        return out;
    }

  private:
    std::vector<py::object>& pool_for(const zbb::id_index& index) {
        auto& p = pools_[&index];
        if (p.empty()) {
            p.reserve(index.ids().size());
            for (const auto& id : index.ids()) p.push_back(py::str(id));
        }
        return p;
    }
    std::size_t n_;
    std::map<const zbb::id_index*, std::vector<py::object>> pools_;
};

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// The columns of `rows` (with row(i) giving row i) under the description's column names. Columns
// that hold ids of an entity (`pools`: column name -> index) share one str per id.
template <class Table, class RowAt>
void write_columns(py::dict& out, column_writer& w, const Table& t, RowAt&& row,
                   const std::map<std::string_view, const zbb::id_index*>& pools = {}) {
    schema::for_each(t.columns, [&](const auto& col) {
        using M = typename std::remove_cvref_t<decltype(col)>::member_type;
        const py::str key(std::string(col.name));
        if constexpr (std::is_same_v<M, std::string>) {
            auto p = pools.find(col.name);
            out[key] =
                w.text([&](std::size_t i) -> const std::string& { return row(i).*col.member; },
                       p == pools.end() ? nullptr : p->second);
        } else if constexpr (std::is_same_v<M, double>) {
            out[key] = w.numbers([&](std::size_t i) { return row(i).*col.member; });
        } else if constexpr (std::is_same_v<M, std::optional<double>>) {
            out[key] = w.numbers([&](std::size_t i) { return (row(i).*col.member).value_or(nan); });
        } else if constexpr (std::is_same_v<M, zbb::decimal>) {
            out[key] = w.text(
                [&](std::size_t i) -> const std::string& { return (row(i).*col.member).text(); });
        } else if constexpr (std::is_same_v<M, std::optional<zbb::decimal>>) {
            out[key] =
                w.optional_decimals([&](std::size_t i) -> const std::optional<zbb::decimal>& {
                    return row(i).*col.member;
                });
        } else if constexpr (std::is_same_v<M, int>) {
            out[key] = w.integers(
                [&](std::size_t i) { return static_cast<std::int64_t>(row(i).*col.member); });
        } else {
            static_assert(std::is_same_v<M, int>, "a column kind without a writer");
        }
    });
}

template <class Rows>
auto at(const Rows& rows) {
    return [&rows](std::size_t i) -> const auto& {
        return rows[i];
    };
}

}  // namespace

std::optional<zbb::financial_frame> frame_from_columns(const py::dict& tables) {
    if (tables.contains("frame") && !tables["frame"].is_none()) {
        py::object f = tables["frame"];
        if (!py::isinstance<py::dict>(f)) fail({"frame", "", ""}, "must be a mapping");
        const auto frame = f.cast<py::dict>();
        for (auto item : frame) {
            const auto key = py::cast<std::string>(item.first);
            if (key != "budget") fail({"frame", "", key}, "unknown key");
        }
        zbb::financial_frame ff;
        schema::row_place place;
        place.prefix = "frame";
        place.positional = false;
        schema::for_each(schema::frame_table.columns, [&](const auto& col) {
            const py::str key(std::string(col.name));
            PyObject* value = frame.contains(key) ? frame[key].ptr() : nullptr;
            schema::read_cell(col, object_cell{value}, ff, place);
        });
        auto read_caps = [&](const auto& t, const char* name, auto& out) {
            const table_columns cols(tables, name, column_names(t));
            schema::row_place caps;
            caps.prefix = t.entity;
            for (std::size_t i = 0; i < cols.rows(); ++i) {
                out.emplace_back();
                read_columns_row(t, cols, i, out.back(), caps);
            }
        };
        read_caps(schema::partner_caps_table, "partner_caps", ff.partner_caps);
        read_caps(schema::area_caps_table, "area_caps", ff.area_caps);
        return ff;
    }
    if (tables.contains("partner_caps") && !tables["partner_caps"].is_none()) {
        const table_columns cols(tables, "partner_caps", column_names(schema::partner_caps_table));
        if (cols.rows() > 0)
            fail({"frame", "", "partner_caps"}, "partner caps need a frame (give frame=...)");
    }
    if (tables.contains("area_caps") && !tables["area_caps"].is_none()) {
        const table_columns cols(tables, "area_caps", column_names(schema::area_caps_table));
        if (cols.rows() > 0)
            fail({"frame", "", "area_caps"}, "area caps need a frame (give frame=...)");
    }
    return std::nullopt;
}

std::optional<zbb::multi_year> years_from_columns(const py::dict& tables) {
    auto present = [&](const char* name) {
        return tables.contains(name) && !tables[name].is_none();
    };
    // The estimate's tables under their DataFrame names (the JSON format nests them in "years"):
    // rows of them without the years are refused, not dropped.
    if (!present("years")) {
        auto refuse_rows = [&](const auto& t, const char* name, const char* field) {
            if (!present(name)) return;
            const table_columns cols(tables, name, column_names(t));
            if (cols.rows() > 0)
                fail({"years", "", field},
                     "a multi-year table needs the estimate's years (give years=...)");
        };
        refuse_rows(schema::index_series_table, "index_series", "index_series");
        refuse_rows(schema::indexation_table, "indexation", "indexation");
        refuse_rows(schema::year_volumes_table, "year_volumes", "volumes");
        refuse_rows(schema::income_table, "income", "income");
        refuse_rows(schema::incidental_table, "incidental", "incidental");
        return std::nullopt;
    }
    py::object y = tables["years"];
    if (!py::isinstance<py::dict>(y)) fail({"years", "", ""}, "must be a mapping");
    const auto header = y.cast<py::dict>();
    for (auto item : header) {
        const auto key = py::cast<std::string>(item.first);
        if (key != "budget_year" && key != "last_year" && key != "municipality")
            fail({"years", "", key}, "unknown key");
    }
    zbb::multi_year my;
    schema::row_place place;
    place.prefix = "years";
    place.positional = false;
    schema::for_each(schema::years_table.columns, [&](const auto& col) {
        const py::str key(std::string(col.name));
        PyObject* value = header.contains(key) ? header[key].ptr() : nullptr;
        schema::read_cell(col, object_cell{value}, my, place);
    });
    auto read_part = [&](const auto& t, const char* name, auto& out) {
        const table_columns cols(tables, name, column_names(t));
        schema::row_place rows;
        rows.prefix = t.entity;
        for (std::size_t i = 0; i < cols.rows(); ++i) {
            out.emplace_back();
            read_columns_row(t, cols, i, out.back(), rows);
        }
    };
    read_part(schema::index_series_table, "index_series", my.index_series);
    read_part(schema::indexation_table, "indexation", my.indexation);
    read_part(schema::year_volumes_table, "year_volumes", my.volumes);
    read_part(schema::income_table, "income", my.income);
    read_part(schema::incidental_table, "incidental", my.incidental);
    return my;
}

columns_model model_from_columns(const py::dict& header, const py::dict& tables) {
    static const std::set<std::string> table_names{
        "goals",     "activities",  "resources",       "partners",   "areas",
        "effects",   "consumption", "support",         "funding",    "plan",
        "levels",    "packages",    "package_volumes", "frame",      "partner_caps",
        "area_caps", "years",       "index_series",    "indexation", "year_volumes",
        "income",    "incidental",  "programmes"};
    for (auto item : tables) {
        auto key = py::cast<std::string>(item.first);
        if (!table_names.count(key)) fail({"model", "", key}, "unknown table");
    }
    columns_model out;
    zbb::model& m = out.model;
    {
        schema::row_place place;
        place.prefix = "model";
        place.positional = false;
        schema::for_each(schema::model_table.columns, [&](const auto& col) {
            const py::str key(std::string(col.name));
            PyObject* value = header.contains(key) ? header[key].ptr() : nullptr;
            schema::read_cell(col, object_cell{value}, m, place);
        });
        for (auto item : header) {
            const auto key = py::cast<std::string>(item.first);
            bool known = false;
            schema::for_each(schema::model_table.columns,
                             [&](const auto& col) { known = known || col.name == key; });
            if (!known) fail({"model", "", key}, "unknown key");
        }
    }
    read_table(tables, schema::goals_table, m.goals);
    read_table(tables, schema::activities_table, m.activities);
    read_table(tables, schema::resources_table, m.resources);
    read_table(tables, schema::partners_table, m.partners);
    read_table(tables, schema::areas_table, m.areas);
    read_table(tables, schema::programmes_table, m.programmes);
    read_table(tables, schema::effects_table, m.effects);
    read_table(tables, schema::consumption_table, m.consumption);
    read_table(tables, schema::support_table, m.support);
    read_table(tables, schema::funding_table, m.funding);
    read_plan(tables, m.plan);
    read_levels(tables, m);
    read_table(tables, schema::packages_table, m.packages);
    out.orphan = read_package_volumes(tables, m);
    m.frame = frame_from_columns(tables);
    m.years = years_from_columns(tables);
    return out;
}

zbb::plan plan_from_columns(const py::dict& columns) {
    py::dict tables;
    tables["plan"] = columns;
    zbb::plan p;
    read_plan(tables, p);
    return p;
}

py::dict table_to_columns(const zbb::linked_model& lm, const std::string& table) {
    const auto m = lm.view();
    py::dict out;
    auto simple = [&](const auto& t, const auto& rows,
                      const std::map<std::string_view, const zbb::id_index*>& pools = {}) {
        column_writer w(rows.size());
        write_columns(out, w, t, at(rows), pools);
    };
    if (table == "goals") {
        simple(schema::goals_table, m.goals);
    } else if (table == "activities") {
        simple(schema::activities_table, m.activities, {{"partner", &lm.partners()}});
    } else if (table == "resources") {
        simple(schema::resources_table, m.resources);
    } else if (table == "partners") {
        simple(schema::partners_table, m.partners);
    } else if (table == "areas") {
        simple(schema::areas_table, m.areas);
    } else if (table == "programmes") {
        simple(schema::programmes_table, m.programmes);
    } else if (table == "effects") {
        simple(schema::effects_table, m.effects,
               {{"goal", &lm.goals()}, {"activity", &lm.activities()}});
    } else if (table == "consumption") {
        simple(schema::consumption_table, m.consumption,
               {{"activity", &lm.activities()}, {"resource", &lm.resources()}});
    } else if (table == "support") {
        simple(schema::support_table, m.support,
               {{"supplier", &lm.activities()}, {"consumer", &lm.activities()}});
    } else if (table == "funding") {
        simple(schema::funding_table, m.funding,
               {{"activity", &lm.activities()}, {"partner", &lm.partners()}});
    } else if (table == "plan") {
        simple(schema::plan_table, m.plan.rows,
               {{"goal", &lm.goals()}, {"activity", &lm.activities()}});
    } else if (table == "packages") {
        simple(schema::packages_table, m.packages);
    } else if (table == "levels") {
        // Flattened: one row per level, its activity first.
        std::vector<const zbb::activity*> owner;
        std::vector<const zbb::activity_level*> rows;
        for (const auto& a : m.activities)
            for (const auto& l : a.levels) {
                owner.push_back(&a);
                rows.push_back(&l);
            }
        column_writer w(rows.size());
        out["activity"] = w.text([&](std::size_t i) -> const std::string& { return owner[i]->id; },
                                 &lm.activities());
        write_columns(out, w, schema::levels_table,
                      [&](std::size_t i) -> const zbb::activity_level& { return *rows[i]; });
    } else if (table == "package_volumes") {
        std::vector<const zbb::decision_package*> owner;
        std::vector<const zbb::package_volume*> rows;
        for (const auto& p : m.packages)
            for (const auto& v : p.volumes) {
                owner.push_back(&p);
                rows.push_back(&v);
            }
        column_writer w(rows.size());
        out["unit"] = w.text([&](std::size_t i) -> const std::string& { return owner[i]->unit; });
        out["level"] =
            w.integers([&](std::size_t i) { return static_cast<std::int64_t>(owner[i]->level); });
        write_columns(out, w, schema::package_volumes_table,
                      [&](std::size_t i) -> const zbb::package_volume& { return *rows[i]; },
                      {{"activity", &lm.activities()}});
    } else if (table == "partner_caps") {
        static const std::vector<zbb::partner_cap> none;
        simple(schema::partner_caps_table, m.frame ? m.frame->partner_caps : none,
               {{"partner", &lm.partners()}});
    } else if (table == "area_caps") {
        static const std::vector<zbb::area_cap> none;
        simple(schema::area_caps_table, m.frame ? m.frame->area_caps : none,
               {{"area", &lm.area_keys_index()}});
    } else if (table == "index_series") {
        static const std::vector<zbb::index_factor> none;
        simple(schema::index_series_table, m.years ? m.years->index_series : none);
    } else if (table == "indexation") {
        static const std::vector<zbb::category_indexation> none;
        simple(schema::indexation_table, m.years ? m.years->indexation : none);
    } else if (table == "income") {
        static const std::vector<zbb::income_line> none;
        simple(schema::income_table, m.years ? m.years->income : none);
    } else if (table == "incidental") {
        static const std::vector<zbb::incidental_activity> none;
        simple(schema::incidental_table, m.years ? m.years->incidental : none,
               {{"activity", &lm.activities()}});
    } else if (table == "year_volumes") {
        static const std::vector<zbb::year_volume> none;
        simple(schema::year_volumes_table, m.years ? m.years->volumes : none,
               {{"goal", &lm.goals()}, {"activity", &lm.activities()}});
    } else {
        fail({"model", "", table}, "unknown table");
    }
    return out;
}

py::dict header_of(const zbb::model_view& m) {
    py::dict out;
    out["format"] = m.format;
    out["name"] = m.name;
    out["description"] = m.description;
    out["currency"] = m.currency;
    out["minor_units"] = m.minor_units ? py::object(py::int_(*m.minor_units)) : py::none();
    return out;
}

py::list tables_description() {
    py::list out;
    for (const auto& t : zbb::model_tables()) {
        py::list cols;
        for (const auto& c : t.columns) {
            py::dict d;
            d["name"] = c.name;
            d["kind"] = std::string(zbb::to_string(c.kind));
            d["required"] = c.required;
            d["optional"] = c.optional;
            d["default"] = c.default_text;
            d["key"] = c.key;
            cols.append(d);
        }
        py::dict d;
        d["name"] = t.name;
        d["entity"] = t.entity;
        d["parent"] = t.parent;
        d["json_key"] = t.json_key;
        d["parent_columns"] = t.parent_columns;
        d["columns"] = cols;
        out.append(d);
    }
    return out;
}

}  // namespace zbb_py

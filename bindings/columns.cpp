// bindings/columns.cpp - whole-column conversion between numpy arrays and zbb::model tables.
#include "columns.hpp"

#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

namespace zbb_py {

namespace {

using zbb::error_location;
using zbb::detail::fail;

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
        if (kind_ != 'O' && kind_ != 'f')
            fail({table, "", name}, "column must hold text (object) or float64 numbers");
        size_ = static_cast<std::size_t>(arr.shape(0));
        stride_ = arr.strides(0);
        data_ = static_cast<const char*>(arr.data());
    }
    std::size_t size() const noexcept { return size_; }

    // Text cell i: true and `out` set when given; false when missing (None, NaN). A cell of another
    // type is refused like a JSON value of the wrong type. `where()` names the cell in errors.
    template <class Where>
    bool text(std::size_t i, std::string& out, Where&& where) const {
        if (!given_) return false;
        if (kind_ != 'O') {
            if (std::isnan(number_at(i))) return false;
            fail(where(), "must be a string");
        }
        PyObject* o = object_at(i);
        if (o == Py_None) return false;
        if (PyFloat_Check(o) && std::isnan(PyFloat_AS_DOUBLE(o))) return false;
        if (!PyUnicode_Check(o)) fail(where(), "must be a string");
        Py_ssize_t n = 0;
        const char* s = PyUnicode_AsUTF8AndSize(o, &n);
        if (s == nullptr) {
            PyErr_Clear();
            fail(where(), "text is not valid Unicode");
        }
        out.assign(s, static_cast<std::size_t>(n));
        return true;
    }

    // Number cell i: NaN when missing.
    template <class Where>
    double number(std::size_t i, Where&& where) const {
        if (!given_) return std::numeric_limits<double>::quiet_NaN();
        if (kind_ != 'f') fail(where(), "must be a number");
        return number_at(i);
    }

  private:
    PyObject* object_at(std::size_t i) const {
        return *reinterpret_cast<PyObject* const*>(data_ + static_cast<py::ssize_t>(i) * stride_);
    }
    double number_at(std::size_t i) const {
        return *reinterpret_cast<const double*>(data_ + static_cast<py::ssize_t>(i) * stride_);
    }

    py::object a_;  // the numpy array, kept alive while its buffer is read
    bool given_ = false;
    char kind_ = 'O';
    std::size_t size_ = 0;
    py::ssize_t stride_ = 0;
    const char* data_ = nullptr;
};

// The columns of one table, checked against the known column names.
class table_columns {
  public:
    table_columns(const py::dict& tables, const std::string& name, std::set<std::string> known)
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
    const column& operator[](const std::string& key) const {
        auto it = cols_.find(key);
        return it == cols_.end() ? none_ : it->second;
    }

  private:
    std::string name_;
    std::size_t rows_ = 0;
    std::map<std::string, column> cols_;
    column none_;
};

// Where a row is, made into an error_location only when an error is reported: by position
// ("goals[3]") until its id is known, then by id, or by "<first> -> <second>" for a link row.
struct row_place {
    const std::string& table;
    std::size_t index;
    const char* entity = nullptr;
    const std::string* a = nullptr;
    const std::string* b = nullptr;

    error_location at(const char* field) const {
        if (entity == nullptr) return {table + "[" + std::to_string(index) + "]", "", field};
        if (b == nullptr) return {entity, *a, field};
        return {entity, zbb::detail::pair_id(*a, *b), field};
    }
};

// Reads the cells of one row from columns resolved beforehand.
class row_reader {
  public:
    explicit row_reader(const row_place& place) : p_(place) {}

    std::string text(const column& c, const char* key, bool required,
                     std::string fallback = "") const {
        std::string s;
        if (c.text(p_.index, s, [&] { return p_.at(key); })) return s;
        if (required) fail(p_.at(key), "required field is missing");
        return fallback;
    }
    double number(const column& c, const char* key, bool required, double fallback = 0.0) const {
        double v = c.number(p_.index, [&] { return p_.at(key); });
        if (std::isnan(v)) {
            if (required) fail(p_.at(key), "required field is missing");
            return fallback;
        }
        if (!std::isfinite(v)) fail(p_.at(key), "must be a finite number");
        return v;
    }
    std::optional<double> optional_number(const column& c, const char* key) const {
        double v = c.number(p_.index, [&] { return p_.at(key); });
        if (std::isnan(v)) return std::nullopt;
        return number(c, key, true);
    }
    zbb::decimal exact(const column& c, const char* key) const {
        std::string s;
        if (!c.text(p_.index, s, [&] { return p_.at(key); }))
            fail(p_.at(key), "required field is missing");
        return zbb::decimal::parse(s, p_.at(key));
    }

  private:
    row_place p_;
};

// Rows of an entity table: f(id, reader) with the row named by position until its id is read.
template <class F>
void for_each_entity(const table_columns& t, const std::string& table, const char* entity, F&& f) {
    const column& ids = t["id"];
    for (std::size_t i = 0; i < t.rows(); ++i) {
        std::string id = row_reader(row_place{table, i}).text(ids, "id", true);
        const row_place named{table, i, entity, &id};
        f(id, row_reader(named));
    }
}

// Rows of a link table: f(first, second, value column, reader); the row is named
// "<first> -> <second>" once both ids are read.
template <class F>
void for_each_link(const py::dict& tables, const char* table, const char* first, const char* second,
                   const char* value, F&& f) {
    const table_columns t(tables, table, {first, second, value});
    const std::string name = table;
    const column &ca = t[first], &cb = t[second], &cv = t[value];
    for (std::size_t i = 0; i < t.rows(); ++i) {
        const row_reader pos(row_place{name, i});
        std::string a = pos.text(ca, first, true), b = pos.text(cb, second, true);
        const row_place named{name, i, table, &a, &b};
        f(a, b, cv, row_reader(named));
    }
}

void read_plan(const py::dict& tables, zbb::plan& plan) {
    for_each_link(tables, "plan", "goal", "activity", "volume",
                  [&](std::string& g, std::string& a, const column& v, const row_reader& r) {
                      const double volume = r.number(v, "volume", true);
                      plan.rows.push_back({std::move(g), std::move(a), volume});
                  });
}

// A new numpy object array of n cells (all None).
py::array new_object_array(std::size_t n) {
    return py::array(py::dtype("O"), std::vector<py::ssize_t>{static_cast<py::ssize_t>(n)},
                     std::vector<py::ssize_t>{});
}

// A numpy object array of `n` references to existing Python objects.
py::array object_array(std::size_t n, const std::vector<py::object>& pool,
                       const std::vector<int>& index) {
    py::array out = new_object_array(n);
    auto** cells = static_cast<PyObject**>(out.mutable_data());
    for (std::size_t i = 0; i < n; ++i) {
        PyObject* o = pool[static_cast<std::size_t>(index[i])].ptr();
        Py_INCREF(o);
        Py_XDECREF(cells[i]);
        cells[i] = o;
    }
    return out;
}

// Text column from a per-row accessor (one new str per row).
template <class Rows, class Get>
py::array text_array(const Rows& rows, Get&& get) {
    py::array out = new_object_array(rows.size());
    auto** cells = static_cast<PyObject**>(out.mutable_data());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::string& s = get(rows[i]);
        PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
        if (o == nullptr) throw py::error_already_set();
        Py_XDECREF(cells[i]);
        cells[i] = o;
    }
    return out;
}

template <class Rows, class Get>
py::array_t<double> number_array(const Rows& rows, Get&& get) {
    py::array_t<double> out(static_cast<py::ssize_t>(rows.size()));
    double* d = out.mutable_data();
    for (std::size_t i = 0; i < rows.size(); ++i) d[i] = get(rows[i]);
    return out;
}

// Id references of link rows as an object array sharing one str per entity.
class id_pool {
  public:
    explicit id_pool(const zbb::id_index& index) : index_(index) {
        pool_.reserve(index.ids().size());
        for (const auto& id : index.ids()) pool_.push_back(py::str(id));
    }
    template <class Rows, class Get>
    py::array refs(const Rows& rows, Get&& get) const {
        std::vector<int> idx(rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) idx[i] = index_.find(get(rows[i]));
        return object_array(rows.size(), pool_, idx);
    }

  private:
    const zbb::id_index& index_;
    std::vector<py::object> pool_;
};

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

}  // namespace

zbb::model model_from_columns(const model_header& header, const py::dict& tables) {
    static const std::set<std::string> table_names{"goals",    "activities", "resources",
                                                   "partners", "effects",    "consumption",
                                                   "support",  "funding",    "plan"};
    for (auto item : tables) {
        auto key = py::cast<std::string>(item.first);
        if (!table_names.count(key)) fail({"model", "", key}, "unknown table");
    }
    zbb::model m;
    m.format = header.format;
    m.name = header.name;
    m.description = header.description;
    m.currency = header.currency;
    m.minor_units = header.minor_units;

    {
        const table_columns t(tables, "goals",
                              {"id", "name", "unit", "baseline", "target", "weight"});
        const column &name = t["name"], &unit = t["unit"], &baseline = t["baseline"],
                     &target = t["target"], &weight = t["weight"];
        m.goals.reserve(t.rows());
        for_each_entity(t, "goals", "goal", [&](std::string& id, const row_reader& r) {
            zbb::goal g;
            g.name = r.text(name, "name", false);
            g.unit = r.text(unit, "unit", false);
            g.baseline = r.number(baseline, "baseline", true);
            g.target = r.number(target, "target", true);
            g.weight = r.number(weight, "weight", false, 1.0);
            g.id = std::move(id);
            m.goals.push_back(std::move(g));
        });
    }
    {
        const table_columns t(tables, "activities",
                              {"id", "name", "unit", "partner", "min", "max"});
        const column &name = t["name"], &unit = t["unit"], &partner = t["partner"], &min = t["min"],
                     &max = t["max"];
        m.activities.reserve(t.rows());
        for_each_entity(t, "activities", "activity", [&](std::string& id, const row_reader& r) {
            zbb::activity a;
            a.name = r.text(name, "name", false);
            a.unit = r.text(unit, "unit", false);
            a.partner = r.text(partner, "partner", false);
            a.min = r.number(min, "min", false, 0.0);
            a.max = r.optional_number(max, "max");
            a.id = std::move(id);
            m.activities.push_back(std::move(a));
        });
    }
    {
        const table_columns t(tables, "resources",
                              {"id", "name", "unit", "price", "category", "available"});
        const column &name = t["name"], &unit = t["unit"], &price = t["price"],
                     &category = t["category"], &available = t["available"];
        m.resources.reserve(t.rows());
        for_each_entity(t, "resources", "resource", [&](std::string& id, const row_reader& r) {
            zbb::resource res;
            res.name = r.text(name, "name", false);
            res.unit = r.text(unit, "unit", false);
            res.price = r.exact(price, "price");
            res.category = r.text(category, "category", false, "other");
            res.available = r.optional_number(available, "available");
            res.id = std::move(id);
            m.resources.push_back(std::move(res));
        });
    }
    {
        const table_columns t(tables, "partners", {"id", "name"});
        const column& name = t["name"];
        m.partners.reserve(t.rows());
        for_each_entity(t, "partners", "partner", [&](std::string& id, const row_reader& r) {
            std::string n = r.text(name, "name", false);
            m.partners.push_back({std::move(id), std::move(n)});
        });
    }
    for_each_link(tables, "effects", "goal", "activity", "per_unit",
                  [&](std::string& g, std::string& a, const column& v, const row_reader& r) {
                      const double x = r.number(v, "per_unit", true);
                      m.effects.push_back({std::move(g), std::move(a), x});
                  });
    for_each_link(tables, "consumption", "activity", "resource", "per_unit",
                  [&](std::string& a, std::string& res, const column& v, const row_reader& r) {
                      const double x = r.number(v, "per_unit", true);
                      m.consumption.push_back({std::move(a), std::move(res), x});
                  });
    for_each_link(tables, "support", "supplier", "consumer", "per_unit",
                  [&](std::string& sup, std::string& con, const column& v, const row_reader& r) {
                      const double x = r.number(v, "per_unit", true);
                      m.support.push_back({std::move(sup), std::move(con), x});
                  });
    for_each_link(tables, "funding", "activity", "partner", "share",
                  [&](std::string& a, std::string& p, const column& v, const row_reader& r) {
                      zbb::decimal share = r.exact(v, "share");
                      m.funding.push_back({std::move(a), std::move(p), std::move(share)});
                  });
    read_plan(tables, m.plan);
    return m;
}

zbb::plan plan_from_columns(const py::dict& columns) {
    py::dict tables;
    tables["plan"] = columns;
    zbb::plan p;
    read_plan(tables, p);
    return p;
}

py::dict table_to_columns(const zbb::linked_model& lm, const std::string& table) {
    const auto& m = lm.source();
    py::dict out;
    if (table == "goals") {
        const auto& rows = m.goals;
        out["id"] = text_array(rows, [](const zbb::goal& g) -> const std::string& { return g.id; });
        out["name"] =
            text_array(rows, [](const zbb::goal& g) -> const std::string& { return g.name; });
        out["unit"] =
            text_array(rows, [](const zbb::goal& g) -> const std::string& { return g.unit; });
        out["baseline"] = number_array(rows, [](const zbb::goal& g) { return g.baseline; });
        out["target"] = number_array(rows, [](const zbb::goal& g) { return g.target; });
        out["weight"] = number_array(rows, [](const zbb::goal& g) { return g.weight; });
    } else if (table == "activities") {
        const auto& rows = m.activities;
        using A = zbb::activity;
        out["id"] = text_array(rows, [](const A& a) -> const std::string& { return a.id; });
        out["name"] = text_array(rows, [](const A& a) -> const std::string& { return a.name; });
        out["unit"] = text_array(rows, [](const A& a) -> const std::string& { return a.unit; });
        out["partner"] =
            text_array(rows, [](const A& a) -> const std::string& { return a.partner; });
        out["min"] = number_array(rows, [](const A& a) { return a.min; });
        out["max"] = number_array(rows, [](const A& a) { return a.max.value_or(nan); });
    } else if (table == "resources") {
        const auto& rows = m.resources;
        using R = zbb::resource;
        out["id"] = text_array(rows, [](const R& r) -> const std::string& { return r.id; });
        out["name"] = text_array(rows, [](const R& r) -> const std::string& { return r.name; });
        out["unit"] = text_array(rows, [](const R& r) -> const std::string& { return r.unit; });
        out["price"] =
            text_array(rows, [](const R& r) -> const std::string& { return r.price.text(); });
        out["category"] =
            text_array(rows, [](const R& r) -> const std::string& { return r.category; });
        out["available"] = number_array(rows, [](const R& r) { return r.available.value_or(nan); });
    } else if (table == "partners") {
        const auto& rows = m.partners;
        using P = zbb::partner;
        out["id"] = text_array(rows, [](const P& p) -> const std::string& { return p.id; });
        out["name"] = text_array(rows, [](const P& p) -> const std::string& { return p.name; });
    } else if (table == "effects") {
        const auto& rows = m.effects;
        using E = zbb::effect_row;
        out["goal"] =
            id_pool(lm.goals()).refs(rows, [](const E& e) -> const std::string& { return e.goal; });
        out["activity"] = id_pool(lm.activities()).refs(rows, [](const E& e) -> const std::string& {
            return e.activity;
        });
        out["per_unit"] = number_array(rows, [](const E& e) { return e.per_unit; });
    } else if (table == "consumption") {
        const auto& rows = m.consumption;
        using C = zbb::consumption_row;
        out["activity"] = id_pool(lm.activities()).refs(rows, [](const C& c) -> const std::string& {
            return c.activity;
        });
        out["resource"] = id_pool(lm.resources()).refs(rows, [](const C& c) -> const std::string& {
            return c.resource;
        });
        out["per_unit"] = number_array(rows, [](const C& c) { return c.per_unit; });
    } else if (table == "support") {
        const auto& rows = m.support;
        using S = zbb::support_row;
        const id_pool acts(lm.activities());
        out["supplier"] =
            acts.refs(rows, [](const S& s) -> const std::string& { return s.supplier; });
        out["consumer"] =
            acts.refs(rows, [](const S& s) -> const std::string& { return s.consumer; });
        out["per_unit"] = number_array(rows, [](const S& s) { return s.per_unit; });
    } else if (table == "funding") {
        const auto& rows = m.funding;
        using F = zbb::funding_row;
        out["activity"] = id_pool(lm.activities()).refs(rows, [](const F& f) -> const std::string& {
            return f.activity;
        });
        out["partner"] = id_pool(lm.partners()).refs(rows, [](const F& f) -> const std::string& {
            return f.partner;
        });
        out["share"] =
            text_array(rows, [](const F& f) -> const std::string& { return f.share.text(); });
    } else if (table == "plan") {
        const auto& rows = m.plan.rows;
        using P = zbb::plan_row;
        out["goal"] =
            id_pool(lm.goals()).refs(rows, [](const P& p) -> const std::string& { return p.goal; });
        out["activity"] = id_pool(lm.activities()).refs(rows, [](const P& p) -> const std::string& {
            return p.activity;
        });
        out["volume"] = number_array(rows, [](const P& p) { return p.volume; });
    } else {
        fail({"model", "", table}, "unknown table");
    }
    return out;
}

}  // namespace zbb_py

// zbb/variant.hpp - variant files (zbb-variant/1, docs/variants.md): a named, ordered list of
// changes of a model ("raise this target, change that price"), read from JSON and applied to a
// linked model.
//
// apply_variant gives exactly the model that editing the source by hand and linking it from
// scratch gives (the same checks, messages and budget to the cent). When every change is one the
// scenario edits of zbb/scenario.hpp cover (goal target and weight, resource price and
// availability, activity bounds, plan volumes, funding shares, the frame) the variant is built
// from them and shares the matrices and the support factorisation with the base; a change of an
// effects, consumption or support coefficient edits a copy of the source and links it once.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zbb/decimal.hpp"
#include "zbb/error.hpp"
#include "zbb/io.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/model.hpp"
#include "zbb/scenario.hpp"

namespace zbb {

/// The value of a change: null (clears an optional field), a number, or exact decimal text
/// (prices, shares, money; never parsed through a double).
struct variant_value {
    enum class kind_type { null, number, text };
    kind_type kind = kind_type::null;
    double number = 0;  ///< kind number
    std::string text;   ///< kind text: the decimal as written ("81.20")

    static variant_value null_value() { return {}; }
    static variant_value of_number(double v) { return {kind_type::number, v, {}}; }
    static variant_value of_text(std::string t) { return {kind_type::text, 0, std::move(t)}; }
    bool is_null() const noexcept { return kind == kind_type::null; }
};

/// One change: `set` names "<table>.<field>" ("goal.target", "plan.volume", "funding.share"),
/// `keys` the row's key fields as in the model file ({"id", "G-carer"}, or {"goal", ...},
/// {"activity", ...}), `value` the new value.
struct variant_change {
    std::string set;
    std::vector<std::pair<std::string, std::string>> keys;
    variant_value value;
};

/// A variant of a model: a name (unique in a comparison, never "base"), a description and the
/// changes, applied in order (a later change of the same field wins).
struct variant {
    std::string format = "zbb-variant/1";
    std::string name;
    std::string description;
    std::vector<variant_change> changes;
};

namespace detail {

enum class variant_value_rule { number, number_or_null, decimal, decimal_or_null };

// One kind of change: its table and field, its key fields and the entities they name, its value.
struct variant_kind {
    std::string_view set;
    std::string_view table;  // entity in messages
    std::size_t nkeys;
    std::string_view key[2];
    std::string_view key_entity[2];  // "goal", "activity", "resource", "partner", "area"
    variant_value_rule rule;
    bool link;  // a link row: a missing row is added, value 0 removes it
};

inline constexpr variant_kind variant_kinds[] = {
    {"goal.target", "goal", 1, {"id", ""}, {"goal", ""}, variant_value_rule::number, false},
    {"goal.weight", "goal", 1, {"id", ""}, {"goal", ""}, variant_value_rule::number, false},
    {"resource.price",
     "resource",
     1,
     {"id", ""},
     {"resource", ""},
     variant_value_rule::decimal,
     false},
    {"resource.available",
     "resource",
     1,
     {"id", ""},
     {"resource", ""},
     variant_value_rule::number_or_null,
     false},
    {"activity.min",
     "activity",
     1,
     {"id", ""},
     {"activity", ""},
     variant_value_rule::number,
     false},
    {"activity.max",
     "activity",
     1,
     {"id", ""},
     {"activity", ""},
     variant_value_rule::number_or_null,
     false},
    {"plan.volume",
     "plan",
     2,
     {"goal", "activity"},
     {"goal", "activity"},
     variant_value_rule::number,
     true},
    {"effects.per_unit",
     "effects",
     2,
     {"goal", "activity"},
     {"goal", "activity"},
     variant_value_rule::number,
     true},
    {"consumption.per_unit",
     "consumption",
     2,
     {"activity", "resource"},
     {"activity", "resource"},
     variant_value_rule::number,
     true},
    {"support.per_unit",
     "support",
     2,
     {"supplier", "consumer"},
     {"activity", "activity"},
     variant_value_rule::number,
     true},
    {"funding.share",
     "funding",
     2,
     {"activity", "partner"},
     {"activity", "partner"},
     variant_value_rule::decimal,
     true},
    {"frame.budget", "frame", 0, {"", ""}, {"", ""}, variant_value_rule::decimal_or_null, false},
    {"frame.partner_cap",
     "frame.partner_caps",
     1,
     {"partner", ""},
     {"partner", ""},
     variant_value_rule::decimal_or_null,
     false},
    {"frame.area_cap",
     "frame.area_caps",
     1,
     {"area", ""},
     {"area", ""},
     variant_value_rule::decimal_or_null,
     false},
};

inline std::string variant_context(const variant& v, std::size_t k, std::string_view set = {}) {
    std::string c = "variant '" + v.name + "', changes[" + std::to_string(k) + "]";
    if (!set.empty()) c += " (" + std::string(set) + ")";
    return c;
}

[[noreturn]] inline void variant_fail(const variant& v, std::size_t k, std::string_view set,
                                      const std::string& field, const std::string& what) {
    throw model_error({"variant", v.name, "changes[" + std::to_string(k) + "]." + field},
                      variant_context(v, k, set), what);
}

// The kind of a change, or a model_error naming the unknown table or field.
inline const variant_kind& variant_kind_of(const variant& v, std::size_t k) {
    const std::string& set = v.changes[k].set;
    for (const auto& kind : variant_kinds)
        if (kind.set == set) return kind;
    const auto dot = set.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == set.size())
        variant_fail(v, k, set, "set",
                     "\"set\" must name \"<table>.<field>\", such as \"goal.target\"");
    const std::string_view table = std::string_view(set).substr(0, dot);
    bool known_table = false;
    std::string fields;
    for (const auto& kind : variant_kinds)
        if (kind.set.substr(0, kind.set.find('.')) == table) {
            known_table = true;
            fields += (fields.empty() ? "" : ", ") + std::string(kind.set.substr(dot + 1));
        }
    if (!known_table)
        variant_fail(v, k, set, "set",
                     "unknown table '" + std::string(table) +
                         "'; use goal, resource, activity, plan, effects, consumption, support, "
                         "funding or frame");
    variant_fail(v, k, set, "set",
                 "unknown field '" + set.substr(dot + 1) + "' of table '" + std::string(table) +
                     "'; use " + fields);
}

// The key values of change k in the kind's order; refuses missing, unknown and repeated keys.
inline std::vector<std::string> variant_keys(const variant& v, std::size_t k,
                                             const variant_kind& kind) {
    const auto& c = v.changes[k];
    for (std::size_t i = 0; i < c.keys.size(); ++i) {
        const auto& name = c.keys[i].first;
        bool known = false;
        for (std::size_t j = 0; j < kind.nkeys; ++j) known = known || kind.key[j] == name;
        if (!known) {
            std::string expected;
            for (std::size_t j = 0; j < kind.nkeys; ++j)
                expected += (j ? "\", \"" : "") + std::string(kind.key[j]);
            variant_fail(v, k, c.set, name,
                         "unknown key \"" + name + "\"" +
                             (kind.nkeys ? "; " + c.set + " takes \"" + expected + "\""
                                         : "; " + c.set + " takes no key"));
        }
        for (std::size_t j = 0; j < i; ++j)
            if (c.keys[j].first == name)
                variant_fail(v, k, c.set, name, "duplicate key \"" + name + "\"");
    }
    std::vector<std::string> out;
    for (std::size_t j = 0; j < kind.nkeys; ++j) {
        auto it = std::find_if(c.keys.begin(), c.keys.end(),
                               [&](const auto& p) { return p.first == kind.key[j]; });
        if (it == c.keys.end())
            variant_fail(v, k, c.set, std::string(kind.key[j]),
                         "missing key \"" + std::string(kind.key[j]) + "\"");
        out.push_back(it->second);
    }
    return out;
}

// Refuses a value of the wrong kind for the change.
inline void variant_check_value(const variant& v, std::size_t k, const variant_kind& kind) {
    const auto& value = v.changes[k].value;
    const auto& set = v.changes[k].set;
    using K = variant_value::kind_type;
    switch (kind.rule) {
        case variant_value_rule::number:
        case variant_value_rule::number_or_null:
            if (value.kind == K::text)
                variant_fail(v, k, set, "value", "value must be a number, not a string");
            if (value.kind == K::null && kind.rule == variant_value_rule::number)
                variant_fail(v, k, set, "value",
                             "value must be a number (null is allowed only for an optional "
                             "field: resource.available, activity.max, frame.budget, "
                             "frame.partner_cap, frame.area_cap)");
            break;
        case variant_value_rule::decimal:
        case variant_value_rule::decimal_or_null:
            if (value.kind == K::number)
                variant_fail(v, k, set, "value",
                             "value must be a decimal string such as \"78.40\" (numbers would "
                             "pass through binary floating point)");
            if (value.kind == K::null && kind.rule == variant_value_rule::decimal)
                variant_fail(v, k, set, "value", "value must be a decimal string, not null");
            break;
    }
}

// A change as it is applied: the last change of each (field, row), in the order of the first.
struct variant_edit {
    const variant_kind* kind = nullptr;
    std::vector<std::string> keys;
    const variant_value* value = nullptr;
    std::size_t index = 0;  // the change that gives the value (the last one)
    std::string id() const {
        return keys.size() == 2 ? pair_id(keys[0], keys[1]) : (keys.empty() ? "" : keys[0]);
    }
};

// Checks the structure of every change (kind, keys, value type) and, with `base`, that every
// id exists; returns the edits.
inline std::vector<variant_edit> variant_edits(const variant& v, const linked_model* base) {
    std::vector<variant_edit> edits;
    for (std::size_t k = 0; k < v.changes.size(); ++k) {
        const auto& kind = variant_kind_of(v, k);
        auto keys = variant_keys(v, k, kind);
        variant_check_value(v, k, kind);
        if (base) {
            for (std::size_t j = 0; j < kind.nkeys; ++j) {
                const auto& entity = kind.key_entity[j];
                if (entity == "area") {
                    // An area of the model ("(no area)" is no area a cap can name).
                    const int a = base->area_keys_index().find(keys[j]);
                    if (a >= 0 && a < static_cast<int>(base->area_parents().size())) continue;
                    try {
                        fail({std::string(kind.table), keys[j], "area"},
                             "unknown area '" + keys[j] + "'");
                    } catch (...) {
                        rethrow_with_context(variant_context(v, k, kind.set));
                    }
                }
                const id_index& ids = entity == "goal"       ? base->goals()
                                      : entity == "activity" ? base->activities()
                                      : entity == "resource" ? base->resources()
                                                             : base->partners();
                if (ids.find(keys[j]) >= 0) continue;
                const std::string id = kind.nkeys == 2 ? pair_id(keys[0], keys[1]) : keys[0];
                try {
                    if (kind.link)
                        fail({std::string(kind.table), id, std::string(kind.key[j])},
                             "unknown id '" + keys[j] + "'");
                    if (kind.table == "frame.partner_caps")
                        fail({std::string(kind.table), id, "partner"},
                             "unknown partner '" + id + "'");
                    fail({std::string(kind.table), id, "id"}, "unknown " + std::string(entity));
                } catch (...) {
                    rethrow_with_context(variant_context(v, k, kind.set));
                }
            }
        }
        auto same = std::find_if(edits.begin(), edits.end(), [&](const variant_edit& e) {
            return e.kind == &kind && e.keys == keys;
        });
        if (same != edits.end()) {
            same->value = &v.changes[k].value;
            same->index = k;
        } else {
            edits.push_back({&kind, std::move(keys), &v.changes[k].value, k});
        }
    }
    return edits;
}

// Runs f(); an error is re-thrown with the context of change k.
template <class F>
auto with_change_context(const variant& v, const variant_edit& e, F&& f) {
    try {
        return f();
    } catch (...) {
        rethrow_with_context(variant_context(v, e.index, e.kind->set));
    }
}

inline decimal variant_decimal(const variant& v, const variant_edit& e, error_location where) {
    return with_change_context(v, e, [&] { return decimal::parse(e.value->text, where); });
}

inline bool fast_kind(const variant_kind& k) {
    return k.table != "effects" && k.table != "consumption" && k.table != "support";
}

// The funding rows of `activity` after the edits: existing rows keep their place (value 0
// removes one), new partners follow in the order of the changes.
inline std::vector<partner_share> final_funding(const variant& v,
                                                const std::vector<funding_row>& rows,
                                                const std::string& activity,
                                                const std::vector<variant_edit>& edits) {
    std::vector<partner_share> shares;
    for (const auto& f : rows)
        if (f.activity == activity) shares.push_back({f.partner, f.share});
    for (const auto& e : edits) {
        if (e.kind->table != "funding" || e.keys[0] != activity) continue;
        const decimal share = variant_decimal(v, e, {"funding", e.id(), "share"});
        auto it = std::find_if(shares.begin(), shares.end(),
                               [&](const partner_share& s) { return s.partner == e.keys[1]; });
        if (share.is_zero()) {
            if (it != shares.end()) shares.erase(it);
        } else if (it != shares.end()) {
            it->share = share;
        } else {
            shares.push_back({e.keys[1], share});
        }
    }
    return shares;
}

// One cap of the frame (a partner's or an area's, `owner` the member that names it) after a
// change: set, added at the end when missing, removed by null.
template <class Cap>
void set_cap(const variant& v, const variant_edit& e, std::vector<Cap>& caps,
             std::string Cap::*owner) {
    auto it =
        std::find_if(caps.begin(), caps.end(), [&](const Cap& c) { return c.*owner == e.keys[0]; });
    if (e.value->is_null()) {
        if (it != caps.end()) caps.erase(it);
        return;
    }
    const decimal cap = variant_decimal(v, e, {std::string(e.kind->table), e.keys[0], "cap"});
    if (it != caps.end())
        it->cap = cap;
    else
        caps.push_back({e.keys[0], cap});
}

// The frame after the edits: a change of a model without a frame creates one; null removes the
// budget or a partner's or area's cap (the frame itself stays).
inline std::optional<financial_frame> final_frame(const variant& v,
                                                  const std::optional<financial_frame>& base,
                                                  const std::vector<variant_edit>& edits) {
    std::optional<financial_frame> frame = base;
    for (const auto& e : edits) {
        if (e.kind->set == "frame.budget") {
            if (!frame) frame.emplace();
            frame->budget.reset();
            if (!e.value->is_null()) frame->budget = variant_decimal(v, e, {"frame", "", "budget"});
        } else if (e.kind->set == "frame.partner_cap") {
            if (!frame) frame.emplace();
            set_cap(v, e, frame->partner_caps, &zbb::partner_cap::partner);
        } else if (e.kind->set == "frame.area_cap") {
            if (!frame) frame.emplace();
            set_cap(v, e, frame->area_caps, &zbb::area_cap::area);
        }
    }
    return frame;
}

// Sets a link row's value (adds the row when missing, removes it for 0).
template <class Row, class Match, class Make>
void set_link_row(std::vector<Row>& rows, bool zero, Match&& match, Make&& make) {
    auto it = std::find_if(rows.begin(), rows.end(), match);
    if (zero) {
        if (it != rows.end()) rows.erase(it);
    } else if (it != rows.end()) {
        make(*it);
    } else {
        rows.emplace_back();
        make(rows.back());
    }
}

// The edits applied to a copy of the source (the path for effects, consumption and support).
inline model edited_source(const variant& v, const linked_model& base,
                           const std::vector<variant_edit>& edits) {
    model m = base.source();
    auto index = [](const id_index& ids, const std::string& id) {
        return static_cast<std::size_t>(ids.find(id));
    };
    for (const auto& e : edits) {
        const auto& set = e.kind->set;
        const auto& val = *e.value;
        const double number = val.number;
        const std::string& a = e.keys.empty() ? std::string() : e.keys[0];
        if (set == "goal.target") {
            m.goals[index(base.goals(), a)].target = number;
        } else if (set == "goal.weight") {
            m.goals[index(base.goals(), a)].weight = number;
        } else if (set == "resource.price") {
            m.resources[index(base.resources(), a)].price =
                variant_decimal(v, e, {"resource", a, "price"});
        } else if (set == "resource.available") {
            auto& r = m.resources[index(base.resources(), a)];
            r.available.reset();
            if (!val.is_null()) r.available = number;
        } else if (set == "activity.min") {
            m.activities[index(base.activities(), a)].min = number;
        } else if (set == "activity.max") {
            auto& act = m.activities[index(base.activities(), a)];
            act.max.reset();
            if (!val.is_null()) act.max = number;
        } else if (set == "plan.volume") {
            set_link_row(
                m.plan.rows, number == 0,
                [&](const plan_row& r) { return r.goal == a && r.activity == e.keys[1]; },
                [&](plan_row& r) {  // a row keeps its area, as with_plan_volume keeps it
                    r.goal = a;
                    r.activity = e.keys[1];
                    r.volume = number;
                });
        } else if (set == "effects.per_unit") {
            set_link_row(
                m.effects, number == 0,
                [&](const effect_row& r) { return r.goal == a && r.activity == e.keys[1]; },
                [&](effect_row& r) {  // an existing row keeps its range (low, high)
                    r.goal = a;
                    r.activity = e.keys[1];
                    r.per_unit = number;
                });
        } else if (set == "consumption.per_unit") {
            set_link_row(
                m.consumption, number == 0,
                [&](const consumption_row& r) {
                    return r.activity == a && r.resource == e.keys[1];
                },
                [&](consumption_row& r) {  // an existing row keeps its range (low, high)
                    r.activity = a;
                    r.resource = e.keys[1];
                    r.per_unit = number;
                });
        } else if (set == "support.per_unit") {
            set_link_row(
                m.support, number == 0,
                [&](const support_row& r) { return r.supplier == a && r.consumer == e.keys[1]; },
                [&](support_row& r) {  // an existing row keeps its range (low, high)
                    r.supplier = a;
                    r.consumer = e.keys[1];
                    r.per_unit = number;
                });
        }
    }
    // Funding per activity at the place of its first row, as with_funding_shares places them.
    std::vector<std::string> funded;
    for (const auto& e : edits) {
        if (e.kind->table != "funding" ||
            std::find(funded.begin(), funded.end(), e.keys[0]) != funded.end())
            continue;
        funded.push_back(e.keys[0]);
        const auto shares = final_funding(v, m.funding, e.keys[0], edits);
        std::vector<funding_row> rows;
        bool placed = false;
        for (const auto& f : m.funding) {
            if (f.activity != e.keys[0]) {
                rows.push_back(f);
            } else if (!placed) {
                for (const auto& s : shares) rows.push_back({e.keys[0], s.partner, s.share});
                placed = true;
            }
        }
        if (!placed)
            for (const auto& s : shares) rows.push_back({e.keys[0], s.partner, s.share});
        m.funding = std::move(rows);
    }
    m.frame = final_frame(v, m.frame, edits);
    return m;
}

// The change an error of linking the edited source comes from: the last edit of the field the
// error names, else of the row or entity, else of the table, else the last change.
inline const variant_edit& variant_edit_for(const std::vector<variant_edit>& edits,
                                            const error_location& where) {
    const variant_edit* best = nullptr;
    int best_rank = -1;
    for (const auto& e : edits) {
        const bool table = e.kind->table == where.entity;
        const std::string field(e.kind->set.substr(e.kind->set.find('.') + 1));
        int rank = 0;
        if (table && e.id() == where.id && field == where.field)
            rank = 3;
        else if (table && (e.id() == where.id || (!e.keys.empty() && e.keys[0] == where.id)))
            rank = 2;
        else if (table)
            rank = 1;
        if (rank > best_rank || (rank == best_rank && e.index > best->index)) {
            best = &e;
            best_rank = rank;
        }
    }
    return *best;
}

}  // namespace detail

/// Checks a variant's changes without a model: every `set` names a known table and field, each
/// change has exactly the key fields of its table, and each value has the right type (a number,
/// a decimal string, null only for an optional field). Throws model_error whose message reads
/// "variant 'NAME', changes[K] (goal.target): <what>" (K counted from 0).
inline void check_variant(const variant& v) {
    if (v.format != "zbb-variant/1")
        throw model_error({"variant", v.name, "format"}, "variant '" + v.name + "'",
                          "unsupported format \"" + v.format + "\"; expected \"zbb-variant/1\"");
    (void)detail::variant_edits(v, nullptr);
}

/// Parses a zbb-variant/1 document (docs/variants.md); `source` names the input in errors.
/// Refuses, with model_error: malformed JSON (line and column), invalid UTF-8, nesting deeper
/// than max_json_depth, duplicate keys, unknown top-level keys (a "$schema" key is accepted and
/// ignored), a missing or other "format", a missing or empty "name", and every change that
/// check_variant refuses. File-level errors name the file ("file 'v.json', field 'name': ...");
/// errors in a change read "variant 'NAME', changes[K] (set): ...". Ids are checked by
/// apply_variant.
inline variant read_variant_json(std::string_view text, std::string_view source) {
    const std::string src(source);
    const std::size_t bom = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    text.remove_prefix(bom);
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        detail::fail({"file", src, ""}, "empty input; expected a zbb-variant/1 JSON document");
    detail::check_depth(text, src);
    simdjson::dom::parser parser;
    simdjson::padded_string padded(text);
    simdjson::dom::element doc;
    auto err = parser.parse(padded).get(doc);
    if (err == simdjson::NUMBER_ERROR) {
        detail::diagnose_json(text, src);  // a number beyond a double is refused there
        padded = simdjson::padded_string(detail::widen_big_integers(text));
        err = parser.parse(padded).get(doc);
    }
    if (err) {
        if (err == simdjson::MEMALLOC) throw std::bad_alloc();
        detail::diagnose_json(text, src);
        detail::fail({"file", src, ""},
                     std::string("invalid JSON: ") + simdjson::error_message(err));
    }
    if (!doc.is_object())
        detail::fail({"file", src, ""}, "must be a JSON object (a zbb-variant/1 document)");
    const simdjson::dom::object top = doc.get_object().value_unsafe();
    std::vector<std::string_view> seen;
    for (auto field : top) {
        if (std::find(seen.begin(), seen.end(), field.key) != seen.end())
            detail::fail({"file", src, std::string(field.key)}, "duplicate key in a JSON object");
        seen.push_back(field.key);
    }
    auto member = [&](std::string_view key) -> std::optional<simdjson::dom::element> {
        simdjson::dom::element e;
        if (top.at_key(key).get(e)) return std::nullopt;
        return e;
    };
    variant v;
    const auto format = member("format");
    if (!format)
        detail::fail({"file", src, "format"}, "missing \"format\"; expected \"zbb-variant/1\"");
    if (!format->is_string() || format->get_string().value_unsafe() != "zbb-variant/1")
        detail::fail(
            {"file", src, "format"},
            (format->is_string()
                 ? "unsupported format \"" + std::string(format->get_string().value_unsafe()) + "\""
                 : std::string("must be a string")) +
                "; expected \"zbb-variant/1\"");
    for (const auto& key : seen)
        if (key != "format" && key != "name" && key != "description" && key != "changes" &&
            key != "$schema")
            detail::fail({"file", src, std::string(key)},
                         "unknown key; a variant has format, name, description and changes");
    const auto name = member("name");
    if (!name || !name->is_string() || name->get_string().value_unsafe().empty())
        detail::fail({"file", src, "name"}, "must be a non-empty string (the variant's name)");
    v.name = std::string(name->get_string().value_unsafe());
    if (const auto d = member("description"); d && !d->is_null()) {
        if (!d->is_string()) detail::fail({"file", src, "description"}, "must be a string");
        v.description = std::string(d->get_string().value_unsafe());
    }
    const auto changes = member("changes");
    if (!changes || !changes->is_array())
        detail::fail({"file", src, "changes"}, "must be a JSON array of changes");
    std::size_t k = 0;
    const simdjson::dom::array list = changes->get_array().value_unsafe();
    for (simdjson::dom::element c : list) {
        if (!c.is_object())
            detail::variant_fail(v, k, {}, "",
                                 "must be a JSON object such as {\"set\": \"goal.target\", ...}");
        const simdjson::dom::object obj = c.get_object().value_unsafe();
        variant_change change;
        simdjson::dom::element set;
        if (obj.at_key("set").get(set))
            detail::variant_fail(v, k, {}, "set", "missing key \"set\"");
        if (!set.is_string())
            detail::variant_fail(v, k, {}, "set",
                                 "\"set\" must be a string such as \"goal.target\"");
        change.set = std::string(set.get_string().value_unsafe());
        std::vector<std::string_view> keys;
        bool has_value = false;
        for (auto field : obj) {
            if (std::find(keys.begin(), keys.end(), field.key) != keys.end())
                detail::variant_fail(
                    v, k, change.set, std::string(field.key),
                    "duplicate key \"" + std::string(field.key) + "\" in a JSON object");
            keys.push_back(field.key);
            if (field.key == "set") continue;
            if (field.key == "value") {
                has_value = true;
                const auto e = field.value;
                if (e.is_null())
                    change.value = variant_value::null_value();
                else if (e.is_number())
                    change.value = variant_value::of_number(e.get_double().value_unsafe());
                else if (e.is_string())
                    change.value =
                        variant_value::of_text(std::string(e.get_string().value_unsafe()));
                else
                    detail::variant_fail(v, k, change.set, "value",
                                         "value must be a number, a decimal string or null");
                continue;
            }
            if (!field.value.is_string())
                detail::variant_fail(v, k, change.set, std::string(field.key),
                                     "key \"" + std::string(field.key) + "\" must be a string id");
            change.keys.emplace_back(std::string(field.key),
                                     std::string(field.value.get_string().value_unsafe()));
        }
        if (!has_value) detail::variant_fail(v, k, change.set, "value", "missing key \"value\"");
        v.changes.push_back(std::move(change));
        ++k;
    }
    check_variant(v);
    return v;
}

/// Reads a variant file; errors name the file.
inline variant read_variant_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        detail::fail({"file", path, ""}, "is a directory, not a variant file");
    std::ifstream in(path, std::ios::binary);
    if (!in) detail::fail({"file", path, ""}, "cannot open file");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) detail::fail({"file", path, ""}, "cannot read file");
    return read_variant_json(text, path);
}

/// The model `base` with the variant's changes, exactly as editing the source and linking it from
/// scratch gives it (docs/variants.md): a change of a link row that does not exist adds the row
/// (at the end of its table), value 0 removes it; null clears an optional field; a later change of
/// the same field wins; funding shares are checked after all changes (each activity's shares sum
/// exactly to 1). Every value is checked as linking checks it (the numeric range policy).
/// Throws what linking throws (model_error, support_loop_error, money_overflow), the message
/// prefixed with "variant 'NAME', changes[K] (set): " for the change that set the value.
/// When every change is covered by zbb/scenario.hpp the result shares the matrices and the
/// support factorisation with `base`; otherwise the edited source is linked once with
/// base.options().
inline linked_model apply_variant(const linked_model& base, const variant& v) {
    check_variant(v);
    const auto edits = detail::variant_edits(v, &base);
    const bool fast = std::all_of(edits.begin(), edits.end(),
                                  [](const auto& e) { return detail::fast_kind(*e.kind); });
    if (!fast) {
        model m = detail::edited_source(v, base, edits);
        try {
            return linked_model(std::move(m), base.options());
        } catch (const model_error& e) {
            const auto& edit = detail::variant_edit_for(edits, e.where());
            rethrow_with_context(detail::variant_context(v, edit.index, edit.kind->set));
        } catch (const money_overflow& e) {
            const auto& edit = detail::variant_edit_for(edits, e.where());
            rethrow_with_context(detail::variant_context(v, edit.index, edit.kind->set));
        }
    }
    linked_model lm = base;
    std::vector<std::string> bounded, funded;
    bool framed = false;
    for (const auto& e : edits) {
        const auto& set = e.kind->set;
        const auto& val = *e.value;
        const std::string& a = e.keys.empty() ? std::string() : e.keys[0];
        auto apply = [&](const detail::variant_edit& at, auto&& f) {
            lm = detail::with_change_context(v, at, f);
        };
        if (set == "goal.target") {
            apply(e, [&] { return with_goal_target(lm, a, val.number); });
        } else if (set == "goal.weight") {
            apply(e, [&] { return with_goal_weight(lm, a, val.number); });
        } else if (set == "resource.price") {
            apply(e, [&] { return with_resource_price(lm, a, std::string_view(val.text)); });
        } else if (set == "resource.available") {
            apply(e, [&] {
                return with_resource_available(
                    lm, a, val.is_null() ? std::nullopt : std::optional<double>(val.number));
            });
        } else if (set == "activity.min" || set == "activity.max") {
            // Both bounds of an activity at once, so that only the final pair is checked.
            if (std::find(bounded.begin(), bounded.end(), a) != bounded.end()) continue;
            bounded.push_back(a);
            const auto& act =
                lm.view().activities[static_cast<std::size_t>(lm.activities().find(a))];
            double min = act.min;
            std::optional<double> max = act.max;
            const detail::variant_edit *min_edit = nullptr, *max_edit = nullptr;
            for (const auto& o : edits) {
                if (o.keys.empty() || o.keys[0] != a) continue;
                if (o.kind->set == "activity.min") {
                    min = o.value->number;
                    min_edit = &o;
                } else if (o.kind->set == "activity.max") {
                    max =
                        o.value->is_null() ? std::nullopt : std::optional<double>(o.value->number);
                    max_edit = &o;
                }
            }
            try {
                lm = with_activity_bounds(lm, a, min, max);
            } catch (const model_error& err) {
                const auto* at = err.where().field == "min" ? min_edit : max_edit;
                if (!at) at = min_edit ? min_edit : max_edit;
                if (min_edit && max_edit && err.where().field != "min" &&
                    err.where().field != "max")
                    at = min_edit->index > max_edit->index ? min_edit : max_edit;
                rethrow_with_context(detail::variant_context(v, at->index, at->kind->set));
            }
        } else if (set == "plan.volume") {
            if (val.number != 0) {
                apply(e, [&] { return with_plan_volume(lm, a, e.keys[1], val.number); });
            } else {
                const auto& rows = lm.view().plan.rows;
                auto it = std::find_if(rows.begin(), rows.end(), [&](const plan_row& r) {
                    return r.goal == a && r.activity == e.keys[1];
                });
                if (it != rows.end()) {
                    zbb::plan p = lm.view().plan;
                    p.rows.erase(p.rows.begin() + (it - rows.begin()));
                    apply(e, [&] { return with_plan(lm, std::move(p)); });
                }
            }
        } else if (e.kind->table == "funding") {
            if (std::find(funded.begin(), funded.end(), a) != funded.end()) continue;
            funded.push_back(a);
            const detail::variant_edit* last = &e;
            for (const auto& o : edits)
                if (o.kind->table == "funding" && o.keys[0] == a && o.index > last->index)
                    last = &o;
            const auto shares = detail::final_funding(v, lm.view().funding, a, edits);
            apply(*last, [&] { return with_funding_shares(lm, a, shares); });
        } else if (e.kind->table == "frame" || e.kind->table == "frame.partner_caps" ||
                   e.kind->table == "frame.area_caps") {
            if (framed) continue;
            framed = true;
            const auto frame = detail::final_frame(v, lm.view().frame, edits);
            try {
                lm = with_frame(lm, frame);
            } catch (const money_overflow& err) {
                rethrow_with_context(detail::variant_context(
                    v, detail::variant_edit_for(edits, err.where()).index,
                    detail::variant_edit_for(edits, err.where()).kind->set));
            } catch (const model_error& err) {
                rethrow_with_context(detail::variant_context(
                    v, detail::variant_edit_for(edits, err.where()).index,
                    detail::variant_edit_for(edits, err.where()).kind->set));
            }
        }
    }
    return lm;
}

}  // namespace zbb

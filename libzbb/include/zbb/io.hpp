// zbb/io.hpp - reading and writing the zbb-model/1 JSON format (lossless).
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "zbb/error.hpp"
#include "zbb/model.hpp"

namespace zbb {

/// Deepest nesting of arrays and objects accepted in a model file (the format needs 3).
inline constexpr int max_json_depth = 32;

namespace detail {
using ojson = nlohmann::ordered_json;

inline void check_depth(std::string_view text, const std::string& source) {
    int depth = 0;
    bool in_string = false, escaped = false;
    for (char ch : text) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (ch == '\\')
                escaped = true;
            else if (ch == '"')
                in_string = false;
        } else if (ch == '"') {
            in_string = true;
        } else if (ch == '[' || ch == '{') {
            if (++depth > max_json_depth)
                fail({"file", source, ""},
                     "JSON nested deeper than " + std::to_string(max_json_depth) + " levels");
        } else if (ch == ']' || ch == '}') {
            --depth;
        }
    }
}

// Reads the fields of one JSON object, checking types and refusing unknown keys.
class object_reader {
  public:
    object_reader(const nlohmann::json& j, error_location where, std::set<std::string> known)
        : j_(j), where_(std::move(where)) {
        if (!j.is_object()) fail(where_, "must be a JSON object");
        if (known.empty()) return;  // only reading the id; keys are checked by the next reader
        for (const auto& [key, value] : j.items())
            if (!known.count(key)) fail(at(key), "unknown key");
    }
    void set_id(const std::string& id) { where_.id = id; }
    const error_location& where() const { return where_; }
    bool has(const char* key) const { return j_.contains(key) && !j_.at(key).is_null(); }

    std::string text(const char* key, bool required, std::string fallback = "") const {
        if (!has(key)) {
            if (required) fail(at(key), "required field is missing");
            return fallback;
        }
        const auto& v = j_.at(key);
        if (!v.is_string()) fail(at(key), "must be a string");
        return v.get<std::string>();
    }
    double number(const char* key, bool required, double fallback = 0.0) const {
        if (!has(key)) {
            if (required) fail(at(key), "required field is missing");
            return fallback;
        }
        const auto& v = j_.at(key);
        if (!v.is_number()) fail(at(key), "must be a number");
        double d = v.get<double>();
        if (!std::isfinite(d)) fail(at(key), "must be a finite number");
        return d;
    }
    std::optional<double> optional_number(const char* key) const {
        if (!has(key)) return std::nullopt;
        return number(key, true);
    }
    decimal exact(const char* key) const {
        if (!has(key)) fail(at(key), "required field is missing");
        const auto& v = j_.at(key);
        if (!v.is_string())
            fail(at(key),
                 "must be a decimal string such as \"78.40\" (numbers would pass through "
                 "binary floating point)");
        return decimal::parse(v.get_ref<const std::string&>(), at(key));
    }
    error_location at(const std::string& key) const { return {where_.entity, where_.id, key}; }

  private:
    const nlohmann::json& j_;
    error_location where_;
};

template <class F>
void for_each_row(const nlohmann::json& doc, const char* table, F&& f) {
    if (!doc.contains(table) || doc.at(table).is_null()) return;
    const auto& arr = doc.at(table);
    if (!arr.is_array()) fail({"model", "", table}, "must be a JSON array");
    for (std::size_t i = 0; i < arr.size(); ++i)
        f(arr[i], error_location{std::string(table) + "[" + std::to_string(i) + "]", "", ""});
}

inline std::string strip_json_prefix(const std::string& what) {
    auto pos = what.find("] ");
    return pos == std::string::npos ? what : what.substr(pos + 2);
}

// For "number overflow parsing '1e999'": the key of the first value (after a ':') that is that
// number token, or "".
inline std::string key_before_number(std::string_view text, const std::string& what) {
    auto open = what.find('\''), close = what.rfind('\'');
    if (open == std::string::npos || close <= open) return "";
    const auto token = what.substr(open + 1, close - open - 1);
    auto is_number_char = [](char c) {
        return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
    };
    for (auto at = text.find(token); at != std::string_view::npos; at = text.find(token, at + 1)) {
        auto end = at + token.size();
        if ((at > 0 && is_number_char(text[at - 1])) ||
            (end < text.size() && is_number_char(text[end])))
            continue;
        auto before = text.find_last_not_of(" \t\r\n", at == 0 ? 0 : at - 1);
        if (at == 0 || before == std::string_view::npos || text[before] != ':') continue;
        auto close_quote = text.find_last_not_of(" \t\r\n", before - 1);
        if (close_quote == std::string_view::npos || text[close_quote] != '"' || close_quote == 0)
            continue;
        auto open_quote = text.rfind('"', close_quote - 1);
        if (open_quote == std::string_view::npos) continue;
        return std::string(text.substr(open_quote + 1, close_quote - open_quote - 1));
    }
    return "";
}

// Refuses duplicate keys in any JSON object (nlohmann would keep the last one silently).
class duplicate_key_guard {
  public:
    explicit duplicate_key_guard(std::string source) : source_(std::move(source)) {}
    bool operator()(int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        using ev = nlohmann::json::parse_event_t;
        if (event == ev::object_start)
            keys_.emplace_back();
        else if (event == ev::object_end && !keys_.empty())
            keys_.pop_back();
        else if (event == ev::key && !keys_.empty() &&
                 !keys_.back().insert(parsed.get<std::string>()).second)
            fail({"file", source_, parsed.get<std::string>()}, "duplicate key in a JSON object");
        return true;
    }

  private:
    std::string source_;
    std::vector<std::set<std::string>> keys_;
};

inline ojson number_json(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e15) return ojson(static_cast<std::int64_t>(v));
    return ojson(v);
}
}  // namespace detail

/// Parses a zbb-model/1 document. `source` names the input in error messages. Throws model_error
/// for malformed JSON, wrong types, missing required fields, unknown keys, malformed decimals.
/// Cross-references (unknown ids, shares summing to 1, ...) are checked by linked_model.
inline model read_model_json(std::string_view text, const std::string& source = "model") {
    using detail::fail;
    using detail::object_reader;
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        fail({"file", source, ""}, "empty input; expected a zbb-model/1 JSON document");
    detail::check_depth(text, source);
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text.begin(), text.end(), detail::duplicate_key_guard(source));
    } catch (const nlohmann::json::parse_error& e) {
        fail({"file", source, ""}, "invalid JSON: " + detail::strip_json_prefix(e.what()));
    } catch (const nlohmann::json::out_of_range& e) {
        // A number too large for a double ("1e999"): name the key it belongs to.
        fail({"file", source, detail::key_before_number(text, e.what())},
             detail::strip_json_prefix(e.what()) + "; numbers must be finite");
    }
    object_reader top(doc, {"model", "", ""},
                      {"$schema", "format", "name", "description", "currency", "minor_units",
                       "goals", "activities", "resources", "partners", "effects", "consumption",
                       "support", "funding", "plan", "frame", "packages"});
    model m;
    m.format = top.text("format", true);
    if (m.format != "zbb-model/1")
        fail({"model", "", "format"},
             "unsupported format \"" + m.format + "\"; expected \"zbb-model/1\"");
    m.name = top.text("name", false);
    m.description = top.text("description", false);
    m.currency = top.text("currency", false, "EUR");
    if (top.has("minor_units")) {
        double mu = top.number("minor_units", true);
        if (mu != std::floor(mu) || mu < 0 || mu > 6)
            fail({"model", "", "minor_units"}, "must be a whole number from 0 to 6");
        m.minor_units = static_cast<int>(mu);
    }

    detail::for_each_row(doc, "goals", [&](const nlohmann::json& j, error_location w) {
        const std::set<std::string> keys{"id", "name", "unit", "baseline", "target", "weight"};
        goal g;
        g.id = object_reader(j, w, {}).text("id", true);
        object_reader r(j, {"goal", g.id, ""}, keys);
        g.name = r.text("name", false);
        g.unit = r.text("unit", false);
        g.baseline = r.number("baseline", true);
        g.target = r.number("target", true);
        g.weight = r.number("weight", false, 1.0);
        m.goals.push_back(std::move(g));
    });
    detail::for_each_row(doc, "activities", [&](const nlohmann::json& j, error_location w) {
        const std::set<std::string> keys{"id", "name", "unit", "partner", "min", "max", "levels"};
        activity a;
        a.id = object_reader(j, w, {}).text("id", true);
        object_reader r(j, {"activity", a.id, ""}, keys);
        a.name = r.text("name", false);
        a.unit = r.text("unit", false);
        a.partner = r.text("partner", false);
        a.min = r.number("min", false, 0.0);
        a.max = r.optional_number("max");
        if (r.has("levels")) {
            const auto& arr = j.at("levels");
            if (!arr.is_array()) fail(r.at("levels"), "must be a JSON array");
            for (std::size_t i = 0; i < arr.size(); ++i) {
                const std::string where = "activity.levels[" + std::to_string(i) + "]";
                object_reader lr(arr[i], {where, a.id, ""}, {"up_to", "effect"});
                activity_level l;
                l.up_to = lr.number("up_to", true);
                l.effect = lr.exact("effect");
                a.levels.push_back(std::move(l));
            }
        }
        m.activities.push_back(std::move(a));
    });
    detail::for_each_row(doc, "resources", [&](const nlohmann::json& j, error_location w) {
        const std::set<std::string> keys{"id", "name", "unit", "price", "category", "available"};
        resource res;
        res.id = object_reader(j, w, {}).text("id", true);
        object_reader r(j, {"resource", res.id, ""}, keys);
        res.name = r.text("name", false);
        res.unit = r.text("unit", false);
        res.price = r.exact("price");
        res.category = r.text("category", false, "other");
        res.available = r.optional_number("available");
        m.resources.push_back(std::move(res));
    });
    detail::for_each_row(doc, "partners", [&](const nlohmann::json& j, error_location w) {
        const std::set<std::string> keys{"id", "name"};
        partner p;
        p.id = object_reader(j, w, {}).text("id", true);
        p.name = object_reader(j, {"partner", p.id, ""}, keys).text("name", false);
        m.partners.push_back(std::move(p));
    });
    // Link rows: the row is named "<first> -> <second>" once both ids are read.
    auto link = [&](const nlohmann::json& j, error_location w, const char* first,
                    const char* second, std::set<std::string> keys, std::string& a,
                    std::string& b) {
        object_reader r(j, w, {});
        a = r.text(first, true);
        b = r.text(second, true);
        return object_reader(j, {w.entity.substr(0, w.entity.find('[')), a + " -> " + b, ""},
                             std::move(keys));
    };
    detail::for_each_row(doc, "effects", [&](const nlohmann::json& j, error_location w) {
        effect_row e;
        auto r =
            link(j, w, "goal", "activity", {"goal", "activity", "per_unit"}, e.goal, e.activity);
        e.per_unit = r.number("per_unit", true);
        m.effects.push_back(std::move(e));
    });
    detail::for_each_row(doc, "consumption", [&](const nlohmann::json& j, error_location w) {
        consumption_row c;
        auto r = link(j, w, "activity", "resource", {"activity", "resource", "per_unit"},
                      c.activity, c.resource);
        c.per_unit = r.number("per_unit", true);
        m.consumption.push_back(std::move(c));
    });
    detail::for_each_row(doc, "support", [&](const nlohmann::json& j, error_location w) {
        support_row s;
        auto r = link(j, w, "supplier", "consumer", {"supplier", "consumer", "per_unit"},
                      s.supplier, s.consumer);
        s.per_unit = r.number("per_unit", true);
        m.support.push_back(std::move(s));
    });
    detail::for_each_row(doc, "funding", [&](const nlohmann::json& j, error_location w) {
        funding_row f;
        auto r = link(j, w, "activity", "partner", {"activity", "partner", "share"}, f.activity,
                      f.partner);
        f.share = r.exact("share");
        m.funding.push_back(std::move(f));
    });
    detail::for_each_row(doc, "plan", [&](const nlohmann::json& j, error_location w) {
        plan_row p;
        auto r = link(j, w, "goal", "activity", {"goal", "activity", "volume"}, p.goal, p.activity);
        p.volume = r.number("volume", true);
        m.plan.rows.push_back(std::move(p));
    });
    detail::for_each_row(doc, "packages", [&](const nlohmann::json& j, error_location w) {
        const std::set<std::string> keys{"unit", "level", "name", "priority", "volumes"};
        decision_package p;
        object_reader head(j, w, {});
        p.unit = head.text("unit", true);
        const double level = head.number("level", true);
        if (level != std::floor(level) || level < 1 || level > 1e6)
            fail({w.entity, p.unit, "level"}, "must be a whole number from 1");
        p.level = static_cast<int>(level);
        const std::string id = p.unit + "/" + std::to_string(p.level);
        object_reader r(j, {"packages", id, ""}, keys);
        p.name = r.text("name", false);
        p.priority = r.optional_number("priority");
        if (r.has("volumes")) {
            const auto& arr = j.at("volumes");
            if (!arr.is_array()) fail(r.at("volumes"), "must be a JSON array");
            for (std::size_t i = 0; i < arr.size(); ++i) {
                const std::string where = "packages.volumes[" + std::to_string(i) + "]";
                object_reader vr(arr[i], {where, id, ""}, {"activity", "volume"});
                package_volume v;
                v.activity = vr.text("activity", true);
                v.volume = vr.number("volume", true);
                p.volumes.push_back(std::move(v));
            }
        }
        m.packages.push_back(std::move(p));
    });
    if (top.has("frame")) {
        const auto& fj = doc.at("frame");
        object_reader fr(fj, {"frame", "", ""}, {"budget", "partner_caps"});
        financial_frame f;
        if (fr.has("budget")) f.budget = fr.exact("budget");
        if (fr.has("partner_caps")) {
            const auto& arr = fj.at("partner_caps");
            if (!arr.is_array()) fail({"frame", "", "partner_caps"}, "must be a JSON array");
            for (std::size_t i = 0; i < arr.size(); ++i) {
                error_location w{"frame.partner_caps[" + std::to_string(i) + "]", "", ""};
                partner_cap c;
                c.partner = object_reader(arr[i], w, {}).text("partner", true);
                object_reader r(arr[i], {"frame.partner_caps", c.partner, ""}, {"partner", "cap"});
                c.cap = r.exact("cap");
                f.partner_caps.push_back(std::move(c));
            }
        }
        m.frame = std::move(f);
    }
    return m;
}

/// Reads a model file; errors name the file.
inline model read_model_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        detail::fail({"file", path.string(), ""}, "is a directory, not a model file");
    std::ifstream in(path, std::ios::binary);
    if (!in) detail::fail({"file", path.string(), ""}, "cannot open file");
    std::ostringstream ss;
    ss << in.rdbuf();
    return read_model_json(ss.str(), path.string());
}

/// Writes a model as a zbb-model/1 document. Prices and shares keep their exact decimal text;
/// numbers are written so that they read back to the same double. Optional fields are written
/// only when set.
inline std::string write_model_json(const model& m, int indent = 2) {
    using detail::number_json;
    detail::ojson doc;
    doc["format"] = m.format;
    doc["name"] = m.name;
    if (!m.description.empty()) doc["description"] = m.description;
    doc["currency"] = m.currency;
    if (m.minor_units) doc["minor_units"] = *m.minor_units;
    auto& goals = doc["goals"] = detail::ojson::array();
    for (const auto& g : m.goals)
        goals.push_back({{"id", g.id},
                         {"name", g.name},
                         {"unit", g.unit},
                         {"baseline", number_json(g.baseline)},
                         {"target", number_json(g.target)},
                         {"weight", number_json(g.weight)}});
    auto& acts = doc["activities"] = detail::ojson::array();
    for (const auto& a : m.activities) {
        detail::ojson j{{"id", a.id}, {"name", a.name}, {"unit", a.unit}};
        if (!a.partner.empty()) j["partner"] = a.partner;
        j["min"] = number_json(a.min);
        if (a.max) j["max"] = number_json(*a.max);
        if (!a.levels.empty()) {
            auto& lv = j["levels"] = detail::ojson::array();
            for (const auto& l : a.levels)
                lv.push_back({{"up_to", number_json(l.up_to)}, {"effect", l.effect.text()}});
        }
        acts.push_back(std::move(j));
    }
    auto& res = doc["resources"] = detail::ojson::array();
    for (const auto& r : m.resources) {
        detail::ojson j{{"id", r.id},
                        {"name", r.name},
                        {"unit", r.unit},
                        {"price", r.price.text()},
                        {"category", r.category}};
        if (r.available) j["available"] = number_json(*r.available);
        res.push_back(std::move(j));
    }
    auto& parts = doc["partners"] = detail::ojson::array();
    for (const auto& p : m.partners) parts.push_back({{"id", p.id}, {"name", p.name}});
    auto& eff = doc["effects"] = detail::ojson::array();
    for (const auto& e : m.effects)
        eff.push_back(
            {{"goal", e.goal}, {"activity", e.activity}, {"per_unit", number_json(e.per_unit)}});
    auto& con = doc["consumption"] = detail::ojson::array();
    for (const auto& c : m.consumption)
        con.push_back({{"activity", c.activity},
                       {"resource", c.resource},
                       {"per_unit", number_json(c.per_unit)}});
    auto& sup = doc["support"] = detail::ojson::array();
    for (const auto& s : m.support)
        sup.push_back({{"supplier", s.supplier},
                       {"consumer", s.consumer},
                       {"per_unit", number_json(s.per_unit)}});
    auto& fund = doc["funding"] = detail::ojson::array();
    for (const auto& f : m.funding)
        fund.push_back(
            {{"activity", f.activity}, {"partner", f.partner}, {"share", f.share.text()}});
    auto& plan = doc["plan"] = detail::ojson::array();
    for (const auto& p : m.plan.rows)
        plan.push_back(
            {{"goal", p.goal}, {"activity", p.activity}, {"volume", number_json(p.volume)}});
    if (m.frame) {
        detail::ojson f = detail::ojson::object();
        if (m.frame->budget) f["budget"] = m.frame->budget->text();
        if (!m.frame->partner_caps.empty()) {
            auto& caps = f["partner_caps"] = detail::ojson::array();
            for (const auto& c : m.frame->partner_caps)
                caps.push_back({{"partner", c.partner}, {"cap", c.cap.text()}});
        }
        doc["frame"] = std::move(f);
    }
    if (!m.packages.empty()) {
        auto& packs = doc["packages"] = detail::ojson::array();
        for (const auto& p : m.packages) {
            detail::ojson j{{"unit", p.unit}, {"level", p.level}};
            if (!p.name.empty()) j["name"] = p.name;
            if (p.priority) j["priority"] = number_json(*p.priority);
            auto& vols = j["volumes"] = detail::ojson::array();
            for (const auto& v : p.volumes)
                vols.push_back({{"activity", v.activity}, {"volume", number_json(v.volume)}});
            packs.push_back(std::move(j));
        }
    }
    return doc.dump(indent) + "\n";
}

}  // namespace zbb

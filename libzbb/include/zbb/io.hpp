// zbb/io.hpp - reading and writing the zbb-model/1 JSON format (lossless), driven by the table
// description of zbb/tables.hpp.
//
// Reading is linear in the input and streams: the top level is walked (zbb/json_stream.hpp) and
// the tables' rows are parsed by simdjson (Debian's libsimdjson-dev) in chunks of a few megabytes
// and read straight into the model, so memory is the input, the model and one chunk. Only when
// simdjson refuses a piece is the document parsed a second time, by nlohmann::json's SAX parser,
// for a message with line, column and what was expected.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <new>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "zbb/error.hpp"
#include "zbb/json_stream.hpp"
#include "zbb/json_writer.hpp"
#include "zbb/model.hpp"
#include "zbb/tables.hpp"

namespace zbb {

/// Deepest nesting of arrays and objects accepted in a model file (the format needs 5).
inline constexpr int max_json_depth = 32;

namespace detail {

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

// The error path: a document simdjson refused. nlohmann's SAX parser (no document tree, linear)
// finds the first syntax error with its line and column, or a number beyond a double. Returns
// normally only when nlohmann accepts the document.
inline void diagnose_json(std::string_view text, const std::string& source) {
    check_depth(text, source);
    struct first_error : nlohmann::json_sax<nlohmann::json> {
        bool failed = false, overflow = false;
        std::string what;
        bool null() override { return true; }
        bool boolean(bool) override { return true; }
        bool number_integer(number_integer_t) override { return true; }
        bool number_unsigned(number_unsigned_t) override { return true; }
        bool number_float(number_float_t, const string_t&) override { return true; }
        bool string(string_t&) override { return true; }
        bool binary(binary_t&) override { return true; }
        bool start_object(std::size_t) override { return true; }
        bool key(string_t&) override { return true; }
        bool end_object() override { return true; }
        bool start_array(std::size_t) override { return true; }
        bool end_array() override { return true; }
        bool parse_error(std::size_t, const std::string&,
                         const nlohmann::detail::exception& e) override {
            failed = true;
            overflow = e.id == 406;  // out_of_range: number overflow
            what = e.what();
            return false;
        }
    } handler;
    nlohmann::json::sax_parse(text.begin(), text.end(), &handler);
    if (!handler.failed) return;
    if (handler.overflow)
        fail({"file", source, key_before_number(text, handler.what)},
             strip_json_prefix(handler.what) + "; numbers must be finite");
    fail({"file", source, ""}, "invalid JSON: " + strip_json_prefix(handler.what));
}

// Integers beyond 2^64 are valid JSON (nlohmann reads them as doubles) but simdjson refuses them:
// the text with ".0" after each such integer, so that both read the same double.
inline std::string widen_big_integers(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 64);
    bool in_string = false, escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        if (in_string) {
            out += ch;
            if (escaped)
                escaped = false;
            else if (ch == '\\')
                escaped = true;
            else if (ch == '"')
                in_string = false;
            continue;
        }
        if (ch == '"') in_string = true;
        if ((ch >= '0' && ch <= '9') || ch == '-') {
            std::size_t j = i;
            if (text[j] == '-') ++j;
            std::size_t digits = 0;
            while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j, ++digits;
            const bool fraction =
                j < text.size() && (text[j] == '.' || text[j] == 'e' || text[j] == 'E');
            out.append(text.substr(i, j - i));
            if (digits >= 20 && !fraction) out += ".0";
            i = j - 1;
            continue;
        }
        out += ch;
    }
    return out;
}

// A JSON value as a cell of a table (zbb/tables.hpp, read_cell).
struct json_cell {
    simdjson::dom::element value;
    bool given = false;
    bool present() const { return given; }
    bool string(std::string_view& out) const {
        if (!value.is_string()) return false;
        out = value.get_string().value_unsafe();
        return true;
    }
    bool number(double& out) const {
        if (!value.is_number()) return false;
        out = value.get_double().value_unsafe();
        return true;
    }
    static constexpr const char* string_expected = "must be a string";
    static constexpr const char* number_expected = "must be a number";
};

template <class Table>
constexpr std::size_t column_count =
    std::tuple_size_v<std::remove_cvref_t<decltype(Table::columns)>>;
template <class Table>
constexpr std::size_t nested_count =
    std::tuple_size_v<std::remove_cvref_t<decltype(Table::nested)>>;

// The index of `key` among a table's columns and then its nested tables, or -1.
template <class Table>
int field_index(const Table& t, std::string_view key) {
    int found = -1, i = 0;
    schema::for_each(t.columns, [&](const auto& c) {
        if (found < 0 && c.name == key) found = i;
        ++i;
    });
    schema::for_each(t.nested, [&](const auto& c) {
        if (found < 0 && c.name == key) found = i;
        ++i;
    });
    return found;
}

template <class Table, class Row>
void read_row(simdjson::dom::element e, const Table& t, Row& row, schema::row_place& place);

template <class Children, class Row>
void read_children(const Children& ch, simdjson::dom::element v, bool has, Row& row,
                   const schema::row_place& parent) {
    using Child = typename Children::child_type;
    auto& holder = ch.get(row);
    if (!has) return;
    const auto& ct = schema::table_of<Child>();
    if constexpr (Children::one) {
        holder.emplace();
        schema::row_place place;
        place.prefix = ct.entity;
        place.positional = false;
        place.source = parent.source;
        read_row(v, ct, *holder, place);
    } else {
        if (!v.is_array()) fail(parent.at(ch.name), "must be a JSON array");
        const auto arr = v.get_array().value_unsafe();
        holder.reserve(arr.size());
        // The model's tables are named "goals[3]"; nested rows by their entity and the parent's
        // id: "activity.levels[1] 'A-case'".
        const bool top = std::is_same_v<Row, model>;
        const std::string parent_id = top ? std::string() : parent.id();
        schema::row_place place;
        place.prefix = top ? ch.name : ct.entity;
        place.parent_id = parent_id;
        place.source = parent.source;
        for (simdjson::dom::element child : arr) {
            holder.emplace_back();
            place.named = false;
            read_row(child, ct, holder.back(), place);
            ++place.index;
        }
    }
}

template <class Table, class Row>
void read_row(simdjson::dom::element e, const Table& t, Row& row, schema::row_place& place) {
    constexpr std::size_t nc = column_count<Table>, nn = nested_count<Table>;
    if (!e.is_object()) fail(place.at(""), "must be a JSON object");
    std::array<simdjson::dom::element, nc + nn> cell{};
    std::array<bool, nc + nn> has{}, seen{};
    std::string_view unknown;
    bool any_unknown = false;
    const simdjson::dom::object obj = e.get_object().value_unsafe();
    for (auto field : obj) {
        const int c = field_index(t, field.key);
        if (c < 0) {
            if constexpr (std::is_same_v<Row, model>)
                if (field.key == "$schema") continue;  // accepted and ignored
            if (!any_unknown) unknown = field.key;
            any_unknown = true;
            continue;
        }
        if (seen[static_cast<std::size_t>(c)])
            fail({"file", std::string(place.source), std::string(field.key)},
                 "duplicate key in a JSON object");
        seen[static_cast<std::size_t>(c)] = true;
        if (field.value.is_null()) continue;  // null means absent
        cell[static_cast<std::size_t>(c)] = field.value;
        has[static_cast<std::size_t>(c)] = true;
    }
    // The key columns first, named by position; then the row is named by its key.
    std::size_t i = 0;
    place.style = t.key;
    place.key0 = nullptr;
    schema::for_each(t.columns, [&](const auto& col) {
        if (i < t.keys) {
            schema::read_cell(col, json_cell{cell[i], has[i]}, row, place);
            place.key(i, row.*col.member);
        }
        ++i;
    });
    if (t.keys > 0) {
        place.named = true;
        place.entity = t.entity;
    }
    if (any_unknown) fail(place.at(unknown), "unknown key");
    i = 0;
    schema::for_each(t.columns, [&](const auto& col) {
        if (i >= t.keys) schema::read_cell(col, json_cell{cell[i], has[i]}, row, place);
        ++i;
    });
    schema::for_each(t.nested, [&](const auto& ch) {
        read_children(ch, cell[i], has[i], row, place);
        ++i;
    });
}

// The reader of a whole document, piece by piece (zbb/json_stream.hpp): the top-level object is
// walked, its scalar members parsed one by one, its tables in chunks of rows. Error precedence is
// today's: the nesting limit and JSON syntax (with line and column) before anything else, then
// the format, unknown keys, the header fields and the tables in the order of the format.
class model_reader {
  public:
    model_reader(std::string_view text, std::string source)
        : text_(text), source_(std::move(source)) {}

    model read() {
        const std::size_t bom = text_.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
        if (text_.find_first_not_of(" \t\r\n", bom) == std::string_view::npos)
            fail({"file", source_, ""}, "empty input; expected a zbb-model/1 JSON document");
        if (!top_level_walk(text_, max_json_depth).run(bom, members_)) {
            diagnose_json(text_, source_);  // throws for syntax errors, depth, number overflow
            const auto first = text_.find_first_not_of(" \t\r\n", bom);
            if (text_[first] != '{') fail({"model", "", ""}, "must be a JSON object");
            fail({"file", source_, ""}, "invalid JSON: not an object of tables");
        }
        std::vector<std::string> keys;
        keys.reserve(members_.size());
        for (const auto& mb : members_) keys.push_back(key_text(mb));
        for (std::size_t i = 0; i < keys.size(); ++i)
            for (std::size_t j = 0; j < i; ++j)
                if (keys[i] == keys[j])
                    fail({"file", source_, keys[i]}, "duplicate key in a JSON object");
        model m;
        schema::row_place place;
        place.prefix = "model";
        place.positional = false;
        place.source = source_;
        auto find = [&](std::string_view k) -> const top_member* {
            for (std::size_t i = 0; i < keys.size(); ++i)
                if (keys[i] == k) return &members_[i];
            return nullptr;
        };
        // The format first: another format's fields are no concern of this reader.
        if (const auto* f = find("format")) {
            const auto v = value(*f);
            if (v.is_string() && v.get_string().value_unsafe() != "zbb-model/1")
                fail({"model", "", "format"}, "unsupported format \"" +
                                                  std::string(v.get_string().value_unsafe()) +
                                                  "\"; expected \"zbb-model/1\"");
        }
        for (const auto& k : keys)
            if (k != "$schema" && field_index(schema::model_table, k) < 0)
                fail({"model", "", k}, "unknown key");
        schema::for_each(schema::model_table.columns, [&](const auto& col) {
            const top_member* mb = find(col.name);
            json_cell cell;
            if (mb) {
                cell.value = value(*mb);
                cell.given = !cell.value.is_null();
            }
            schema::read_cell(col, cell, m, place);
        });
        if (m.format != "zbb-model/1")
            fail({"model", "", "format"},
                 "unsupported format \"" + m.format + "\"; expected \"zbb-model/1\"");
        schema::for_each(schema::model_table.nested, [&](const auto& ch) {
            const top_member* mb = find(ch.name);
            if (mb == nullptr) return;
            if constexpr (!std::remove_cvref_t<decltype(ch)>::one)
                if (mb->array) {
                    read_table(ch, *mb, m, place);
                    return;
                }
            const auto v = value(*mb);
            read_children(ch, v, !v.is_null(), m, place);
        });
        if (const auto* s = find("$schema")) (void)value(*s);  // ignored, but valid JSON
        return m;
    }

  private:
    // A member's key as text (a string literal; escapes resolved by simdjson when it has any).
    std::string key_text(const top_member& mb) {
        const std::string_view raw = text_.substr(mb.key.begin + 1, mb.key.size() - 2);
        if (raw.find('\\') == std::string_view::npos && valid_plain(raw)) return std::string(raw);
        const auto v = piece(text_.substr(mb.key.begin, mb.key.size()));
        return std::string(v.get_string().value_unsafe());
    }
    static bool valid_plain(std::string_view s) {
        for (char c : s)
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x80)
                return false;  // simdjson checks these (control characters, UTF-8)
        return true;
    }
    simdjson::dom::element value(const top_member& mb) {
        return piece(text_.substr(mb.value.begin, mb.value.size()));
    }
    // Parses one piece; JSON errors are diagnosed on the whole text (line and column).
    simdjson::dom::element piece(std::string_view t) {
        simdjson::dom::element out;
        if (const auto err = pieces_.value(t, out)) recover(err, out);
        return out;
    }
    // Either fills `out` (a number too large for simdjson, widened and parsed again) or throws.
    void recover(simdjson::error_code err, simdjson::dom::element& out) {
        if (err == simdjson::MEMALLOC) throw std::bad_alloc();
        diagnose_json(text_, source_);  // throws for syntax errors, depth, number overflow
        if (err == simdjson::NUMBER_ERROR)
            err = pieces_.reparse(widen_big_integers(pieces_.text()), out);
        if (err)
            fail({"file", source_, ""},
                 std::string("invalid JSON: ") + simdjson::error_message(err));
    }

    // A table of the model, its rows parsed in chunks of about `chunk_bytes`.
    template <class Children>
    void read_table(const Children& ch, const top_member& mb, model& m,
                    const schema::row_place& parent) {
        using Child = typename Children::child_type;
        auto& rows = ch.get(m);
        const auto& ct = schema::table_of<Child>();
        rows.reserve(mb.elements.size());
        schema::row_place place;
        place.prefix = ch.name;
        place.source = parent.source;
        constexpr std::size_t chunk_bytes = 4u << 20;
        std::size_t first = 0;
        while (first < mb.elements.size()) {
            std::size_t last = first + 1, bytes = mb.elements[first].size();
            while (last < mb.elements.size() && bytes < chunk_bytes)
                bytes += mb.elements[last++].size();
            simdjson::dom::element arr;
            auto err = pieces_.elements(text_, mb, first, last, arr);
            if (err) recover(err, arr);
            const simdjson::dom::array elements = arr.get_array().value_unsafe();
            for (simdjson::dom::element e : elements) {
                rows.emplace_back();
                place.named = false;
                place.index = rows.size() - 1;
                read_row(e, ct, rows.back(), place);
            }
            first = last;
        }
    }

    std::string_view text_;
    std::string source_;
    std::vector<top_member> members_;
    piece_parser pieces_;
};

// The whole reader: `text` must stay alive while it is read.
inline model read_model_padded(const simdjson::padded_string& text, const std::string& source) {
    return model_reader(std::string_view(text.data(), text.size()), source).read();
}

// --- writing -----------------------------------------------------------------------------------
template <class Column, class Row>
void write_cell(json_writer& w, const Column& col, const Row& row) {
    using M = typename Column::member_type;
    const M& v = row.*col.member;
    if constexpr (std::is_same_v<M, std::string>) {
        if (col.write == schema::write_rule::when_set && v.empty()) return;
        w.key(col.name);
        w.value(v);
    } else if constexpr (std::is_same_v<M, double>) {
        w.key(col.name);
        w.model_number(v);
    } else if constexpr (std::is_same_v<M, decimal>) {
        w.key(col.name);
        w.value(v.text());
    } else if constexpr (std::is_same_v<M, int>) {
        w.key(col.name);
        w.value(v);
    } else {  // std::optional
        if (!v) return;
        w.key(col.name);
        using V = typename M::value_type;
        if constexpr (std::is_same_v<V, double>)
            w.model_number(*v);
        else if constexpr (std::is_same_v<V, decimal>)
            w.value(v->text());
        else
            w.value(*v);
    }
}

template <class Table, class Row>
void write_row(json_writer& w, const Table& t, const Row& row);

template <class Children, class Row>
void write_children(json_writer& w, const Children& ch, const Row& row) {
    const auto& holder = ch.cget(row);
    const auto& ct = schema::table_of<typename Children::child_type>();
    const bool top = std::is_same_v<Row, model>;
    if constexpr (Children::one) {
        if (!holder) return;
        w.key(ch.name);
        w.begin_inline();
        write_row(w, ct, *holder);
        w.end_inline();
    } else {
        if (ch.write == schema::write_rule::when_set && holder.empty()) return;
        w.key(ch.name);
        w.begin_array();
        for (const auto& r : holder) {
            if (top) w.begin_inline();  // one row per line
            write_row(w, ct, r);
            if (top) w.end_inline();
        }
        w.end_array();
    }
}

template <class Table, class Row>
void write_row(json_writer& w, const Table& t, const Row& row) {
    w.begin_object();
    schema::for_each(t.columns, [&](const auto& col) { write_cell(w, col, row); });
    schema::for_each(t.nested, [&](const auto& ch) { write_children(w, ch, row); });
    w.end_object();
}

}  // namespace detail

/// Parses a zbb-model/1 document. `source` names the input in error messages. Throws model_error
/// for malformed JSON (with line and column), nesting deeper than max_json_depth, duplicate keys,
/// wrong types, missing required fields, unknown keys, malformed decimals. Cross-references
/// (unknown ids, shares summing to 1, ...) are checked by linked_model. Linear in the input.
inline model read_model_json(std::string_view text, const std::string& source = "model") {
    return detail::model_reader(text, source).read();
}

/// Reads a model file; errors name the file. The file is read once into a padded buffer that the
/// parser reads in place.
inline model read_model_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        detail::fail({"file", path.string(), ""}, "is a directory, not a model file");
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) detail::fail({"file", path.string(), ""}, "cannot open file");
    const auto size = static_cast<std::size_t>(in.tellg());
    in.seekg(0);
    simdjson::padded_string text(size);
    if (!in.read(text.data(), static_cast<std::streamsize>(size)))
        detail::fail({"file", path.string(), ""}, "cannot read file");
    return detail::read_model_padded(text, path.string());
}

/// Writes a model as a zbb-model/1 document: one top-level key per line and one table row per
/// line (with indent < 0: no whitespace at all). Prices and shares keep their exact decimal text;
/// numbers are written so that they read back to the same double; optional fields only when set.
/// Linear in the output.
inline std::string write_model_json(const model& m, int indent = 2) {
    std::string out;
    out.reserve(256 +
                64 * (m.consumption.size() + m.effects.size() + m.support.size() +
                      m.plan.rows.size() + m.funding.size()) +
                96 * (m.activities.size() + m.resources.size() + m.goals.size()));
    detail::json_writer w(out, indent);
    detail::write_row(w, schema::model_table, m);
    w.newline();
    return out;
}

}  // namespace zbb

// zbb/json_stream.hpp - reading a large JSON document of tables in pieces: the top level is
// walked without parsing its values (keys, value extents, the extent of each row of an array),
// and the rows are then parsed by simdjson in chunks of a few megabytes. Memory stays the input
// plus one chunk's parse, whatever the size of the document; every byte is still validated (the
// walk checks the top level's punctuation, simdjson everything inside the values).
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace zbb::detail {

/// A range [begin, end) of the document's text.
struct text_span {
    std::size_t begin = 0, end = 0;
    std::size_t size() const noexcept { return end - begin; }
};

/// A member of the top-level object: its key (the string literal, quotes included) and value,
/// and for an array value the extent of each element.
struct top_member {
    text_span key, value;
    bool array = false;
    std::vector<text_span> elements;
};

/// Walks the top level of a JSON object. Returns false (the caller then diagnoses the text) for
/// anything but `{ "key": value, ... }` followed by whitespace, and for nesting deeper than
/// `max_depth` (the top-level object counting as 1).
class top_level_walk {
  public:
    top_level_walk(std::string_view text, int max_depth) : t_(text), max_depth_(max_depth) {}

    bool run(std::size_t from, std::vector<top_member>& out) {
        std::size_t i = skip(from);
        if (i >= t_.size() || t_[i] != '{') return false;
        i = skip(i + 1);
        if (i < t_.size() && t_[i] == '}') return skip(i + 1) == t_.size();
        for (;;) {
            top_member m;
            if (i >= t_.size() || t_[i] != '"') return false;
            const std::size_t key_end = string_end(i);
            if (key_end == npos) return false;
            m.key = {i, key_end};
            i = skip(key_end);
            if (i >= t_.size() || t_[i] != ':') return false;
            i = skip(i + 1);
            if (i >= t_.size()) return false;
            const std::size_t value_begin = i;
            if (t_[i] == '[') {
                m.array = true;
                i = skip(i + 1);
                if (i < t_.size() && t_[i] == ']') {
                    ++i;
                } else {
                    for (;;) {
                        const std::size_t e = value_end(i, 3);
                        if (e == npos) return false;
                        m.elements.push_back({i, e});
                        i = skip(e);
                        if (i < t_.size() && t_[i] == ',') {
                            i = skip(i + 1);
                            continue;
                        }
                        if (i < t_.size() && t_[i] == ']') {
                            ++i;
                            break;
                        }
                        return false;
                    }
                }
            } else {
                i = value_end(i, 2);
                if (i == npos) return false;
            }
            m.value = {value_begin, i};
            out.push_back(std::move(m));
            i = skip(i);
            if (i < t_.size() && t_[i] == ',') {
                i = skip(i + 1);
                continue;
            }
            if (i < t_.size() && t_[i] == '}') return skip(i + 1) == t_.size();
            return false;
        }
    }

  private:
    static constexpr std::size_t npos = std::string_view::npos;
    static bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
    std::size_t skip(std::size_t i) const {
        while (i < t_.size() && space(t_[i])) ++i;
        return i;
    }
    // The end (one past the closing quote) of the string literal starting at i.
    std::size_t string_end(std::size_t i) const {
        ++i;
        for (;;) {
            if (i >= t_.size()) return npos;
            const void* q = std::memchr(t_.data() + i, '"', t_.size() - i);
            if (q == nullptr) return npos;
            const std::size_t at =
                static_cast<std::size_t>(static_cast<const char*>(q) - t_.data());
            std::size_t slashes = 0;
            while (at - slashes > i && t_[at - slashes - 1] == '\\') ++slashes;
            if (slashes % 2 == 0) return at + 1;
            i = at + 1;
        }
    }
    // The end of the value starting at i, at nesting depth `depth` (of the value's container).
    std::size_t value_end(std::size_t i, int depth) const {
        if (i >= t_.size()) return npos;
        const char c = t_[i];
        if (c == '"') return string_end(i);
        if (c == '[' || c == '{') {
            int level = 0;
            while (i < t_.size()) {
                const char ch = t_[i];
                if (ch == '"') {
                    i = string_end(i);
                    if (i == npos) return npos;
                    continue;
                }
                if (ch == '[' || ch == '{') {
                    if (depth + level > max_depth_) return npos;
                    ++level;
                } else if (ch == ']' || ch == '}') {
                    if (--level == 0) return i + 1;
                }
                ++i;
            }
            return npos;
        }
        const std::size_t begin = i;
        while (i < t_.size() && !space(t_[i]) && t_[i] != ',' && t_[i] != ']' && t_[i] != '}') ++i;
        return i > begin ? i : npos;
    }

    std::string_view t_;
    int max_depth_;
};

/// Parses pieces of a document with simdjson, reusing its buffers: a single value, or a run of
/// array elements as one array. The element it returns lives until the next parse.
class piece_parser {
  public:
    /// Parses `text` (a single JSON value); the error code on failure.
    simdjson::error_code value(std::string_view text, simdjson::dom::element& out) {
        buffer_.assign(text.begin(), text.end());
        return parse(out);
    }
    /// Parses elements [first, last) of `m` as one JSON array.
    simdjson::error_code elements(std::string_view text, const top_member& m, std::size_t first,
                                  std::size_t last, simdjson::dom::element& out) {
        const std::size_t b = m.elements[first].begin, e = m.elements[last - 1].end;
        buffer_.clear();
        buffer_.reserve(e - b + 2 + simdjson::SIMDJSON_PADDING);
        buffer_.push_back('[');
        buffer_.append(text.data() + b, e - b);
        buffer_.push_back(']');
        return parse(out);
    }
    /// The text last parsed.
    std::string_view text() const noexcept { return buffer_; }
    /// Parses `text` instead (for a corrected copy of the last piece).
    simdjson::error_code reparse(std::string text, simdjson::dom::element& out) {
        buffer_ = std::move(text);
        return parse(out);
    }

  private:
    simdjson::error_code parse(simdjson::dom::element& out) {
        const std::size_t n = buffer_.size();
        buffer_.reserve(n + simdjson::SIMDJSON_PADDING);
        return parser_.parse(buffer_.data(), n, true).get(out);
    }
    simdjson::dom::parser parser_;
    std::string buffer_;
};

}  // namespace zbb::detail

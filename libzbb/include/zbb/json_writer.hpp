// zbb/json_writer.hpp - a streaming JSON writer for model files and reports: linear in the
// output, keys written in the order given (no lookup, no document tree).
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "zbb/error.hpp"

namespace zbb::detail {

/// Appends `s` as a JSON string literal: quotes, backslashes and control characters escaped
/// (\b \f \n \r \t, others as \u00XX), everything else as is. Throws model_error for text that is
/// not valid UTF-8 (zbb never writes a file that it could not read back).
inline void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    std::size_t run = 0;  // start of the pending run of plain bytes
    auto flush = [&](std::size_t i) {
        out.append(s.data() + run, i - run);
        run = i + 1;
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) continue;
        if (c >= 0x80) {  // validate one UTF-8 sequence and keep it
            const std::size_t len =
                c >= 0xC2 && c <= 0xDF
                    ? 2
                    : (c >= 0xE0 && c <= 0xEF ? 3 : (c >= 0xF0 && c <= 0xF4 ? 4 : 0));
            bool ok = len > 0 && i + len <= s.size();
            for (std::size_t k = 1; ok && k < len; ++k)
                ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
            if (ok && len == 3) {  // no overlong forms, no surrogates
                const auto c1 = static_cast<unsigned char>(s[i + 1]);
                ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);
            }
            if (ok && len == 4) {
                const auto c1 = static_cast<unsigned char>(s[i + 1]);
                ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
            }
            if (!ok)
                throw model_error({"text", std::string(s), ""},
                                  "is not valid UTF-8; zbb writes only valid UTF-8");
            i += len - 1;
            continue;
        }
        flush(i);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default: {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                out += buf;
            }
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

/// Appends a double as JSON: the shortest text that reads back to the same double, laid out as
/// nlohmann::json lays it out (zbb's files and reports have always looked like this): plain
/// notation with ".0" for whole numbers below 1e15, "0.000ddd" down to 1e-4, exponents beyond
/// ("1e+20", "1.5e-05"). Non-finite values are written as null (zbb never computes one into a
/// report: it refuses first).
inline void append_json_number(std::string& out, double v) {
    if (!(v == v) || v - v != 0) {  // NaN or infinite
        out += "null";
        return;
    }
    char sci[64];
    auto res = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
    std::string_view t(sci, static_cast<std::size_t>(res.ptr - sci));
    std::string digits;
    bool negative = false;
    std::size_t i = 0;
    if (t[0] == '-') {
        negative = true;
        i = 1;
    }
    for (; i < t.size() && t[i] != 'e'; ++i)
        if (t[i] != '.') digits += t[i];
    const int exp10 = std::stoi(std::string(t.substr(i + 1)));
    if (negative) out += '-';
    // value = 0.d1d2...dk x 10^n
    const int k = static_cast<int>(digits.size());
    const int n = exp10 + 1;
    if (k <= n && n <= 15) {
        out += digits;
        out.append(static_cast<std::size_t>(n - k), '0');
        out += ".0";
    } else if (0 < n && n <= 15) {
        out.append(digits, 0, static_cast<std::size_t>(n));
        out += '.';
        out.append(digits, static_cast<std::size_t>(n), std::string::npos);
    } else if (-4 < n && n <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-n), '0');
        out += digits;
    } else {
        out += digits[0];
        if (k > 1) {
            out += '.';
            out.append(digits, 1, std::string::npos);
        }
        const int e = n - 1;
        char buf[16];
        std::snprintf(buf, sizeof buf, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
        out += buf;
    }
}

inline void append_json_integer(std::string& out, std::int64_t v) {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

/// A JSON writer that appends to a string as it goes. With indent >= 0 containers are laid out
/// one element per line, indented (as nlohmann::json's dump(indent)); with indent < 0 without any
/// whitespace. Inside begin_inline() / end_inline() containers stay on one line with ", " and
/// ": " separators (one row of a model table per line).
class json_writer {
  public:
    json_writer(std::string& out, int indent) : out_(out), indent_(indent) {}

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }
    /// Starts a member of the current object; the next call writes its value.
    void key(std::string_view k) {
        element();
        append_json_string(out_, k);
        out_ += indent_ >= 0 ? ": " : ":";
        after_key_ = true;
    }
    void value(std::string_view s) {
        element();
        append_json_string(out_, s);
    }
    void value(const char* s) { value(std::string_view(s)); }
    void value(const std::string& s) { value(std::string_view(s)); }
    void value(double v) {
        element();
        append_json_number(out_, v);
    }
    void value(std::int64_t v) {
        element();
        append_json_integer(out_, v);
    }
    void value(int v) { value(static_cast<std::int64_t>(v)); }
    void value(bool v) {
        element();
        out_ += v ? "true" : "false";
    }
    void null() {
        element();
        out_ += "null";
    }
    /// A number as zbb writes model numbers: whole values below 1e15 as integers ("3", not
    /// "3.0"), others as doubles.
    void model_number(double v) {
        if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
            value(static_cast<std::int64_t>(v));
        else
            value(v);
    }
    /// Containers opened from here until end_inline() stay on one line.
    void begin_inline() { ++inline_depth_; }
    void end_inline() { --inline_depth_; }
    /// A final newline (files and reports end with one).
    void newline() { out_ += '\n'; }

  private:
    struct level {
        bool inline_ = false;
        std::size_t count = 0;
    };
    void element() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (stack_.empty()) return;
        level& l = stack_.back();
        if (l.count++ > 0) out_ += (l.inline_ ? ", " : ",");
        if (!l.inline_ && indent_ >= 0) {
            out_ += '\n';
            out_.append(static_cast<std::size_t>(indent_) * stack_.size(), ' ');
        }
    }
    void open(char c) {
        element();
        out_ += c;
        stack_.push_back({inline_depth_ > 0 && indent_ >= 0, 0});
    }
    void close(char c) {
        const level l = stack_.back();
        stack_.pop_back();
        if (l.count > 0 && !l.inline_ && indent_ >= 0) {
            out_ += '\n';
            out_.append(static_cast<std::size_t>(indent_) * stack_.size(), ' ');
        }
        out_ += c;
    }

    std::string& out_;
    int indent_;
    int inline_depth_ = 0;
    bool after_key_ = false;
    std::vector<level> stack_;
};

}  // namespace zbb::detail

// zbb/text_table.hpp - the pieces of zbb's readable reports: numbers and amounts as text, and a
// table that aligns its columns. Public: the budget, optimiser and package reports are built as
// rows of a text_table (data) and rendered once; an embedding tool can lay out its own tables
// the same way.
#pragma once

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "zbb/error.hpp"
#include "zbb/money.hpp"

namespace zbb {

/// `v` with exactly `decimals` decimals ("%.*f"), for volumes, indicators and shares in text
/// reports (never for money: see grouped_text).
inline std::string fixed_text(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

/// An exact amount with the currency's `minor_digits` decimals and thousands separators:
/// 1,234,567.89 (EUR), 1,234,567 (JPY).
inline std::string grouped_text(const money& m, int minor_digits) {
    std::string s = m.to_string(minor_digits);
    const bool neg = !s.empty() && s[0] == '-';
    if (neg) s.erase(0, 1);
    const auto point = s.find('.');
    const std::string whole = s.substr(0, point),
                      rest = point == std::string::npos ? "" : s.substr(point);
    std::string out;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
        out += whole[i];
    }
    return (neg ? "-" : "") + out + rest;
}

/// Display width of UTF-8 text in code points (good enough for Latin scripts).
inline std::size_t display_width(const std::string& s) {
    std::size_t w = 0;
    for (unsigned char c : s) w += (c & 0xC0) != 0x80;
    return w;
}

/// `s` shortened to at most `width` code points, ending in "..." when cut.
inline std::string clip_text(const std::string& s, std::size_t width) {
    if (display_width(s) <= width) return s;
    std::string out;
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if ((c & 0xC0) != 0x80 && ++w > width - 3) break;
        out += s[i];
    }
    return out + "...";
}

/// A table of text: a header, rows of cells, which columns align right, and free lines between
/// rows (a cut-off line, say). Rendered with two spaces before each column, a rule under the
/// header and a rule above a last row whose first cell is "Total"; every cell and line through
/// printable() (ids and names may hold control characters: a newline would split a row).
struct text_table {
    text_table(std::vector<std::string> header_, std::vector<std::vector<std::string>> rows_,
               std::vector<bool> right_)
        : header(std::move(header_)), rows(std::move(rows_)), right(std::move(right_)) {}

    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::vector<bool> right;  ///< per column: align right
    /// (k, line): `line` printed before row k, indented like the table; k == rows.size() puts it
    /// after the last row. Lines with the same k keep their order.
    std::vector<std::pair<std::size_t, std::string>> lines_before;

    /// The table as text, one line per row, each ending in '\n'.
    std::string render() const {
        std::vector<std::string> head;
        for (const auto& c : header) head.push_back(printable(c));
        std::vector<std::vector<std::string>> cells;
        cells.reserve(rows.size());
        for (const auto& r : rows) {
            cells.emplace_back();
            for (const auto& c : r) cells.back().push_back(printable(c));
        }
        std::vector<std::size_t> w(head.size(), 0);
        auto widen = [&](const std::vector<std::string>& r) {
            for (std::size_t c = 0; c < r.size() && c < w.size(); ++c)
                w[c] = std::max(w[c], display_width(r[c]));
        };
        widen(head);
        for (const auto& r : cells) widen(r);
        std::ostringstream out;
        auto line = [&](const std::vector<std::string>& r) {
            std::string s;
            for (std::size_t c = 0; c < r.size() && c < w.size(); ++c) {
                const std::string pad(w[c] - display_width(r[c]), ' ');
                s += "  " + (c < right.size() && right[c] ? pad + r[c] : r[c] + pad);
            }
            while (!s.empty() && s.back() == ' ') s.pop_back();
            out << s << '\n';
        };
        auto free_lines = [&](std::size_t k) {
            for (const auto& [at, text] : lines_before)
                if (at == k) out << "  " << printable(text) << '\n';
        };
        line(head);
        std::size_t total_w = 0;
        for (auto x : w) total_w += x + 2;
        const std::string rule = "  " + std::string(total_w >= 2 ? total_w - 2 : 0, '-') + '\n';
        out << rule;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            free_lines(i);
            if (i + 1 == cells.size() && !cells[i].empty() && cells[i][0] == "Total") out << rule;
            line(cells[i]);
        }
        free_lines(cells.size());
        return out.str();
    }
};

}  // namespace zbb

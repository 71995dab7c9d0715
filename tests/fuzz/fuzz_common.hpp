// tests/fuzz/fuzz_common.hpp - what the libFuzzer harnesses share: the trap that marks a finding
// and the reader's door (a refusal by one of zbb's exceptions is an answer, not a finding).
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "zbb/io.hpp"

namespace zbb_fuzz {

inline void check(bool ok) {
    if (!ok) __builtin_trap();
}

/// The model in `text`, or nothing when zbb refuses it (std::invalid_argument, std::overflow_error,
/// std::bad_alloc); any other exception escapes and is a finding.
inline std::optional<zbb::model> read(std::string_view text) {
    try {
        return zbb::read_model_json(text, "fuzz");
    } catch (const std::invalid_argument&) {
    } catch (const std::overflow_error&) {
    } catch (const std::bad_alloc&) {
    }
    return std::nullopt;
}

/// The model in the fuzzer's bytes, as read(); also nothing when it has more than
/// `max_activities` activities or `max_goals` goals (keeps each input of a slow harness fast).
inline std::optional<zbb::model> read(const std::uint8_t* data, std::size_t size,
                                      std::size_t max_activities = SIZE_MAX,
                                      std::size_t max_goals = SIZE_MAX) {
    auto m = read(std::string_view(reinterpret_cast<const char*>(data), size));
    if (m && (m->activities.size() > max_activities || m->goals.size() > max_goals))
        return std::nullopt;
    return m;
}

}  // namespace zbb_fuzz

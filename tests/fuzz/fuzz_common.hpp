// tests/fuzz/fuzz_common.hpp - what the libFuzzer harnesses share: the trap that marks a finding
// and the reader's door (a refusal by one of zbb's exceptions is an answer, not a finding).
#pragma once

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

}  // namespace zbb_fuzz

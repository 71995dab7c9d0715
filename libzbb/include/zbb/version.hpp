// zbb/version.hpp - library version.
#pragma once

#define ZBB_VERSION_MAJOR 0
#define ZBB_VERSION_MINOR 1
#define ZBB_VERSION_PATCH 0

namespace zbb {
/// The library version as "major.minor.patch".
inline constexpr const char* version = "0.1.0";
}  // namespace zbb

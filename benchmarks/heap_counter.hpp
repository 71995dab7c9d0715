// Heap accounting for the benchmark programs only (replaces global operator new/delete there).
#pragma once

namespace zbb_bench {
long long heap_live_bytes();  ///< bytes currently allocated through operator new
long long heap_peak_bytes();  ///< high-water mark since the last reset
void heap_reset_peak();       ///< sets the high-water mark to the current live bytes
}  // namespace zbb_bench

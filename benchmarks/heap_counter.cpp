// Replaces the global operator new/delete of a benchmark program to count live heap bytes and
// their high-water mark. Kept in its own translation unit so that it is never inlined.
#include "heap_counter.hpp"

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace {
std::atomic<long long> live{0}, peak{0};
constexpr std::size_t header = alignof(std::max_align_t);

void* counted_alloc(std::size_t n) {
    void* p = std::malloc(n + header);
    if (!p) throw std::bad_alloc();
    *static_cast<std::size_t*>(p) = n;
    long long now = live += static_cast<long long>(n);
    long long seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    return static_cast<char*>(p) + header;
}

void counted_free(void* p) noexcept {
    if (!p) return;
    void* base = static_cast<char*>(p) - header;
    live -= static_cast<long long>(*static_cast<std::size_t*>(base));
    std::free(base);
}
}  // namespace

namespace zbb_bench {
long long heap_live_bytes() {
    return live.load();
}
long long heap_peak_bytes() {
    return peak.load();
}
void heap_reset_peak() {
    peak = live.load();
}
}  // namespace zbb_bench

void* operator new(std::size_t n) {
    return counted_alloc(n);
}
void* operator new[](std::size_t n) {
    return counted_alloc(n);
}
void operator delete(void* p) noexcept {
    counted_free(p);
}
void operator delete[](void* p) noexcept {
    counted_free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    counted_free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    counted_free(p);
}

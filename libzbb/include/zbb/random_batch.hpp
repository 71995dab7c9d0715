// zbb/random_batch.hpp - the uniforms and triangular quantiles of many coefficients at once, for
// the inner loop of the Monte Carlo (zbb/simulate.hpp). Bit for bit the same numbers as
// random_streams::uniform_for and triangular_quantile one at a time: Philox is integer arithmetic,
// and the quantile does the same IEEE operations (multiplications, subtractions, one square root)
// in the same order, in lanes; the one product followed by a sum (2^26 hi + lo, making the
// uniform's 53 bits) is an exact integer, so a fused multiply-add gives the same bits. Eight lanes
// with AVX-512, four with AVX2, one otherwise; the level is detected at run time
// (detected_simd_level) and passed explicitly, so a library built for the baseline x86-64 uses what
// the processor has.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "zbb/random.hpp"

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(_MSC_VER)
#define ZBB_RANDOM_BATCH_X86 1
#include <immintrin.h>
#else
#define ZBB_RANDOM_BATCH_X86 0
#endif

namespace zbb {

/// How many lanes the batched functions use: one, four (AVX2) or eight (AVX-512F).
enum class simd_level { scalar, avx2, avx512 };

/// The widest level this processor runs.
inline simd_level detected_simd_level() noexcept {
#if ZBB_RANDOM_BATCH_X86
    __builtin_cpu_init();  // idempotent; needed when called before main (a static initialiser)
    if (__builtin_cpu_supports("avx512f")) return simd_level::avx512;
    if (__builtin_cpu_supports("avx2")) return simd_level::avx2;
#endif
    return simd_level::scalar;
}

namespace detail {

inline void uniforms_scalar(const random_streams& r, std::uint64_t draw,
                            const std::uint64_t* streams, std::size_t from, std::size_t n,
                            double* out) {
    for (std::size_t i = from; i < n; ++i) out[i] = r.uniform_for(draw, streams[i]);
}

inline void triangular_scalar(std::size_t from, std::size_t n, const double* low,
                              const double* likely, const double* high, const double* u,
                              double* out) {
    for (std::size_t i = from; i < n; ++i)
        out[i] = triangular_quantile(low[i], likely[i], high[i], u[i]);
}

#if ZBB_RANDOM_BATCH_X86
// Philox4x32-10 in 64-bit lanes, one block per lane: each 32-bit word of the counter sits in the
// low half of a lane (the high half is ignored by the 32 x 32 -> 64 multiplication and masked at
// the end). The uniform's 53 bits are converted in two exact parts, 27 and 26 bits, through the
// 2^52 trick, so no 64-bit integer conversion instruction is needed.
__attribute__((target("avx2"))) inline void uniforms_avx2(const random_streams& r,
                                                          std::uint64_t draw,
                                                          const std::uint64_t* streams,
                                                          std::size_t n, double* out) {
    const auto key = r.key();
    const __m256i m0 = _mm256_set1_epi64x(0xD2511F53), m1 = _mm256_set1_epi64x(0xCD9E8D57);
    const __m256i low32 = _mm256_set1_epi64x(0xFFFFFFFF);
    const __m256i exponent = _mm256_set1_epi64x(0x4330000000000000);
    const __m256d two52 = _mm256_set1_pd(0x1p52), two26 = _mm256_set1_pd(0x1p26);
    const __m256d half = _mm256_set1_pd(0.5), scale = _mm256_set1_pd(0x1p-53);
    const __m256i d0 = _mm256_set1_epi64x(static_cast<std::uint32_t>(draw));
    const __m256i d1 = _mm256_set1_epi64x(static_cast<std::uint32_t>(draw >> 32));
    __m256i k0[10], k1[10];
    std::uint32_t a = key[0], b = key[1];
    for (int round = 0; round < 10; ++round, a += 0x9E3779B9u, b += 0xBB67AE85u) {
        k0[round] = _mm256_set1_epi64x(a);
        k1[round] = _mm256_set1_epi64x(b);
    }
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const __m256i s = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(streams + i));
        __m256i c0 = d0, c1 = d1, c2 = s, c3 = _mm256_srli_epi64(s, 32);
        for (int round = 0; round < 10; ++round) {
            const __m256i p0 = _mm256_mul_epu32(c0, m0), p1 = _mm256_mul_epu32(c2, m1);
            c0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), c1), k0[round]);
            c1 = p1;
            c2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), c3), k1[round]);
            c3 = p0;
        }
        const __m256i hi = _mm256_srli_epi64(_mm256_and_si256(c0, low32), 5);
        const __m256i lo = _mm256_srli_epi64(_mm256_and_si256(c1, low32), 6);
        const __m256d dhi =
            _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(hi, exponent)), two52);
        const __m256d dlo =
            _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(lo, exponent)), two52);
        const __m256d j = _mm256_add_pd(_mm256_mul_pd(dhi, two26), dlo);  // exact
        _mm256_storeu_pd(out + i, _mm256_mul_pd(_mm256_add_pd(j, half), scale));
    }
    uniforms_scalar(r, draw, streams, i, n, out);
}

// GCC 12 reports its own AVX-512 intrinsics' _mm512_undefined_epi32() as maybe uninitialised.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
__attribute__((target("avx512f"))) inline void uniforms_avx512(const random_streams& r,
                                                               std::uint64_t draw,
                                                               const std::uint64_t* streams,
                                                               std::size_t n, double* out) {
    const auto key = r.key();
    const __m512i m0 = _mm512_set1_epi64(0xD2511F53), m1 = _mm512_set1_epi64(0xCD9E8D57);
    const __m512i low32 = _mm512_set1_epi64(0xFFFFFFFF);
    const __m512i exponent = _mm512_set1_epi64(0x4330000000000000);
    const __m512d two52 = _mm512_set1_pd(0x1p52), two26 = _mm512_set1_pd(0x1p26);
    const __m512d half = _mm512_set1_pd(0.5), scale = _mm512_set1_pd(0x1p-53);
    const __m512i d0 = _mm512_set1_epi64(static_cast<std::uint32_t>(draw));
    const __m512i d1 = _mm512_set1_epi64(static_cast<std::uint32_t>(draw >> 32));
    __m512i k0[10], k1[10];
    std::uint32_t a = key[0], b = key[1];
    for (int round = 0; round < 10; ++round, a += 0x9E3779B9u, b += 0xBB67AE85u) {
        k0[round] = _mm512_set1_epi64(a);
        k1[round] = _mm512_set1_epi64(b);
    }
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m512i s = _mm512_loadu_si512(streams + i);
        __m512i c0 = d0, c1 = d1, c2 = s, c3 = _mm512_srli_epi64(s, 32);
        for (int round = 0; round < 10; ++round) {
            const __m512i p0 = _mm512_mul_epu32(c0, m0), p1 = _mm512_mul_epu32(c2, m1);
            c0 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p1, 32), c1), k0[round]);
            c1 = p1;
            c2 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p0, 32), c3), k1[round]);
            c3 = p0;
        }
        const __m512i hi = _mm512_srli_epi64(_mm512_and_si512(c0, low32), 5);
        const __m512i lo = _mm512_srli_epi64(_mm512_and_si512(c1, low32), 6);
        const __m512d dhi =
            _mm512_sub_pd(_mm512_castsi512_pd(_mm512_or_si512(hi, exponent)), two52);
        const __m512d dlo =
            _mm512_sub_pd(_mm512_castsi512_pd(_mm512_or_si512(lo, exponent)), two52);
        const __m512d j = _mm512_add_pd(_mm512_mul_pd(dhi, two26), dlo);  // exact
        _mm512_storeu_pd(out + i, _mm512_mul_pd(_mm512_add_pd(j, half), scale));
    }
    uniforms_scalar(r, draw, streams, i, n, out);
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// triangular_quantile in lanes: both branches' arguments, the square root of the chosen one, and
// the chosen end; a lane without width gives its likely value.
__attribute__((target("avx2"))) inline void triangular_avx2(std::size_t n, const double* low,
                                                            const double* likely,
                                                            const double* high, const double* u,
                                                            double* out) {
    const __m256d one = _mm256_set1_pd(1.0), zero = _mm256_setzero_pd();
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const __m256d lo = _mm256_loadu_pd(low + i), mode = _mm256_loadu_pd(likely + i);
        const __m256d hi = _mm256_loadu_pd(high + i), v = _mm256_loadu_pd(u + i);
        const __m256d width = _mm256_sub_pd(hi, lo), left = _mm256_sub_pd(mode, lo);
        const __m256d t = _mm256_mul_pd(v, width);
        const __m256d below = _mm256_cmp_pd(t, left, _CMP_LT_OQ);
        const __m256d a_below = _mm256_mul_pd(t, left);
        const __m256d a_above =
            _mm256_mul_pd(_mm256_mul_pd(_mm256_sub_pd(one, v), width), _mm256_sub_pd(hi, mode));
        const __m256d root = _mm256_sqrt_pd(_mm256_blendv_pd(a_above, a_below, below));
        const __m256d value =
            _mm256_blendv_pd(_mm256_sub_pd(hi, root), _mm256_add_pd(lo, root), below);
        const __m256d wide = _mm256_cmp_pd(width, zero, _CMP_GT_OQ);
        _mm256_storeu_pd(out + i, _mm256_blendv_pd(mode, value, wide));
    }
    triangular_scalar(i, n, low, likely, high, u, out);
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
__attribute__((target("avx512f"))) inline void triangular_avx512(std::size_t n, const double* low,
                                                                 const double* likely,
                                                                 const double* high,
                                                                 const double* u, double* out) {
    const __m512d one = _mm512_set1_pd(1.0), zero = _mm512_setzero_pd();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m512d lo = _mm512_loadu_pd(low + i), mode = _mm512_loadu_pd(likely + i);
        const __m512d hi = _mm512_loadu_pd(high + i), v = _mm512_loadu_pd(u + i);
        const __m512d width = _mm512_sub_pd(hi, lo), left = _mm512_sub_pd(mode, lo);
        const __m512d t = _mm512_mul_pd(v, width);
        const __mmask8 below = _mm512_cmp_pd_mask(t, left, _CMP_LT_OQ);
        const __m512d a_below = _mm512_mul_pd(t, left);
        const __m512d a_above =
            _mm512_mul_pd(_mm512_mul_pd(_mm512_sub_pd(one, v), width), _mm512_sub_pd(hi, mode));
        const __m512d root = _mm512_sqrt_pd(_mm512_mask_blend_pd(below, a_above, a_below));
        const __m512d value =
            _mm512_mask_blend_pd(below, _mm512_sub_pd(hi, root), _mm512_add_pd(lo, root));
        const __mmask8 wide = _mm512_cmp_pd_mask(width, zero, _CMP_GT_OQ);
        _mm512_storeu_pd(out + i, _mm512_mask_blend_pd(wide, mode, value));
    }
    triangular_scalar(i, n, low, likely, high, u, out);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

}  // namespace detail

/// out[i] = r.uniform_for(draw, streams[i]) for i < n, `level` lanes at a time (at most
/// detected_simd_level(): a higher level is lowered to it).
inline void uniforms_for(const random_streams& r, std::uint64_t draw, const std::uint64_t* streams,
                         std::size_t n, double* out, simd_level level) {
#if ZBB_RANDOM_BATCH_X86
    level = std::min(level, detected_simd_level());
    if (level == simd_level::avx512) return detail::uniforms_avx512(r, draw, streams, n, out);
    if (level == simd_level::avx2) return detail::uniforms_avx2(r, draw, streams, n, out);
#endif
    (void)level;
    detail::uniforms_scalar(r, draw, streams, 0, n, out);
}

/// out[i] = triangular_quantile(low[i], likely[i], high[i], u[i]) for i < n; `out` may be `u`.
/// `level` as in uniforms_for.
inline void triangular_quantiles(std::size_t n, const double* low, const double* likely,
                                 const double* high, const double* u, double* out,
                                 simd_level level) {
#if ZBB_RANDOM_BATCH_X86
    level = std::min(level, detected_simd_level());
    if (level == simd_level::avx512) return detail::triangular_avx512(n, low, likely, high, u, out);
    if (level == simd_level::avx2) return detail::triangular_avx2(n, low, likely, high, u, out);
#endif
    (void)level;
    detail::triangular_scalar(0, n, low, likely, high, u, out);
}

}  // namespace zbb

#undef ZBB_RANDOM_BATCH_X86

// Counter-based random numbers (zbb/random.hpp): Philox4x32-10 against the known-answer vectors
// of Random123, uniforms that depend only on (seed, draw, stream, block), and the triangular and
// PERT quantiles against their closed-form moments and hand-computed points.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <set>
#include <vector>

#include "zbb/random.hpp"
#include "zbb/random_batch.hpp"

using Catch::Detail::Approx;

TEST_CASE("philox4x32-10: the known-answer vectors of Random123", "[random]") {
    using w = std::array<std::uint32_t, 4>;
    CHECK(zbb::philox4x32_10({0, 0, 0, 0}, {0, 0}) ==
          w{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u});
    CHECK(zbb::philox4x32_10({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                             {0xffffffffu, 0xffffffffu}) ==
          w{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu});
    CHECK(zbb::philox4x32_10({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
                             {0xa4093822u, 0x299f31d0u}) ==
          w{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u});
}

TEST_CASE("random streams: a pure function of seed, draw, stream and block", "[random]") {
    const zbb::random_streams a(42), b(42), other(43);
    // The same numbers in any order of asking (as threads or tasks would ask).
    std::vector<double> forward, backward;
    for (std::uint64_t d = 0; d < 100; ++d) forward.push_back(a.uniform(d, 7, 3));
    for (std::uint64_t d = 100; d-- > 0;) backward.push_back(b.uniform(d, 7, 3));
    std::reverse(backward.begin(), backward.end());
    CHECK(forward == backward);
    // Different seeds, draws, streams and blocks give different numbers; all in (0, 1).
    std::set<double> seen;
    for (std::uint64_t d : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{1} << 40})
        for (std::uint32_t s : {0u, 1u, 4000000000u})
            for (std::uint32_t k : {0u, 1u, 2u, 3u})
                for (const auto* r : {&a, &other}) {
                    const double u = r->uniform(d, s, k);
                    CHECK(u > 0.0);
                    CHECK(u < 1.0);
                    seen.insert(u);
                }
    CHECK(seen.size() == 3 * 3 * 4 * 2);
    // The extremes of the 53 bits stay inside the open interval.
    CHECK(zbb::uniform_from_bits(0, 0) == 0x1p-54);
    CHECK(zbb::uniform_from_bits(0xffffffffu, 0xffffffffu) == 1.0 - 0x1p-54);
    // Uniform: mean 1/2 and variance 1/12 over 200,000 numbers, within 5 standard errors.
    const int n = 200000;
    double sum = 0, sq = 0;
    for (int i = 0; i < n; ++i) {
        const double u = a.uniform(static_cast<std::uint64_t>(i), 0);
        sum += u;
        sq += u * u;
    }
    const double mean = sum / n, var = sq / n - mean * mean;
    CHECK(std::fabs(mean - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
    CHECK(std::fabs(var - 1.0 / 12) < 5 * std::sqrt(1.0 / 180 / n));
}

TEST_CASE("range quantiles: triangular and PERT", "[random]") {
    // Triangular (low 2, likely 3, high 6): F(3) = 1/4; the median solves 6 - sqrt(0.5 * 4 * 3).
    CHECK(zbb::triangular_quantile(2, 3, 6, 0.25) == Approx(3.0));
    CHECK(zbb::triangular_quantile(2, 3, 6, 0.5) == Approx(6.0 - std::sqrt(6.0)));
    CHECK(zbb::triangular_quantile(2, 3, 6, 1e-12) == Approx(2.0).margin(1e-5));
    CHECK(zbb::triangular_quantile(2, 3, 6, 1 - 1e-12) == Approx(6.0).margin(1e-5));
    CHECK(zbb::triangular_quantile(5, 5, 5, 0.3) == 5.0);  // no width: the likely value
    CHECK(zbb::pert_quantile(5, 5, 5, 0.3) == 5.0);
    // Symmetric PERT (0, 1, 2) is Beta(3, 3) scaled by 2: its median is 1.
    CHECK(zbb::pert_quantile(0, 1, 2, 0.5) == Approx(1.0));
    // Negative effects are ranges too: (-3, -1, 0).
    CHECK(zbb::triangular_quantile(-3, -1, 0, 2.0 / 3) == Approx(-1.0));
    // Monotone in u, and inside [low, high].
    for (auto shape : {zbb::range_shape::triangular, zbb::range_shape::pert}) {
        double last = -1e300;
        for (int i = 1; i < 1000; ++i) {
            const double v = zbb::range_quantile(shape, 10, 12, 20, i / 1000.0);
            CHECK(v >= last);
            CHECK(v >= 10);
            CHECK(v <= 20);
            last = v;
        }
    }
    // Means over 100,000 draws: (low + likely + high) / 3 and (low + 4 likely + high) / 6, within
    // 5 standard errors (triangular variance (a² + b² + c² - ab - ac - bc) / 18; PERT's is at most
    // that of the triangular here).
    const zbb::random_streams r(2026);
    const int n = 100000;
    double tri = 0, pert = 0;
    for (int i = 0; i < n; ++i) {
        const double u = r.uniform(static_cast<std::uint64_t>(i), 1);
        tri += zbb::triangular_quantile(10, 12, 20, u);
        pert += zbb::pert_quantile(10, 12, 20, u);
    }
    const double sd = std::sqrt((100.0 + 144 + 400 - 120 - 200 - 240) / 18 / n);
    CHECK(std::fabs(tri / n - 14.0) < 5 * sd);
    CHECK(std::fabs(pert / n - (10.0 + 48 + 20) / 6) < 5 * sd);
}

TEST_CASE("batched uniforms and triangular quantiles: bit-identical at every SIMD level",
          "[random]") {
    using zbb::simd_level;
    std::vector<simd_level> levels{simd_level::scalar};
    if (zbb::detected_simd_level() != simd_level::scalar) levels.push_back(simd_level::avx2);
    if (zbb::detected_simd_level() == simd_level::avx512) levels.push_back(simd_level::avx512);
    std::mt19937_64 gen(11);
    for (std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{7}, std::uint64_t{1} << 62,
                               std::uint64_t{0x9E3779B97F4A7C15}}) {
        const zbb::random_streams r(seed);
        for (std::uint64_t draw : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{99999},
                                   (std::uint64_t{1} << 40) + 3})
            for (std::size_t n = 0; n <= 37; ++n) {
                std::vector<std::uint64_t> streams(n);
                for (auto& s : streams) s = gen();
                if (n > 2) streams[1] = 0, streams[2] = ~std::uint64_t{0};
                for (auto level : levels) {
                    std::vector<double> batch(n, -1.0);
                    zbb::uniforms_for(r, draw, streams.data(), n, batch.data(), level);
                    for (std::size_t i = 0; i < n; ++i)
                        CHECK(batch[i] == r.uniform_for(draw, streams[i]));
                }
            }
    }
    // Ranges of every kind: wide, narrow, negative, the mode at either end, no width; uniforms at
    // the extremes of (0, 1) and at the mode's cumulative probability.
    const std::size_t n = 203;
    std::vector<double> low(n), likely(n), high(n), u(n);
    std::uniform_real_distribution<double> any(-1e3, 1e3), unit(0.0, 1.0);
    for (std::size_t i = 0; i < n; ++i) {
        double a = any(gen), b = any(gen), c = any(gen);
        if (a > b) std::swap(a, b);
        if (b > c) std::swap(b, c);
        if (a > b) std::swap(a, b);
        switch (i % 6) {
            case 1:
                b = a;
                break;
            case 2:
                b = c;
                break;
            case 3:
                a = b = c;
                break;
            case 4:
                c = std::nextafter(a, 1e300), b = a;
                break;
            case 5:  // not a range (high below low): the likely value, as one at a time
                std::swap(a, c);
                break;
            default:
                break;
        }
        low[i] = a, likely[i] = b, high[i] = c;
        u[i] = i % 7 == 0 ? 0x1p-54 : i % 7 == 1 ? 1.0 - 0x1p-54 : unit(gen);
        if (i % 11 == 0 && c > a) u[i] = (b - a) / (c - a);
    }
    for (auto level : levels) {
        std::vector<double> out(n), in_place = u;
        zbb::triangular_quantiles(n, low.data(), likely.data(), high.data(), u.data(), out.data(),
                                  level);
        zbb::triangular_quantiles(n, low.data(), likely.data(), high.data(), in_place.data(),
                                  in_place.data(), level);
        for (std::size_t i = 0; i < n; ++i) {
            const double one = zbb::triangular_quantile(low[i], likely[i], high[i], u[i]);
            CHECK(out[i] == one);
            CHECK(in_place[i] == one);
        }
    }
}

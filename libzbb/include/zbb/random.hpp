// zbb/random.hpp - counter-based random numbers for Monte Carlo (the uncertainty issue): every
// uniform is a pure function of (seed, draw, stream, block), so a simulation gives the same
// numbers whatever the thread count, the executor or the way its draws are split into tasks, and
// variants simulated together see the same draws (common random numbers).
//
// The generator is Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as
// easy as 1, 2, 3", SC 2011), checked against the known-answer vectors of Random123. The 128-bit
// counter holds the draw's index (64 bits), the stream (one per uncertain coefficient) and a block
// number; the 64-bit key is the seed. Each block gives four 32-bit words, two uniforms.
#pragma once

#include <array>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <cstdint>

namespace zbb {

/// One Philox4x32-10 block: four 32-bit words from a 128-bit counter and a 64-bit key.
inline std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> ctr,
                                                  std::array<std::uint32_t, 2> key) {
    constexpr std::uint64_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;
    constexpr std::uint32_t w0 = 0x9E3779B9u, w1 = 0xBB67AE85u;
    for (int round = 0; round < 10; ++round) {
        const std::uint64_t p0 = m0 * ctr[0], p1 = m1 * ctr[2];
        ctr = {
            static_cast<std::uint32_t>(p1 >> 32) ^ ctr[1] ^ key[0], static_cast<std::uint32_t>(p1),
            static_cast<std::uint32_t>(p0 >> 32) ^ ctr[3] ^ key[1], static_cast<std::uint32_t>(p0)};
        key = {key[0] + w0, key[1] + w1};
    }
    return ctr;
}

/// A uniform in the open interval (0, 1) from 53 random bits: (j + 1/2) / 2^53.
inline double uniform_from_bits(std::uint32_t hi, std::uint32_t lo) {
    const std::uint64_t j = (static_cast<std::uint64_t>(hi >> 5) << 26) | (lo >> 6);
    return (static_cast<double>(j) + 0.5) * 0x1p-53;
}

/// The uniforms of one simulation: uniform(draw, stream, k) is the k-th uniform of `stream` (an
/// uncertain coefficient) in draw `draw`, a pure function of the seed and those three numbers.
class random_streams {
  public:
    explicit random_streams(std::uint64_t seed)
        : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)} {}

    double uniform(std::uint64_t draw, std::uint32_t stream, std::uint32_t k = 0) const {
        const auto words = philox4x32_10({static_cast<std::uint32_t>(draw),
                                          static_cast<std::uint32_t>(draw >> 32), stream, k / 2},
                                         key_);
        return k % 2 == 0 ? uniform_from_bits(words[0], words[1])
                          : uniform_from_bits(words[2], words[3]);
    }

    /// The uniform of the random stream `stream` (a 64-bit key such as a coefficient's identity,
    /// zbb/simulate.hpp) in draw `draw`: the counter is (draw, stream), the first two words of
    /// the block make the uniform.
    double uniform_for(std::uint64_t draw, std::uint64_t stream) const {
        const auto words = philox4x32_10(
            {static_cast<std::uint32_t>(draw), static_cast<std::uint32_t>(draw >> 32),
             static_cast<std::uint32_t>(stream), static_cast<std::uint32_t>(stream >> 32)},
            key_);
        return uniform_from_bits(words[0], words[1]);
    }

    /// The Philox key: the seed's low and high 32 bits.
    std::array<std::uint32_t, 2> key() const noexcept { return key_; }

  private:
    std::array<std::uint32_t, 2> key_;
};

/// The shape of a coefficient's range: triangular (default) or PERT (a beta distribution with
/// the likely value as its mode and weight 4).
enum class range_shape { triangular, pert };

/// The value at cumulative probability `u` (0 < u < 1) of the triangular distribution with
/// minimum `low`, mode `likely` and maximum `high` (low <= likely <= high). A range of zero width
/// gives `likely`. Monotone in u, so one uniform maps to one value (inverse transform).
inline double triangular_quantile(double low, double likely, double high, double u) {
    const double width = high - low;
    if (!(width > 0)) return likely;
    const double left = likely - low;
    if (u * width < left) return low + std::sqrt(u * width * left);
    return high - std::sqrt((1.0 - u) * width * (high - likely));
}

/// The value at cumulative probability `u` of the PERT distribution on [low, high] with mode
/// `likely`: low + (high - low) X, X ~ Beta(1 + 4 (likely - low) / (high - low),
/// 1 + 4 (high - likely) / (high - low)); its mean is (low + 4 likely + high) / 6.
inline double pert_quantile(double low, double likely, double high, double u) {
    const double width = high - low;
    if (!(width > 0)) return likely;
    const double alpha = 1.0 + 4.0 * (likely - low) / width;
    const double beta = 1.0 + 4.0 * (high - likely) / width;
    return low + width * boost::math::ibeta_inv(alpha, beta, u);
}

/// The quantile of `shape` at `u`.
inline double range_quantile(range_shape shape, double low, double likely, double high, double u) {
    return shape == range_shape::pert ? pert_quantile(low, likely, high, u)
                                      : triangular_quantile(low, likely, high, u);
}

}  // namespace zbb

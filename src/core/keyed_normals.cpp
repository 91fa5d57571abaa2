// Normal deviates in bulk for per-step noise (OU conductances): Philox blocks and Box-Muller
// in one vectorisable loop, with the plain-arithmetic log and cosine of core/fast_math.hpp.
#include <cmath>

#include "balnet/core/fast_math.hpp"
#include "balnet/core/rng.hpp"

namespace balnet {

namespace {

inline double box_muller(std::uint64_t a, std::uint64_t b) {
  const double u1 = static_cast<double>((a >> 11) + 1) * 0x1p-53;
  const double u2 = static_cast<double>(b >> 11) * 0x1p-53;
  return std::sqrt(-2.0 * log_det(u1)) * cos_2pi_det(u2);
}

inline std::uint64_t word_pair(std::uint32_t hi, std::uint32_t lo) {
  return (static_cast<std::uint64_t>(hi) << 32) | lo;
}

}  // namespace

double box_muller_det(std::uint64_t a, std::uint64_t b) { return box_muller(a, b); }

void keyed_normal_pairs(std::uint64_t seed, rng_domain domain, std::uint32_t object,
                        const std::uint32_t* __restrict index, const std::uint64_t* __restrict block,
                        std::size_t n, double* __restrict x1, double* __restrict x2) {
  const std::uint32_t k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  const std::uint32_t hi = (static_cast<std::uint32_t>(domain) << 24) | (object & 0xFFFFFFu);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t b = block[i], b2 = b + 1;
    std::uint32_t a0 = static_cast<std::uint32_t>(b), a1 = static_cast<std::uint32_t>(b >> 32), a2 = index[i], a3 = hi;
    std::uint32_t c0 = static_cast<std::uint32_t>(b2), c1 = static_cast<std::uint32_t>(b2 >> 32), c2 = index[i], c3 = hi;
    detail::philox_lane(a0, a1, a2, a3, k0, k1);
    detail::philox_lane(c0, c1, c2, c3, k0, k1);
    x1[i] = box_muller(word_pair(a0, a1), word_pair(a2, a3));
    x2[i] = box_muller(word_pair(c0, c1), word_pair(c2, c3));
  }
}

}  // namespace balnet

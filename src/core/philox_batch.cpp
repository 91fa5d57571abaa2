#include "balnet/core/philox_batch.hpp"

namespace balnet {

void philox_blocks(std::uint64_t seed, rng_domain domain, std::uint32_t object,
                   const std::uint32_t* __restrict index, const std::uint64_t* __restrict block,
                   std::size_t n, std::uint32_t* __restrict out) {
  // The rounds of philox4x32_10 (core/rng.cpp), written out per lane.
  constexpr std::uint32_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;
  constexpr std::uint32_t w0 = 0x9E3779B9u, w1 = 0xBB67AE85u;
  const std::uint32_t k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  const std::uint32_t hi = (static_cast<std::uint32_t>(domain) << 24) | (object & 0xFFFFFFu);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t c0 = static_cast<std::uint32_t>(block[i]), c1 = static_cast<std::uint32_t>(block[i] >> 32);
    std::uint32_t c2 = index[i], c3 = hi;
    std::uint32_t x0 = k0, x1 = k1;
    for (int round = 0; round < 10; ++round) {
      if (round > 0) {
        x0 += w0;
        x1 += w1;
      }
      const std::uint64_t p0 = static_cast<std::uint64_t>(m0) * c0;
      const std::uint64_t p1 = static_cast<std::uint64_t>(m1) * c2;
      const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1 ^ x0;
      const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3 ^ x1;
      c1 = static_cast<std::uint32_t>(p1);
      c3 = static_cast<std::uint32_t>(p0);
      c0 = n0;
      c2 = n2;
    }
    out[4 * i] = c0;
    out[4 * i + 1] = c1;
    out[4 * i + 2] = c2;
    out[4 * i + 3] = c3;
  }
}

}  // namespace balnet

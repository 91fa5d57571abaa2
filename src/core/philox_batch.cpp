#include "balnet/core/philox_batch.hpp"

namespace balnet {

void philox_blocks(std::uint64_t seed, rng_domain domain, std::uint32_t object,
                   const std::uint32_t* __restrict index, const std::uint64_t* __restrict block,
                   std::size_t n, std::uint32_t* __restrict out) {
  const std::uint32_t k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  const std::uint32_t hi = (static_cast<std::uint32_t>(domain) << 24) | (object & 0xFFFFFFu);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t c0 = static_cast<std::uint32_t>(block[i]), c1 = static_cast<std::uint32_t>(block[i] >> 32);
    std::uint32_t c2 = index[i], c3 = hi;
    detail::philox_lane(c0, c1, c2, c3, k0, k1);
    out[4 * i] = c0;
    out[4 * i + 1] = c1;
    out[4 * i + 2] = c2;
    out[4 * i + 3] = c3;
  }
}

}  // namespace balnet

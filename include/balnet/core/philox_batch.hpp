// Many Philox4x32-10 blocks in one loop the compiler can vectorise: lane i computes block
// block[i] of the stream (seed, domain, object, index[i]), the same four words that
// random_stream(seed, domain, object, index[i], 4 * block[i]) returns from next_u32().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "balnet/core/rng.hpp"

namespace balnet {

// out[4 i + j] = word j of lane i's block.
void philox_blocks(std::uint64_t seed, rng_domain domain, std::uint32_t object,
                   const std::uint32_t* index, const std::uint64_t* block, std::size_t n,
                   std::uint32_t* out);

}  // namespace balnet

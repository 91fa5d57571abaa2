#include "balnet/core/rng.hpp"

#include <cmath>

namespace balnet {

namespace {

using detail::philox_m0;
using detail::philox_m1;
using detail::philox_w0;
using detail::philox_w1;

inline void mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo) {
  const std::uint64_t p = static_cast<std::uint64_t>(a) * b;
  hi = static_cast<std::uint32_t>(p >> 32);
  lo = static_cast<std::uint32_t>(p);
}

}  // namespace

philox_counter philox4x32_10(philox_counter c, philox_key k) {
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k[0] += philox_w0;
      k[1] += philox_w1;
    }
    std::uint32_t hi0, lo0, hi1, lo1;
    mulhilo(philox_m0, c[0], hi0, lo0);
    mulhilo(philox_m1, c[2], hi1, lo1);
    c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
  }
  return c;
}

std::uint32_t name_hash24(std::string_view name) {
  std::uint32_t h = 2166136261u;
  for (unsigned char ch : name) {
    h ^= ch;
    h *= 16777619u;
  }
  return (h >> 24) ^ (h & 0xFFFFFFu);
}

random_stream::random_stream(std::uint64_t seed, rng_domain domain, std::uint32_t object,
                             std::uint32_t index, std::uint64_t position)
    : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
      stream_hi_{(static_cast<std::uint32_t>(domain) << 24) | (object & 0xFFFFFFu)},
      stream_lo_{index},
      position_{position} {}

std::uint32_t random_stream::next_u32() {
  const std::uint64_t block = position_ >> 2;
  if (block != block_index_) {
    block_ = philox4x32_10({static_cast<std::uint32_t>(block),
                            static_cast<std::uint32_t>(block >> 32), stream_lo_, stream_hi_},
                           key_);
    block_index_ = block;
  }
  return block_[position_++ & 3];
}

std::uint64_t random_stream::next_u64() {
  const std::uint64_t hi = next_u32();
  return (hi << 32) | next_u32();
}

double random_stream::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1p-53; }

double random_stream::uniform_pos() {
  return static_cast<double>((next_u64() >> 11) + 1) * 0x1p-53;
}

double random_stream::uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

double random_stream::normal() {
  constexpr double two_pi = 6.283185307179586476925;
  const double u1 = uniform_pos();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(two_pi * u2);
}

double random_stream::exponential() { return -std::log(uniform_pos()); }

std::uint64_t random_stream::below(std::uint64_t n) {
  // Lemire's multiply-and-reject on 64 bits.
  std::uint64_t x = next_u64();
  unsigned __int128 m = static_cast<unsigned __int128>(x) * n;
  std::uint64_t low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      x = next_u64();
      m = static_cast<unsigned __int128>(x) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

void keyed_uniforms(std::uint64_t seed, rng_domain domain, std::uint32_t object,
                    std::uint64_t block, const std::uint32_t* __restrict index, std::size_t n,
                    double* __restrict out) {
  const std::uint32_t k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  const std::uint32_t b0 = static_cast<std::uint32_t>(block), b1 = static_cast<std::uint32_t>(block >> 32);
  const std::uint32_t hi = (static_cast<std::uint32_t>(domain) << 24) | (object & 0xFFFFFFu);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t c0 = b0, c1 = b1, c2 = index[i], c3 = hi;
    detail::philox_lane(c0, c1, c2, c3, k0, k1);
    const std::uint64_t u = (static_cast<std::uint64_t>(c0) << 32) | c1;
    out[i] = static_cast<double>(u >> 11) * 0x1p-53;
  }
}

}  // namespace balnet

// Keyed counter-based random numbers (Philox4x32-10): every draw is a pure function of
// (seed, domain, object, index, position), never of the rank or the number of ranks.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace balnet {

using philox_counter = std::array<std::uint32_t, 4>;
using philox_key = std::array<std::uint32_t, 2>;

// The Philox4x32 bijection with 10 rounds (Salmon et al. 2011), as in Random123.
philox_counter philox4x32_10(philox_counter ctr, philox_key key);

// What a stream is used for. Each purpose gets its own streams, so adding draws of one
// kind never shifts the draws of another.
enum class rng_domain : std::uint8_t {
  connectivity = 1,   // which synapses exist (per projection, per post- or presynaptic neuron)
  weight = 2,         // synaptic weights
  delay = 3,          // synaptic delays
  initial_state = 4,  // initial neuron state (per population, per neuron)
  poisson_input = 5,  // independent Poisson drive (per input, per target neuron)
  poisson_source = 6, // Poisson spike-source populations (per neuron)
  sample = 7,         // random samples for recording (per recorder)
  user = 8,           // reserved for later subsystems (inputs, plasticity, patterns)
  user2 = 9,
  user3 = 10,
  user4 = 11,
  synaptic_release = 12,  // stochastic release (per projection, spike and synapse)
};

namespace detail {
inline constexpr std::uint32_t philox_m0 = 0xD2511F53u, philox_m1 = 0xCD9E8D57u;  // multipliers
inline constexpr std::uint32_t philox_w0 = 0x9E3779B9u, philox_w1 = 0xBB67AE85u;  // key increments

// Philox4x32-10 on one counter (c0..c3) with key (k0, k1), the same bijection as
// philox4x32_10, written on scalars so that loops over lanes vectorise.
inline void philox_lane(std::uint32_t& c0, std::uint32_t& c1, std::uint32_t& c2, std::uint32_t& c3,
                        std::uint32_t k0, std::uint32_t k1) {
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += philox_w0;
      k1 += philox_w1;
    }
    const std::uint64_t p0 = static_cast<std::uint64_t>(philox_m0) * c0;
    const std::uint64_t p1 = static_cast<std::uint64_t>(philox_m1) * c2;
    const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1 ^ k0;
    const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3 ^ k1;
    c1 = static_cast<std::uint32_t>(p1);
    c3 = static_cast<std::uint32_t>(p0);
    c0 = n0;
    c2 = n2;
  }
}
}  // namespace detail

// FNV-1a of a name folded to 24 bits: the object id of a named config section.
std::uint32_t name_hash24(std::string_view name);

// One independent stream of random numbers. Cheap to construct: it holds the key, the
// stream coordinates and a position (the number of 32-bit words consumed so far), so a
// simulation may keep only the position and rebuild the stream when it needs a draw.
class random_stream {
 public:
  random_stream(std::uint64_t seed, rng_domain domain, std::uint32_t object,
                std::uint32_t index, std::uint64_t position = 0);

  std::uint32_t next_u32();
  std::uint64_t next_u64();
  double uniform();                        // [0, 1), 53 random bits
  double uniform_pos();                    // (0, 1]
  double uniform(double lo, double hi);    // [lo, hi)
  double normal();                         // standard normal (Box-Muller, one value per call)
  double normal(double mean, double sd) { return mean + sd * normal(); }
  double exponential();                    // mean 1
  std::uint64_t below(std::uint64_t n);    // uniform integer in [0, n), unbiased; n > 0

  std::uint64_t position() const { return position_; }

 private:
  philox_key key_;
  std::uint32_t stream_hi_;  // domain << 24 | object
  std::uint32_t stream_lo_;  // index (usually a gid)
  std::uint64_t position_;
  std::uint64_t block_index_ = ~std::uint64_t{0};
  philox_counter block_{};
};

// Box-Muller from two 64-bit words a, b (u1 = ((a >> 11) + 1) 2^-53 in (0, 1], u2 = (b >> 11)
// 2^-53 in [0, 1)): sqrt(-2 log u1) cos(2 pi u2), with the plain-arithmetic log_det and
// cos_2pi_det (core/fast_math.hpp), so that vector lanes and scalar code give the same bits.
double box_muller_det(std::uint64_t a, std::uint64_t b);

// For every i: the two standard normals box_muller_det of the words of Philox blocks
// block[i] and block[i] + 1 of stream (seed, domain, object, index[i]), i.e. what
// random_stream(seed, domain, object, index[i], 4 * block[i]) gives as a = next_u64(),
// b = next_u64() (x1) and the next two words (x2). One loop the compiler vectorises (two
// Philox blocks per lane, no libm calls); about 10 times faster than random_stream::normal().
void keyed_normal_pairs(std::uint64_t seed, rng_domain domain, std::uint32_t object, const std::uint32_t* index,
                        const std::uint64_t* block, std::size_t n, double* x1, double* x2);

// out[i] = random_stream(seed, domain, object, index[i], 4 * block).uniform() for every i,
// computed in one loop the compiler can vectorise (one Philox block per lane).
void keyed_uniforms(std::uint64_t seed, rng_domain domain, std::uint32_t object, std::uint64_t block,
                    const std::uint32_t* index, std::size_t n, double* out);

}  // namespace balnet

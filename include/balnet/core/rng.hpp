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

// out[i] = random_stream(seed, domain, object, index[i], 4 * block).uniform() for every i,
// computed in one loop the compiler can vectorise (one Philox block per lane).
void keyed_uniforms(std::uint64_t seed, rng_domain domain, std::uint32_t object, std::uint64_t block,
                    const std::uint32_t* index, std::size_t n, double* out);

}  // namespace balnet

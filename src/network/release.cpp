#include "balnet/network/release.hpp"

#include <cmath>

#include "balnet/core/rng.hpp"

namespace balnet {

std::uint32_t release_draw(std::uint64_t seed, std::uint32_t projection_hash, step_t emitted,
                           gid_t pre, gid_t post, std::uint16_t delay, std::uint32_t ordinal) {
  const auto e = static_cast<std::uint64_t>(emitted);
  const philox_counter ctr = {static_cast<std::uint32_t>(e), pre, post,
                              (static_cast<std::uint32_t>(rng_domain::synaptic_release) << 24) |
                                  (projection_hash & 0xFFFFFFu)};
  const philox_key key = {static_cast<std::uint32_t>(seed) ^ (static_cast<std::uint32_t>(delay) | (ordinal << 16)),
                          static_cast<std::uint32_t>(seed >> 32) ^ static_cast<std::uint32_t>(e >> 32)};
  return philox4x32_10(ctr, key)[0];
}

std::uint64_t release_threshold(double p) {
  if (!(p > 0.0)) return 0;
  if (p >= 1.0) return std::uint64_t{1} << 32;
  return static_cast<std::uint64_t>(std::ldexp(p, 32));
}

void deliver_with_release(const synapse_store& store, std::uint32_t segment, double* input,
                          float* input_single, double scale, const std::vector<gid_t>& post_gids,
                          gid_t pre, step_t emitted, std::uint64_t seed, std::uint32_t projection_hash,
                          std::uint64_t threshold) {
  const index_t* tgt = store.targets();
  const float* w = store.weights();
  const std::uint16_t delay = store.delay(segment);
  const std::uint32_t e = store.syn_end(segment);
  std::uint32_t ordinal = 0;
  for (std::uint32_t k = store.syn_begin(segment); k < e; ++k) {
    // Synapses of one (pre, post) pair and delay are adjacent in a segment (generation order).
    ordinal = k > store.syn_begin(segment) && tgt[k - 1] == tgt[k] ? ordinal + 1 : 0;
    const std::uint32_t u = release_draw(seed, projection_hash, emitted, pre, post_gids[tgt[k]], delay, ordinal);
    if (u >= threshold) continue;
    if (input) {
      input[tgt[k]] += scale == 1.0 ? static_cast<double>(w[k]) : static_cast<double>(w[k]) * scale;
    } else {
      input_single[tgt[k]] += scale == 1.0 ? w[k] : w[k] * static_cast<float>(scale);
    }
  }
}

}  // namespace balnet

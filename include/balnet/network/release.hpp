// Stochastic synaptic release (`p_release` of a projection, Zerlaut's psyn): each synapse
// transmits an arriving spike with probability p, decided by one keyed draw per (synapse,
// spike) - a function of (seed, projection, emission step, pre gid, post gid, delay, and the
// synapse's rank among equal (pre, post, delay) synapses), never of the rank layout.
#pragma once

#include <cstdint>
#include <vector>

#include "balnet/core/types.hpp"
#include "balnet/network/synapse_store.hpp"

namespace balnet {

// The 32-bit uniform draw of one synapse for one spike.
std::uint32_t release_draw(std::uint64_t seed, std::uint32_t projection_hash, step_t emitted,
                           gid_t pre, gid_t post, std::uint16_t delay, std::uint32_t ordinal);

// Threshold for release_draw: a synapse transmits when draw < threshold (p in [0, 1]).
std::uint64_t release_threshold(double p);

// Adds weight * scale of the synapses of segment `segment` of `store` that release into
// `input` (or `input_single` for a single-precision group). `post_gids` maps the store's
// target indices to gids.
void deliver_with_release(const synapse_store& store, std::uint32_t segment, double* input,
                          float* input_single, double scale, const std::vector<gid_t>& post_gids,
                          gid_t pre, step_t emitted, std::uint64_t seed, std::uint32_t projection_hash,
                          std::uint64_t threshold);

}  // namespace balnet

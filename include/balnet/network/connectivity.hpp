// Connectivity generators. Each rank generates the incoming synapses of its own neurons;
// every draw comes from a stream keyed by (seed, projection, gid), never by rank.
#pragma once

#include <cstdint>
#include <vector>

#include "balnet/network/partition.hpp"
#include "balnet/network/spec.hpp"
#include "balnet/network/synapse_store.hpp"

namespace balnet {

// Incoming synapses of this rank's neurons for one projection, in generation order.
std::vector<raw_synapse> generate_synapses(const projection_spec& proj, const network_spec& net,
                                           const partition& part);

// Converts a delay in ms to whole steps: rounded to the nearest step, at least one step.
std::uint16_t delay_steps(double delay_ms, double dt);

// k distinct integers from [0, n), ascending (Floyd's algorithm). k <= n.
std::vector<std::uint64_t> sample_without_replacement(random_stream& rs, std::uint64_t n,
                                                      std::uint64_t k);

}  // namespace balnet

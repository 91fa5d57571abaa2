// `connect = assembly`: E->E synapses from pattern co-membership (Barta & Fukai 2025,
// MODELS.md 2.3), pruned to an exact global density and given rank-matched weights.
#pragma once

#include <cstdint>
#include <vector>

#include "balnet/comm/communicator.hpp"
#include "balnet/network/partition.hpp"
#include "balnet/network/patterns.hpp"
#include "balnet/network/spec.hpp"
#include "balnet/network/synapse_store.hpp"

namespace balnet {

// Collective. Score of the ordered pair (pre j -> post i), i != j: Z_ij (patterns holding both)
// plus a 48-bit tie-break noise u_ij ~ U[0, 1) keyed by (seed, projection, post gid, j). The
// round(density * N * N) pairs of highest score survive (an exact global selection by radix
// histograms; equal scores are ordered by the pair index post * N + pre). Weights: that many
// draws of the projection's weight distribution, sorted, the largest to the highest score.
// Delays: the projection's delay distribution, per post neuron in ascending pre order.
std::vector<raw_synapse> generate_assembly_synapses(const projection_spec& proj, const network_spec& net,
                                                    const partition& part, communicator& comm,
                                                    const pattern_set& patterns);

// Number of synapses the assembly rule keeps: round(density * N^2).
std::uint64_t assembly_synapse_count(const projection_spec& proj, const network_spec& net);

}  // namespace balnet

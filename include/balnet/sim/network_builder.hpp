// Builds what the simulation needs beyond the per-rank generators: the patterns and the
// synapses of rules that communicate (assembly) or read files (file).
#pragma once

#include <memory>
#include <vector>

#include "balnet/comm/communicator.hpp"
#include "balnet/network/partition.hpp"
#include "balnet/network/patterns.hpp"
#include "balnet/network/spec.hpp"
#include "balnet/network/synapse_store.hpp"

namespace balnet {

// Collective: the [patterns] (generated, or read from patterns.file); nullptr without the section.
std::shared_ptr<const pattern_set> make_patterns(const network_spec& net, communicator& comm);

// Collective: the local incoming synapses of one projection, whatever its rule.
std::vector<raw_synapse> make_synapses(const projection_spec& proj, const network_spec& net, const partition& part,
                                       communicator& comm, const pattern_set* patterns);

}  // namespace balnet

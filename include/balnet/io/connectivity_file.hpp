// Connectivity files (docs/assemblies.md): every synapse of every projection as a SONATA edge
// population (source node, target node, syn_weight, delay), sorted by target then source, plus the patterns,
// so a network built (or trained) once is reused by later protocols (`connect = file`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "balnet/comm/communicator.hpp"
#include "balnet/core/types.hpp"
#include "balnet/io/h5.hpp"
#include "balnet/network/partition.hpp"
#include "balnet/network/patterns.hpp"
#include "balnet/network/spec.hpp"
#include "balnet/network/synapse_store.hpp"

namespace balnet {

// Collective: writes /edges/<projection>/{source_node_id, target_node_id, edge_type_id,
// edge_group_id, edge_group_index, 0/syn_weight, 0/delay} for every projection (stores[i] holds projection i's local synapses; gids[p] the local gids of
// population p) and /patterns when given. The file is identical at any number of ranks.
void save_connectivity(const std::string& path, communicator& comm, const network_spec& net,
                       const std::vector<const synapse_store*>& stores,
                       const std::vector<std::vector<gid_t>>& gids, const pattern_set* patterns);

// Collective: the local incoming synapses of `proj` (rule file) from its file, in the order
// the generators use (by target, then source, then delay).
std::vector<raw_synapse> read_connectivity_synapses(const projection_spec& proj, const network_spec& net,
                                                    const partition& part, communicator& comm);

// Collective: /patterns/{indices, splits} with attributes population, count, neurons.
void write_patterns(communicator& comm, hid_t loc, const std::string& population, const pattern_set& ps);
// Collective: reads /patterns from a run or connectivity file.
pattern_set read_patterns(const std::string& path, communicator& comm, const std::string& population,
                          std::uint64_t neurons);

}  // namespace balnet

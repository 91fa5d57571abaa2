// Neuron sets in configurations ("all", "0:10", "3, 5, 7", "0:100:2" ...) and their rank-
// local part, shared by the inputs and recorders that act on chosen neurons.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "balnet/core/types.hpp"

namespace balnet {

class section_reader;
class partition;
struct population_spec;

// Parses a neuron set of a population of `size` neurons: "all", or comma-separated items,
// each an index i or a range a:b or a:b:step (from a up to but excluding b). Returns
// ascending, distinct population-local indices; throws config_error naming the key.
std::vector<std::uint64_t> parse_neuron_set(section_reader& s, const std::string& key,
                                            const std::string& text, std::uint64_t size);
// Reads key `key` (default "all").
std::vector<std::uint64_t> read_neuron_set(section_reader& s, const std::string& key,
                                           std::uint64_t size);

struct local_neuron {
  index_t local;        // index among the rank's neurons of the population
  gid_t gid;
  std::size_t ordinal;  // position in the neuron set
};

// The members of `set` (population-local indices) that live on this rank, in set order.
std::vector<local_neuron> local_members(const std::vector<std::uint64_t>& set,
                                        const population_spec& pop, const partition& part);

}  // namespace balnet

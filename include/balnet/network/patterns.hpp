// Memory patterns (assemblies): P binary patterns over the neurons of one population, the
// first-class object behind `connect = assembly` and the replay analyses (docs/assemblies.md).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace balnet {

// The [patterns] section.
struct pattern_spec {
  std::size_t population = 0;  // index of the population the patterns live in
  std::uint64_t count = 0;     // P
  double f = 0.0;              // Bernoulli membership probability (when size == 0)
  std::uint64_t size = 0;      // fixed number of members per pattern (0: Bernoulli f)
  std::string file;            // read the patterns from this connectivity file instead
  std::uint32_t hash = 0;      // stream object id
};

// P patterns as a CSR without data: members of pattern p are indices[splits[p] .. splits[p+1]),
// population-local, ascending.
struct pattern_set {
  std::uint64_t neurons = 0;  // size of the population
  std::vector<std::uint64_t> splits;
  std::vector<std::uint32_t> indices;

  std::uint64_t count() const { return splits.empty() ? 0 : splits.size() - 1; }
  // The transposed CSR: patterns of neuron i are pattern_of[neuron_splits[i] .. neuron_splits[i+1]).
  void memberships(std::vector<std::uint64_t>& neuron_splits, std::vector<std::uint32_t>& pattern_of) const;
};

// Draws the patterns; every draw is keyed by (seed, pattern id), so every rank gets the same set.
pattern_set generate_patterns(const pattern_spec& spec, std::uint64_t population_size, std::uint64_t seed);

}  // namespace balnet

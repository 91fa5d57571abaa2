#include "balnet/network/patterns.hpp"

#include "balnet/core/distributions.hpp"
#include "balnet/core/rng.hpp"
#include "balnet/network/connectivity.hpp"

namespace balnet {

void pattern_set::memberships(std::vector<std::uint64_t>& neuron_splits,
                              std::vector<std::uint32_t>& pattern_of) const {
  neuron_splits.assign(neurons + 1, 0);
  for (auto i : indices) ++neuron_splits[i + 1];
  for (std::uint64_t i = 0; i < neurons; ++i) neuron_splits[i + 1] += neuron_splits[i];
  pattern_of.assign(indices.size(), 0);
  std::vector<std::uint64_t> fill(neuron_splits.begin(), neuron_splits.end() - 1);
  for (std::uint64_t p = 0; p + 1 < splits.size(); ++p) {
    for (std::uint64_t k = splits[p]; k < splits[p + 1]; ++k) {
      pattern_of[fill[indices[k]]++] = static_cast<std::uint32_t>(p);
    }
  }
}

pattern_set generate_patterns(const pattern_spec& spec, std::uint64_t population_size, std::uint64_t seed) {
  pattern_set ps;
  ps.neurons = population_size;
  ps.splits.reserve(spec.count + 1);
  ps.splits.push_back(0);
  for (std::uint64_t p = 0; p < spec.count; ++p) {
    random_stream rs(seed, rng_domain::user2, spec.hash, static_cast<std::uint32_t>(p));
    if (spec.size > 0) {
      for (auto j : sample_without_replacement(rs, population_size, spec.size)) {
        ps.indices.push_back(static_cast<std::uint32_t>(j));
      }
    } else if (spec.f > 0.0) {
      std::uint64_t j = geometric(rs, spec.f);
      while (j < population_size) {
        ps.indices.push_back(static_cast<std::uint32_t>(j));
        j += 1 + geometric(rs, spec.f);
      }
    }
    ps.splits.push_back(ps.indices.size());
  }
  return ps;
}

}  // namespace balnet

// A population of independent Poisson spike sources at a fixed rate (at most one spike per
// step per source: a Bernoulli(rate dt) train, as Brian2's PoissonGroup).
#pragma once

#include <cstdint>
#include <vector>

#include "balnet/model/neuron_group.hpp"

namespace balnet {

class poisson_source_group final : public neuron_group {
 public:
  poisson_source_group(double rate_hz, const std::vector<gid_t>& gids, double dt,
                       std::uint64_t seed, std::uint32_t population_hash, step_t start);

  std::size_t size() const override { return next_.size(); }
  std::size_t receptor_count() const override { return 0; }
  double* receptor_input(std::size_t) override { return nullptr; }
  double* current_input() override { return nullptr; }
  void update(step_t t, std::vector<index_t>& spiked) override;
  std::vector<std::string> state_variables() const override { return {}; }
  bool get_state(const std::string&, std::span<double>) const override { return false; }
  bool set_state(const std::string&, std::span<const double>) override { return false; }
  std::size_t bytes_per_neuron() const override { return 16; }
  void save_state(state_set& out, const std::string& prefix, const std::vector<gid_t>& gids) const override;
  void load_state(const state_set& in, const std::string& prefix, const std::vector<gid_t>& gids) override;

 private:
  double p_;  // spike probability per step
  std::uint64_t seed_;
  std::uint32_t hash_;
  std::vector<gid_t> gids_;
  std::vector<step_t> next_;             // step of the next spike
  std::vector<std::uint64_t> position_;  // position in each source's random stream
};

}  // namespace balnet

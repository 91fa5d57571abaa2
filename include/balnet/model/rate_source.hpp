// A population of independent spike sources whose rate varies in time
// (`model = inhomogeneous_poisson`): in each step every source spikes with probability
// min(1, rate(t) dt), at most once (Brian2's PoissonGroup with a time-dependent rate).
// The rate is an expression in t or a table (core/rate_function.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "balnet/core/hazard_trains.hpp"
#include "balnet/core/rate_function.hpp"
#include "balnet/model/model_registry.hpp"
#include "balnet/model/neuron_group.hpp"

namespace balnet {

struct rate_source_params final : model_params {
  rate_function rate;
};

class rate_source_group final : public neuron_group {
 public:
  rate_source_group(const rate_function& rate, const std::vector<gid_t>& gids, double dt,
                    std::uint64_t seed, std::uint32_t population_hash);

  std::size_t size() const override { return trains_.size(); }
  std::size_t receptor_count() const override { return 0; }
  double* receptor_input(std::size_t) override { return nullptr; }
  double* current_input() override { return nullptr; }
  void update(step_t t, std::vector<index_t>& spiked) override;
  std::vector<std::string> state_variables() const override { return {}; }
  bool get_state(const std::string&, std::span<double>) const override { return false; }
  bool set_state(const std::string&, std::span<const double>) override { return false; }
  std::size_t bytes_per_neuron() const override { return 20; }
  void save_state(state_set& out, const std::string& prefix, const std::vector<gid_t>& gids) const override;
  void load_state(const state_set& in, const std::string& prefix, const std::vector<gid_t>& gids) override;

 private:
  rate_function rate_;
  double dt_;
  hazard_trains trains_;
};

}  // namespace balnet

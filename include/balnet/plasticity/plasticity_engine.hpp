// All plasticity of one rank: the plastic projections, the postsynaptic traces per
// population (shared by every rule with the same time constant) and the global rates that
// gate GHP rules. The simulation calls it at three points: arrivals on plastic segments,
// after each population's update (postsynaptic spikes), after each exchange interval.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "balnet/comm/communicator.hpp"
#include "balnet/core/types.hpp"
#include "balnet/network/spec.hpp"
#include "balnet/network/synapse_store.hpp"
#include "balnet/plasticity/plastic_projection.hpp"

namespace balnet {

class plasticity_engine {
 public:
  // `stores[i]` is projection i's store on this rank; `gids[p]` the local gids of population p.
  plasticity_engine(const network_spec& net, const std::vector<synapse_store*>& stores,
                    const std::vector<std::vector<gid_t>>& gids);

  // Projection i's plastic state, or nullptr if it is static.
  plastic_projection* projection(std::size_t i) { return projections_[i].get(); }
  const plastic_projection* projection(std::size_t i) const { return projections_[i].get(); }
  bool any() const { return any_; }

  // After population p was updated at step t (spiked: local indices, ascending).
  void after_update(std::size_t p, step_t t, const std::vector<index_t>& spiked) {
    if (!any_) return;
    counts_[p] += spiked.size();
    for (auto i : by_target_[p]) projections_[i]->post_spikes(spiked, t);
    if (traces_[p].count() > 0) traces_[p].advance(spiked);
  }

  // After each exchange interval of `steps` steps. Collective (an integer allreduce) when a
  // rule is gated by a global rate (GHP); otherwise it does nothing.
  void after_interval(step_t steps, communicator& comm);

  // Low-pass population rates R (Hz) that gate GHP rules: (population, value) pairs.
  std::vector<std::pair<std::size_t, double>> global_rates() const;
  const post_traces& traces(std::size_t population) const { return traces_[population]; }

  // Checkpoints: weights, traces and global rates under `prefix` (io/state_io.hpp).
  void save_state(state_set& out, const std::string& prefix, const std::vector<std::vector<gid_t>>& gids) const;
  void load_state(const state_set& in, const std::string& prefix, const std::vector<std::vector<gid_t>>& gids);
  // Local plastic synapses and the bytes of their per-synapse arrays and of the rest.
  std::uint64_t plastic_synapses() const;
  std::uint64_t plastic_synapse_bytes() const;
  std::uint64_t plastic_state_bytes() const;

 private:
  struct gate {
    std::size_t population;
    double tau;      // ms
    double rate;     // Hz, low-pass
    double size;     // neurons in the population
  };
  struct gated_rule {
    std::size_t projection, rule, gate;
    double rho;
  };
  const network_spec& net_;
  bool any_ = false;
  std::vector<std::unique_ptr<plastic_projection>> projections_;
  std::vector<std::vector<std::size_t>> by_target_;  // plastic projections per target population
  std::vector<post_traces> traces_;                  // per population
  std::vector<std::uint64_t> counts_;                // local spikes per population this interval
  std::vector<gate> gates_;
  std::vector<gated_rule> gated_;
};

}  // namespace balnet

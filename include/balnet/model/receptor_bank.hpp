// The synaptic receptors of one rank-local group as struct-of-arrays, shared by the models
// of the library (izhikevich, hh, traub_miles, adaptive_lif). Arrivals and inputs add
// weight * scale(r) to input(r)[i] during a step (neuron_group's contract): for exponential
// kernels that is the current or conductance itself, for alpha kernels the rising state, for
// biexp kernels and delta receptors a pending weight consumed by the next step().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "balnet/core/types.hpp"
#include "balnet/model/receptor.hpp"

namespace balnet {

class receptor_bank {
 public:
  receptor_bank() = default;
  // `gids` are the local neurons (initial values are drawn from their initial-state
  // streams, at a fixed offset past the model's own draws).
  receptor_bank(const std::vector<receptor_spec>& specs, const std::vector<gid_t>& gids, double dt,
                std::uint64_t seed, std::uint32_t population_hash);

  std::size_t count() const { return slots_.size(); }
  std::size_t size() const { return n_; }
  const receptor_spec& spec(std::size_t r) const { return slots_[r].spec; }
  double* input(std::size_t r);
  double scale(std::size_t r) const { return slots_[r].jump; }
  bool has_conductance() const { return has_conductance_; }
  bool has_delta() const { return has_delta_; }

  // Takes in this step's arrivals and advances every kernel by one step.
  // Adds to I the current of current receptors and g*E_rev of conductance receptors, to G
  // the conductances (the caller's membrane equation subtracts G*V), to DV the voltage
  // jumps of delta receptors. The values added are those at the start of the step
  // (arrivals of this step included); G and DV may be null when there is no such receptor.
  void step(double* __restrict I, double* __restrict G, double* __restrict DV);

  // Recordable variables: I_<name> (current), g_<name> (conductance) or pending_<name>
  // (delta) per receptor, and x_<name>, the second state of alpha and biexp kernels.
  std::vector<std::string> variables() const;
  bool get(const std::string& variable, std::span<double> out) const;
  // Checkpoints: variables() with each biexp kernel's value (a difference, not exact to set)
  // replaced by raw_<name>, its decaying state, which get/set copy exactly.
  std::vector<std::string> checkpoint_variables() const;
  bool set(const std::string& variable, std::span<const double> in);
  // Pointer to a stored array holding the variable, or nullptr (computed or unknown).
  const double* data(const std::string& variable) const;
  std::size_t bytes_per_neuron() const;

 private:
  struct slot {
    receptor_spec spec;
    double jump = 1.0;        // jump per unit weight
    double d1 = 0.0, d2 = 0.0;  // per-step decay factors (tau, tau_rise)
    // exponential: s1 = I or g (arrivals land here); alpha: s1 = I or g, s2 = rising state
    // (arrivals); biexp: s1, s2 = decaying and rising states, in = pending; delta: in.
    std::vector<double> s1, s2, in;
  };
  std::vector<slot> slots_;
  std::size_t n_ = 0;
  double dt_ = 0.1;
  bool has_conductance_ = false, has_delta_ = false;

  int find(const std::string& variable, bool& aux) const;
};

}  // namespace balnet

// The rank-local part of one population: state as arrays, updated one step at a time.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "balnet/core/types.hpp"
#include "balnet/model/receptor.hpp"

namespace balnet {

struct state_set;

class neuron_group {
 public:
  virtual ~neuron_group() = default;

  // Number of local neurons.
  virtual std::size_t size() const = 0;

  // Receptor inputs: arrivals and external drive add weight * receptor_scale(r) to
  // receptor_input(r)[i] during a step, before update(). (For exponential receptors this is
  // the synaptic state itself, so no accumulator has to be cleared every step.)
  virtual std::size_t receptor_count() const = 0;
  virtual double* receptor_input(std::size_t receptor) = 0;
  // Groups that keep their state in single precision return nullptr from receptor_input and
  // their float array here.
  virtual float* receptor_input_single(std::size_t) { return nullptr; }
  virtual double receptor_scale(std::size_t) const { return 1.0; }
  // External current accumulator (pA), added to the membrane current for one step and
  // zeroed by update(); nullptr for models without a membrane (spike sources).
  virtual double* current_input() = 0;

  // Advances every local neuron by one step and appends the local indices of the neurons
  // that spiked, in increasing order. `t` is the step being computed.
  virtual void update(step_t t, std::vector<index_t>& spiked) = 0;

  // Named state variables (for recording and checkpoints).
  virtual std::vector<std::string> state_variables() const = 0;
  // Copies one variable of all local neurons; false if the model has no such variable.
  virtual bool get_state(const std::string& variable, std::span<double> out) const = 0;
  virtual bool set_state(const std::string& variable, std::span<const double> in) = 0;
  // The local array that holds `variable` (one value per local neuron, valid for the
  // group's lifetime), or nullptr when the model computes the variable on request; state
  // recorders then fall back to get_state.
  virtual const double* state_data(const std::string& variable) const {
    (void)variable;
    return nullptr;
  }

  // Checkpoints (io/state_io.hpp): the complete dynamic state of the local neurons as tables
  // under `prefix`, keyed by gid. The default saves every variable of checkpoint_variables()
  // (by default the state variables); models with other state (spike sources) override these.
  virtual std::vector<std::string> checkpoint_variables() const { return state_variables(); }
  virtual void save_state(state_set& out, const std::string& prefix, const std::vector<gid_t>& gids) const;
  virtual void load_state(const state_set& in, const std::string& prefix, const std::vector<gid_t>& gids);
  // Bytes of state held per local neuron (for memory reports).
  virtual std::size_t bytes_per_neuron() const = 0;
};

}  // namespace balnet

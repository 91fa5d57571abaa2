// The generalised point neuron (MODELS.md 6.2 items 1-2): LIF, EIF and AdEx membranes with
// an optional adaptation current, absolute refractory period and reset, driven by current,
// conductance or delta receptors.
#pragma once

#include <cstdint>
#include <vector>

#include "balnet/core/distribution.hpp"
#include "balnet/model/model_registry.hpp"
#include "balnet/model/neuron_group.hpp"
#include "balnet/model/receptor_bank.hpp"

namespace balnet {

class section_reader;

enum class integrator {
  euler,      // forward Euler for V and w
  exp_euler,  // exponential Euler: inputs frozen over the step, linear part solved exactly
};

struct point_neuron_params final : model_params {
  std::string model = "lif";  // lif, eif or adex
  double C = 250.0;           // pF
  double g_L = 10.0;          // nS
  double E_L = -70.0;         // mV
  double V_th = -50.0;        // mV: spike when V >= V_th
  double V_reset = -60.0;     // mV
  double t_ref = 0.0;         // ms: V held at V_reset for this long after a spike
  double Delta_T = 0.0;       // mV: slope factor of the exponential term (eif, adex)
  double V_T = -50.0;         // mV: soft threshold of the exponential term (eif, adex)
  double a = 0.0;             // nS: subthreshold adaptation (adex)
  double b = 0.0;             // pA: spike-triggered adaptation (adex)
  double tau_w = 100.0;       // ms (adex)
  double I_e = 0.0;           // pA: constant bias current
  integrator method = integrator::euler;
  distribution V_init = distribution::constant(-70.0);
  distribution w_init = distribution::constant(0.0);

  // Reads the keys of `model` from a [population.NAME] section.
  static point_neuron_params read(section_reader& s, const std::string& model, double dt);
};

// Named AdEx parameter sets (`preset = ...` with model = adex).
std::vector<std::string> adex_preset_names();
point_neuron_params adex_preset(const std::string& name);

class point_neuron_group final : public neuron_group {
 public:
  // `gids` are the global ids of the local neurons (used to key initial-state draws).
  point_neuron_group(const point_neuron_params& p, std::vector<receptor_spec> receptors,
                     const std::vector<gid_t>& gids, double dt, std::uint64_t seed,
                     std::uint32_t population_hash);

  std::size_t size() const override { return V_.size(); }
  std::size_t receptor_count() const override { return bank_.count(); }
  double* receptor_input(std::size_t r) override { return bank_.input(r); }
  double* current_input() override { return current_.data(); }
  void update(step_t t, std::vector<index_t>& spiked) override;
  std::vector<std::string> state_variables() const override;
  bool get_state(const std::string& variable, std::span<double> out) const override;
  bool set_state(const std::string& variable, std::span<const double> in) override;
  const double* state_data(const std::string& variable) const override;
  std::size_t bytes_per_neuron() const override;

 private:
  point_neuron_params p_;
  receptor_bank bank_;
  double dt_;
  std::int32_t ref_steps_;
  bool has_exp_, has_adapt_, has_delta_, has_conductance_;
  std::vector<double> V_, w_;
  std::vector<std::int32_t> refractory_;          // steps left
  std::vector<double> current_;                   // external current accumulator (pA)
  std::vector<double> drive_I_, drive_G_, drive_V_;  // per-step scratch

  template <bool Exp, bool Adapt, bool Delta, bool ExpEuler>
  void integrate();
};

}  // namespace balnet

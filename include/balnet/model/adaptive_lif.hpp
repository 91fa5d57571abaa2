// The conductance LIF with a two-timescale adaptive threshold of project 2 (Barta & Fukai,
// MODELS.md section 2.1): theta = theta_0 + H1 + H2, spike when V > clip(theta, theta_min,
// theta_max), then V <- V_reset, H1 += a1 (per neuron, drawn once from a distribution),
// H2 += a2, V clamped for t_ref while conductances and thresholds keep evolving.
// Exponential Euler (Brian2's exponential_euler) or forward Euler.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "balnet/core/distribution.hpp"
#include "balnet/model/model_registry.hpp"
#include "balnet/model/neuron_group.hpp"
#include "balnet/model/point_neuron.hpp"
#include "balnet/model/receptor_bank.hpp"

namespace balnet {

class section_reader;

struct adaptive_lif_params final : model_params {
  double C = 200.0;        // pF
  double g_L = 10.0;       // nS
  double E_L = -80.0;      // mV
  double V_reset = -80.0;  // mV
  double theta_0 = -55.0, theta_min = -100.0, theta_max = 0.0;  // mV
  double tau_H1 = 10.0, tau_H2 = 200.0;  // ms
  distribution a1 = distribution::constant(2.0);  // mV, per neuron
  double a2 = 0.3;         // mV
  double t_ref = 2.0;      // ms
  double I_e = 0.0;        // pA
  integrator method = integrator::exp_euler;
  distribution V_init = distribution::constant(-80.0);

  static adaptive_lif_params read(section_reader& s, double dt);
};

class adaptive_lif_group final : public neuron_group {
 public:
  adaptive_lif_group(const adaptive_lif_params& p, const std::vector<receptor_spec>& receptors,
                     const std::vector<gid_t>& gids, double dt, std::uint64_t seed,
                     std::uint32_t population_hash);

  std::size_t size() const override { return V_.size(); }
  std::size_t receptor_count() const override { return bank_.count(); }
  double* receptor_input(std::size_t r) override { return bank_.input(r); }
  double receptor_scale(std::size_t r) const override { return bank_.scale(r); }
  double* current_input() override { return current_.data(); }
  void update(step_t t, std::vector<index_t>& spiked) override;
  std::vector<std::string> state_variables() const override;
  std::vector<std::string> checkpoint_variables() const override;  // theta is derived: not stored
  bool get_state(const std::string& variable, std::span<double> out) const override;
  bool set_state(const std::string& variable, std::span<const double> in) override;
  const double* state_data(const std::string& variable) const override;
  std::size_t bytes_per_neuron() const override;

 private:
  template <bool ExpEuler, bool Delta>
  void integrate(std::vector<index_t>& spiked);

  adaptive_lif_params p_;
  receptor_bank bank_;
  double dt_;
  std::int32_t ref_steps_;
  std::vector<double> V_, H1_, H2_, a1_;
  std::vector<std::int32_t> refractory_;
  std::vector<std::uint8_t> spiked_;  // scratch: 1 where a cell spiked in this step
  std::vector<double> current_, drive_I_, drive_G_, drive_V_;
};

}  // namespace balnet

// Hodgkin-Huxley point neurons: the classic squid-axon model (`model = hh`, Hodgkin and
// Huxley 1952 in the modern convention, rest near -65 mV) and the Traub-Miles cell of the
// COBAHH benchmark (`model = traub_miles`, Brette et al. 2007, benchmark 3). Integrated
// with exponential Euler (every variable linear in itself with the others frozen over the
// step, as Brian2's exponential_euler) or forward Euler. A spike is an upward crossing of
// V_spike (Brian2: threshold and refractory condition `v > V_spike`).
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

struct hh_params final : model_params {
  bool traub = false;     // traub_miles rate functions (with V_T), else classic HH
  double area = 20000.0;  // um^2
  double C_m = 1.0;       // uF/cm^2
  double g_Na = 120.0, g_K = 36.0, g_L = 0.3;  // mS/cm^2
  double E_Na = 50.0, E_K = -77.0, E_L = -54.387;  // mV
  double V_T = -63.0;     // mV (traub_miles)
  double V_spike = 0.0;   // mV
  double I_e = 0.0;       // pA
  integrator method = integrator::exp_euler;
  distribution V_init = distribution::constant(-65.0);
  bool has_m = false, has_h = false, has_n = false;  // else steady state at V_init
  distribution m_init, h_init, n_init;

  double C() const { return C_m * area * 1e-2; }  // pF
  double nS(double g_mS_per_cm2) const { return g_mS_per_cm2 * area * 1e-2; }

  static hh_params read(section_reader& s, const std::string& model);
};

// Rate functions (1/ms) of the gating variables at membrane potential v (mV).
struct hh_rates {
  double am, bm, ah, bh, an, bn;
};
hh_rates hh_rates_at(const hh_params& p, double v);

class hh_group final : public neuron_group {
 public:
  hh_group(const hh_params& p, const std::vector<receptor_spec>& receptors,
           const std::vector<gid_t>& gids, double dt, std::uint64_t seed,
           std::uint32_t population_hash);

  std::size_t size() const override { return V_.size(); }
  std::size_t receptor_count() const override { return bank_.count(); }
  double* receptor_input(std::size_t r) override { return bank_.input(r); }
  double receptor_scale(std::size_t r) const override { return bank_.scale(r); }
  double* current_input() override { return current_.data(); }
  void update(step_t t, std::vector<index_t>& spiked) override;
  std::vector<std::string> state_variables() const override;
  std::vector<std::string> checkpoint_variables() const override;  // + armed
  bool get_state(const std::string& variable, std::span<double> out) const override;
  bool set_state(const std::string& variable, std::span<const double> in) override;
  const double* state_data(const std::string& variable) const override;
  std::size_t bytes_per_neuron() const override;

 private:
  hh_params p_;
  receptor_bank bank_;
  double dt_;
  std::vector<double> V_, m_, h_, n_;
  std::vector<std::uint8_t> armed_;  // V was at or below V_spike since the last spike
  std::vector<std::uint8_t> fired_;  // scratch
  std::vector<double> current_, drive_I_, drive_G_, drive_V_;

  template <bool Traub, bool ExpEuler>
  void integrate();
};

}  // namespace balnet

// The Izhikevich (2003) quadratic model with its 20 named parameter sets (pyN's table,
// MODELS.md section 4.1), in the standard update order (Brian2/Izhikevich: forward Euler on
// v and u, reset at the spike) or pyN's (reset on the step after the spike, u from the new
// v, one sample at V_peak).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "balnet/core/distribution.hpp"
#include "balnet/model/model_registry.hpp"
#include "balnet/model/neuron_group.hpp"
#include "balnet/model/receptor_bank.hpp"

namespace balnet {

class section_reader;

struct izhikevich_preset {
  const char* name;
  double a, b, c, d, v0;
  double u0;  // NaN: b * v0
  const char* description;
};

// pyN's README table (20 sets), in its order.
const std::vector<izhikevich_preset>& izhikevich_presets();

struct izhikevich_params final : model_params {
  enum class order { standard, pyn };
  std::string preset;     // empty: none
  double a = 0.02, b = 0.2, c = -65.0, d = 6.0;
  double V_peak = 30.0;   // mV: spike when v reaches it (standard: v >= V_peak; pyn: v > V_peak)
  double I_e = 0.0;       // constant input (mV/ms, the model's current unit)
  order update_order = order::standard;
  distribution V_init = distribution::constant(-70.0);
  bool has_u_init = false;  // else u(0) = b v(0)
  distribution u_init = distribution::constant(0.0);

  static izhikevich_params read(section_reader& s);
};

class izhikevich_group final : public neuron_group {
 public:
  izhikevich_group(const izhikevich_params& p, const std::vector<receptor_spec>& receptors,
                   const std::vector<gid_t>& gids, double dt, std::uint64_t seed,
                   std::uint32_t population_hash);

  std::size_t size() const override { return v_.size(); }
  std::size_t receptor_count() const override { return bank_.count(); }
  double* receptor_input(std::size_t r) override { return bank_.input(r); }
  double receptor_scale(std::size_t r) const override { return bank_.scale(r); }
  double* current_input() override { return current_.data(); }
  void update(step_t t, std::vector<index_t>& spiked) override;
  std::vector<std::string> state_variables() const override;
  std::vector<std::string> checkpoint_variables() const override;  // + fired (previous step)
  bool get_state(const std::string& variable, std::span<double> out) const override;
  bool set_state(const std::string& variable, std::span<const double> in) override;
  const double* state_data(const std::string& variable) const override;
  std::size_t bytes_per_neuron() const override;

 private:
  izhikevich_params p_;
  receptor_bank bank_;
  double dt_;
  std::vector<double> v_, u_;
  std::vector<std::uint8_t> fired_;  // pyn order: spiked on the previous step
  std::vector<double> current_, drive_I_, drive_G_, drive_V_;
};

}  // namespace balnet

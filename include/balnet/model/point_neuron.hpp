// The generalised point neuron (MODELS.md 6.2 items 1-2): LIF, EIF and AdEx membranes with
// an optional adaptation current, absolute refractory period and reset, driven by current,
// conductance or delta receptors.
#pragma once

#include <cstdint>
#include <type_traits>
#include <vector>

#include "balnet/core/distribution.hpp"
#include "balnet/model/model_registry.hpp"
#include "balnet/model/neuron_group.hpp"

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
  bool single = false;        // state in single precision (faster, as Auryn) or double
  distribution V_init = distribution::constant(-70.0);
  distribution w_init = distribution::constant(0.0);

  // Reads the keys of `model` from a [population.NAME] section.
  static point_neuron_params read(section_reader& s, const std::string& model, double dt);
};

// R is the type of the state (double, or float for `precision = single`).
// Named AdEx parameter sets (`preset = ...` with model = adex).
std::vector<std::string> adex_preset_names();
point_neuron_params adex_preset(const std::string& name);

template <class R>
class basic_point_neuron_group final : public neuron_group {
 public:
  // `gids` are the global ids of the local neurons (used to key initial-state draws).
  basic_point_neuron_group(const point_neuron_params& p, std::vector<receptor_spec> receptors,
                           const std::vector<gid_t>& gids, double dt, std::uint64_t seed,
                           std::uint32_t population_hash);

  std::size_t size() const override { return V_.size(); }
  std::size_t receptor_count() const override { return receptors_.size(); }
  double* receptor_input(std::size_t r) override;
  float* receptor_input_single(std::size_t r) override;
  double receptor_scale(std::size_t r) const override { return jump_[r]; }
  double* current_input() override;
  void update(step_t t, std::vector<index_t>& spiked) override;
  std::vector<std::string> state_variables() const override;
  // Biexp kernels' values (differences) replaced by raw_<name>, their decaying state.
  std::vector<std::string> checkpoint_variables() const override;
  bool get_state(const std::string& variable, std::span<double> out) const override;
  bool set_state(const std::string& variable, std::span<const double> in) override;
  const double* state_data(const std::string& variable) const override;
  std::size_t bytes_per_neuron() const override;

 private:
  point_neuron_params p_;
  std::vector<receptor_spec> receptors_;
  double dt_;
  std::int32_t ref_steps_;
  bool has_exp_, has_adapt_, has_delta_, has_conductance_;
  std::vector<R> V_, w_;
  // Refractory steps left and per-step spike flags are integers as wide as R, so the update
  // loop keeps one lane width throughout (measured: about 30 % faster in double precision
  // than int32/uint8 arrays, equal in single precision).
  using counter = std::conditional_t<sizeof(R) == 8, std::int64_t, std::int32_t>;
  std::vector<counter> refractory_;               // steps left
  std::vector<std::vector<R>> syn_;               // one state per receptor, where arrivals
                                                  // land: I or g (exponential), the rising
                                                  // state (alpha), the pending weight (biexp,
                                                  // delta: the voltage jump)
  std::vector<std::vector<R>> aux_, aux2_;        // alpha: I or g; biexp: the decaying and
                                                  // the rising state (empty otherwise)
  std::vector<double> decay2_;                    // biexp: per-step decay of the rising state
  bool has_kernels_ = false;                      // an alpha or biexp receptor (general path)
  std::vector<double> current_;                   // external current (pA), allocated on request
  std::vector<counter> spiked_;                    // per-step spike flags (+ padding)
  std::vector<double> jump_, decay_;              // per receptor

  // Neurons are updated in blocks small enough that the per-block drive arrays stay in L1.
  static constexpr std::size_t block = 256;
  void update_block(std::size_t begin, std::size_t end);
  // An alpha or biexp receptor's contribution to a block (adds to I and G, advances it).
  void kernel_block(std::size_t r, std::size_t begin, std::size_t end, R* I, R* G);
  template <bool Exp, bool Adapt, bool Delta, bool Cond, bool ExpEuler>
  void integrate(std::size_t begin, std::size_t end, const R* I, const R* G, const R* DV);

  // Single-pass kernels for the common receptor sets (only current, only conductance, or one
  // delta receptor; no external current): receptor decay and membrane update in one loop.
  using kernel = void (basic_point_neuron_group::*)();
  kernel fused_ = nullptr;
  std::vector<std::size_t> current_rx_, conductance_rx_, delta_rx_;  // receptor indices by kind
  template <int NC, int NG, bool Delta, bool Exp, bool Adapt, bool ExpEuler>
  void fused();
  template <int NC, int NG, bool Delta>
  static kernel pick(bool exp, bool adapt, bool exp_euler);
  void choose_kernel();
};

using point_neuron_group = basic_point_neuron_group<double>;
using point_neuron_group_single = basic_point_neuron_group<float>;

}  // namespace balnet

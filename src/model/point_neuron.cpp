#include "balnet/model/point_neuron.hpp"

#include <cmath>

#include "balnet/core/error.hpp"
#include "balnet/core/fast_math.hpp"
#include "balnet/core/rng.hpp"
#include "balnet/io/config.hpp"

namespace balnet {

std::vector<std::string> adex_preset_names() {
  return {"brette_gerstner_2005", "zerlaut_rs", "zerlaut_fs"};
}

point_neuron_params adex_preset(const std::string& name) {
  point_neuron_params p;
  p.model = "adex";
  if (name == "brette_gerstner_2005") {
    // Brette & Gerstner (2005), as in Brian2's AdEx example: cut at V_T + 5 Delta_T.
    p.C = 281.0;
    p.g_L = 30.0;
    p.E_L = -70.6;
    p.V_T = -50.4;
    p.Delta_T = 2.0;
    p.V_th = -40.4;
    p.V_reset = -70.6;
    p.a = 4.0;
    p.b = 80.5;
    p.tau_w = 144.0;
    p.t_ref = 0.0;
  } else {
    // Zerlaut et al. (2018) RS and FS cells (MODELS.md 5.8): spike at V > V_T + 5 Delta_T.
    const bool rs = name == "zerlaut_rs";
    p.C = 200.0;
    p.g_L = 10.0;
    p.E_L = -70.0;
    p.V_reset = -70.0;
    p.V_T = -50.0;
    p.Delta_T = rs ? 2.0 : 0.5;
    p.V_th = p.V_T + 5.0 * p.Delta_T;
    p.a = 0.0;
    p.b = rs ? 40.0 : 0.0;
    p.tau_w = 500.0;
    p.t_ref = 5.0;
  }
  p.V_init = distribution::constant(p.E_L);
  return p;
}

point_neuron_params point_neuron_params::read(section_reader& s, const std::string& model,
                                              double dt) {
  point_neuron_params p;
  p.model = model;
  if (s.has("preset")) {
    if (model != "adex") s.fail("preset", "named parameter sets exist for model = adex only");
    const std::string name = s.choice("preset", adex_preset_names());
    p = adex_preset(name);
  }
  p.C = s.number("C", p.C);
  if (!(p.C > 0)) s.fail("C", "the membrane capacitance C (pF) must be > 0");
  const bool has_gl = s.has("g_L"), has_tau = s.has("tau_m");
  if (has_gl && has_tau) s.fail("tau_m", "give either g_L or tau_m, not both");
  if (has_tau) {
    p.g_L = p.C / s.positive("tau_m");
  } else {
    p.g_L = s.positive("g_L", p.g_L);
  }
  p.E_L = s.number("E_L", p.E_L);
  p.V_th = s.number("V_th", p.V_th);
  p.V_reset = s.number("V_reset", p.V_reset);
  if (!(p.V_reset < p.V_th)) s.fail("V_reset", "V_reset must be below V_th = " + std::to_string(p.V_th));
  p.t_ref = s.non_negative("t_ref", p.t_ref);
  if (p.t_ref > 0 && p.t_ref < dt * (1 - 1e-9)) {
    s.fail("t_ref", "a refractory period shorter than dt = " + std::to_string(dt) +
                        " ms cannot be resolved; use 0 or at least dt");
  }
  p.I_e = s.number("I_e", p.I_e);
  const std::string method = s.choice("integrator", {"euler", "exp_euler"}, "euler");
  p.method = method == "euler" ? integrator::euler : integrator::exp_euler;
  p.V_init = s.dist("V_init", distribution::constant(p.E_L));
  if (model == "eif" || model == "adex") {
    p.Delta_T = model == "eif" ? s.positive("Delta_T") : s.non_negative("Delta_T", p.Delta_T);
    p.V_T = s.number("V_T", p.Delta_T > 0 ? p.V_T : p.V_th);
  }
  if (model == "adex") {
    p.a = s.number("a", p.a);
    p.b = s.number("b", p.b);
    p.tau_w = s.positive("tau_w", p.tau_w);
    p.w_init = s.dist("w_init", distribution::constant(0.0));
  }
  return p;
}

point_neuron_group::point_neuron_group(const point_neuron_params& p,
                                       std::vector<receptor_spec> receptors,
                                       const std::vector<gid_t>& gids, double dt,
                                       std::uint64_t seed, std::uint32_t population_hash)
    : p_(p), bank_(receptors, gids, dt, seed, population_hash), dt_(dt) {
  const std::size_t n = gids.size();
  ref_steps_ = static_cast<std::int32_t>(std::llround(p_.t_ref / dt_));
  has_exp_ = p_.Delta_T > 0;
  has_adapt_ = p_.model == "adex";
  has_delta_ = bank_.has_delta();
  has_conductance_ = bank_.has_conductance();
  V_.resize(n);
  w_.assign(has_adapt_ ? n : 0, 0.0);
  refractory_.assign(n, 0);
  drive_I_.resize(n);
  current_.assign(n, 0.0);
  drive_G_.resize(has_conductance_ ? n : 0);
  drive_V_.resize(has_delta_ ? n : 0);
  for (std::size_t i = 0; i < n; ++i) {
    random_stream rs(seed, rng_domain::initial_state, population_hash, gids[i]);
    V_[i] = p_.V_init.sample(rs);
    if (has_adapt_) w_[i] = p_.w_init.sample(rs);
  }
}

template <bool Exp, bool Adapt, bool Delta, bool ExpEuler>
void point_neuron_group::integrate() {
  const std::size_t n = V_.size();
  double* __restrict V = V_.data();
  double* __restrict w = w_.data();
  std::int32_t* __restrict ref = refractory_.data();
  const double* __restrict I = drive_I_.data();
  const double* __restrict G = has_conductance_ ? drive_G_.data() : nullptr;
  const double* __restrict DV = drive_V_.data();
  const double dt_C = dt_ / p_.C;
  const double gL = p_.g_L, EL = p_.E_L, VT = p_.V_T, Vr = p_.V_reset;
  const double inv_dT = Exp ? 1.0 / p_.Delta_T : 0.0;
  const double gL_dT = gL * p_.Delta_T;
  const double a = p_.a, dt_tw = dt_ / p_.tau_w, exp_w = std::exp(-dt_ / p_.tau_w);
  const double leak_decay = std::exp(-dt_C * gL);  // exp Euler without conductances
  const bool cond = G != nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    double v = V[i];
    const bool refr = ref[i] > 0;
    if constexpr (Delta) v += refr ? 0.0 : DV[i];
    const double ex = Exp ? gL_dT * exp_det((v - VT) * inv_dT) : 0.0;
    const double wi = Adapt ? w[i] : 0.0;
    const double g = cond ? G[i] : 0.0;
    double vn;
    if constexpr (!ExpEuler) {
      vn = v + dt_C * (gL * (EL - v) + ex + I[i] - g * v - wi);
    } else {
      const double gt = gL + g;
      const double vinf = (gL * EL + ex + I[i] - wi) / gt;
      const double f = cond ? exp_det(-dt_C * gt) : leak_decay;
      vn = vinf + (v - vinf) * f;
    }
    if constexpr (Adapt) {
      if constexpr (!ExpEuler) {
        w[i] = wi + dt_tw * (a * (v - EL) - wi);
      } else {
        const double winf = a * (v - EL);
        w[i] = winf + (wi - winf) * exp_w;
      }
    }
    V[i] = refr ? Vr : vn;
    ref[i] = refr ? ref[i] - 1 : 0;
  }
}

void point_neuron_group::update(step_t, std::vector<index_t>& spiked) {
  const std::size_t n = V_.size();
  double* __restrict I = drive_I_.data();
  double* __restrict ext = current_.data();
  for (std::size_t i = 0; i < n; ++i) {
    I[i] = p_.I_e + ext[i];
    ext[i] = 0.0;
  }
  if (has_conductance_) std::fill(drive_G_.begin(), drive_G_.end(), 0.0);
  if (has_delta_) std::fill(drive_V_.begin(), drive_V_.end(), 0.0);
  bank_.step(I, has_conductance_ ? drive_G_.data() : nullptr, has_delta_ ? drive_V_.data() : nullptr);
  const bool ee = p_.method == integrator::exp_euler;
  // Dispatch to the specialisation without the unused terms.
  const int key = (has_exp_ ? 8 : 0) | (has_adapt_ ? 4 : 0) | (has_delta_ ? 2 : 0) | (ee ? 1 : 0);
  switch (key) {
    case 0: integrate<false, false, false, false>(); break;
    case 1: integrate<false, false, false, true>(); break;
    case 2: integrate<false, false, true, false>(); break;
    case 3: integrate<false, false, true, true>(); break;
    case 4: integrate<false, true, false, false>(); break;
    case 5: integrate<false, true, false, true>(); break;
    case 6: integrate<false, true, true, false>(); break;
    case 7: integrate<false, true, true, true>(); break;
    case 8: integrate<true, false, false, false>(); break;
    case 9: integrate<true, false, false, true>(); break;
    case 10: integrate<true, false, true, false>(); break;
    case 11: integrate<true, false, true, true>(); break;
    case 12: integrate<true, true, false, false>(); break;
    case 13: integrate<true, true, false, true>(); break;
    case 14: integrate<true, true, true, false>(); break;
    case 15: integrate<true, true, true, true>(); break;
  }
  const double Vth = p_.V_th, Vr = p_.V_reset, b = p_.b;
  for (std::size_t i = 0; i < n; ++i) {
    if (V_[i] >= Vth) {
      spiked.push_back(static_cast<index_t>(i));
      V_[i] = Vr;
      if (has_adapt_) w_[i] += b;
      refractory_[i] = ref_steps_;
    }
  }
}

std::vector<std::string> point_neuron_group::state_variables() const {
  std::vector<std::string> v = {"V"};
  if (has_adapt_) v.push_back("w");
  v.push_back("refractory_steps");
  for (auto& r : bank_.variables()) v.push_back(std::move(r));
  return v;
}

bool point_neuron_group::get_state(const std::string& var, std::span<double> out) const {
  const std::size_t n = V_.size();
  if (var == "V") {
    std::copy(V_.begin(), V_.end(), out.begin());
    return true;
  }
  if (var == "w" && has_adapt_) {
    std::copy(w_.begin(), w_.end(), out.begin());
    return true;
  }
  if (var == "refractory_steps") {
    for (std::size_t i = 0; i < n; ++i) out[i] = refractory_[i];
    return true;
  }
  return bank_.get(var, out);
}

bool point_neuron_group::set_state(const std::string& var, std::span<const double> in) {
  const std::size_t n = V_.size();
  if (var == "V") {
    std::copy(in.begin(), in.end(), V_.begin());
    return true;
  }
  if (var == "w" && has_adapt_) {
    std::copy(in.begin(), in.end(), w_.begin());
    return true;
  }
  if (var == "refractory_steps") {
    for (std::size_t i = 0; i < n; ++i) refractory_[i] = static_cast<std::int32_t>(in[i]);
    return true;
  }
  return bank_.set(var, in);
}

const double* point_neuron_group::state_data(const std::string& var) const {
  if (var == "V") return V_.data();
  if (var == "w" && has_adapt_) return w_.data();
  return bank_.data(var);
}

std::size_t point_neuron_group::bytes_per_neuron() const {
  std::size_t b = sizeof(double) * 2 + sizeof(std::int32_t) + (has_adapt_ ? sizeof(double) : 0);
  b += bank_.bytes_per_neuron();
  if (has_conductance_) b += sizeof(double);
  if (has_delta_) b += sizeof(double);
  return b;
}

}  // namespace balnet

#include "balnet/model/adaptive_lif.hpp"

#include <algorithm>
#include <cmath>

#include "balnet/core/fast_math.hpp"
#include "balnet/core/rng.hpp"
#include "balnet/io/config.hpp"

namespace balnet {

adaptive_lif_params adaptive_lif_params::read(section_reader& s, double dt) {
  adaptive_lif_params p;
  p.C = s.number("C", p.C);
  if (!(p.C > 0)) s.fail("C", "the membrane capacitance C (pF) must be > 0");
  p.g_L = s.positive("g_L", p.g_L);
  p.E_L = s.number("E_L", p.E_L);
  p.V_reset = s.number("V_reset", p.E_L);
  p.theta_0 = s.number("theta_0", p.theta_0);
  p.theta_min = s.number("theta_min", p.theta_min);
  p.theta_max = s.number("theta_max", p.theta_max);
  if (!(p.theta_min < p.theta_max)) s.fail("theta_min", "must be below theta_max = " + std::to_string(p.theta_max) + " mV");
  p.tau_H1 = s.positive("tau_H1", p.tau_H1);
  p.tau_H2 = s.positive("tau_H2", p.tau_H2);
  p.a1 = s.dist("a1", p.a1);
  p.a2 = s.number("a2", p.a2);
  p.t_ref = s.non_negative("t_ref", p.t_ref);
  if (p.t_ref > 0 && p.t_ref < dt * (1 - 1e-9)) {
    s.fail("t_ref", "a refractory period shorter than dt = " + std::to_string(dt) +
                        " ms cannot be resolved; use 0 or at least dt");
  }
  p.I_e = s.number("I_e", p.I_e);
  p.method = s.choice("integrator", {"exp_euler", "euler"}, "exp_euler") == "euler" ? integrator::euler
                                                                                  : integrator::exp_euler;
  p.V_init = s.dist("V_init", distribution::constant(p.E_L));
  return p;
}

adaptive_lif_group::adaptive_lif_group(const adaptive_lif_params& p,
                                       const std::vector<receptor_spec>& receptors,
                                       const std::vector<gid_t>& gids, double dt,
                                       std::uint64_t seed, std::uint32_t population_hash)
    : p_(p), bank_(receptors, gids, dt, seed, population_hash), dt_(dt) {
  const std::size_t n = gids.size();
  ref_steps_ = static_cast<std::int32_t>(std::llround(p_.t_ref / dt_));
  V_.resize(n);
  H1_.assign(n, 0.0);
  H2_.assign(n, 0.0);
  a1_.resize(n);
  refractory_.assign(n, 0);
  clamped_.assign(n, 0);
  current_.assign(n, 0.0);
  drive_I_.assign(n, 0.0);
  drive_G_.assign(n, 0.0);
  drive_V_.assign(bank_.has_delta() ? n : 0, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    random_stream rs(seed, rng_domain::initial_state, population_hash, gids[i]);
    V_[i] = p_.V_init.sample(rs);
    a1_[i] = p_.a1.sample(rs);
  }
}

void adaptive_lif_group::update(step_t, std::vector<index_t>& spiked) {
  const std::size_t n = V_.size();
  double* __restrict I = drive_I_.data();
  double* __restrict ext = current_.data();
  for (std::size_t i = 0; i < n; ++i) {
    I[i] = p_.I_e + ext[i];
    ext[i] = 0.0;
  }
  const bool delta = bank_.has_delta();
  std::fill(drive_G_.begin(), drive_G_.end(), 0.0);
  if (delta) std::fill(drive_V_.begin(), drive_V_.end(), 0.0);
  bank_.step(I, drive_G_.data(), delta ? drive_V_.data() : nullptr);

  double* __restrict V = V_.data();
  double* __restrict H1 = H1_.data();
  double* __restrict H2 = H2_.data();
  std::int32_t* __restrict ref = refractory_.data();
  std::uint8_t* __restrict clamped = clamped_.data();
  const double* __restrict G = drive_G_.data();
  const double* __restrict DV = drive_V_.data();
  const double C = p_.C, gL = p_.g_L, EL = p_.E_L, h = dt_;
  const bool ee = p_.method == integrator::exp_euler;
  const double d1 = ee ? std::exp(-h / p_.tau_H1) : 1.0 - h / p_.tau_H1;
  const double d2 = ee ? std::exp(-h / p_.tau_H2) : 1.0 - h / p_.tau_H2;
  for (std::size_t i = 0; i < n; ++i) {
    const bool refr = ref[i] > 0;
    double v = V[i];
    if (delta) v += refr ? 0.0 : DV[i];
    const double gt = gL + G[i];
    double vn;
    if (ee) {
      const double vinf = (gL * EL + I[i]) / gt;
      vn = (v - vinf) * exp_det(-h * gt / C) + vinf;
    } else {
      vn = v + h * (gL * (EL - v) + I[i] - G[i] * v) / C;
    }
    V[i] = refr ? V[i] : vn;
    clamped[i] = refr ? 1 : 0;
    ref[i] = refr ? ref[i] - 1 : 0;
    H1[i] *= d1;
    H2[i] *= d2;
  }
  const double t0 = p_.theta_0, tmin = p_.theta_min, tmax = p_.theta_max;
  const double Vr = p_.V_reset, a2 = p_.a2;
  for (std::size_t i = 0; i < n; ++i) {
    const double theta = std::clamp(t0 + H1[i] + H2[i], tmin, tmax);
    if (!clamped[i] && V[i] > theta) {
      spiked.push_back(static_cast<index_t>(i));
      V[i] = Vr;
      H1[i] += a1_[i];
      H2[i] += a2;
      ref[i] = ref_steps_;
    }
  }
}

std::vector<std::string> adaptive_lif_group::state_variables() const {
  std::vector<std::string> v = {"V", "H1", "H2", "theta", "a1", "refractory_steps"};
  for (auto& r : bank_.variables()) v.push_back(std::move(r));
  return v;
}

std::vector<std::string> adaptive_lif_group::checkpoint_variables() const {
  std::vector<std::string> v = {"V", "H1", "H2", "a1", "refractory_steps"};
  for (auto& r : bank_.checkpoint_variables()) v.push_back(std::move(r));
  return v;
}

const double* adaptive_lif_group::state_data(const std::string& var) const {
  if (var == "V") return V_.data();
  if (var == "H1") return H1_.data();
  if (var == "H2") return H2_.data();
  if (var == "a1") return a1_.data();
  return bank_.data(var);
}

bool adaptive_lif_group::get_state(const std::string& var, std::span<double> out) const {
  const std::size_t n = V_.size();
  if (const double* d = (var == "V" || var == "H1" || var == "H2" || var == "a1") ? state_data(var) : nullptr) {
    std::copy(d, d + n, out.begin());
    return true;
  }
  if (var == "theta") {
    for (std::size_t i = 0; i < n; ++i) out[i] = p_.theta_0 + H1_[i] + H2_[i];
    return true;
  }
  if (var == "refractory_steps") {
    for (std::size_t i = 0; i < n; ++i) out[i] = refractory_[i];
    return true;
  }
  return bank_.get(var, out);
}

bool adaptive_lif_group::set_state(const std::string& var, std::span<const double> in) {
  std::vector<double>* dst = var == "V" ? &V_ : var == "H1" ? &H1_ : var == "H2" ? &H2_ : var == "a1" ? &a1_ : nullptr;
  if (dst) {
    std::copy(in.begin(), in.end(), dst->begin());
    return true;
  }
  if (var == "refractory_steps") {
    for (std::size_t i = 0; i < V_.size(); ++i) refractory_[i] = static_cast<std::int32_t>(in[i]);
    return true;
  }
  return bank_.set(var, in);
}

std::size_t adaptive_lif_group::bytes_per_neuron() const {
  return 4 * sizeof(double) + sizeof(std::int32_t) + 1 + 4 * sizeof(double) + bank_.bytes_per_neuron();
}

}  // namespace balnet

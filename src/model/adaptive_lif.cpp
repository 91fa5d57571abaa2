#include "balnet/model/adaptive_lif.hpp"

#include <algorithm>
#include <cmath>

#include "balnet/core/fast_math.hpp"
#include "balnet/core/rng.hpp"
#include "balnet/core/spike_flags.hpp"
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
  spiked_.assign(n, 0);
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

  if (p_.method == integrator::exp_euler) {
    delta ? integrate<true, true>(spiked) : integrate<true, false>(spiked);
  } else {
    delta ? integrate<false, true>(spiked) : integrate<false, false>(spiked);
  }
}

namespace {

struct alif_constants {
  double C, gL, EL, h, d1, d2, t0, tmin, tmax, Vr, a2;
  std::int32_t ref_steps;
};

// One fused, branch-free pass over the cells (the compiler vectorises it): membrane,
// refractory counter, both threshold components and the spike test, with selects instead of
// branches. The arithmetic is the same, operation by operation, as the earlier two-pass loop
// (decay of H1/H2, then theta = clip(theta_0 + H1 + H2), spike when not clamped and V > theta).
template <bool ExpEuler, bool Delta>
void alif_kernel(std::size_t n, const alif_constants k, double* __restrict V, double* __restrict H1,
                 double* __restrict H2, std::int32_t* __restrict ref, std::uint8_t* __restrict spk,
                 const double* __restrict A1, const double* __restrict I, const double* __restrict G,
                 const double* __restrict DV) {
  const double C = k.C, gL = k.gL, EL = k.EL, h = k.h, d1 = k.d1, d2 = k.d2;
  const double t0 = k.t0, tmin = k.tmin, tmax = k.tmax, Vr = k.Vr, a2 = k.a2;
  const std::int32_t ref_steps = k.ref_steps;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t r = ref[i];
    const bool refr = r > 0;
    const double v0 = V[i], a1 = A1[i];
    double v = v0;
    if constexpr (Delta) v += DV[i];  // only used when not refractory
    const double gt = gL + G[i];
    double vn;
    if constexpr (ExpEuler) {
      const double vinf = (gL * EL + I[i]) / gt;
      vn = (v - vinf) * exp_det(-h * gt / C) + vinf;
    } else {
      vn = v + h * (gL * (EL - v) + I[i] - G[i] * v) / C;
    }
    const double h1 = H1[i] * d1;
    const double h2 = H2[i] * d2;
    const double raw = t0 + h1 + h2;
    const double theta = raw < tmin ? tmin : (tmax < raw ? tmax : raw);  // std::clamp
    const bool spike = !refr & (vn > theta);
    V[i] = spike ? Vr : (refr ? v0 : vn);  // this order of the selects vectorises (GCC 12)
    H1[i] = spike ? h1 + a1 : h1;
    H2[i] = spike ? h2 + a2 : h2;
    const std::int32_t left = r - 1;
    ref[i] = spike ? ref_steps : (left > 0 ? left : 0);
    spk[i] = spike ? 1 : 0;
  }
}

}  // namespace

template <bool ExpEuler, bool Delta>
void adaptive_lif_group::integrate(std::vector<index_t>& spiked) {
  const std::size_t n = V_.size();
  const double h = dt_;
  alif_constants k{};
  k.C = p_.C;
  k.gL = p_.g_L;
  k.EL = p_.E_L;
  k.h = h;
  k.d1 = ExpEuler ? std::exp(-h / p_.tau_H1) : 1.0 - h / p_.tau_H1;
  k.d2 = ExpEuler ? std::exp(-h / p_.tau_H2) : 1.0 - h / p_.tau_H2;
  k.t0 = p_.theta_0;
  k.tmin = p_.theta_min;
  k.tmax = p_.theta_max;
  k.Vr = p_.V_reset;
  k.a2 = p_.a2;
  k.ref_steps = ref_steps_;
  alif_kernel<ExpEuler, Delta>(n, k, V_.data(), H1_.data(), H2_.data(), refractory_.data(), spiked_.data(),
                               a1_.data(), drive_I_.data(), drive_G_.data(), drive_V_.data());
  append_flagged(spiked_.data(), n, spiked);
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

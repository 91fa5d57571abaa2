#include "balnet/model/point_neuron.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "balnet/core/error.hpp"
#include "balnet/core/fast_math.hpp"
#include "balnet/core/rng.hpp"
#include "balnet/core/spike_flags.hpp"
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
    p = adex_preset(s.choice("preset", adex_preset_names()));
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
  p.single = s.choice("precision", {"double", "single"}, "double") == "single";
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

template <class R>
basic_point_neuron_group<R>::basic_point_neuron_group(const point_neuron_params& p,
                                                      std::vector<receptor_spec> receptors,
                                                      const std::vector<gid_t>& gids, double dt,
                                                      std::uint64_t seed,
                                                      std::uint32_t population_hash)
    : p_(p), receptors_(std::move(receptors)), dt_(dt) {
  const std::size_t n = gids.size();
  ref_steps_ = static_cast<std::int32_t>(std::llround(p_.t_ref / dt_));
  has_exp_ = p_.Delta_T > 0;
  has_adapt_ = p_.model == "adex";
  has_delta_ = false;
  has_conductance_ = false;
  V_.resize(n);
  w_.assign(has_adapt_ ? n : 0, R(0));
  refractory_.assign(n, 0);
  for (std::size_t ri = 0; ri < receptors_.size(); ++ri) {
    const auto& r = receptors_[ri];
    syn_.emplace_back(n, R(0));
    jump_.push_back(receptor_jump(r));
    decay_.push_back(r.kind == receptor_kind::delta ? 0.0 : std::exp(-dt_ / r.tau));
    const bool kernel = r.kind != receptor_kind::delta && r.kernel != receptor_kernel::exponential;
    aux_.emplace_back(kernel ? n : 0, R(0));
    aux2_.emplace_back(kernel && r.kernel == receptor_kernel::biexp ? n : 0, R(0));
    decay2_.push_back(r.kernel == receptor_kernel::biexp ? std::exp(-dt_ / r.tau_rise) : 0.0);
    if (kernel) has_kernels_ = true;
    if (r.kind != receptor_kind::delta && !(r.init.is_constant() && r.init.a == 0.0)) {
      // Initial I or g, from a fixed offset of the neuron's initial-state stream.
      auto& value = kernel ? aux_.back() : syn_.back();
      for (std::size_t i = 0; i < n; ++i) {
        random_stream rs(seed, rng_domain::initial_state, population_hash, gids[i],
                         (std::uint64_t{1} << 40) + (static_cast<std::uint64_t>(ri) << 20));
        value[i] = static_cast<R>(r.init.sample(rs));
      }
    }
    const std::size_t idx = syn_.size() - 1;
    if (r.kind == receptor_kind::delta) {
      has_delta_ = true;
      delta_rx_.push_back(idx);
    } else if (r.kind == receptor_kind::conductance) {
      has_conductance_ = true;
      conductance_rx_.push_back(idx);
    } else {
      current_rx_.push_back(idx);
    }
  }
  spiked_.assign(n, 0);
  choose_kernel();
  for (std::size_t i = 0; i < n; ++i) {
    random_stream rs(seed, rng_domain::initial_state, population_hash, gids[i]);
    V_[i] = static_cast<R>(p_.V_init.sample(rs));
    if (has_adapt_) w_[i] = static_cast<R>(p_.w_init.sample(rs));
  }
}

template <class R>
template <bool Exp, bool Adapt, bool Delta, bool Cond, bool ExpEuler>
void basic_point_neuron_group<R>::integrate(std::size_t begin, std::size_t end,
                                            const R* __restrict I, const R* __restrict G,
                                            const R* __restrict DV) {
  const std::size_t n = end - begin;
  R* __restrict V = V_.data() + begin;
  R* __restrict w = Adapt ? w_.data() + begin : nullptr;
  counter* __restrict ref = refractory_.data() + begin;
  counter* __restrict spk = spiked_.data() + begin;
  const R dt_C = static_cast<R>(dt_ / p_.C);
  const R gL = static_cast<R>(p_.g_L), EL = static_cast<R>(p_.E_L), VT = static_cast<R>(p_.V_T);
  const R Vr = static_cast<R>(p_.V_reset), Vth = static_cast<R>(p_.V_th);
  const R inv_dT = static_cast<R>(Exp ? 1.0 / p_.Delta_T : 0.0);
  const R gL_dT = static_cast<R>(p_.g_L * p_.Delta_T);
  const R a = static_cast<R>(p_.a), b = static_cast<R>(p_.b);
  const R dt_tw = static_cast<R>(dt_ / p_.tau_w), exp_w = static_cast<R>(std::exp(-dt_ / p_.tau_w));
  const R leak_decay = static_cast<R>(std::exp(-dt_ / p_.C * p_.g_L));
  const counter ref_steps = ref_steps_;
  // Branch-free, so the loop vectorises; every lane computes exactly what the scalar
  // remainder would (no FMA contraction, no reassociation).
  for (std::size_t i = 0; i < n; ++i) {
    R v = V[i];
    const bool refr = ref[i] > 0;
    if constexpr (Delta) v += refr ? R(0) : DV[i];
    R ex = 0;
    if constexpr (Exp) ex = gL_dT * exp_det((v - VT) * inv_dT);
    const R wi = Adapt ? w[i] : R(0);
    const R g = Cond ? G[i] : R(0);
    R vn;
    if constexpr (!ExpEuler) {
      vn = v + dt_C * (gL * (EL - v) + ex + I[i] - g * v - wi);
    } else {
      const R gt = gL + g;
      const R vinf = (gL * EL + ex + I[i] - wi) / gt;
      const R f = Cond ? exp_det(-dt_C * gt) : leak_decay;
      vn = vinf + (v - vinf) * f;
    }
    // Bitwise & and |, and max(ref - 1, 0): no short-circuit for the compiler to turn into
    // masked stores and branches (measured: the COBA update loop 28 % faster in double).
    const bool spike = !refr & (vn >= Vth);
    if constexpr (Adapt) {
      R wn;
      if constexpr (!ExpEuler) {
        wn = wi + dt_tw * (a * (v - EL) - wi);
      } else {
        const R winf = a * (v - EL);
        wn = winf + (wi - winf) * exp_w;
      }
      w[i] = spike ? wn + b : wn;
    }
    V[i] = (refr | spike) ? Vr : vn;
    const counter left = ref[i] - 1;
    ref[i] = spike ? ref_steps : (left > 0 ? left : counter(0));
    spk[i] = spike ? 1 : 0;
  }
}

template <class R>
double* basic_point_neuron_group<R>::receptor_input(std::size_t r) {
  if constexpr (std::is_same_v<R, double>) {
    return syn_[r].data();
  } else {
    return nullptr;
  }
}

template <class R>
float* basic_point_neuron_group<R>::receptor_input_single(std::size_t r) {
  if constexpr (std::is_same_v<R, float>) {
    return syn_[r].data();
  } else {
    return nullptr;
  }
}

template <class R>
double* basic_point_neuron_group<R>::current_input() {
  if (current_.empty()) {
    current_.assign(V_.size(), 0.0);
    choose_kernel();
  }
  return current_.data();
}

template <class R>
void basic_point_neuron_group<R>::update_block(std::size_t begin, std::size_t end) {
  const std::size_t n = end - begin;
  alignas(64) R I[block], G[block], D[block];
  const R Ie = static_cast<R>(p_.I_e);
  if (current_.empty()) {
    std::fill(I, I + n, Ie);
  } else {
    double* __restrict ext = current_.data() + begin;
    for (std::size_t i = 0; i < n; ++i) {
      I[i] = Ie + static_cast<R>(ext[i]);
      ext[i] = 0.0;
    }
  }
  if (has_conductance_) std::fill(G, G + n, R(0));
  if (has_delta_) std::fill(D, D + n, R(0));
  // Arrivals of this step have already been added to the receptor states.
  for (std::size_t r = 0; r < receptors_.size(); ++r) {
    R* __restrict s = syn_[r].data() + begin;
    const R decay = static_cast<R>(decay_[r]);
    if (receptors_[r].kind != receptor_kind::delta && receptors_[r].kernel != receptor_kernel::exponential) {
      kernel_block(r, begin, end, I, G);
      continue;
    }
    switch (receptors_[r].kind) {
      case receptor_kind::current:
        for (std::size_t i = 0; i < n; ++i) {
          const R x = s[i];
          I[i] += x;
          s[i] = x * decay;
        }
        break;
      case receptor_kind::conductance: {
        const R E = static_cast<R>(receptors_[r].E_rev);
        for (std::size_t i = 0; i < n; ++i) {
          const R g = s[i];
          G[i] += g;
          I[i] += g * E;
          s[i] = g * decay;
        }
        break;
      }
      case receptor_kind::delta:
        for (std::size_t i = 0; i < n; ++i) {
          D[i] += s[i];
          s[i] = R(0);
        }
        break;
    }
  }
  const bool ee = p_.method == integrator::exp_euler;
  // Dispatch to the specialisation without the unused terms.
  const int key = (has_exp_ ? 16 : 0) | (has_adapt_ ? 8 : 0) | (has_delta_ ? 4 : 0) |
                  (has_conductance_ ? 2 : 0) | (ee ? 1 : 0);
  switch (key) {
#define BALNET_CASE(k)                                                                  \
  case k:                                                                               \
    integrate<((k)&16) != 0, ((k)&8) != 0, ((k)&4) != 0, ((k)&2) != 0, ((k)&1) != 0>( \
        begin, end, I, G, D);                                                           \
    break;
    BALNET_CASE(0) BALNET_CASE(1) BALNET_CASE(2) BALNET_CASE(3) BALNET_CASE(4) BALNET_CASE(5)
    BALNET_CASE(6) BALNET_CASE(7) BALNET_CASE(8) BALNET_CASE(9) BALNET_CASE(10) BALNET_CASE(11)
    BALNET_CASE(12) BALNET_CASE(13) BALNET_CASE(14) BALNET_CASE(15) BALNET_CASE(16)
    BALNET_CASE(17) BALNET_CASE(18) BALNET_CASE(19) BALNET_CASE(20) BALNET_CASE(21)
    BALNET_CASE(22) BALNET_CASE(23) BALNET_CASE(24) BALNET_CASE(25) BALNET_CASE(26)
    BALNET_CASE(27) BALNET_CASE(28) BALNET_CASE(29) BALNET_CASE(30) BALNET_CASE(31)
#undef BALNET_CASE
  }
}

template <class R>
void basic_point_neuron_group<R>::kernel_block(std::size_t r, std::size_t begin, std::size_t end,
                                               R* __restrict I, R* __restrict G) {
  const std::size_t n = end - begin;
  const auto& rc = receptors_[r];
  const bool cond = rc.kind == receptor_kind::conductance;
  const R E = static_cast<R>(rc.E_rev), d1 = static_cast<R>(decay_[r]), h = static_cast<R>(dt_);
  R* __restrict s = syn_[r].data() + begin;
  R* __restrict v = aux_[r].data() + begin;
  if (rc.kernel == receptor_kernel::alpha) {
    // y1' = -y1/tau (arrivals land in y1), y2' = y1 - y2/tau, solved exactly over the step.
    for (std::size_t i = 0; i < n; ++i) {
      const R y1 = s[i], x = v[i];
      if (cond) {
        G[i] += x;
        I[i] += x * E;
      } else {
        I[i] += x;
      }
      v[i] = d1 * (x + h * y1);
      s[i] = d1 * y1;
    }
    return;
  }
  // biexp: the pending weight enters both states; the kernel is their difference.
  R* __restrict w = aux2_[r].data() + begin;
  const R d2 = static_cast<R>(decay2_[r]);
  for (std::size_t i = 0; i < n; ++i) {
    const R a = v[i] + s[i], b = w[i] + s[i];
    s[i] = R(0);
    const R x = a - b;
    if (cond) {
      G[i] += x;
      I[i] += x * E;
    } else {
      I[i] += x;
    }
    v[i] = a * d1;
    w[i] = b * d2;
  }
}

template <class R>
template <int NC, int NG, bool Delta, bool Exp, bool Adapt, bool ExpEuler>
void basic_point_neuron_group<R>::fused() {
  const std::size_t n = V_.size();
  R* __restrict V = V_.data();
  R* __restrict w = Adapt ? w_.data() : nullptr;
  counter* __restrict ref = refractory_.data();
  counter* __restrict spk = spiked_.data();
  R* __restrict sc[NC > 0 ? NC : 1];
  R dc[NC > 0 ? NC : 1];
  for (int k = 0; k < NC; ++k) {
    sc[k] = syn_[current_rx_[static_cast<std::size_t>(k)]].data();
    dc[k] = static_cast<R>(decay_[current_rx_[static_cast<std::size_t>(k)]]);
  }
  R* __restrict sg[NG > 0 ? NG : 1];
  R dg[NG > 0 ? NG : 1], Eg[NG > 0 ? NG : 1];
  for (int k = 0; k < NG; ++k) {
    const std::size_t r = conductance_rx_[static_cast<std::size_t>(k)];
    sg[k] = syn_[r].data();
    dg[k] = static_cast<R>(decay_[r]);
    Eg[k] = static_cast<R>(receptors_[r].E_rev);
  }
  R* __restrict sd = Delta ? syn_[delta_rx_[0]].data() : nullptr;
  const R dt_C = static_cast<R>(dt_ / p_.C);
  const R gL = static_cast<R>(p_.g_L), EL = static_cast<R>(p_.E_L), VT = static_cast<R>(p_.V_T);
  const R Vr = static_cast<R>(p_.V_reset), Vth = static_cast<R>(p_.V_th);
  const R Ie = static_cast<R>(p_.I_e);
  const R inv_dT = static_cast<R>(Exp ? 1.0 / p_.Delta_T : 0.0);
  const R gL_dT = static_cast<R>(p_.g_L * p_.Delta_T);
  const R a = static_cast<R>(p_.a), b = static_cast<R>(p_.b);
  const R dt_tw = static_cast<R>(dt_ / p_.tau_w), exp_w = static_cast<R>(std::exp(-dt_ / p_.tau_w));
  const R leak_decay = static_cast<R>(std::exp(-dt_ / p_.C * p_.g_L));
  const counter ref_steps = ref_steps_;
  for (std::size_t i = 0; i < n; ++i) {
    R I = Ie, G = 0;
    for (int k = 0; k < NC; ++k) {
      const R x = sc[k][i];
      I += x;
      sc[k][i] = x * dc[k];
    }
    for (int k = 0; k < NG; ++k) {
      const R g = sg[k][i];
      G += g;
      I += g * Eg[k];
      sg[k][i] = g * dg[k];
    }
    R v = V[i];
    const bool refr = ref[i] > 0;
    if constexpr (Delta) {
      v += refr ? R(0) : sd[i];
      sd[i] = R(0);
    }
    R ex = 0;
    if constexpr (Exp) ex = gL_dT * exp_det((v - VT) * inv_dT);
    const R wi = Adapt ? w[i] : R(0);
    R vn;
    if constexpr (!ExpEuler) {
      vn = v + dt_C * (gL * (EL - v) + ex + I - G * v - wi);
    } else {
      const R gt = gL + G;
      const R vinf = (gL * EL + ex + I - wi) / gt;
      const R f = NG > 0 ? exp_det(-dt_C * gt) : leak_decay;
      vn = vinf + (v - vinf) * f;
    }
    // Bitwise & and |, and max(ref - 1, 0): no short-circuit for the compiler to turn into
    // masked stores and branches (measured: the COBA update loop 28 % faster in double).
    const bool spike = !refr & (vn >= Vth);
    if constexpr (Adapt) {
      R wn;
      if constexpr (!ExpEuler) {
        wn = wi + dt_tw * (a * (v - EL) - wi);
      } else {
        const R winf = a * (v - EL);
        wn = winf + (wi - winf) * exp_w;
      }
      w[i] = spike ? wn + b : wn;
    }
    V[i] = (refr | spike) ? Vr : vn;
    const counter left = ref[i] - 1;
    ref[i] = spike ? ref_steps : (left > 0 ? left : counter(0));
    spk[i] = spike ? 1 : 0;
  }
}

template <class R>
template <int NC, int NG, bool Delta>
typename basic_point_neuron_group<R>::kernel basic_point_neuron_group<R>::pick(bool exp, bool adapt,
                                                                              bool exp_euler) {
  using self = basic_point_neuron_group<R>;
  const int k = (exp ? 4 : 0) | (adapt ? 2 : 0) | (exp_euler ? 1 : 0);
  switch (k) {
    case 0: return &self::template fused<NC, NG, Delta, false, false, false>;
    case 1: return &self::template fused<NC, NG, Delta, false, false, true>;
    case 2: return &self::template fused<NC, NG, Delta, false, true, false>;
    case 3: return &self::template fused<NC, NG, Delta, false, true, true>;
    case 4: return &self::template fused<NC, NG, Delta, true, false, false>;
    case 5: return &self::template fused<NC, NG, Delta, true, false, true>;
    case 6: return &self::template fused<NC, NG, Delta, true, true, false>;
    default: return &self::template fused<NC, NG, Delta, true, true, true>;
  }
}

template <class R>
void basic_point_neuron_group<R>::choose_kernel() {
  fused_ = nullptr;
  if (!current_.empty()) return;  // an input injects current: use the general path
  if (has_kernels_) return;        // alpha or biexp receptors: the general path
  const std::size_t nc = current_rx_.size(), ng = conductance_rx_.size(), nd = delta_rx_.size();
  const bool e = has_exp_, ad = has_adapt_, ee = p_.method == integrator::exp_euler;
  if (nd == 1 && nc == 0 && ng == 0) fused_ = pick<0, 0, true>(e, ad, ee);
  if (nd != 0) return;
  if (nc == 0 && ng == 0) fused_ = pick<0, 0, false>(e, ad, ee);
  if (ng == 0 && nc == 1) fused_ = pick<1, 0, false>(e, ad, ee);
  if (ng == 0 && nc == 2) fused_ = pick<2, 0, false>(e, ad, ee);
  if (ng == 0 && nc == 3) fused_ = pick<3, 0, false>(e, ad, ee);
  if (nc == 0 && ng == 1) fused_ = pick<0, 1, false>(e, ad, ee);
  if (nc == 0 && ng == 2) fused_ = pick<0, 2, false>(e, ad, ee);
  if (nc == 0 && ng == 3) fused_ = pick<0, 3, false>(e, ad, ee);
}

template <class R>
void basic_point_neuron_group<R>::update(step_t, std::vector<index_t>& spiked) {
  const std::size_t n = V_.size();
  if (fused_) {
    (this->*fused_)();
  } else {
    for (std::size_t b = 0; b < n; b += block) update_block(b, std::min(n, b + block));
  }
  append_flagged(spiked_.data(), n, spiked);
}

template <class R>
std::vector<std::string> basic_point_neuron_group<R>::state_variables() const {
  std::vector<std::string> v = {"V"};
  if (has_adapt_) v.push_back("w");
  v.push_back("refractory_steps");
  for (const auto& r : receptors_) {
    if (r.kind == receptor_kind::current) v.push_back("I_" + r.name);
    if (r.kind == receptor_kind::conductance) v.push_back("g_" + r.name);
    if (r.kind == receptor_kind::delta) v.push_back("pending_" + r.name);
  }
  for (const auto& r : receptors_) {
    if (r.kind != receptor_kind::delta && r.kernel != receptor_kernel::exponential) v.push_back("x_" + r.name);
  }
  return v;
}

namespace {

template <class R>
void copy_out(const std::vector<R>& from, std::span<double> to) {
  for (std::size_t i = 0; i < from.size(); ++i) to[i] = static_cast<double>(from[i]);
}

template <class R>
void copy_in(std::span<const double> from, std::vector<R>& to) {
  for (std::size_t i = 0; i < to.size(); ++i) to[i] = static_cast<R>(from[i]);
}

// The receptor that `var` names, and whether it names its second state (x_NAME).
int find_receptor(const std::vector<receptor_spec>& rs, const std::string& var, bool& aux) {
  for (std::size_t r = 0; r < rs.size(); ++r) {
    const auto& rc = rs[r];
    const char* prefix = rc.kind == receptor_kind::current       ? "I_"
                         : rc.kind == receptor_kind::conductance ? "g_"
                                                                 : "pending_";
    if (var == prefix + rc.name) {
      aux = false;
      return static_cast<int>(r);
    }
    if (rc.kind != receptor_kind::delta && rc.kernel != receptor_kernel::exponential && var == "x_" + rc.name) {
      aux = true;
      return static_cast<int>(r);
    }
  }
  return -1;
}

}  // namespace

template <class R>
std::vector<std::string> basic_point_neuron_group<R>::checkpoint_variables() const {
  std::vector<std::string> v = state_variables();
  for (const auto& r : receptors_) {
    if (r.kind == receptor_kind::delta || r.kernel != receptor_kernel::biexp) continue;
    const std::string value = (r.kind == receptor_kind::current ? "I_" : "g_") + r.name;
    for (auto& name : v) {
      if (name == value) name = "raw_" + r.name;
    }
  }
  return v;
}

namespace {

// The biexp receptor that `var` = raw_NAME names, or -1.
int find_raw(const std::vector<receptor_spec>& rs, const std::string& var) {
  for (std::size_t r = 0; r < rs.size(); ++r) {
    if (rs[r].kind != receptor_kind::delta && rs[r].kernel == receptor_kernel::biexp && var == "raw_" + rs[r].name) {
      return static_cast<int>(r);
    }
  }
  return -1;
}

}  // namespace

template <class R>
bool basic_point_neuron_group<R>::get_state(const std::string& var, std::span<double> out) const {
  if (const int k = find_raw(receptors_, var); k >= 0) {
    copy_out(aux_[static_cast<std::size_t>(k)], out);
    return true;
  }
  if (var == "V") {
    copy_out(V_, out);
    return true;
  }
  if (var == "w" && has_adapt_) {
    copy_out(w_, out);
    return true;
  }
  if (var == "refractory_steps") {
    for (std::size_t i = 0; i < refractory_.size(); ++i) out[i] = refractory_[i];
    return true;
  }
  bool aux = false;
  const int r = find_receptor(receptors_, var, aux);
  if (r < 0) return false;
  const auto k = static_cast<std::size_t>(r);
  const receptor_kernel kernel = receptors_[k].kernel;
  if (receptors_[k].kind == receptor_kind::delta || kernel == receptor_kernel::exponential) {
    copy_out(syn_[k], out);
  } else if (kernel == receptor_kernel::alpha) {
    copy_out(aux ? syn_[k] : aux_[k], out);
  } else if (aux) {
    copy_out(aux2_[k], out);
  } else {
    for (std::size_t i = 0; i < V_.size(); ++i) out[i] = static_cast<double>(aux_[k][i]) - static_cast<double>(aux2_[k][i]);
  }
  return true;
}

template <class R>
bool basic_point_neuron_group<R>::set_state(const std::string& var, std::span<const double> in) {
  if (const int k = find_raw(receptors_, var); k >= 0) {
    copy_in(in, aux_[static_cast<std::size_t>(k)]);
    return true;
  }
  if (var == "V") {
    copy_in(in, V_);
    return true;
  }
  if (var == "w" && has_adapt_) {
    copy_in(in, w_);
    return true;
  }
  if (var == "refractory_steps") {
    for (std::size_t i = 0; i < refractory_.size(); ++i) refractory_[i] = static_cast<counter>(in[i]);
    return true;
  }
  bool aux = false;
  const int r = find_receptor(receptors_, var, aux);
  if (r < 0) return false;
  const auto k = static_cast<std::size_t>(r);
  const receptor_kernel kernel = receptors_[k].kernel;
  if (receptors_[k].kind == receptor_kind::delta || kernel == receptor_kernel::exponential) {
    copy_in(in, syn_[k]);
  } else if (kernel == receptor_kernel::alpha) {
    copy_in(in, aux ? syn_[k] : aux_[k]);
  } else if (aux) {
    copy_in(in, aux2_[k]);
  } else {
    for (std::size_t i = 0; i < V_.size(); ++i) aux_[k][i] = static_cast<R>(in[i] + static_cast<double>(aux2_[k][i]));
  }
  return true;
}

template <class R>
const double* basic_point_neuron_group<R>::state_data(const std::string& var) const {
  if constexpr (std::is_same_v<R, double>) {
    if (var == "V") return V_.data();
    if (var == "w" && has_adapt_) return w_.data();
    bool aux = false;
    const int r = find_receptor(receptors_, var, aux);
    if (r < 0) return nullptr;
    const auto k = static_cast<std::size_t>(r);
    const receptor_kernel kernel = receptors_[k].kernel;
    if (receptors_[k].kind == receptor_kind::delta || kernel == receptor_kernel::exponential) return syn_[k].data();
    if (kernel == receptor_kernel::alpha) return aux ? syn_[k].data() : aux_[k].data();
    return aux ? aux2_[k].data() : nullptr;
  } else {
    (void)var;
    return nullptr;  // single precision: recorders convert through get_state
  }
}

template <class R>
std::size_t basic_point_neuron_group<R>::bytes_per_neuron() const {
  std::size_t b = sizeof(R) * (has_adapt_ ? 2 : 1) + sizeof(std::int32_t) + 1;
  b += sizeof(R) * receptors_.size();
  for (std::size_t r = 0; r < receptors_.size(); ++r) {
    b += sizeof(R) * ((aux_[r].empty() ? 0 : 1) + (aux2_[r].empty() ? 0 : 1));
  }
  if (!current_.empty()) b += sizeof(double);
  return b;
}

template class basic_point_neuron_group<double>;
template class basic_point_neuron_group<float>;

}  // namespace balnet

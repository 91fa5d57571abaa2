#include "balnet/model/hodgkin_huxley.hpp"

#include <cmath>

#include "balnet/core/fast_math.hpp"
#include "balnet/core/rng.hpp"
#include "balnet/io/config.hpp"

namespace balnet {

namespace {

// (e^z - 1)/z without the cancellation near 0 (Brian2's exprel).
inline double exprel_det(double z) {
  const double series = 1.0 + z * (0.5 + z * (1.0 / 6.0));
  const double direct = (exp_det(z) - 1.0) / z;
  return std::fabs(z) < 1e-5 ? series : direct;
}

template <bool Traub>
inline hh_rates rates(double v, double VT) {
  hh_rates r;
  if constexpr (Traub) {
    // Traub & Miles (1991) as in Brette et al. (2007) benchmark 3 and Brian2's COBAHH.
    const double x = v - VT;
    r.am = 0.32 * 4.0 / exprel_det((13.0 - x) / 4.0);
    r.bm = 0.28 * 5.0 / exprel_det((x - 40.0) / 5.0);
    r.ah = 0.128 * exp_det((17.0 - x) / 18.0);
    r.bh = 4.0 / (1.0 + exp_det((40.0 - x) / 5.0));
    r.an = 0.032 * 5.0 / exprel_det((15.0 - x) / 5.0);
    r.bn = 0.5 * exp_det((10.0 - x) / 40.0);
  } else {
    // Hodgkin & Huxley (1952), shifted to a resting potential near -65 mV.
    r.am = 1.0 / exprel_det(-(v + 40.0) / 10.0);
    r.bm = 4.0 * exp_det(-(v + 65.0) / 18.0);
    r.ah = 0.07 * exp_det(-(v + 65.0) / 20.0);
    r.bh = 1.0 / (1.0 + exp_det(-(v + 35.0) / 10.0));
    r.an = 0.1 / exprel_det(-(v + 55.0) / 10.0);
    r.bn = 0.125 * exp_det(-(v + 65.0) / 80.0);
  }
  return r;
}

}  // namespace

hh_rates hh_rates_at(const hh_params& p, double v) {
  return p.traub ? rates<true>(v, p.V_T) : rates<false>(v, p.V_T);
}

hh_params hh_params::read(section_reader& s, const std::string& model) {
  hh_params p;
  p.traub = model == "traub_miles";
  if (p.traub) {
    p.g_Na = 100.0;
    p.g_K = 30.0;
    p.g_L = 0.05;
    p.E_Na = 50.0;
    p.E_K = -90.0;
    p.E_L = -60.0;
    p.V_spike = -20.0;
    p.V_init = distribution::constant(-60.0);
  }
  p.area = s.positive("area", p.area);
  p.C_m = s.number("C_m", p.C_m);
  if (!(p.C_m > 0)) s.fail("C_m", "the specific membrane capacitance C_m (uF/cm^2) must be > 0");
  p.g_Na = s.non_negative("g_Na", p.g_Na);
  p.g_K = s.non_negative("g_K", p.g_K);
  p.g_L = s.non_negative("g_L", p.g_L);
  p.E_Na = s.number("E_Na", p.E_Na);
  p.E_K = s.number("E_K", p.E_K);
  p.E_L = s.number("E_L", p.E_L);
  if (p.traub) p.V_T = s.number("V_T", p.V_T);
  p.V_spike = s.number("V_spike", p.V_spike);
  p.I_e = s.number("I_e", p.I_e);
  p.method = s.choice("integrator", {"exp_euler", "euler"}, "exp_euler") == "euler" ? integrator::euler
                                                                                  : integrator::exp_euler;
  p.V_init = s.dist("V_init", p.V_init);
  auto gate = [&](const char* key, bool& has, distribution& d) {
    if (!s.has(key)) return;
    has = true;
    d = s.dist(key);
    if (d.support_min() < 0 || d.support_max() > 1) s.fail(key, "a gating variable must lie in [0, 1]");
  };
  gate("m_init", p.has_m, p.m_init);
  gate("h_init", p.has_h, p.h_init);
  gate("n_init", p.has_n, p.n_init);
  return p;
}

hh_group::hh_group(const hh_params& p, const std::vector<receptor_spec>& receptors,
                   const std::vector<gid_t>& gids, double dt, std::uint64_t seed,
                   std::uint32_t population_hash)
    : p_(p), bank_(receptors, gids, dt, seed, population_hash), dt_(dt) {
  const std::size_t n = gids.size();
  V_.resize(n);
  m_.resize(n);
  h_.resize(n);
  n_.resize(n);
  armed_.assign(n, 1);
  fired_.assign(n, 0);
  current_.assign(n, 0.0);
  drive_I_.assign(n, 0.0);
  drive_G_.assign(n, 0.0);
  drive_V_.assign(bank_.has_delta() ? n : 0, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    random_stream rs(seed, rng_domain::initial_state, population_hash, gids[i]);
    V_[i] = p_.V_init.sample(rs);
    const hh_rates r = hh_rates_at(p_, V_[i]);
    m_[i] = p_.has_m ? p_.m_init.sample(rs) : r.am / (r.am + r.bm);
    h_[i] = p_.has_h ? p_.h_init.sample(rs) : r.ah / (r.ah + r.bh);
    n_[i] = p_.has_n ? p_.n_init.sample(rs) : r.an / (r.an + r.bn);
  }
}

template <bool Traub, bool ExpEuler>
void hh_group::integrate() {
  const std::size_t n = V_.size();
  double* __restrict V = V_.data();
  double* __restrict m = m_.data();
  double* __restrict hg = h_.data();
  double* __restrict ng = n_.data();
  std::uint8_t* __restrict armed = armed_.data();
  std::uint8_t* __restrict fired = fired_.data();
  const double* __restrict I = drive_I_.data();
  const double* __restrict G = drive_G_.data();
  const double* __restrict DV = drive_V_.data();
  const bool delta = bank_.has_delta();
  const double C = p_.C(), gNa = p_.nS(p_.g_Na), gK = p_.nS(p_.g_K), gL = p_.nS(p_.g_L);
  const double ENa = p_.E_Na, EK = p_.E_K, EL = p_.E_L, VT = p_.V_T, Vs = p_.V_spike;
  const double h = dt_;
  for (std::size_t i = 0; i < n; ++i) {
    double v = V[i];
    if (delta) v += DV[i];
    const double mi = m[i], hi = hg[i], ni = ng[i];
    const hh_rates r = rates<Traub>(v, VT);
    const double gna = gNa * (mi * mi * mi) * hi;
    const double gk = gK * ((ni * ni) * (ni * ni));
    const double gt = gL + G[i] + gna + gk;
    const double num = gL * EL + gna * ENa + gk * EK + I[i];
    double vn, mn, hn, nn;
    if constexpr (ExpEuler) {
      const double vinf = num / gt;
      vn = (v - vinf) * exp_det(-h * gt / C) + vinf;
      const double sm = r.am + r.bm, sh = r.ah + r.bh, sn = r.an + r.bn;
      mn = (mi - r.am / sm) * exp_det(-h * sm) + r.am / sm;
      hn = (hi - r.ah / sh) * exp_det(-h * sh) + r.ah / sh;
      nn = (ni - r.an / sn) * exp_det(-h * sn) + r.an / sn;
    } else {
      vn = v + h * (num - gt * v) / C;
      mn = mi + h * (r.am * (1.0 - mi) - r.bm * mi);
      hn = hi + h * (r.ah * (1.0 - hi) - r.bh * hi);
      nn = ni + h * (r.an * (1.0 - ni) - r.bn * ni);
    }
    const bool arm = armed[i] || v <= Vs;
    const bool spike = arm && vn > Vs;
    fired[i] = spike ? 1 : 0;
    armed[i] = arm && !spike ? 1 : 0;
    V[i] = vn;
    m[i] = mn;
    hg[i] = hn;
    ng[i] = nn;
  }
}

void hh_group::update(step_t, std::vector<index_t>& spiked) {
  const std::size_t n = V_.size();
  double* __restrict I = drive_I_.data();
  double* __restrict ext = current_.data();
  for (std::size_t i = 0; i < n; ++i) {
    I[i] = p_.I_e + ext[i];
    ext[i] = 0.0;
  }
  std::fill(drive_G_.begin(), drive_G_.end(), 0.0);
  if (bank_.has_delta()) std::fill(drive_V_.begin(), drive_V_.end(), 0.0);
  bank_.step(I, drive_G_.data(), bank_.has_delta() ? drive_V_.data() : nullptr);
  const bool ee = p_.method == integrator::exp_euler;
  if (p_.traub) {
    ee ? integrate<true, true>() : integrate<true, false>();
  } else {
    ee ? integrate<false, true>() : integrate<false, false>();
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (fired_[i]) spiked.push_back(static_cast<index_t>(i));
  }
}

std::vector<std::string> hh_group::state_variables() const {
  std::vector<std::string> v = {"V", "m", "h", "n"};
  for (auto& r : bank_.variables()) v.push_back(std::move(r));
  return v;
}

const double* hh_group::state_data(const std::string& var) const {
  if (var == "V") return V_.data();
  if (var == "m") return m_.data();
  if (var == "h") return h_.data();
  if (var == "n") return n_.data();
  return bank_.data(var);
}

std::vector<std::string> hh_group::checkpoint_variables() const {
  std::vector<std::string> v = {"V", "m", "h", "n", "armed"};
  for (auto& r : bank_.checkpoint_variables()) v.push_back(std::move(r));
  return v;
}

bool hh_group::get_state(const std::string& var, std::span<double> out) const {
  if (var == "armed") {
    std::copy(armed_.begin(), armed_.end(), out.begin());
    return true;
  }
  if (var == "V" || var == "m" || var == "h" || var == "n") {
    const double* d = state_data(var);
    std::copy(d, d + V_.size(), out.begin());
    return true;
  }
  return bank_.get(var, out);
}

bool hh_group::set_state(const std::string& var, std::span<const double> in) {
  if (var == "armed") {
    for (std::size_t i = 0; i < armed_.size(); ++i) armed_[i] = static_cast<std::uint8_t>(in[i]);
    return true;
  }
  std::vector<double>* dst = var == "V" ? &V_ : var == "m" ? &m_ : var == "h" ? &h_ : var == "n" ? &n_ : nullptr;
  if (dst) {
    std::copy(in.begin(), in.end(), dst->begin());
    return true;
  }
  return bank_.set(var, in);
}

std::size_t hh_group::bytes_per_neuron() const {
  return 4 * sizeof(double) + 2 + 4 * sizeof(double) + bank_.bytes_per_neuron();
}

}  // namespace balnet

#include "balnet/model/izhikevich.hpp"

#include <cmath>
#include <limits>

#include "balnet/core/rng.hpp"
#include "balnet/io/config.hpp"

namespace balnet {

const std::vector<izhikevich_preset>& izhikevich_presets() {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  // pyN README (a, b, c, d, v0, u0). Where pyN differs from Izhikevich (2004), pyN wins
  // (tonic_bursting b, mixed_mode d, bistability a/b, inhibition_induced_spiking a); the
  // '-' that pyN gives for d of inhibition_induced_bursting is Izhikevich's 0.
  static const std::vector<izhikevich_preset> table = {
      {"tonic_spiking", 0.02, 0.2, -65, 6, -70, nan, "tonic spiking"},
      {"phasic_spiking", 0.02, 0.25, -65, 6, -64, nan, "phasic spiking"},
      {"tonic_bursting", 0.02, 0.25, -50, 2, -70, nan, "tonic bursting"},
      {"phasic_bursting", 0.02, 0.25, -55, 0.05, -70, nan, "phasic bursting"},
      {"mixed_mode", 0.02, 0.2, -55, 6, -60, nan, "mixed mode"},
      {"spike_frequency_adaptation", 0.01, 0.2, -65, 8, -70, nan, "spike frequency adaptation"},
      {"class1_excitability", 0.02, -0.1, -55, 6, -60, nan, "class 1 excitability"},
      {"class2_excitability", 0.2, 0.26, -65, 0, -64, nan, "class 2 excitability"},
      {"spike_latency", 0.02, 0.2, -65, 6, -70, nan, "spike latency"},
      {"subthreshold_oscillations", 0.05, 0.26, -60, 0, -62, nan, "subthreshold oscillations"},
      {"resonator", 0.1, 0.26, -60, -1, -62, nan, "resonator"},
      {"integrator", 0.02, -0.1, -55, 6, -60, nan, "integrator"},
      {"rebound_spike", 0.03, 0.25, -60, 4, -64, nan, "rebound spike"},
      {"rebound_burst", 0.03, 0.25, -52, 0, -64, nan, "rebound burst"},
      {"threshold_variability", 0.03, 0.25, -60, 4, -64, nan, "threshold variability"},
      {"bistability", 0.1, 0.26, -60, 0, -61, nan, "bistability"},
      {"dap", 1, 0.2, -60, -21, -70, nan, "depolarizing after-potential"},
      {"accommodation", 0.02, 1, -55, 4, -65, -16, "accommodation"},
      {"inhibition_induced_spiking", 0.02, -1, -60, 8, -63.8, nan, "inhibition-induced spiking"},
      {"inhibition_induced_bursting", -0.026, -1, -45, 0, -63.8, nan, "inhibition-induced bursting"},
  };
  return table;
}

izhikevich_params izhikevich_params::read(section_reader& s) {
  izhikevich_params p;
  double v0 = -70.0;
  if (s.has("preset")) {
    std::vector<std::string> names;
    for (const auto& e : izhikevich_presets()) names.push_back(e.name);
    p.preset = s.choice("preset", names);
    for (const auto& e : izhikevich_presets()) {
      if (p.preset != e.name) continue;
      p.a = e.a;
      p.b = e.b;
      p.c = e.c;
      p.d = e.d;
      v0 = e.v0;
      if (!std::isnan(e.u0)) {
        p.has_u_init = true;
        p.u_init = distribution::constant(e.u0);
      }
    }
  }
  p.a = s.number("a", p.a);
  p.b = s.number("b", p.b);
  p.c = s.number("c", p.c);
  p.d = s.number("d", p.d);
  p.V_peak = s.number("V_peak", p.V_peak);
  if (!(p.c < p.V_peak)) s.fail("c", "the reset value c must be below V_peak = " + std::to_string(p.V_peak) + " mV");
  p.I_e = s.number("I_e", p.I_e);
  p.update_order = s.choice("update_order", {"standard", "pyn"}, "standard") == "pyn" ? order::pyn : order::standard;
  p.V_init = s.dist("V_init", distribution::constant(v0));
  if (s.has("u_init")) {
    p.has_u_init = true;
    p.u_init = s.dist("u_init");
  }
  return p;
}

izhikevich_group::izhikevich_group(const izhikevich_params& p,
                                   const std::vector<receptor_spec>& receptors,
                                   const std::vector<gid_t>& gids, double dt, std::uint64_t seed,
                                   std::uint32_t population_hash)
    : p_(p), bank_(receptors, gids, dt, seed, population_hash), dt_(dt) {
  const std::size_t n = gids.size();
  v_.resize(n);
  u_.resize(n);
  fired_.assign(n, 0);
  current_.assign(n, 0.0);
  drive_I_.assign(n, 0.0);
  drive_G_.assign(bank_.has_conductance() ? n : 0, 0.0);
  drive_V_.assign(bank_.has_delta() ? n : 0, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    random_stream rs(seed, rng_domain::initial_state, population_hash, gids[i]);
    v_[i] = p_.V_init.sample(rs);
    u_[i] = p_.has_u_init ? p_.u_init.sample(rs) : p_.b * v_[i];
  }
}

void izhikevich_group::update(step_t t, std::vector<index_t>& spiked) {
  const std::size_t n = v_.size();
  double* __restrict I = drive_I_.data();
  double* __restrict ext = current_.data();
  for (std::size_t i = 0; i < n; ++i) {
    I[i] = p_.I_e + ext[i];
    ext[i] = 0.0;
  }
  const bool cond = bank_.has_conductance(), delta = bank_.has_delta();
  if (cond) std::fill(drive_G_.begin(), drive_G_.end(), 0.0);
  if (delta) std::fill(drive_V_.begin(), drive_V_.end(), 0.0);
  bank_.step(I, cond ? drive_G_.data() : nullptr, delta ? drive_V_.data() : nullptr);
  double* __restrict v = v_.data();
  double* __restrict u = u_.data();
  const double* __restrict G = drive_G_.data();
  const double* __restrict DV = drive_V_.data();
  const double a = p_.a, b = p_.b, c = p_.c, d = p_.d, h = dt_, peak = p_.V_peak;
  if (p_.update_order == izhikevich_params::order::pyn) {
    // pyN's loop starts at t = dt: its state at t = 0 is the initial one, so balnet's step 0
    // (whose drive pyN never sees) leaves the state unchanged.
    if (t == 0) return;
    std::uint8_t* __restrict fired = fired_.data();
    for (std::size_t i = 0; i < n; ++i) {
      double vi = v[i], ui = u[i];
      if (fired[i]) {
        vi = c;
        ui += d;
      }
      if (delta) vi += DV[i];
      const double Ii = cond ? I[i] - G[i] * vi : I[i];
      // Same operations, in the same order, as pyN (bit-for-bit reproduction of its runs).
      const double dv = 0.04 * (vi * vi) + 5 * vi + 140 - ui + Ii;
      vi += dv * h;
      ui += h * (a * (b * vi - ui));
      const bool spike = vi > peak;
      fired[i] = spike ? 1 : 0;
      v[i] = spike ? peak : vi;
      u[i] = ui;
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (fired[i]) spiked.push_back(static_cast<index_t>(i));
    }
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    double vi = v[i];
    const double ui = u[i];
    if (delta) vi += DV[i];
    const double Ii = cond ? I[i] - G[i] * vi : I[i];
    v[i] = vi + h * (0.04 * (vi * vi) + 5 * vi + 140 - ui + Ii);
    u[i] = ui + h * (a * (b * vi - ui));
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (v[i] >= peak) {
      spiked.push_back(static_cast<index_t>(i));
      v[i] = c;
      u[i] += d;
    }
  }
}

std::vector<std::string> izhikevich_group::state_variables() const {
  std::vector<std::string> v = {"V", "u"};
  for (auto& r : bank_.variables()) v.push_back(std::move(r));
  return v;
}

std::vector<std::string> izhikevich_group::checkpoint_variables() const {
  std::vector<std::string> v = {"V", "u", "fired"};
  for (auto& r : bank_.checkpoint_variables()) v.push_back(std::move(r));
  return v;
}

bool izhikevich_group::get_state(const std::string& var, std::span<double> out) const {
  if (var == "fired") {
    std::copy(fired_.begin(), fired_.end(), out.begin());
    return true;
  }
  if (var == "V" || var == "u") {
    const auto& src = var == "V" ? v_ : u_;
    std::copy(src.begin(), src.end(), out.begin());
    return true;
  }
  return bank_.get(var, out);
}

bool izhikevich_group::set_state(const std::string& var, std::span<const double> in) {
  if (var == "fired") {
    for (std::size_t i = 0; i < fired_.size(); ++i) fired_[i] = static_cast<std::uint8_t>(in[i]);
    return true;
  }
  if (var == "V" || var == "u") {
    auto& dst = var == "V" ? v_ : u_;
    std::copy(in.begin(), in.end(), dst.begin());
    return true;
  }
  return bank_.set(var, in);
}

const double* izhikevich_group::state_data(const std::string& var) const {
  if (var == "V") return v_.data();
  if (var == "u") return u_.data();
  return bank_.data(var);
}

std::size_t izhikevich_group::bytes_per_neuron() const {
  return 2 * sizeof(double) + 1 + 4 * sizeof(double) + bank_.bytes_per_neuron();
}

}  // namespace balnet

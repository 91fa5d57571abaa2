#include "balnet/model/receptor_bank.hpp"

#include <algorithm>
#include <cmath>

#include "balnet/core/rng.hpp"

namespace balnet {

const char* to_string(receptor_kind k) {
  switch (k) {
    case receptor_kind::current: return "current";
    case receptor_kind::conductance: return "conductance";
    case receptor_kind::delta: return "delta";
  }
  return "?";
}

const char* to_string(receptor_kernel k) {
  switch (k) {
    case receptor_kernel::exponential: return "exponential";
    case receptor_kernel::alpha: return "alpha";
    case receptor_kernel::biexp: return "biexp";
  }
  return "?";
}

double receptor_jump(const receptor_spec& r) {
  if (r.kind == receptor_kind::delta) return 1.0;
  switch (r.kernel) {
    case receptor_kernel::exponential:
      return r.unit_area() ? 1.0 / r.tau : 1.0;
    case receptor_kernel::alpha:
      // t e^{-t/tau}: area tau^2, peak tau/e at t = tau.
      return r.unit_area() ? 1.0 / (r.tau * r.tau) : std::exp(1.0) / r.tau;
    case receptor_kernel::biexp: {
      // e^{-t/tau} - e^{-t/tau_r}: area tau - tau_r, peak at t* = tau tau_r ln(tau/tau_r)/(tau - tau_r).
      if (r.unit_area()) return 1.0 / (r.tau - r.tau_rise);
      const double tp = r.tau * r.tau_rise * std::log(r.tau / r.tau_rise) / (r.tau - r.tau_rise);
      return 1.0 / (std::exp(-tp / r.tau) - std::exp(-tp / r.tau_rise));
    }
  }
  return 1.0;
}

receptor_bank::receptor_bank(const std::vector<receptor_spec>& specs, const std::vector<gid_t>& gids,
                             double dt, std::uint64_t seed, std::uint32_t population_hash)
    : n_(gids.size()), dt_(dt) {
  const std::size_t n = n_;
  for (std::size_t ri = 0; ri < specs.size(); ++ri) {
    const auto& r = specs[ri];
    slot s;
    s.spec = r;
    s.jump = receptor_jump(r);
    const bool delta = r.kind == receptor_kind::delta;
    if (delta || r.kernel == receptor_kernel::biexp) s.in.assign(n, 0.0);
    if (!delta) {
      s.d1 = std::exp(-dt / r.tau);
      s.s1.assign(n, 0.0);
      if (r.kernel != receptor_kernel::exponential) s.s2.assign(n, 0.0);
      if (r.kernel == receptor_kernel::biexp) s.d2 = std::exp(-dt / r.tau_rise);
      if (!(r.init.is_constant() && r.init.a == 0.0)) {
        // The value at t = 0 (the rising state of alpha and biexp kernels starts at 0), from a
        // fixed offset of the neuron's initial-state stream, past the model's own draws.
        for (std::size_t i = 0; i < n; ++i) {
          random_stream rs(seed, rng_domain::initial_state, population_hash, gids[i],
                           (std::uint64_t{1} << 40) + (static_cast<std::uint64_t>(ri) << 20));
          s.s1[i] = r.init.sample(rs);
        }
      }
    }
    if (r.kind == receptor_kind::conductance) has_conductance_ = true;
    if (delta) has_delta_ = true;
    slots_.push_back(std::move(s));
  }
}

double* receptor_bank::input(std::size_t r) {
  auto& sl = slots_[r];
  if (sl.spec.kind == receptor_kind::delta || sl.spec.kernel == receptor_kernel::biexp) return sl.in.data();
  return sl.spec.kernel == receptor_kernel::alpha ? sl.s2.data() : sl.s1.data();
}

void receptor_bank::step(double* __restrict I, double* __restrict G, double* __restrict DV) {
  const std::size_t n = n_;
  for (auto& sl : slots_) {
    double* __restrict in = sl.in.data();
    if (sl.spec.kind == receptor_kind::delta) {
      for (std::size_t i = 0; i < n; ++i) {
        DV[i] += in[i];
        in[i] = 0.0;
      }
      continue;
    }
    double* __restrict s1 = sl.s1.data();
    double* __restrict s2 = sl.s2.data();
    const double d1 = sl.d1, d2 = sl.d2, h = dt_;
    const bool cond = sl.spec.kind == receptor_kind::conductance;
    const double E = sl.spec.E_rev;
    // x is the kernel's value at the start of the step, this step's arrivals included.
    switch (sl.spec.kernel) {
      case receptor_kernel::exponential:
        if (cond) {
          for (std::size_t i = 0; i < n; ++i) {
            const double x = s1[i];
            G[i] += x;
            I[i] += x * E;
            s1[i] = x * d1;
          }
        } else {
          for (std::size_t i = 0; i < n; ++i) {
            const double x = s1[i];
            I[i] += x;
            s1[i] = x * d1;
          }
        }
        break;
      case receptor_kernel::alpha:
        // y1' = -y1/tau (arrivals land in y1), y2' = y1 - y2/tau, solved exactly over the step.
        for (std::size_t i = 0; i < n; ++i) {
          const double y1 = s2[i], x = s1[i];
          if (cond) {
            G[i] += x;
            I[i] += x * E;
          } else {
            I[i] += x;
          }
          s1[i] = d1 * (x + h * y1);
          s2[i] = d1 * y1;
        }
        break;
      case receptor_kernel::biexp:
        for (std::size_t i = 0; i < n; ++i) {
          const double a = s1[i] + in[i];
          const double b = s2[i] + in[i];
          in[i] = 0.0;
          const double x = a - b;
          if (cond) {
            G[i] += x;
            I[i] += x * E;
          } else {
            I[i] += x;
          }
          s1[i] = a * d1;
          s2[i] = b * d2;
        }
        break;
    }
  }
}

std::vector<std::string> receptor_bank::variables() const {
  std::vector<std::string> v;
  for (const auto& sl : slots_) {
    const auto k = sl.spec.kind;
    v.push_back((k == receptor_kind::current ? "I_" : k == receptor_kind::conductance ? "g_" : "pending_") + sl.spec.name);
  }
  for (const auto& sl : slots_) {
    if (sl.spec.kind != receptor_kind::delta && sl.spec.kernel != receptor_kernel::exponential) {
      v.push_back("x_" + sl.spec.name);
    }
  }
  return v;
}

std::vector<std::string> receptor_bank::checkpoint_variables() const {
  std::vector<std::string> v = variables();
  for (std::size_t r = 0; r < slots_.size(); ++r) {
    const auto& sp = slots_[r].spec;
    if (sp.kind != receptor_kind::delta && sp.kernel == receptor_kernel::biexp) v[r] = "raw_" + sp.name;
  }
  return v;
}

int receptor_bank::find(const std::string& var, bool& aux) const {
  for (std::size_t r = 0; r < slots_.size(); ++r) {
    const auto& sp = slots_[r].spec;
    const auto k = sp.kind;
    const std::string value_name =
        (k == receptor_kind::current ? "I_" : k == receptor_kind::conductance ? "g_" : "pending_") + sp.name;
    if (var == value_name) {
      aux = false;
      return static_cast<int>(r);
    }
    if (k != receptor_kind::delta && sp.kernel != receptor_kernel::exponential && var == "x_" + sp.name) {
      aux = true;
      return static_cast<int>(r);
    }
  }
  return -1;
}

bool receptor_bank::get(const std::string& var, std::span<double> out) const {
  for (const auto& sl : slots_) {
    if (sl.spec.kind != receptor_kind::delta && sl.spec.kernel == receptor_kernel::biexp && var == "raw_" + sl.spec.name) {
      std::copy(sl.s1.begin(), sl.s1.end(), out.begin());
      return true;
    }
  }
  bool aux = false;
  const int r = find(var, aux);
  if (r < 0) return false;
  const auto& sl = slots_[static_cast<std::size_t>(r)];
  if (sl.spec.kind == receptor_kind::delta) {
    std::copy(sl.in.begin(), sl.in.end(), out.begin());
  } else if (aux) {
    std::copy(sl.s2.begin(), sl.s2.end(), out.begin());
  } else if (sl.spec.kernel == receptor_kernel::biexp) {
    for (std::size_t i = 0; i < n_; ++i) out[i] = sl.s1[i] - sl.s2[i];
  } else {
    std::copy(sl.s1.begin(), sl.s1.end(), out.begin());
  }
  return true;
}

bool receptor_bank::set(const std::string& var, std::span<const double> in) {
  for (auto& sl : slots_) {
    if (sl.spec.kind != receptor_kind::delta && sl.spec.kernel == receptor_kernel::biexp && var == "raw_" + sl.spec.name) {
      std::copy(in.begin(), in.end(), sl.s1.begin());
      return true;
    }
  }
  bool aux = false;
  const int r = find(var, aux);
  if (r < 0) return false;
  auto& sl = slots_[static_cast<std::size_t>(r)];
  if (sl.spec.kind == receptor_kind::delta) {
    std::copy(in.begin(), in.end(), sl.in.begin());
  } else if (aux) {
    std::copy(in.begin(), in.end(), sl.s2.begin());
  } else if (sl.spec.kernel == receptor_kernel::biexp) {
    for (std::size_t i = 0; i < n_; ++i) sl.s1[i] = in[i] + sl.s2[i];
  } else {
    std::copy(in.begin(), in.end(), sl.s1.begin());
  }
  return true;
}

const double* receptor_bank::data(const std::string& var) const {
  bool aux = false;
  const int r = find(var, aux);
  if (r < 0) return nullptr;
  const auto& sl = slots_[static_cast<std::size_t>(r)];
  if (sl.spec.kind == receptor_kind::delta) return sl.in.data();
  if (aux) return sl.s2.data();
  return sl.spec.kernel == receptor_kernel::biexp ? nullptr : sl.s1.data();
}

std::size_t receptor_bank::bytes_per_neuron() const {
  std::size_t b = 0;
  for (const auto& sl : slots_) {
    b += sizeof(double) * ((sl.in.empty() ? 0 : 1) + (sl.s1.empty() ? 0 : 1) + (sl.s2.empty() ? 0 : 1));
  }
  return b;
}

}  // namespace balnet

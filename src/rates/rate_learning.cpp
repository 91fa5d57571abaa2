#include "balnet/rates/rate_learning.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace balnet::rates {

bool lu_solve(std::vector<double>& a, int n, std::vector<double>& b, int nrhs) {
  const auto N = static_cast<std::size_t>(n), R = static_cast<std::size_t>(nrhs);
  double scale = 0;
  for (double v : a) scale = std::max(scale, std::fabs(v));
  for (std::size_t k = 0; k < N; ++k) {
    std::size_t piv = k;
    for (std::size_t i = k + 1; i < N; ++i) {
      if (std::fabs(a[i * N + k]) > std::fabs(a[piv * N + k])) piv = i;
    }
    if (!(std::fabs(a[piv * N + k]) > 1e-14 * scale)) return false;
    if (piv != k) {
      std::swap_ranges(a.begin() + static_cast<std::ptrdiff_t>(k * N), a.begin() + static_cast<std::ptrdiff_t>(k * N + N),
                       a.begin() + static_cast<std::ptrdiff_t>(piv * N));
      std::swap_ranges(b.begin() + static_cast<std::ptrdiff_t>(k * R), b.begin() + static_cast<std::ptrdiff_t>(k * R + R),
                       b.begin() + static_cast<std::ptrdiff_t>(piv * R));
    }
    const double inv = 1.0 / a[k * N + k];
    const double* rk = &a[k * N];
    const double* bk = &b[k * R];
    for (std::size_t i = k + 1; i < N; ++i) {
      double* ri = &a[i * N];
      const double l = ri[k] * inv;
      if (l == 0.0) continue;
      for (std::size_t j = k + 1; j < N; ++j) ri[j] -= l * rk[j];
      ri[k] = 0.0;
      double* bi = &b[i * R];
      for (std::size_t j = 0; j < R; ++j) bi[j] -= l * bk[j];
    }
  }
  for (std::size_t k = N; k-- > 0;) {
    double* bk = &b[k * R];
    for (std::size_t i = k + 1; i < N; ++i) {
      const double u = a[k * N + i];
      if (u == 0.0) continue;
      const double* bi = &b[i * R];
      for (std::size_t j = 0; j < R; ++j) bk[j] -= u * bi[j];
    }
    const double inv = 1.0 / a[k * N + k];
    for (std::size_t j = 0; j < R; ++j) bk[j] *= inv;
  }
  return true;
}

void approximate_directions(const rate_network& net, const steady_state& s, double rho0, std::vector<double>& d_ei,
                            std::vector<double>& d_ie) {
  const auto ne = static_cast<std::size_t>(net.n_e), ni = static_cast<std::size_t>(net.n_i);
  std::vector<double> e(ne);
  for (std::size_t i = 0; i < ne; ++i) e[i] = static_cast<double>(s.h_e[i]) - rho0;
  d_ei.resize(ne * ni);
  d_ie.resize(ni * ne);
  for (std::size_t i = 0; i < ne; ++i) {
    for (std::size_t j = 0; j < ni; ++j) {
      d_ei[i * ni + j] = e[i] * s.r_i[j] * logistic(static_cast<double>(net.alpha_ei) * net.v_ei[i * ni + j]);
    }
  }
  for (std::size_t j = 0; j < ni; ++j) {
    double fp = 0;  // the error sent back through the forward E->I weights
    for (std::size_t k = 0; k < ne; ++k) fp += static_cast<double>(net.w_ie[j * ne + k]) * e[k];
    fp *= logistic(s.h_i[j]);
    for (std::size_t k = 0; k < ne; ++k) {
      d_ie[j * ne + k] = fp * s.r_e[k] * logistic(static_cast<double>(net.alpha_ie) * net.v_ie[j * ne + k]);
    }
  }
}

bool gradient_directions(const rate_network& net, const steady_state& s, double rho0, std::vector<double>& g_ei,
                         std::vector<double>& g_ie) {
  const int n_e = net.n_e, n_i = net.n_i;
  const auto ne = static_cast<std::size_t>(n_e), ni = static_cast<std::size_t>(n_i);
  g_ei.assign(ne * ni, 0.0);
  g_ie.assign(ni * ne, 0.0);
  std::vector<double> de(ne), di(ni);
  for (std::size_t i = 0; i < ne; ++i) de[i] = logistic(s.h_e[i]);
  for (std::size_t j = 0; j < ni; ++j) di[j] = logistic(s.h_i[j]);
  // M = (I + W_II D_I)^-1
  std::vector<double> mi(ni * ni), m(ni * ni, 0.0);
  for (std::size_t a = 0; a < ni; ++a) {
    for (std::size_t b = 0; b < ni; ++b) mi[a * ni + b] = (a == b ? 1.0 : 0.0) + net.w_ii[a * ni + b] * di[b];
    m[a * ni + a] = 1.0;
  }
  if (!lu_solve(mi, n_i, m, n_i)) return false;
  // B = W_EI D_I M (N_E x N_I)
  std::vector<double> bm(ne * ni, 0.0);
  for (std::size_t i = 0; i < ne; ++i) {
    double* row = &bm[i * ni];
    for (std::size_t a = 0; a < ni; ++a) {
      const double w = net.w_ei[i * ni + a] * di[a];
      if (w == 0.0) continue;
      const double* ma = &m[a * ni];
      for (std::size_t b = 0; b < ni; ++b) row[b] += w * ma[b];
    }
  }
  // A = I - W_EE D_E + B W_IE D_E; we need e~ = e^T A^-1, i.e. A^T e~ = e: build A^T.
  std::vector<double> g(ni * ne);  // W_IE D_E
  for (std::size_t j = 0; j < ni; ++j) {
    for (std::size_t k = 0; k < ne; ++k) g[j * ne + k] = net.w_ie[j * ne + k] * de[k];
  }
  std::vector<double> a(ne * ne);
  for (std::size_t i = 0; i < ne; ++i) {
    double* row = &a[i * ne];
    for (std::size_t k = 0; k < ne; ++k) row[k] = -static_cast<double>(net.w_ee[i * ne + k]) * de[k];
    for (std::size_t j = 0; j < ni; ++j) {
      const double bij = bm[i * ni + j];
      if (bij == 0.0) continue;
      const double* gj = &g[j * ne];
      for (std::size_t k = 0; k < ne; ++k) row[k] += bij * gj[k];
    }
    row[i] += 1.0;
  }
  std::vector<double> at(ne * ne);
  for (std::size_t i = 0; i < ne; ++i) {
    for (std::size_t k = 0; k < ne; ++k) at[k * ne + i] = a[i * ne + k];
  }
  std::vector<double> et(ne);
  for (std::size_t i = 0; i < ne; ++i) et[i] = static_cast<double>(s.h_e[i]) - rho0;
  if (!lu_solve(at, n_e, et, 1)) return false;
  // q = e~ B (N_I)
  std::vector<double> q(ni, 0.0);
  for (std::size_t i = 0; i < ne; ++i) {
    for (std::size_t j = 0; j < ni; ++j) q[j] += et[i] * bm[i * ni + j];
  }
  for (std::size_t i = 0; i < ne; ++i) {
    for (std::size_t j = 0; j < ni; ++j) {
      g_ei[i * ni + j] = et[i] * s.r_i[j] * logistic(static_cast<double>(net.alpha_ei) * net.v_ei[i * ni + j]);
    }
  }
  for (std::size_t j = 0; j < ni; ++j) {
    for (std::size_t k = 0; k < ne; ++k) {
      g_ie[j * ne + k] = q[j] * s.r_e[k] * logistic(static_cast<double>(net.alpha_ie) * net.v_ie[j * ne + k]);
    }
  }
  return true;
}

double angle_degrees(const std::vector<double>& a, const std::vector<double>& b) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  if (!(aa > 0 && bb > 0)) return std::numeric_limits<double>::quiet_NaN();
  const double c = std::clamp(ab / std::sqrt(aa * bb), -1.0, 1.0);
  return std::acos(c) * 180.0 / 3.14159265358979323846;
}

plasticity::plasticity(const rate_network& net, const rate_params& p, condition c)
    : rule_(p.rule),
      rho0_(p.rho0),
      eta_e_(c == condition::both || c == condition::exc ? p.eta_e : 0.0),
      eta_i_(c == condition::both || c == condition::inh ? p.eta_i : 0.0),
      ie_decay_(p.ie_decay),
      ei_decay_(p.ei_decay),
      ie_row_total_(p.ie_row_total),
      b1_(p.adam_beta1),
      b2_(p.adam_beta2),
      eps_(p.adam_epsilon) {
  if (rule_ == learning_rule::gradient) {
    m_ei_.assign(net.w_ei.size(), 0.0);
    s_ei_.assign(net.w_ei.size(), 0.0);
    m_ie_.assign(net.w_ie.size(), 0.0);
    s_ie_.assign(net.w_ie.size(), 0.0);
  }
}

namespace {

// Adam with the reference's constant bias corrections m/(1-b1), s/(1-b2) (MODELS.md §3.4 QUIRK).
void adam_step(std::vector<double>& grad, const std::vector<float>& w, double decay, double eta, double b1, double b2,
               double eps, std::vector<double>& m, std::vector<double>& s, std::vector<float>& v) {
  for (std::size_t i = 0; i < grad.size(); ++i) {
    const double g = grad[i] - decay * w[i];
    m[i] = b1 * m[i] + (1 - b1) * g;
    s[i] = b2 * s[i] + (1 - b2) * g * g;
    const double m_hat = m[i] / (1 - b1);
    const double s_hat = s[i] / (1 - b2);
    v[i] = static_cast<float>(v[i] + eta / (std::sqrt(s_hat) + eps) * m_hat);
  }
}

void approximate_step(const std::vector<double>& dir, const std::vector<float>& w, double decay, double eta,
                      std::vector<float>& v) {
  for (std::size_t i = 0; i < dir.size(); ++i) v[i] = static_cast<float>(v[i] + eta * (dir[i] - decay * w[i]));
}

}  // namespace

plasticity::angles plasticity::update(rate_network& net, const steady_state& s, bool want_angles) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  angles out{nan, nan};
  if (eta_e_ <= 0 && eta_i_ <= 0) return out;
  const bool gradient = rule_ == learning_rule::gradient;
  bool have_grad = false;
  if (gradient || want_angles) have_grad = gradient_directions(net, s, rho0_, g_ei_, g_ie_);
  if (!gradient || want_angles) approximate_directions(net, s, rho0_, d_ei_, d_ie_);
  if (want_angles && have_grad) {
    if (eta_i_ > 0) out.ei = angle_degrees(g_ei_, d_ei_);
    if (eta_e_ > 0) out.ie = angle_degrees(g_ie_, d_ie_);
  }
  if (gradient) {
    if (!have_grad) return out;  // singular: no update (counted by the caller via NaN angles)
    if (eta_i_ > 0) {
      adam_step(g_ei_, net.w_ei, ei_decay_, eta_i_, b1_, b2_, eps_, m_ei_, s_ei_, net.v_ei);
      weights_from_parameters(net.v_ei, net.z_ei, net.alpha_ei, net.cap_ei, net.w_ei);
    }
    if (eta_e_ > 0) {
      adam_step(g_ie_, net.w_ie, ie_decay_, eta_e_, b1_, b2_, eps_, m_ie_, s_ie_, net.v_ie);
      weights_from_parameters(net.v_ie, net.z_ie, net.alpha_ie, net.cap_ie, net.w_ie);
    }
    return out;
  }
  if (eta_e_ > 0) {
    approximate_step(d_ie_, net.w_ie, ie_decay_, eta_e_, net.v_ie);
    weights_from_parameters(net.v_ie, net.z_ie, net.alpha_ie, net.cap_ie, net.w_ie);
    // Every row of W_IE (all E inputs of one I cell) rescaled to sum ie_row_total.
    const auto ne = static_cast<std::size_t>(net.n_e);
    for (std::size_t j = 0; j < static_cast<std::size_t>(net.n_i); ++j) {
      double sum = 0;
      for (std::size_t k = 0; k < ne; ++k) sum += net.w_ie[j * ne + k];
      if (sum <= 0) sum = 1;
      const float f = static_cast<float>(ie_row_total_ / sum);
      for (std::size_t k = 0; k < ne; ++k) net.w_ie[j * ne + k] *= f;
    }
  }
  if (eta_i_ > 0) {
    approximate_step(d_ei_, net.w_ei, ei_decay_, eta_i_, net.v_ei);
    weights_from_parameters(net.v_ei, net.z_ei, net.alpha_ei, net.cap_ei, net.w_ei);
  }
  return out;
}

}  // namespace balnet::rates

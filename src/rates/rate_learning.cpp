#include "balnet/rates/rate_learning.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "balnet/core/fast_math.hpp"

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

double angle_degrees(const std::vector<double>& a, const std::vector<double>& b, const std::vector<float>* mask) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (mask && (*mask)[i] == 0.0f) continue;
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
  sig_ei_.resize(net.v_ei.size());
  sig_ie_.resize(net.v_ie.size());
  for (std::size_t i = 0; i < net.v_ei.size(); ++i) sig_ei_[i] = static_cast<float>(logistic(static_cast<double>(net.alpha_ei) * net.v_ei[i]));
  for (std::size_t i = 0; i < net.v_ie.size(); ++i) sig_ie_[i] = static_cast<float>(logistic(static_cast<double>(net.alpha_ie) * net.v_ie[i]));
  refresh_stats(net, true, true);
}

void plasticity::refresh_stats(const rate_network& net, bool ei, bool ie) {
  auto mv = [](const std::vector<float>& w, double* out) {
    double sum = 0, ss = 0;
    for (float x : w) sum += x;
    const double m = sum / static_cast<double>(w.size());
    for (float x : w) ss += (x - m) * (x - m);
    out[0] = m;
    out[1] = ss / static_cast<double>(w.size());
  };
  if (ei) mv(net.w_ei, stats_);
  if (ie) mv(net.w_ie, stats_ + 2);
}

namespace {

// New parameter v -> weight min(softplus(v), cap) and the slope logistic(alpha v) for the next
// update, sharing one exponential: with x = alpha v and t = exp(-|x|) in (0, 1],
// softplus(v) = max(v, 0) + log1p(t) / alpha and logistic(x) = 1 / (1 + t) (x > 0) or
// t / (1 + t). Plain arithmetic without branches (exp_det, log1p_det), so the loops over a
// weight row vectorise.
inline void reparameterise(float v, float alpha, float cap, float& w, float& sig) {
  const float x = alpha * v;
  const float t = exp_det(x > 0.0f ? -x : x);
  const float inv = 1.0f / (1.0f + t);
  w = std::min((x > 0.0f ? v : 0.0f) + log1p_det(t) / alpha, cap);
  sig = x > 0.0f ? inv : t * inv;
}

// One APPROXIMATE step on a row of n parameters: v += eta (g * r[k] * sig[k] - decay w[k])
// where the mask z is set, then new w and sig there; masked entries keep w = 0.
void approximate_row(std::size_t n, float g, const float* r, const float* z, float eta, float decay, float alpha,
                     float cap, float* v, float* w, float* sig) {
  for (std::size_t k = 0; k < n; ++k) {
    const float vn = v[k] + eta * (g * r[k] * sig[k] - decay * w[k]);
    float wn, sn;
    reparameterise(vn, alpha, cap, wn, sn);
    const bool keep = z[k] != 0.0f;
    v[k] = keep ? vn : v[k];
    w[k] = keep ? wn : w[k];
    sig[k] = keep ? sn : sig[k];
  }
}

}  // namespace

plasticity::angles plasticity::update(rate_network& net, const steady_state& s, bool want_angles) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  angles out{nan, nan};
  if (eta_e_ <= 0 && eta_i_ <= 0) return out;
  const bool gradient = rule_ == learning_rule::gradient;
  const auto ne = static_cast<std::size_t>(net.n_e), ni = static_cast<std::size_t>(net.n_i);
  bool have_grad = false;
  if (gradient || want_angles) have_grad = gradient_directions(net, s, rho0_, g_ei_, g_ie_);
  if (want_angles) {
    // Angles over the existing synapses (mask z), where the directions move the weights.
    approximate_directions(net, s, rho0_, d_ei_, d_ie_);
    if (have_grad) {
      if (eta_i_ > 0) out.ei = angle_degrees(g_ei_, d_ei_, &net.z_ei);
      if (eta_e_ > 0) out.ie = angle_degrees(g_ie_, d_ie_, &net.z_ie);
    }
  }
  if (gradient) {
    if (!have_grad) return out;  // singular system: no update
    // Adam with the reference's constant bias corrections m/(1-b1), s/(1-b2) (MODELS.md §3.4 QUIRK).
    auto adam = [&](std::vector<double>& g, std::vector<float>& w, std::vector<float>& v, const std::vector<float>& z,
                    std::vector<double>& m, std::vector<double>& sv, std::vector<float>& sig, double decay, double eta,
                    float alpha, float cap) {
      for (std::size_t i = 0; i < g.size(); ++i) {
        if (z[i] == 0.0f) continue;  // masked entries never become weights
        const double gi = g[i] - decay * w[i];
        m[i] = b1_ * m[i] + (1 - b1_) * gi;
        sv[i] = b2_ * sv[i] + (1 - b2_) * gi * gi;
        const double m_hat = m[i] / (1 - b1_);
        const double s_hat = sv[i] / (1 - b2_);
        v[i] = static_cast<float>(v[i] + eta / (std::sqrt(s_hat) + eps_) * m_hat);
        reparameterise(v[i], alpha, cap, w[i], sig[i]);
      }
    };
    if (eta_i_ > 0) adam(g_ei_, net.w_ei, net.v_ei, net.z_ei, m_ei_, s_ei_, sig_ei_, ei_decay_, eta_i_, net.alpha_ei, net.cap_ei);
    if (eta_e_ > 0) adam(g_ie_, net.w_ie, net.v_ie, net.z_ie, m_ie_, s_ie_, sig_ie_, ie_decay_, eta_e_, net.alpha_ie, net.cap_ie);
    refresh_stats(net, eta_i_ > 0, eta_e_ > 0);
    return out;
  }
  // APPROXIMATE, fused: direction, decay, new v, new w and slope in one pass per matrix.
  e_.resize(ne);
  for (std::size_t i = 0; i < ne; ++i) e_[i] = static_cast<double>(s.h_e[i]) - rho0_;
  if (eta_e_ > 0) {
    fp_.assign(ni, 0.0);
    for (std::size_t j = 0; j < ni; ++j) {
      double fp = 0;  // the error sent back through the forward E->I weights
      const float* wj = &net.w_ie[j * ne];
      for (std::size_t k = 0; k < ne; ++k) fp += static_cast<double>(wj[k]) * e_[k];
      fp_[j] = fp * logistic(s.h_i[j]);
    }
  }
  if (eta_i_ > 0) {
    double sum = 0, ss = 0;
    const float eta = static_cast<float>(eta_i_), decay = static_cast<float>(ei_decay_);
    for (std::size_t i = 0; i < ne; ++i) {
      const std::size_t row = i * ni;
      approximate_row(ni, static_cast<float>(e_[i]), s.r_i.data(), &net.z_ei[row], eta, decay, net.alpha_ei, net.cap_ei,
                      &net.v_ei[row], &net.w_ei[row], &sig_ei_[row]);
      for (std::size_t j = 0; j < ni; ++j) {
        const double w = net.w_ei[row + j];
        sum += w;
        ss += w * w;
      }
    }
    const double n = static_cast<double>(net.w_ei.size()), m = sum / n;
    stats_[0] = m;
    stats_[1] = std::max(0.0, ss / n - m * m);
  }
  if (eta_e_ > 0) {
    double sum = 0, ss = 0;
    const float eta = static_cast<float>(eta_e_), decay = static_cast<float>(ie_decay_);
    for (std::size_t j = 0; j < ni; ++j) {
      float* w = &net.w_ie[j * ne];
      approximate_row(ne, static_cast<float>(fp_[j]), s.r_e.data(), &net.z_ie[j * ne], eta, decay, net.alpha_ie,
                      net.cap_ie, &net.v_ie[j * ne], w, &sig_ie_[j * ne]);
      double row = 0;
      for (std::size_t k = 0; k < ne; ++k) row += w[k];
      // Every row of W_IE (all E inputs of one I cell) rescaled to sum ie_row_total; v is kept.
      if (row <= 0) row = 1;
      const float f = static_cast<float>(ie_row_total_ / row);
      for (std::size_t k = 0; k < ne; ++k) {
        w[k] *= f;
        sum += w[k];
        ss += static_cast<double>(w[k]) * w[k];
      }
    }
    const double n = static_cast<double>(net.w_ie.size()), m = sum / n;
    stats_[2] = m;
    stats_[3] = std::max(0.0, ss / n - m * m);
  }
  return out;
}

}  // namespace balnet::rates

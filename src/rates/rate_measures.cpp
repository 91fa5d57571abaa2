#include "balnet/rates/rate_measures.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numeric>

namespace balnet::rates {

namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::vector<double> ranks_of(const std::vector<double>& x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    const double avg = 0.5 * static_cast<double>(i + j) + 1.0;  // ties share their mean rank
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = avg;
    i = j + 1;
  }
  return r;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const auto n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (!(sxx > 0 && syy > 0)) return nan;
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace

responses estimate_responses(const rate_network& net, steady_state_solver& solver, double max_dr) {
  responses out;
  const auto ne = static_cast<std::size_t>(net.n_e), ni = static_cast<std::size_t>(net.n_i);
  out.r_e.resize(static_cast<std::size_t>(net.n_stimuli) * ne);
  out.r_i.resize(static_cast<std::size_t>(net.n_stimuli) * ni);
  out.steps.resize(static_cast<std::size_t>(net.n_stimuli));
  steady_state s;
  for (std::size_t st = 0; st < static_cast<std::size_t>(net.n_stimuli); ++st) {
    solver.solve(&net.afferents[st * ne], max_dr, s);
    std::copy(s.r_e.begin(), s.r_e.end(), out.r_e.begin() + static_cast<std::ptrdiff_t>(st * ne));
    std::copy(s.r_i.begin(), s.r_i.end(), out.r_i.begin() + static_cast<std::ptrdiff_t>(st * ni));
    out.steps[st] = s.steps;
    if (!s.converged) ++out.non_converged;
  }
  return out;
}

double osi(const float* r, std::size_t stride, std::size_t cell, int n_d, int n_axis, const std::vector<float>& theta) {
  const auto S = static_cast<std::size_t>(n_axis);
  std::size_t groups = 1;
  for (int d = 0; d + 1 < n_d; ++d) groups *= S;
  std::size_t best = 0;
  double best_mean = -INFINITY;
  for (std::size_t g = 0; g < groups; ++g) {
    double m = 0;
    for (std::size_t k = 0; k < S; ++k) m += r[(g * S + k) * stride + cell];
    if (m > best_mean) {
      best_mean = m;
      best = g;
    }
  }
  std::complex<double> z = 0;
  double sum = 0;
  for (std::size_t k = 0; k < S; ++k) {
    const double v = r[(best * S + k) * stride + cell];
    z += v * std::polar(1.0, static_cast<double>(theta[k]));
    sum += v;
  }
  return sum > 0 ? std::abs(z) / sum : nan;
}

void spearman(const std::vector<double>& x, const std::vector<double>& y, double& rho, double& p) {
  rho = pearson(ranks_of(x), ranks_of(y));
  if (std::isnan(rho)) {
    p = nan;
    return;
  }
  const double df = static_cast<double>(x.size()) - 2.0;
  if (df <= 0) {
    p = nan;
    return;
  }
  const double r2 = std::min(rho * rho, 1.0 - 1e-16);
  const double t = std::fabs(rho) * std::sqrt(df / (1.0 - r2));
  p = std::erfc(t / std::sqrt(2.0));
}

std::vector<double> column_correlations(const std::vector<double>& x, std::size_t rows, std::size_t cols) {
  std::vector<double> z(x);
  std::vector<bool> constant(cols, false);
  for (std::size_t c = 0; c < cols; ++c) {
    double m = 0;
    for (std::size_t r = 0; r < rows; ++r) m += z[r * cols + c];
    m /= static_cast<double>(rows);
    double ss = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      z[r * cols + c] -= m;
      ss += z[r * cols + c] * z[r * cols + c];
    }
    constant[c] = !(ss > 0);
    const double inv = ss > 0 ? 1.0 / std::sqrt(ss) : 0.0;
    for (std::size_t r = 0; r < rows; ++r) z[r * cols + c] *= inv;
  }
  std::vector<double> out(cols * cols, 0.0);
  for (std::size_t r = 0; r < rows; ++r) {
    const double* zr = &z[r * cols];
    for (std::size_t a = 0; a < cols; ++a) {
      const double za = zr[a];
      if (za == 0.0) continue;
      double* row = &out[a * cols];
      for (std::size_t b = 0; b < cols; ++b) row[b] += za * zr[b];
    }
  }
  for (std::size_t a = 0; a < cols; ++a) {
    for (std::size_t b = 0; b < cols; ++b) {
      if (constant[a] || constant[b]) out[a * cols + b] = nan;
    }
  }
  return out;
}

measures compute_measures(const rate_network& net, const responses& r, double rho0) {
  measures m;
  const auto ne = static_cast<std::size_t>(net.n_e), ni = static_cast<std::size_t>(net.n_i);
  const auto ns = static_cast<std::size_t>(net.n_stimuli);
  m.osi_e.resize(ne);
  m.osi_i.resize(ni);
  for (std::size_t n = 0; n < ne; ++n) m.osi_e[n] = osi(r.r_e.data(), ne, n, net.n_d, net.n_axis, net.locations);
  for (std::size_t n = 0; n < ni; ++n) m.osi_i[n] = osi(r.r_i.data(), ni, n, net.n_d, net.n_axis, net.locations);
  auto nanmean = [](const std::vector<double>& v) {
    double s = 0;
    int n = 0;
    for (double x : v) {
      if (!std::isnan(x)) {
        s += x;
        ++n;
      }
    }
    return n ? s / n : nan;
  };
  m.osi_e_mean = nanmean(m.osi_e);
  m.osi_i_mean = nanmean(m.osi_i);
  // Cosine similarity of response vectors over stimuli.
  std::vector<double> norm_e(ne, 0.0), norm_i(ni, 0.0);
  for (std::size_t s = 0; s < ns; ++s) {
    for (std::size_t n = 0; n < ne; ++n) norm_e[n] += static_cast<double>(r.r_e[s * ne + n]) * r.r_e[s * ne + n];
    for (std::size_t j = 0; j < ni; ++j) norm_i[j] += static_cast<double>(r.r_i[s * ni + j]) * r.r_i[s * ni + j];
  }
  std::vector<double> dot_ei(ne * ni, 0.0), dot_ee(ne * ne, 0.0);
  for (std::size_t s = 0; s < ns; ++s) {
    const float* re = &r.r_e[s * ne];
    const float* ri = &r.r_i[s * ni];
    for (std::size_t n = 0; n < ne; ++n) {
      const double x = re[n];
      if (x == 0.0) continue;
      for (std::size_t j = 0; j < ni; ++j) dot_ei[n * ni + j] += x * ri[j];
      double* row = &dot_ee[n * ne];
      for (std::size_t k = 0; k < ne; ++k) row[k] += x * re[k];
    }
  }
  m.sim_ei.resize(ne * ni);
  m.sim_ee.resize(ne * ne);
  for (std::size_t n = 0; n < ne; ++n) {
    for (std::size_t j = 0; j < ni; ++j) {
      const double d = std::sqrt(norm_e[n] * norm_i[j]);
      m.sim_ei[n * ni + j] = static_cast<float>(d > 0 ? dot_ei[n * ni + j] / d : nan);
    }
    for (std::size_t k = 0; k < ne; ++k) {
      const double d = std::sqrt(norm_e[n] * norm_e[k]);
      m.sim_ee[n * ne + k] = static_cast<float>(d > 0 ? dot_ee[n * ne + k] / d : nan);
    }
  }
  // Pearson correlations of E response vectors.
  std::vector<double> xe(r.r_e.begin(), r.r_e.end());
  const auto corr = column_correlations(xe, ns, ne);
  m.corr_ee.assign(corr.begin(), corr.end());
  // Spearman co-tuning of excitatory (W_EE r_E + I_E) and inhibitory (W_EI r_I) input per E cell.
  std::vector<double> exc(ns * ne), inh(ns * ne);
  for (std::size_t s = 0; s < ns; ++s) {
    const float* re = &r.r_e[s * ne];
    const float* ri = &r.r_i[s * ni];
    for (std::size_t n = 0; n < ne; ++n) {
      double e = net.afferents[s * ne + n], i = 0;
      const float* wee = &net.w_ee[n * ne];
      for (std::size_t k = 0; k < ne; ++k) e += static_cast<double>(wee[k]) * re[k];
      const float* wei = &net.w_ei[n * ni];
      for (std::size_t j = 0; j < ni; ++j) i += static_cast<double>(wei[j]) * ri[j];
      exc[n * ns + s] = e;
      inh[n * ns + s] = i;
    }
  }
  m.cc.resize(ne);
  m.cp.resize(ne);
  int above = 0;
  for (std::size_t n = 0; n < ne; ++n) {
    std::vector<double> x(exc.begin() + static_cast<std::ptrdiff_t>(n * ns), exc.begin() + static_cast<std::ptrdiff_t>((n + 1) * ns));
    std::vector<double> y(inh.begin() + static_cast<std::ptrdiff_t>(n * ns), inh.begin() + static_cast<std::ptrdiff_t>((n + 1) * ns));
    spearman(x, y, m.cc[n], m.cp[n]);
    if (m.cp[n] > 1e-3) ++above;
  }
  m.cc_mean = nanmean(m.cc);
  m.cp_percent = 100.0 * above / static_cast<double>(ne);
  double se = 0;
  for (float v : r.r_e) se += (v - rho0) * (v - rho0);
  m.e_error_rms = std::sqrt(se / static_cast<double>(r.r_e.size()));
  return m;
}

}  // namespace balnet::rates

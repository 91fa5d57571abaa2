// Rate-network mode (project 3): softplus parameterisation, steady-state solver, APPROXIMATE
// rules against a hand computation, GRADIENT against finite differences of the loss.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "balnet/rates/rate_learning.hpp"
#include "balnet/rates/rate_network.hpp"
#include "balnet/rates/rate_params.hpp"

using namespace balnet::rates;

namespace {

// A hand-made network of n_e E and n_i I cells with full masks (weights set by the test).
rate_network tiny_network(int n_e, int n_i) {
  rate_network net;
  net.n_e = n_e;
  net.n_i = n_i;
  net.n_stimuli = 1;
  net.w_ee.assign(static_cast<std::size_t>(n_e * n_e), 0.0f);
  net.w_ii.assign(static_cast<std::size_t>(n_i * n_i), 0.0f);
  net.w_ei.assign(static_cast<std::size_t>(n_e * n_i), 0.0f);
  net.w_ie.assign(static_cast<std::size_t>(n_i * n_e), 0.0f);
  net.z_ei.assign(net.w_ei.size(), 1.0f);
  net.z_ie.assign(net.w_ie.size(), 1.0f);
  net.v_ei.assign(net.w_ei.size(), 0.0f);
  net.v_ie.assign(net.w_ie.size(), 0.0f);
  net.alpha_ei = 2.0f;
  net.alpha_ie = 3.0f;
  net.cap_ei = net.cap_ie = 1e9f;
  net.b_i = 5.0f;
  return net;
}

// The plain double-precision Euler loop of MODELS.md §3.1 (leak uses r, silent cells
// integrate without leak) for `steps` steps from the fixed initial state; w_ee(i, k) gives
// W_EE, the other weights come from `net`. Returns the rates in re, ri.
template <class WEE>
void plain_euler(const rate_network& net, const std::vector<float>& input, const rate_params& p, int steps, WEE w_ee,
                 std::vector<double>& re, std::vector<double>& ri) {
  const auto ne = static_cast<std::size_t>(net.n_e), ni = static_cast<std::size_t>(net.n_i);
  std::vector<double> he(ne, p.rho0), hi(ni, net.b_i);
  re.assign(ne, p.rho0);
  ri.assign(ni, net.b_i);
  const double ke = p.dt / p.tau_e, ki = p.dt / p.tau_i;
  for (int t = 0; t < steps; ++t) {
    std::vector<double> de(ne), di(ni);
    for (std::size_t i = 0; i < ne; ++i) {
      double x = input[i] - re[i];
      for (std::size_t k = 0; k < ne; ++k) x += w_ee(i, k) * re[k];
      for (std::size_t j = 0; j < ni; ++j) x -= net.w_ei[i * ni + j] * ri[j];
      de[i] = ke * x;
    }
    for (std::size_t j = 0; j < ni; ++j) {
      double x = net.b_i - ri[j];
      for (std::size_t k = 0; k < ne; ++k) x += net.w_ie[j * ne + k] * re[k];
      for (std::size_t m = 0; m < ni; ++m) x -= net.w_ii[j * ni + m] * ri[m];
      di[j] = ki * x;
    }
    for (std::size_t i = 0; i < ne; ++i) re[i] = std::clamp(he[i] += de[i], 0.0, p.r_max);
    for (std::size_t j = 0; j < ni; ++j) ri[j] = std::clamp(hi[j] += di[j], 0.0, p.r_max);
  }
}

// Floats in [0, 1) from a linear congruential sequence, for the tests' random networks.
struct lcg {
  std::uint32_t state;
  float operator()() {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) / 16777216.0f;
  }
};

void set_plastic(rate_network& net) {
  weights_from_parameters(net.v_ei, net.z_ei, net.alpha_ei, net.cap_ei, net.w_ei);
  weights_from_parameters(net.v_ie, net.z_ie, net.alpha_ie, net.cap_ie, net.w_ie);
}

}  // namespace

TEST(RatesSoftplus, InverseRoundTripAndSlope) {
  for (double a : {0.05 / 0.016, 0.05 / 0.026, 1.0, 40.0}) {
    for (double w : {1e-6, 1e-3, 0.01629, 0.02632, 0.5, 3.0, 100.0}) {
      const double v = softplus_inverse(w, a);
      EXPECT_NEAR(softplus(v, a), w, 1e-12 * std::max(1.0, w)) << "a=" << a << " w=" << w;
      // dw/dv = logistic(a v), the factor every rule multiplies by
      const double h = 1e-6 * std::max(1.0, std::fabs(v));
      const double slope = (softplus(v + h, a) - softplus(v - h, a)) / (2 * h);
      EXPECT_NEAR(slope, logistic(a * v), 1e-6) << "a=" << a << " w=" << w;
    }
  }
  EXPECT_NEAR(softplus(0.0, 2.0), std::log(2.0) / 2.0, 1e-15);
  EXPECT_GT(softplus(-50.0, 10.0), 0.0);  // positive even far in the tail
  EXPECT_NEAR(softplus(50.0, 10.0), 50.0, 1e-12);
}

TEST(RatesSolver, KnownFixedPointAllActive) {
  // 2 E cells, 1 I cell: r = I + W_EE r - W_EI r_I, r_I = W_IE r - W_II r_I + b (all active).
  auto net = tiny_network(2, 1);
  net.w_ee = {0.0f, 0.3f, 0.2f, 0.0f};
  net.w_ei = {0.5f, 0.25f};
  net.w_ie = {0.4f, 0.6f};
  net.w_ii = {0.5f};
  rate_params p;
  p.rho0 = 1.0;
  p.max_dr = 1e-3;  // |tau dh/dt| < 1e-3: float32 state resolves this
  p.max_steps = 100000;
  const std::vector<float> input = {10.0f, 6.0f};
  // Solve the 3x3 linear system by hand (Cramer's rule):
  // (1) r1 - 0.3 r2 + 0.5 ri = 10 ; (2) -0.2 r1 + r2 + 0.25 ri = 6 ; (3) -0.4 r1 - 0.6 r2 + 1.5 ri = 5
  const double A[3][3] = {{1, -0.3, 0.5}, {-0.2, 1, 0.25}, {-0.4, -0.6, 1.5}};
  const double b[3] = {10, 6, 5};
  auto det = [](const double m[3][3]) {
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
           m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  };
  double x[3];
  for (int c = 0; c < 3; ++c) {
    double m[3][3];
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) m[i][j] = j == c ? b[i] : A[i][j];
    x[c] = det(m) / det(A);
  }
  steady_state_solver solver(net, p);
  steady_state s;
  solver.solve(input.data(), s);
  ASSERT_TRUE(s.converged);
  EXPECT_GT(s.steps, 10);
  EXPECT_NEAR(s.r_e[0], x[0], 5e-3);
  EXPECT_NEAR(s.r_e[1], x[1], 5e-3);
  EXPECT_NEAR(s.r_i[0], x[2], 5e-3);
  EXPECT_EQ(s.h_e[0], s.r_e[0]);
}

TEST(RatesSolver, TallRowBlocksMatchAPlainEulerLoop) {
  // 216 E + 27 I = 243 rows: one 192-row block and a 64-row tail where the CPU has AVX-512,
  // four 64-row blocks otherwise. A plain double-precision Euler loop of MODELS.md §3.1 (leak
  // uses r, silent cells integrate without leak) must reach the same steady state.
  const int n_e = 216, n_i = 27;
  auto net = tiny_network(n_e, n_i);
  lcg uniform{12345u};
  for (auto& w : net.w_ee) w = uniform() < 0.4f ? 0.0f : uniform() * 2.0f / n_e;
  for (auto& w : net.w_ei) w = uniform() * 4.0f / n_i;
  for (auto& w : net.w_ie) w = uniform() * 2.0f / n_e;
  for (auto& w : net.w_ii) w = uniform() * 1.0f / n_i;
  std::vector<float> input(static_cast<std::size_t>(n_e));
  for (int i = 0; i < n_e; ++i) input[static_cast<std::size_t>(i)] = i % 5 == 0 ? 0.0f : 2.0f + 30.0f * uniform();
  rate_params p;
  p.max_dr = 1e-3;
  p.max_steps = 100000;
  steady_state_solver solver(net, p);
  steady_state s;
  solver.solve(input.data(), s);
  ASSERT_TRUE(s.converged);

  const std::size_t ne = n_e, ni = n_i;
  std::vector<double> re, ri;
  plain_euler(net, input, p, s.steps, [&](std::size_t i, std::size_t k) { return double{net.w_ee[i * ne + k]}; }, re, ri);
  int silent = 0;
  for (std::size_t i = 0; i < ne; ++i) {
    EXPECT_NEAR(s.r_e[i], re[i], 1e-3 * (1.0 + re[i])) << "E cell " << i;
    silent += re[i] == 0.0;
  }
  for (std::size_t j = 0; j < ni; ++j) EXPECT_NEAR(s.r_i[j], ri[j], 1e-3 * (1.0 + ri[j])) << "I cell " << j;
  EXPECT_GT(silent, 0);        // the input leaves some E cells silent ...
  EXPECT_LT(silent, n_e / 2);  // ... and most active
}

TEST(RatesSolver, SymmetricEEPathMatchesAPlainEulerLoop) {
  // W_EE = diag(s) C with C symmetric except for a few pairs in different 64-blocks (the
  // rank-order cut can split a tie): the solver reads C once per step from the upper
  // triangle of 64 x 64 tiles (216 E cells: 4 blocks, the last one padded) and adds the
  // unpaired entries from a list. It must reach the plain loop's steady state, and agree
  // with the general path (same network without the factors).
  const int n_e = 216, n_i = 27;
  auto net = tiny_network(n_e, n_i);
  lcg uniform{777u};
  const std::size_t ne = n_e, ni = n_i;
  net.ee_corr.assign(ne * ne, 0.0f);
  net.ee_row_scale.resize(ne);
  for (std::size_t a = 0; a < ne; ++a) {
    for (std::size_t b = a + 1; b < ne; ++b) {
      const float c = uniform() < 0.4f ? 0.0f : uniform();
      net.ee_corr[a * ne + b] = net.ee_corr[b * ne + a] = c;
    }
  }
  // Unpaired entries: one side kept, the mirror zeroed, across blocks (and one inside a block).
  for (auto [a, b] : {std::pair<std::size_t, std::size_t>{3, 150}, {70, 5}, {200, 64}, {130, 131}, {10, 215}}) {
    net.ee_corr[a * ne + b] = 3.0f;
    net.ee_corr[b * ne + a] = 0.0f;
  }
  for (std::size_t a = 0; a < ne; ++a) {
    net.ee_row_scale[a] = (1.0f + uniform()) / n_e;
    for (std::size_t b = 0; b < ne; ++b) net.w_ee[a * ne + b] = net.ee_row_scale[a] * net.ee_corr[a * ne + b];
  }
  for (auto& w : net.w_ei) w = uniform() * 4.0f / n_i;
  for (auto& w : net.w_ie) w = uniform() * 2.0f / n_e;
  for (auto& w : net.w_ii) w = uniform() * 1.0f / n_i;
  std::vector<float> input(ne);
  for (std::size_t i = 0; i < ne; ++i) input[i] = i % 7 == 0 ? 0.0f : 2.0f + 30.0f * uniform();
  rate_params p;
  p.max_dr = 1e-3;
  p.max_steps = 100000;
  steady_state_solver solver(net, p);
  ASSERT_TRUE(solver.symmetric());
  steady_state s;
  solver.solve(input.data(), s);
  ASSERT_TRUE(s.converged);
  auto general_net = net;
  general_net.ee_corr.clear();
  steady_state_solver general(general_net, p);
  ASSERT_FALSE(general.symmetric());
  steady_state g;
  general.solve(input.data(), g);
  ASSERT_TRUE(g.converged);

  std::vector<double> re, ri;
  plain_euler(
      net, input, p, s.steps,
      [&](std::size_t i, std::size_t k) { return static_cast<double>(net.ee_row_scale[i]) * net.ee_corr[i * ne + k]; }, re,
      ri);
  int silent = 0;
  for (std::size_t i = 0; i < ne; ++i) {
    EXPECT_NEAR(s.r_e[i], re[i], 1e-3 * (1.0 + re[i])) << "E cell " << i;
    EXPECT_NEAR(s.r_e[i], g.r_e[i], 1e-3 * (1.0 + re[i])) << "E cell " << i << " (general path)";
    silent += re[i] == 0.0;
  }
  for (std::size_t j = 0; j < ni; ++j) EXPECT_NEAR(s.r_i[j], ri[j], 1e-3 * (1.0 + ri[j])) << "I cell " << j;
  EXPECT_GT(silent, 0);
  EXPECT_LT(silent, n_e / 2);
  // After a weight update the plastic blocks are re-read in the symmetric layout too.
  for (auto& w : net.w_ei) w *= 0.5f;
  for (auto& w : general_net.w_ei) w *= 0.5f;
  solver.update_plastic(net);
  general.update_plastic(general_net);
  solver.solve(input.data(), s);
  general.solve(input.data(), g);
  ASSERT_TRUE(s.converged && g.converged);
  double moved = 0;
  for (std::size_t i = 0; i < ne; ++i) {
    EXPECT_NEAR(s.r_e[i], g.r_e[i], 1e-3 * (1.0 + g.r_e[i])) << "E cell " << i << " after the update";
    moved += std::abs(s.r_e[i] - re[i]);
  }
  EXPECT_GT(moved, 1.0);  // halving I->E changed the steady state
}

TEST(RatesSolver, SilentCellIntegratesWithoutLeakAndStepLimit) {
  // E cell 1 gets strong inhibition: its h goes below 0 and keeps falling (the leak uses r = 0),
  // but it is excluded from the convergence test, so the solve still converges.
  auto net = tiny_network(2, 1);
  net.w_ei = {0.0f, 10.0f};
  net.w_ie = {0.0f, 0.0f};
  rate_params p;
  p.max_dr = 0.5;
  p.max_steps = 1500;
  const std::vector<float> input = {3.0f, 1.0f};
  steady_state_solver solver(net, p);
  steady_state s;
  solver.solve(input.data(), s);
  ASSERT_TRUE(s.converged);
  EXPECT_EQ(s.r_e[1], 0.0f);
  EXPECT_LT(s.h_e[1], -40.0f);  // ~ -(10*5-1) * steps/50: integrates without leak
  EXPECT_NEAR(s.r_e[0], 3.0, 0.5 * 1.0 + 1e-3);  // |tau dh/dt| < 0.5 => within 0.5 of I = 3
  EXPECT_NEAR(s.r_i[0], 5.0, 0.5);
  // The exact rule: converged at the first step where max |dh_E| < 0.5 dt/tau_E and max |dh_I| < 0.5 dt/tau_I.
  // Cell 0 relaxes as 3 - 2 (1 - 1/50)^t: |dh| = (2/50)(49/50)^(t-1) < 0.01 first at t = 70.
  EXPECT_EQ(s.steps, 70);
  rate_params q = p;
  q.max_steps = 3;
  steady_state_solver limited(net, q);
  limited.solve(input.data(), s);
  EXPECT_FALSE(s.converged);
  EXPECT_EQ(s.steps, 3);
}

TEST(RatesApproximate, HandComputedUpdateAndRowNormalisation) {
  auto net = tiny_network(2, 1);
  net.v_ei = {0.1f, -0.2f};
  net.v_ie = {0.3f, 0.05f};
  set_plastic(net);
  steady_state s;
  s.h_e = {1.5f, -0.5f};  // e = (0.5, -1.5) with rho0 = 1 (unrectified h)
  s.r_e = {1.5f, 0.0f};
  s.h_i = {2.0f};
  s.r_i = {2.0f};
  std::vector<double> d_ei, d_ie;
  approximate_directions(net, s, 1.0, d_ei, d_ie);
  auto sig = [](double x) { return 1 / (1 + std::exp(-x)); };
  // d_ei[i] = e_i r_I sigma(2 v_ei[i])
  EXPECT_NEAR(d_ei[0], 0.5 * 2.0 * sig(2 * 0.1), 1e-6);
  EXPECT_NEAR(d_ei[1], -1.5 * 2.0 * sig(2 * -0.2), 1e-6);
  // delta = (w_ie . e) sigma(h_I); d_ie[k] = delta r_E,k sigma(3 v_ie[k])
  const double w0 = std::log1p(std::exp(3 * 0.3)) / 3, w1 = std::log1p(std::exp(3 * 0.05)) / 3;
  const double delta = (w0 * 0.5 + w1 * -1.5) * sig(2.0);
  EXPECT_NEAR(d_ie[0], delta * 1.5 * sig(0.9), 1e-6);
  EXPECT_EQ(d_ie[1], 0.0);  // r_E = 0

  // Full update, BOTH: v += eta (d - lambda w); w = softplus(v); rows of W_IE to sum 5.
  rate_params p;
  p.rule = learning_rule::approximate;
  p.eta_e = 0.01;
  p.eta_i = 0.02;
  p.ie_decay = p.ei_decay = 0.1;
  p.ie_row_total = 5.0;
  const auto before = net;
  plasticity pl(net, p, condition::both);
  pl.update(net, s, false);
  for (int i = 0; i < 2; ++i) {
    const double v = before.v_ei[i] + 0.02 * (d_ei[i] - 0.1 * before.w_ei[i]);
    EXPECT_NEAR(net.v_ei[i], v, 1e-6);
    EXPECT_NEAR(net.w_ei[i], std::log1p(std::exp(2 * v)) / 2, 1e-6);
  }
  double raw[2], sum = 0;
  for (int k = 0; k < 2; ++k) {
    const double v = before.v_ie[k] + 0.01 * (d_ie[k] - 0.1 * before.w_ie[k]);
    EXPECT_NEAR(net.v_ie[k], v, 1e-6);  // the normalisation rescales w, not v
    raw[k] = std::log1p(std::exp(3 * v)) / 3;
    sum += raw[k];
  }
  for (int k = 0; k < 2; ++k) EXPECT_NEAR(net.w_ie[k], raw[k] * 5.0 / sum, 1e-5);

  // EXC: only E->I learns; INH: only I->E; NEITHER: nothing.
  auto n2 = before;
  plasticity exc(n2, p, condition::exc);
  exc.update(n2, s, false);
  EXPECT_EQ(n2.v_ei, before.v_ei);
  EXPECT_NE(n2.v_ie, before.v_ie);
  auto n3 = before;
  plasticity inh(n3, p, condition::inh);
  inh.update(n3, s, false);
  EXPECT_NE(n3.v_ei, before.v_ei);
  EXPECT_EQ(n3.v_ie, before.v_ie);
  EXPECT_EQ(n3.w_ie, before.w_ie);
  auto n4 = before;
  plasticity none(n4, p, condition::neither);
  none.update(n4, s, false);
  EXPECT_EQ(n4.w_ei, before.w_ei);
  EXPECT_EQ(n4.w_ie, before.w_ie);
}

namespace {

double sp(double h) { return h > 0 ? h + std::log1p(std::exp(-h)) : std::log1p(std::exp(h)); }

// The smooth fixed point the gradient is exact for: h_E = I + W_EE f(h_E) - W_EI f(h_I),
// h_I = W_IE f(h_E) - W_II f(h_I) + b, with f = softplus (slope sigma(h)); solved in double.
void smooth_fixed_point(const rate_network& net, const std::vector<double>& w_ei, const std::vector<double>& w_ie,
                        const std::vector<double>& input, std::vector<double>& he, std::vector<double>& hi) {
  const int ne = net.n_e, ni = net.n_i;
  he.assign(static_cast<std::size_t>(ne), 1.0);
  hi.assign(static_cast<std::size_t>(ni), 1.0);
  for (int it = 0; it < 20000; ++it) {
    std::vector<double> ne_(he), ni_(hi);
    for (int i = 0; i < ne; ++i) {
      double x = input[static_cast<std::size_t>(i)];
      for (int k = 0; k < ne; ++k) x += net.w_ee[static_cast<std::size_t>(i * ne + k)] * sp(he[static_cast<std::size_t>(k)]);
      for (int j = 0; j < ni; ++j) x -= w_ei[static_cast<std::size_t>(i * ni + j)] * sp(hi[static_cast<std::size_t>(j)]);
      ne_[static_cast<std::size_t>(i)] = x;
    }
    for (int j = 0; j < ni; ++j) {
      double x = net.b_i;
      for (int k = 0; k < ne; ++k) x += w_ie[static_cast<std::size_t>(j * ne + k)] * sp(he[static_cast<std::size_t>(k)]);
      for (int a = 0; a < ni; ++a) x -= net.w_ii[static_cast<std::size_t>(j * ni + a)] * sp(hi[static_cast<std::size_t>(a)]);
      ni_[static_cast<std::size_t>(j)] = x;
    }
    double diff = 0;
    for (int i = 0; i < ne; ++i) {
      diff = std::max(diff, std::fabs(ne_[static_cast<std::size_t>(i)] - he[static_cast<std::size_t>(i)]));
      he[static_cast<std::size_t>(i)] += 0.5 * (ne_[static_cast<std::size_t>(i)] - he[static_cast<std::size_t>(i)]);
    }
    for (int j = 0; j < ni; ++j) {
      diff = std::max(diff, std::fabs(ni_[static_cast<std::size_t>(j)] - hi[static_cast<std::size_t>(j)]));
      hi[static_cast<std::size_t>(j)] += 0.5 * (ni_[static_cast<std::size_t>(j)] - hi[static_cast<std::size_t>(j)]);
    }
    if (diff < 1e-15) break;
  }
}

}  // namespace

TEST(RatesGradient, MatchesFiniteDifferencesOfTheLoss) {
  const int ne = 3, ni = 2;
  auto net = tiny_network(ne, ni);
  net.w_ee = {0.0f, 0.2f, 0.1f, 0.15f, 0.0f, 0.2f, 0.05f, 0.1f, 0.0f};
  net.w_ii = {0.1f, 0.2f, 0.15f, 0.05f};
  net.v_ei = {0.1f, -0.3f, 0.2f, 0.05f, -0.1f, 0.3f};
  net.v_ie = {0.2f, -0.1f, 0.05f, 0.1f, 0.3f, -0.2f};
  net.b_i = 0.5f;
  set_plastic(net);
  const std::vector<double> input = {1.2, 0.4, 2.0};
  const double rho0 = 1.0;
  auto weights = [&](const std::vector<double>& v, double a) {
    std::vector<double> w(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) w[i] = softplus(v[i], a);
    return w;
  };
  std::vector<double> vei(net.v_ei.begin(), net.v_ei.end()), vie(net.v_ie.begin(), net.v_ie.end());
  auto loss = [&](const std::vector<double>& ve, const std::vector<double>& vi) {
    std::vector<double> he, hi;
    smooth_fixed_point(net, weights(ve, net.alpha_ei), weights(vi, net.alpha_ie), input, he, hi);
    double l = 0;
    for (double h : he) l += 0.5 * (h - rho0) * (h - rho0);
    return l;
  };
  // The steady state the gradient is evaluated at (r = f(h), slopes sigma(h)).
  std::vector<double> he, hi;
  smooth_fixed_point(net, weights(vei, net.alpha_ei), weights(vie, net.alpha_ie), input, he, hi);
  steady_state s;
  for (double h : he) {
    s.h_e.push_back(static_cast<float>(h));
    s.r_e.push_back(static_cast<float>(sp(h)));
  }
  for (double h : hi) {
    s.h_i.push_back(static_cast<float>(h));
    s.r_i.push_back(static_cast<float>(sp(h)));
  }
  std::vector<double> g_ei, g_ie;
  ASSERT_TRUE(gradient_directions(net, s, rho0, g_ei, g_ie));
  const double eps = 1e-5;
  double scale = 0;
  for (double g : g_ei) scale = std::max(scale, std::fabs(g));
  for (double g : g_ie) scale = std::max(scale, std::fabs(g));
  ASSERT_GT(scale, 1e-3);
  for (std::size_t i = 0; i < vei.size(); ++i) {
    auto up = vei, dn = vei;
    up[i] += eps;
    dn[i] -= eps;
    const double fd = -(loss(up, vie) - loss(dn, vie)) / (2 * eps);  // directions are -dL/dv
    EXPECT_NEAR(g_ei[i], fd, 2e-3 * scale) << "v_EI entry " << i;
  }
  for (std::size_t i = 0; i < vie.size(); ++i) {
    auto up = vie, dn = vie;
    up[i] += eps;
    dn[i] -= eps;
    const double fd = -(loss(vei, up) - loss(vei, dn)) / (2 * eps);
    EXPECT_NEAR(g_ie[i], fd, 2e-3 * scale) << "v_IE entry " << i;
  }
  // The APPROXIMATE directions point the same way here (angle below 90 degrees).
  std::vector<double> d_ei, d_ie;
  approximate_directions(net, s, rho0, d_ei, d_ie);
  EXPECT_LT(angle_degrees(g_ei, d_ei), 90.0);
}

TEST(RatesGradient, AdamStepWithConstantBiasCorrection) {
  auto net = tiny_network(1, 1);
  net.v_ei = {0.2f};
  net.v_ie = {0.1f};
  net.b_i = 1.0f;
  set_plastic(net);
  steady_state s;
  s.h_e = {2.0f};
  s.r_e = {2.0f};
  s.h_i = {1.0f};
  s.r_i = {1.0f};
  rate_params p;
  p.rule = learning_rule::gradient;
  p.eta_e = 0.0;
  p.eta_i = 1e-3;
  p.ei_decay = 0.1;
  const auto before = net;
  std::vector<double> g_ei, g_ie;
  ASSERT_TRUE(gradient_directions(before, s, 1.0, g_ei, g_ie));
  plasticity pl(net, p, condition::inh);
  pl.update(net, s, false);
  const double g = g_ei[0] - 0.1 * before.w_ei[0];
  const double m = 0.1 * g, v2 = 0.001 * g * g;
  const double m_hat = m / (1 - 0.9), v_hat = v2 / (1 - 0.999);  // constant corrections (QUIRK)
  EXPECT_NEAR(net.v_ei[0], before.v_ei[0] + 1e-3 * m_hat / (std::sqrt(v_hat) + 1e-8), 1e-7);
  EXPECT_EQ(net.v_ie, before.v_ie);
}

TEST(RatesNetwork, DefaultConstruction) {
  rate_params p;
  p.n_per_axis = 4;
  p.n_i = 8;
  p.n_stimuli_per_axis = 6;
  const auto net = build_rate_network(p);
  ASSERT_EQ(net.n_e, 64);
  ASSERT_EQ(net.n_stimuli, 216);
  // Fixed in-degree: round(0.6 * 64) = 38 E inputs per I cell, round(0.6 * 8) = 5 I inputs per E cell.
  for (int j = 0; j < 8; ++j) {
    int k = 0;
    for (int e = 0; e < 64; ++e) k += net.z_ie[static_cast<std::size_t>(j * 64 + e)] != 0;
    EXPECT_EQ(k, 38);
  }
  for (int i = 0; i < 64; ++i) {
    int k = 0;
    double ee = 0;
    for (int j = 0; j < 8; ++j) k += net.z_ei[static_cast<std::size_t>(i * 8 + j)] != 0;
    for (int e = 0; e < 64; ++e) ee += net.w_ee[static_cast<std::size_t>(i * 64 + e)];
    EXPECT_EQ(k, 5);
    EXPECT_NEAR(ee, 2.0, 1e-5);  // rows of W_EE sum to ee_total
    EXPECT_EQ(net.w_ee[static_cast<std::size_t>(i * 64 + i)], 0.0f);
  }
  // Afferents between background and background + peak, with the peak reached.
  float lo = 1e9f, hi = -1e9f;
  for (float a : net.afferents) {
    lo = std::min(lo, a);
    hi = std::max(hi, a);
  }
  EXPECT_NEAR(lo, 5.0f, 1e-5);
  EXPECT_NEAR(hi, 55.0f, 1e-4);
  // Plastic weights are the softplus of their parameters.
  for (std::size_t i = 0; i < net.w_ie.size(); ++i) {
    if (net.z_ie[i] != 0) {
      EXPECT_NEAR(softplus(net.v_ie[i], net.alpha_ie), net.w_ie[i], 1e-6);
    }
  }
  // Same seed, same network.
  const auto again = build_rate_network(p);
  EXPECT_EQ(again.w_ie, net.w_ie);
  EXPECT_EQ(again.w_ee, net.w_ee);
}

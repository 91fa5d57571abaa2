// Point neurons against closed-form results, and Poisson drive/sources against their
// distributions.
#include <gtest/gtest.h>

#include <cmath>

#include "balnet/io/config.hpp"
#include "balnet/model/point_neuron.hpp"
#include "lif_params.hpp"
#include "balnet/model/poisson_source.hpp"
#include "balnet/input/poisson_input.hpp"

using namespace balnet;

namespace {

using test_params::lif;

std::vector<double> spike_times(point_neuron_group& g, double dt, double t_stop) {
  std::vector<double> t;
  std::vector<index_t> spiked;
  for (step_t s = 0; s < static_cast<step_t>(t_stop / dt); ++s) {
    spiked.clear();
    g.update(s, spiked);
    if (!spiked.empty()) t.push_back(static_cast<double>(s) * dt);
  }
  return t;
}

}  // namespace

TEST(point_neuron, lif_with_constant_current_fires_at_the_analytic_period) {
  // V_inf = E_L + I/g_L = -30 mV; period = t_ref + tau ln((V_inf - V_reset)/(V_inf - V_th))
  const double period = 2.0 + 20.0 * std::log(30.0 / 20.0);
  for (auto method : {integrator::exp_euler, integrator::euler}) {
    const double dt = method == integrator::euler ? 0.001 : 0.1;
    point_neuron_group g(lif(300, method), {}, {0}, dt, 1, 1);
    const auto t = spike_times(g, dt, 200);
    ASSERT_GE(t.size(), 10u);
    for (std::size_t i = 1; i < t.size(); ++i) {
      // the first spike starts from rest without refractoriness: skip it
      EXPECT_NEAR(t[i] - t[i - 1], period, method == integrator::euler ? 0.01 : dt) << i;
    }
    EXPECT_NEAR(t[0], period - 2.0, method == integrator::euler ? 0.01 : dt);
  }
}

TEST(point_neuron, below_rheobase_it_stays_silent_at_steady_state) {
  point_neuron_group g(lif(50, integrator::exp_euler), {}, {0}, 0.1, 1, 1);
  EXPECT_TRUE(spike_times(g, 0.1, 500).empty());
  std::vector<double> v(1);
  g.get_state("V", v);
  EXPECT_NEAR(v[0], -55.0, 1e-9);
}

TEST(point_neuron, current_receptor_kernel_has_unit_area) {
  receptor_spec r;
  r.name = "exc";
  r.kind = receptor_kind::current;
  r.tau = 5;
  auto p = lif(0, integrator::euler);
  p.V_th = 1000;  // never fire
  const double dt = 0.01;
  point_neuron_group g(p, {r}, {0}, dt, 1, 1);
  g.receptor_input(0)[0] += 2.0 * g.receptor_scale(0);  // weight 2: total charge 2 pA ms
  std::vector<index_t> spiked;
  std::vector<double> I(1);
  double charge = 2.0 / 5.0 * dt;  // the current the first step integrates
  for (int s = 0; s < 20000; ++s) {
    g.update(s, spiked);
    g.get_state("I_exc", I);
    if (s == 0) {
      EXPECT_NEAR(I[0], 2.0 / 5.0 * std::exp(-dt / 5), 1e-12);
    }
    charge += I[0] * dt;
  }
  EXPECT_NEAR(charge, 2.0, 0.01);
}

TEST(point_neuron, adaptation_current_slows_firing) {
  auto p = lif(400, integrator::euler);
  p.model = "adex";
  p.b = 50;
  p.tau_w = 200;
  point_neuron_group adapt(p, {}, {0}, 0.1, 1, 1);
  const auto t = spike_times(adapt, 0.1, 1000);
  ASSERT_GE(t.size(), 4u);
  EXPECT_GT(t[t.size() - 1] - t[t.size() - 2], 1.5 * (t[1] - t[0]));
}

TEST(poisson_source, rate_matches) {
  std::vector<gid_t> gids(200);
  for (gid_t i = 0; i < 200; ++i) gids[i] = i;
  poisson_source_group g(20.0, gids, 0.1, 5, 77, 0);
  std::vector<index_t> spiked;
  std::size_t n = 0;
  for (step_t s = 0; s < 50000; ++s) {
    spiked.clear();
    g.update(s, spiked);
    n += spiked.size();
  }
  const double expect = 200 * 20.0 * 5.0;  // 5 s
  EXPECT_NEAR(static_cast<double>(n), expect, 5 * std::sqrt(expect));
}

TEST(poisson_input, counts_are_binomial_in_sparse_and_dense_modes) {
  for (double rate : {2.0, 400.0}) {  // n p = 0.02 (skipping gaps) and 4.0 (every step)
    receptor_spec r;
    r.name = "x";
    r.kind = receptor_kind::delta;
    auto p = lif(0, integrator::euler);
    std::vector<gid_t> gids(100);
    for (gid_t i = 0; i < 100; ++i) gids[i] = i;
    point_neuron_group g(p, {r}, gids, 0.1, 1, 1);
    poisson_input_spec spec;
    spec.hash = 99;
    spec.sources = 100;
    spec.rate = rate;
    spec.weight = 1.0;
    poisson_input in(spec, {{&g, 0, gids}}, 0.1, 3, 0);
    double s = 0, s2 = 0;
    const int steps = 5000;
    double* acc = g.receptor_input(0);
    for (step_t t = 0; t < steps; ++t) {
      in.apply(t);
      for (int i = 0; i < 100; ++i) {
        s += acc[i];
        s2 += acc[i] * acc[i];
        acc[i] = 0;
      }
    }
    const double n = 100.0 * steps;
    const double np = 100 * rate * 1e-4, var = np * (1 - rate * 1e-4);
    EXPECT_NEAR(s / n, np, 5 * std::sqrt(var / n)) << rate;
    EXPECT_NEAR(s2 / n - (s / n) * (s / n), var, 0.05 * var) << rate;
  }
}

// MODELS.md 6.10 U3: the correlated input generator (rate 10 Hz, c = 0.1, jitter 5 ms) gives
// per-train rates within 5 % of the rate and a pairwise spike-count correlation in 250-ms
// windows within 5 % of c; trains do not depend on which neurons a rank holds.
#include <gtest/gtest.h>

#include <cmath>

#include "balnet/model/correlated_source.hpp"

using namespace balnet;

namespace {

constexpr double dt = 1.0;  // ms

std::vector<std::vector<step_t>> simulate(const correlated_source_params& p, const std::vector<gid_t>& gids,
                                          double t_stop) {
  correlated_source_group g(p, gids, dt, t_stop, 99, 0xABCDEF);
  std::vector<std::vector<step_t>> spikes(gids.size());
  std::vector<index_t> spiked;
  const auto steps = static_cast<step_t>(t_stop / dt);
  for (step_t t = 0; t < steps; ++t) {
    spiked.clear();
    g.update(t, spiked);
    for (std::size_t i = 1; i < spiked.size(); ++i) EXPECT_LE(spiked[i - 1], spiked[i]);
    for (index_t i : spiked) spikes[i].push_back(t);
  }
  return spikes;
}

// P(both jittered copies of one mother spike fall in the same window of length w), as a
// fraction of w: the expected correlation is c times this (Poisson mother, Gaussian jitter).
double overlap_fraction(double w, double sigma) {
  auto phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  double s = 0;
  const double lo = -10 * sigma, hi = w + 10 * sigma, h = 0.01;
  for (double t = lo; t < hi; t += h) {
    const double p = phi((w - t) / sigma) - phi(-t / sigma);
    s += p * p * h;
  }
  return s / w;
}

}  // namespace

TEST(correlated_source_u3, rates_and_pairwise_count_correlation) {
  correlated_source_params p;
  p.rate = 10.0;
  p.c = 0.1;
  p.jitter = 5.0;
  const double t_stop = 4000.0 * 1000.0;  // 4000 s: 16000 windows of 250 ms
  const std::size_t n = 60;
  std::vector<gid_t> gids(n);
  for (std::size_t i = 0; i < n; ++i) gids[i] = static_cast<gid_t>(1000 + i);
  const auto spikes = simulate(p, gids, t_stop);
  double mean_rate = 0;
  for (const auto& s : spikes) {
    const double rate = static_cast<double>(s.size()) / (t_stop * 1e-3);
    EXPECT_NEAR(rate, 10.0, 0.05 * 10.0);
    mean_rate += rate / static_cast<double>(n);
  }
  EXPECT_NEAR(mean_rate, 10.0, 0.01 * 10.0);
  // Spike counts in 250-ms windows, Pearson correlation averaged over distinct pairs.
  const double w = 250.0;
  const auto windows = static_cast<std::size_t>(t_stop / w);
  std::vector<std::vector<double>> counts(n, std::vector<double>(windows, 0.0));
  for (std::size_t i = 0; i < n; ++i) {
    for (step_t t : spikes[i]) counts[i][static_cast<std::size_t>(static_cast<double>(t) * dt / w)] += 1;
  }
  std::vector<double> mean(n, 0), sd(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (double c : counts[i]) mean[i] += c / static_cast<double>(windows);
    for (double c : counts[i]) sd[i] += (c - mean[i]) * (c - mean[i]);
    sd[i] = std::sqrt(sd[i] / static_cast<double>(windows - 1));
  }
  double corr = 0;
  std::size_t pairs = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      double cov = 0;
      for (std::size_t k = 0; k < windows; ++k) cov += (counts[i][k] - mean[i]) * (counts[j][k] - mean[j]);
      corr += cov / static_cast<double>(windows - 1) / (sd[i] * sd[j]);
      ++pairs;
    }
  }
  corr /= static_cast<double>(pairs);
  const double exact = p.c * overlap_fraction(w, p.jitter);
  std::printf("U3: mean rate %.4f Hz, pairwise count correlation %.5f (c = %.2f; with the 5-ms jitter %.5f)\n",
              mean_rate, corr, p.c, exact);
  EXPECT_NEAR(corr, p.c, 0.05 * p.c);
  EXPECT_NEAR(corr, exact, 0.05 * exact);
}

TEST(correlated_source_u3, trains_do_not_depend_on_the_partition) {
  correlated_source_params p;
  p.rate = 20.0;
  p.c = 0.3;
  p.jitter = 5.0;
  p.chunk = 40.0;  // many chunk boundaries crossed by jitter
  const double t_stop = 5000.0;
  std::vector<gid_t> all, even, odd;
  for (gid_t g = 0; g < 30; ++g) {
    all.push_back(g);
    (g % 2 ? odd : even).push_back(g);
  }
  const auto a = simulate(p, all, t_stop);
  const auto e = simulate(p, even, t_stop);
  const auto o = simulate(p, odd, t_stop);
  std::size_t total = 0;
  for (gid_t g = 0; g < 30; ++g) {
    EXPECT_EQ(a[g], g % 2 ? o[g / 2] : e[g / 2]) << "gid " << g;
    total += a[g].size();
  }
  EXPECT_GT(total, 2000u);
}

TEST(correlated_source_u3, independent_trains_at_c_zero_and_window_limits) {
  correlated_source_params p;
  p.rate = 10.0;
  p.c = 0.0;
  p.start = 1000.0;
  p.stop = 3000.0;
  std::vector<gid_t> gids(200);
  for (gid_t g = 0; g < 200; ++g) gids[g] = g;
  const auto s = simulate(p, gids, 5000.0);
  std::size_t total = 0;
  for (const auto& v : s) {
    for (step_t t : v) {
      EXPECT_GE(static_cast<double>(t) * dt, 1000.0 - dt);
      EXPECT_LT(static_cast<double>(t) * dt, 3000.0);
    }
    total += v.size();
  }
  // 200 trains x 10 Hz x 2 s = 4000 expected spikes (Poisson SD 63).
  EXPECT_NEAR(static_cast<double>(total), 4000.0, 300.0);
}

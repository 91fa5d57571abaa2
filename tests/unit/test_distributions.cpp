// Samplers against exact moments and probability mass functions.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "balnet/core/distribution.hpp"
#include "balnet/core/distributions.hpp"

using namespace balnet;

namespace {

double binomial_pmf(std::uint64_t n, double p, std::uint64_t k) {
  return std::exp(log_factorial(n) - log_factorial(k) - log_factorial(n - k) +
                  static_cast<double>(k) * std::log(p) + static_cast<double>(n - k) * std::log1p(-p));
}

double poisson_pmf(double m, std::uint64_t k) {
  return std::exp(static_cast<double>(k) * std::log(m) - m - log_factorial(k));
}

// Chi-square statistic of observed counts against expected probabilities, pooling bins with
// expectation below 5; returns (statistic, degrees of freedom).
std::pair<double, int> chi_square(const std::map<std::uint64_t, int>& obs, int n,
                                  const std::function<double(std::uint64_t)>& pmf,
                                  std::uint64_t kmax) {
  double chi = 0, pool_o = 0, pool_e = 0;
  int bins = 0;
  for (std::uint64_t k = 0; k <= kmax; ++k) {
    const double e = n * pmf(k);
    const auto it = obs.find(k);
    const double o = it == obs.end() ? 0 : it->second;
    pool_o += o;
    pool_e += e;
    if (pool_e >= 5) {
      chi += (pool_o - pool_e) * (pool_o - pool_e) / pool_e;
      ++bins;
      pool_o = pool_e = 0;
    }
  }
  return {chi, bins - 1};
}

// 99.9 % quantile of chi-square with `dof` degrees of freedom (Wilson-Hilferty).
double chi_limit(int dof) {
  const double z = 3.09;
  const double a = 2.0 / (9.0 * dof);
  return dof * std::pow(1 - a + z * std::sqrt(a), 3);
}

void check_binomial(std::uint64_t n, double p, std::uint32_t stream) {
  random_stream rs(11, rng_domain::sample, stream, 0);
  const int draws = 100000;
  std::map<std::uint64_t, int> obs;
  double s = 0, s2 = 0;
  for (int i = 0; i < draws; ++i) {
    const auto k = binomial(rs, n, p);
    ASSERT_LE(k, n);
    ++obs[k];
    s += static_cast<double>(k);
    s2 += static_cast<double>(k) * static_cast<double>(k);
  }
  const double mean = s / draws, var = s2 / draws - mean * mean;
  const double nd = static_cast<double>(n);
  EXPECT_NEAR(mean, nd * p, 5 * std::sqrt(nd * p * (1 - p) / draws)) << n << " " << p;
  EXPECT_NEAR(var, nd * p * (1 - p), 0.03 * nd * p * (1 - p) + 0.01) << n << " " << p;
  const auto [chi, dof] = chi_square(obs, draws, [&](std::uint64_t k) { return binomial_pmf(n, p, k); }, n);
  EXPECT_LT(chi, chi_limit(dof)) << "n=" << n << " p=" << p;
}

}  // namespace

TEST(binomial, small_mean_by_inversion) { check_binomial(1000, 0.0002, 1); }
TEST(binomial, moderate_mean_by_inversion) { check_binomial(40, 0.2, 2); }
TEST(binomial, large_mean_by_btrs) { check_binomial(1000, 0.3, 3); }
TEST(binomial, p_above_one_half) { check_binomial(200, 0.85, 4); }
TEST(binomial, edge_cases) {
  random_stream rs(1, rng_domain::sample, 5, 0);
  EXPECT_EQ(binomial(rs, 0, 0.5), 0u);
  EXPECT_EQ(binomial(rs, 10, 0.0), 0u);
  EXPECT_EQ(binomial(rs, 10, 1.0), 10u);
}

TEST(poisson, small_and_large_means_match_the_pmf) {
  for (double m : {0.2, 3.0, 25.0, 400.0}) {
    random_stream rs(12, rng_domain::sample, 6, static_cast<std::uint32_t>(m * 10));
    const int draws = 100000;
    std::map<std::uint64_t, int> obs;
    double s = 0;
    for (int i = 0; i < draws; ++i) {
      const auto k = poisson(rs, m);
      ++obs[k];
      s += static_cast<double>(k);
    }
    EXPECT_NEAR(s / draws, m, 5 * std::sqrt(m / draws)) << m;
    const auto [chi, dof] = chi_square(obs, draws, [&](std::uint64_t k) { return poisson_pmf(m, k); },
                                       static_cast<std::uint64_t>(m * 3 + 30));
    EXPECT_LT(chi, chi_limit(dof)) << "mean " << m;
  }
}

TEST(geometric, mean_is_one_minus_p_over_p) {
  for (double p : {0.001, 0.1, 0.5, 0.9}) {
    random_stream rs(13, rng_domain::sample, 7, static_cast<std::uint32_t>(p * 1000));
    const int draws = 100000;
    double s = 0;
    for (int i = 0; i < draws; ++i) s += static_cast<double>(geometric(rs, p));
    const double expect = (1 - p) / p;
    EXPECT_NEAR(s / draws, expect, 5 * std::sqrt((1 - p) / (p * p) / draws)) << p;
  }
  random_stream rs(13, rng_domain::sample, 8, 0);
  EXPECT_EQ(geometric(rs, 1.0), 0u);
}

TEST(distribution, lognormal_mean_variance_parameterisation_U2) {
  // MODELS.md U2: mean 0.25, variance 0.125 -> sigma_ln = 1.048, mu_ln = -1.936; sample
  // moments within 1 % for 3.2 M samples.
  const auto d = distribution::lognormal_mean_var(0.25, 0.125);
  EXPECT_NEAR(d.b, std::sqrt(std::log(3.0)), 1e-12);
  EXPECT_NEAR(d.b, 1.048, 5e-4);
  EXPECT_NEAR(d.a, -1.936, 5e-4);
  random_stream rs(14, rng_domain::weight, 9, 0);
  const int n = 3200000;
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = d.sample(rs);
    ASSERT_GT(x, 0.0);
    s += x;
    s2 += x * x;
  }
  const double mean = s / n, var = s2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.25, 0.01 * 0.25);
  EXPECT_NEAR(var, 0.125, 0.01 * 0.125 * 3);  // the variance estimator of a heavy tail is noisier
  EXPECT_NEAR(d.mean(), 0.25, 1e-12);
  EXPECT_NEAR(d.variance(), 0.125, 1e-12);
}

TEST(distribution, negative_lognormal_mirrors) {
  const auto d = distribution::lognormal_mean_var(-2.0, 1.0);
  random_stream rs(15, rng_domain::weight, 10, 0);
  double s = 0;
  for (int i = 0; i < 100000; ++i) {
    const double x = d.sample(rs);
    ASSERT_LT(x, 0.0);
    s += x;
  }
  EXPECT_NEAR(s / 100000, -2.0, 0.03);
}

TEST(distribution, truncated_normal_stays_inside) {
  distribution d;
  d.type = distribution::kind::normal;
  d.a = 1.0;
  d.b = 2.0;
  d.lo = 0.5;
  d.hi = 3.0;
  random_stream rs(16, rng_domain::delay, 11, 0);
  for (int i = 0; i < 10000; ++i) {
    const double x = d.sample(rs);
    ASSERT_GE(x, 0.5);
    ASSERT_LE(x, 3.0);
  }
}

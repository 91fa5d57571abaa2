// Rate-network mode (project 3): the analyses (OSI, Spearman co-tuning, correlations), the
// trial order and the perturbation-curve binning against hand computations.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <vector>

#include "balnet/rates/rate_measures.hpp"
#include "balnet/rates/rate_training.hpp"

using namespace balnet::rates;

TEST(RatesMeasures, OsiPicksTheStrongestGroupAndMeasuresItsTuning) {
  // n_d = 2, 4 values per feature: r[g][k], one cell (stride 1). Group 2 has the largest mean.
  const std::vector<float> theta = {0.0f, static_cast<float>(M_PI / 2), static_cast<float>(M_PI),
                                    static_cast<float>(3 * M_PI / 2)};
  std::vector<float> r = {1, 1, 1, 1,   // untuned, mean 1
                          0, 0, 0, 0,   // silent
                          4, 2, 0, 2,   // tuned to theta 0, mean 2
                          1, 1, 1, 1};
  // |4 e^{0} + 2 e^{i pi/2} + 0 + 2 e^{i 3pi/2}| / 8 = 4 / 8
  EXPECT_NEAR(osi(r.data(), 1, 0, 2, 4, theta), 0.5, 1e-6);
  std::vector<float> flat(16, 3.0f);
  EXPECT_NEAR(osi(flat.data(), 1, 0, 2, 4, theta), 0.0, 1e-6);
  std::vector<float> silent(16, 0.0f);
  EXPECT_TRUE(std::isnan(osi(silent.data(), 1, 0, 2, 4, theta)));
}

TEST(RatesMeasures, SpearmanWithTiesAndPValue) {
  // Perfectly monotone (non-linear) -> rho = 1; reversed -> -1.
  std::vector<double> x = {1, 2, 3, 4, 5, 6}, y = {1, 4, 9, 16, 25, 36}, z = {6, 5, 4, 3, 2, 1};
  double rho, p;
  spearman(x, y, rho, p);
  EXPECT_NEAR(rho, 1.0, 1e-12);
  spearman(x, z, rho, p);
  EXPECT_NEAR(rho, -1.0, 1e-12);
  // Ties: y ranks (1.5, 1.5, 3, 4) vs x ranks (1, 2, 3, 4): Pearson of the ranks by hand.
  std::vector<double> a = {1, 2, 3, 4}, b = {7, 7, 8, 9};
  spearman(a, b, rho, p);
  const double ra[] = {1, 2, 3, 4}, rb[] = {1.5, 1.5, 3, 4};
  double ma = 2.5, mb = 2.5, sab = 0, saa = 0, sbb = 0;
  for (int i = 0; i < 4; ++i) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) * (ra[i] - ma);
    sbb += (rb[i] - mb) * (rb[i] - mb);
  }
  EXPECT_NEAR(rho, sab / std::sqrt(saa * sbb), 1e-12);
  // p-value: t = rho sqrt((n-2)/(1-rho^2)), two-sided normal tail.
  const double t = rho * std::sqrt(2.0 / (1 - rho * rho));
  EXPECT_NEAR(p, std::erfc(t / std::sqrt(2.0)), 1e-12);
  // Constant input: undefined.
  std::vector<double> c = {2, 2, 2, 2};
  spearman(a, c, rho, p);
  EXPECT_TRUE(std::isnan(rho));
}

TEST(RatesMeasures, ColumnCorrelations) {
  // Columns: x, 2x + 1 (r = 1), -x (r = -1), constant (NaN).
  std::vector<double> m;
  for (double v : {1.0, 2.0, 4.0, 7.0}) {
    m.push_back(v);
    m.push_back(2 * v + 1);
    m.push_back(-v);
    m.push_back(3.0);
  }
  const auto c = column_correlations(m, 4, 4);
  EXPECT_NEAR(c[0 * 4 + 0], 1.0, 1e-12);
  EXPECT_NEAR(c[0 * 4 + 1], 1.0, 1e-12);
  EXPECT_NEAR(c[0 * 4 + 2], -1.0, 1e-12);
  EXPECT_NEAR(c[2 * 4 + 1], -1.0, 1e-12);
  EXPECT_TRUE(std::isnan(c[0 * 4 + 3]));
}

TEST(RatesTraining, TrialOrderIsANestedPermutation) {
  rate_params p;
  p.n_stimuli_per_axis = 5;
  const auto o = trial_order(p, 3);
  ASSERT_EQ(o.size(), 125u);
  EXPECT_EQ(std::set<int>(o.begin(), o.end()).size(), 125u);  // every stimulus once
  // Nested loops: feature 1 changes only every 25 presentations, feature 2 every 5.
  for (std::size_t i = 0; i < o.size(); ++i) {
    EXPECT_EQ(o[i] / 25, o[i - i % 25] / 25);
    EXPECT_EQ(o[i] / 5, o[i - i % 5] / 5);
  }
  EXPECT_EQ(trial_order(p, 3), o);   // keyed: reproducible
  EXPECT_NE(trial_order(p, 4), o);   // a new shuffle every trial
}

TEST(RatesPerturb, BinningMeanAndSemByHand) {
  // Two perturbed cells (0 and 2) of 4 E cells; the perturbed cell itself is excluded.
  perturb_rows rows;
  rows.cells = {0, 2};
  rows.correlation = {1.0, -1.0, 0.0, 1.0,    // cell 0 vs 0..3
                      -1.0, 0.5, 1.0, 0.9};   // cell 2 vs 0..3
  rows.change = {9.0, 1.0, 2.0, -3.0,
                 5.0, 0.0, 9.0, -5.0};
  const auto c = bin_perturbation(rows, 4, 2);  // range [-1, 1]: bins [-1, 0), [0, 1]
  ASSERT_EQ(c.mean.size(), 2u);
  EXPECT_NEAR(c.edges[0], -1.0, 1e-12);
  EXPECT_NEAR(c.edges[2], 1.0, 1e-12);
  // bin 0: (0,1)=1.0, (2,0)=5.0 -> mean 3, sd sqrt(8), sem 2
  EXPECT_EQ(c.count[0], 2u);
  EXPECT_NEAR(c.mean[0], 3.0, 1e-12);
  EXPECT_NEAR(c.sem[0], 2.0, 1e-12);
  // bin 1: (0,2)=2, (0,3)=-3, (2,1)=0, (2,3)=-5 -> mean -1.5
  EXPECT_EQ(c.count[1], 4u);
  EXPECT_NEAR(c.mean[1], -1.5, 1e-12);
  const double var = ((2 + 1.5) * (2 + 1.5) + (-3 + 1.5) * (-3 + 1.5) + 1.5 * 1.5 + (-5 + 1.5) * (-5 + 1.5)) / 3;
  EXPECT_NEAR(c.sem[1], std::sqrt(var / 4), 1e-12);
}

// Patterns and assembly connectivity (Barta & Fukai 2025): pattern statistics, the exact
// density, lognormal weight moments and the rank-matched order of weights and scores.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "assembly_configs.hpp"
#include "balnet/comm/serial_communicator.hpp"
#include "balnet/core/error.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/spec_reader.hpp"
#include "balnet/network/assemblies.hpp"
#include "balnet/network/patterns.hpp"

using namespace balnet;

namespace {

network_spec spec(const std::vector<std::string>& sets = {}, int ne = 400, int patterns = 40, double f = 0.05) {
  auto cfg = config::parse(test::assembly_network_ini(ne, 100, patterns, f), "a.ini");
  cfg.apply_overrides(sets);
  return read_network_spec(cfg);
}

pattern_set patterns_of(const network_spec& net) {
  return generate_patterns(*net.patterns, net.populations[net.patterns->population].size, net.run.seed);
}

// Co-membership count of (i, j).
std::map<std::pair<std::uint32_t, std::uint32_t>, int> comembership(const pattern_set& ps) {
  std::map<std::pair<std::uint32_t, std::uint32_t>, int> z;
  for (std::uint64_t p = 0; p < ps.count(); ++p) {
    for (auto a = ps.splits[p]; a < ps.splits[p + 1]; ++a) {
      for (auto b = ps.splits[p]; b < ps.splits[p + 1]; ++b) {
        if (a != b) ++z[{ps.indices[a], ps.indices[b]}];
      }
    }
  }
  return z;
}

}  // namespace

TEST(patterns, bernoulli_membership_statistics) {
  const auto net = spec({}, 2000, 300, 0.02);
  const auto ps = patterns_of(net);
  ASSERT_EQ(ps.count(), 300u);
  const double n = static_cast<double>(ps.indices.size());
  const double expect = 300 * 2000 * 0.02, sd = std::sqrt(300 * 2000 * 0.02 * 0.98);
  EXPECT_NEAR(n, expect, 4 * sd);
  for (std::uint64_t p = 0; p < ps.count(); ++p) {
    EXPECT_TRUE(std::is_sorted(ps.indices.begin() + static_cast<std::ptrdiff_t>(ps.splits[p]),
                               ps.indices.begin() + static_cast<std::ptrdiff_t>(ps.splits[p + 1])));
    for (auto k = ps.splits[p]; k < ps.splits[p + 1]; ++k) EXPECT_LT(ps.indices[k], 2000u);
  }
  // Participation counts per neuron: mean P f, variance P f (1 - f).
  std::vector<std::uint64_t> splits;
  std::vector<std::uint32_t> of;
  ps.memberships(splits, of);
  double m = 0, v = 0;
  for (std::uint64_t i = 0; i < 2000; ++i) m += static_cast<double>(splits[i + 1] - splits[i]);
  m /= 2000;
  for (std::uint64_t i = 0; i < 2000; ++i) v += std::pow(static_cast<double>(splits[i + 1] - splits[i]) - m, 2);
  v /= 1999;
  EXPECT_NEAR(m, 6.0, 0.25);
  EXPECT_NEAR(v, 300 * 0.02 * 0.98, 0.8);
  // Same seed, same patterns; another seed, others.
  EXPECT_EQ(ps.indices, patterns_of(net).indices);
  EXPECT_NE(ps.indices, patterns_of(spec({"run.seed=7"}, 2000, 300, 0.02)).indices);
}

TEST(patterns, fixed_size) {
  // `f` cannot be removed by an override: the section is written with `size` instead.
  std::string ini = test::assembly_network_ini(500, 100, 30, 0.05);
  ini.replace(ini.find("f = "), ini.find('\n', ini.find("f = ")) - ini.find("f = "), "size = 25");
  const auto net = read_network_spec(config::parse(ini, "a.ini"));
  const auto ps = patterns_of(net);
  for (std::uint64_t p = 0; p < ps.count(); ++p) {
    EXPECT_EQ(ps.splits[p + 1] - ps.splits[p], 25u);
    std::set<std::uint32_t> u(ps.indices.begin() + static_cast<std::ptrdiff_t>(ps.splits[p]),
                              ps.indices.begin() + static_cast<std::ptrdiff_t>(ps.splits[p + 1]));
    EXPECT_EQ(u.size(), 25u);
  }
}

TEST(patterns, bad_sections_are_errors) {
  std::string ini = test::assembly_network_ini();
  EXPECT_THROW(read_network_spec(config::parse(ini + "\n[patterns]\nsize = 3\n", "a.ini")), config_error);
  auto cfg = config::parse(ini, "a.ini");
  cfg.apply_overrides({"patterns.count=0"});
  EXPECT_THROW(read_network_spec(cfg), config_error);
  auto cfg2 = config::parse(ini, "a.ini");
  cfg2.apply_overrides({"projection.EE.density=1.5"});
  EXPECT_THROW(read_network_spec(cfg2), config_error);
  auto cfg3 = config::parse(ini, "a.ini");
  cfg3.apply_overrides({"projection.EI.connect=assembly", "projection.EI.density=0.1"});
  EXPECT_THROW(read_network_spec(cfg3), config_error);
}

class assembly_rule : public ::testing::TestWithParam<std::pair<int, double>> {};

// P patterns of fraction f over 400 cells; density 0.05 keeps 8000 of 159,600 ordered pairs.
TEST_P(assembly_rule, exact_density_rank_matched_lognormal_weights) {
  const auto [np, f] = GetParam();
  const auto net = spec({}, 400, np, f);
  const auto ps = patterns_of(net);
  serial_communicator one;
  partition part(0, 1);
  const auto syn = generate_assembly_synapses(net.projections[0], net, part, one, ps);
  ASSERT_EQ(syn.size(), 8000u);  // round(0.05 * 400^2), exactly
  ASSERT_EQ(assembly_synapse_count(net.projections[0], net), 8000u);
  const auto z = comembership(ps);
  std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
  std::vector<std::pair<int, float>> zw;
  double m = 0, m2 = 0;
  int kept_levels_min = 1 << 30;
  for (const auto& s : syn) {
    const std::uint32_t post = s.post, pre = s.pre;  // one rank: local index = population index
    EXPECT_NE(pre, post);
    EXPECT_TRUE(seen.insert({pre, post}).second) << "multapse";
    const auto it = z.find({post, pre});
    const int level = it == z.end() ? 0 : it->second;
    kept_levels_min = std::min(kept_levels_min, level);
    zw.push_back({level, s.weight});
    m += s.weight;
    m2 += static_cast<double>(s.weight) * s.weight;
    EXPECT_GE(s.delay, 10);  // U[1, 3) ms at dt = 0.1
    EXPECT_LE(s.delay, 30);
  }
  // Every pair with a higher co-membership level than the lowest kept level survives.
  std::uint64_t above = 0;
  for (const auto& [k, v] : z) above += v > kept_levels_min ? 1 : 0;
  std::uint64_t kept_above = 0;
  for (const auto& [level, w] : zw) kept_above += level > kept_levels_min ? 1 : 0;
  EXPECT_EQ(kept_above, above);
  // Rank-matched: a higher level never has a smaller weight.
  std::sort(zw.begin(), zw.end());
  for (std::size_t k = 1; k < zw.size(); ++k) {
    if (zw[k].first > zw[k - 1].first) {
      EXPECT_GE(zw[k].second, zw[k - 1].second);
    }
  }
  // Lognormal with mean 0.25 nS and variance 0.125 nS^2 (sample moments of 8000 draws; the
  // variance estimate of a heavy-tailed law is loose: sd of s^2 is about 0.125 * 0.3 here).
  m /= 8000;
  const double var = m2 / 8000 - m * m;
  EXPECT_NEAR(m, 0.25, 0.02);
  EXPECT_NEAR(var, 0.125, 0.05);
}

INSTANTIATE_TEST_SUITE_P(levels, assembly_rule,
                         ::testing::Values(std::make_pair(40, 0.05),    // threshold among co-members
                                           std::make_pair(4, 0.05),     // few co-members: cut at level 0
                                           std::make_pair(200, 0.05)));  // many overlaps: cut at level >= 2

TEST(assembly_rule, lognormal_moments_of_a_large_network) {
  // 450,000 synapses: the sample mean and variance are close to the target.
  const auto net = spec({"projection.EE.density=0.05"}, 3000, 300, 0.01);
  const auto ps = patterns_of(net);
  serial_communicator one;
  partition part(0, 1);
  const auto syn = generate_assembly_synapses(net.projections[0], net, part, one, ps);
  ASSERT_EQ(syn.size(), 450000u);
  double m = 0, m2 = 0;
  for (const auto& s : syn) {
    m += s.weight;
    m2 += static_cast<double>(s.weight) * s.weight;
  }
  m /= static_cast<double>(syn.size());
  const double var = m2 / static_cast<double>(syn.size()) - m * m;
  EXPECT_NEAR(m, 0.25, 0.003);
  EXPECT_NEAR(var, 0.125, 0.012);
}

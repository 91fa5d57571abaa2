// Patterns and assembly connectivity (Barta & Fukai 2025): pattern statistics, the exact
// density, lognormal weight moments and the rank-matched order of weights and scores.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <ostream>
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

namespace {

// The assembly rule written out pair by pair (docs/assemblies.md), with none of the
// generator's machinery: every ordered pair's key = score + 48 noise bits, all keys sorted,
// the top K kept, the K sorted weight draws handed out by rank. Returns (post, pre) -> weight.
std::map<std::pair<std::uint32_t, std::uint32_t>, float> brute_force(const network_spec& net, const pattern_set& ps) {
  const auto& pr = net.projections[0];
  const auto& pop = net.populations[pr.target];
  const std::uint64_t n = pop.size, np = ps.count();
  std::vector<std::vector<char>> member(np, std::vector<char>(n, 0));  // member[p][i]: i is in pattern p
  for (std::uint64_t p = 0; p < np; ++p) {
    for (auto k = ps.splits[p]; k < ps.splits[p + 1]; ++k) member[p][ps.indices[k]] = 1;
  }
  std::vector<std::uint64_t> w(np);
  for (std::uint64_t p = 0; p < np; ++p) {
    const double ramp = np > 1 ? -1.0 + 2.0 * p / (np - 1.0) : -1.0;
    w[p] = static_cast<std::uint64_t>(std::llround(std::ldexp(std::max(0.0, 1.0 + pr.spread * ramp), 48)));
  }
  struct cand {
    std::uint64_t key, pair;
  };
  std::vector<cand> all;
  for (std::uint64_t i = 0; i < n; ++i) {
    for (std::uint64_t j = 0; j < n; ++j) {
      if (i == j) continue;
      std::uint64_t s = 0;
      for (std::uint64_t p = 0; p < np; ++p) {
        if (!member[p][i]) continue;
        if (member[p][j]) s += w[p];
        if (pr.circular) {
          s += member[(p + np - 1) % np][j] ? std::uint64_t{1} << 48 : 0;
          s += member[(p + 1) % np][j] ? std::uint64_t{1} << 48 : 0;
        }
      }
      const auto g = static_cast<std::uint32_t>(pop.first_gid + i);
      const std::uint64_t u = random_stream(net.run.seed, rng_domain::connectivity, pr.hash, g, 2 * j).next_u64() >> 16;
      all.push_back({s + u, i * n + j});
    }
  }
  const std::uint64_t k = assembly_synapse_count(pr, net);
  std::sort(all.begin(), all.end(), [](const cand& a, const cand& b) { return a.key != b.key ? a.key > b.key : a.pair < b.pair; });
  std::vector<double> weights(k);
  random_stream ws(net.run.seed, rng_domain::weight, pr.hash, 0);
  for (auto& x : weights) x = pr.weight.sample(ws) * pr.weight_scale;
  std::sort(weights.begin(), weights.end(), [](double a, double b) { return a > b; });
  std::map<std::pair<std::uint32_t, std::uint32_t>, float> out;
  for (std::uint64_t r = 0; r < k; ++r) {
    out[{static_cast<std::uint32_t>(all[r].pair / n), static_cast<std::uint32_t>(all[r].pair % n)}] = static_cast<float>(weights[r]);
  }
  return out;
}

struct scored_case {
  int patterns;
  double f, spread;
  bool circular;
};

std::ostream& operator<<(std::ostream& os, const scored_case& c) {
  return os << "P " << c.patterns << ", f " << c.f << ", spread " << c.spread << (c.circular ? ", circular" : "");
}

}  // namespace

class assembly_scores : public ::testing::TestWithParam<scored_case> {};

// The generator (radix selection over per-rank scores) keeps exactly the pairs, with exactly
// the weights, of the pair-by-pair rule: plain co-membership, genconn's `spread` (pattern
// weights from 1 - spread to 1 + spread) and `circular` (couplings between successive patterns).
TEST_P(assembly_scores, match_the_pair_by_pair_rule) {
  const auto c = GetParam();
  const auto net = spec({"projection.EE.spread=" + std::to_string(c.spread),
                         std::string("projection.EE.circular=") + (c.circular ? "true" : "false")},
                        300, c.patterns, c.f);
  ASSERT_EQ(net.projections[0].spread, c.spread);
  ASSERT_EQ(net.projections[0].circular, c.circular);
  const auto ps = patterns_of(net);
  serial_communicator one;
  partition part(0, 1);
  const auto syn = generate_assembly_synapses(net.projections[0], net, part, one, ps);
  const auto ref = brute_force(net, ps);
  ASSERT_EQ(syn.size(), ref.size());
  std::size_t same = 0;
  for (const auto& s : syn) {
    const auto it = ref.find({s.post, s.pre});
    ASSERT_NE(it, ref.end()) << "pair " << s.pre << " -> " << s.post << " is not in the reference";
    EXPECT_EQ(s.weight, it->second);
    same += s.weight == it->second ? 1 : 0;
  }
  EXPECT_EQ(same, ref.size());
}

INSTANTIATE_TEST_SUITE_P(variants, assembly_scores,
                         ::testing::Values(scored_case{40, 0.05, 0.0, false},   // cut among co-members
                                           scored_case{4, 0.05, 0.0, false},    // cut at score 0 (noise)
                                           scored_case{40, 0.05, 0.5, false},   // fractional scores
                                           scored_case{200, 0.05, -1.0, false},  // first pattern weight 2, last 0
                                           scored_case{40, 0.05, 0.0, true},    // neighbours count 1
                                           scored_case{30, 0.05, 0.3, true},    // both
                                           scored_case{3, 0.05, 0.7, true},     // cut at score 0 with both
                                           scored_case{1, 0.1, 0.0, true}));    // P = 1: the neighbour is itself

TEST(assembly_scores, spread_and_circular_change_the_network) {
  // Patterns weighted by spread: the last patterns' co-members (weight up to 1 + spread) are
  // preferred over the first ones'; circular: members of successive patterns get connected.
  const auto base = spec({}, 300, 40, 0.05), spread = spec({"projection.EE.spread=0.9"}, 300, 40, 0.05),
             circ = spec({"projection.EE.circular=true"}, 300, 40, 0.05);
  const auto ps = patterns_of(base);
  serial_communicator one;
  partition part(0, 1);
  auto pairs = [&](const network_spec& net) {
    std::set<std::pair<std::uint32_t, std::uint32_t>> out;
    for (const auto& s : generate_assembly_synapses(net.projections[0], net, part, one, ps)) out.insert({s.post, s.pre});
    return out;
  };
  auto in = [&](std::uint64_t p, std::uint32_t x) {
    return std::binary_search(ps.indices.begin() + ps.splits[p], ps.indices.begin() + ps.splits[p + 1], x);
  };
  // Pairs whose only shared pattern is p, counted per half of the pattern list.
  auto halves = [&](const std::set<std::pair<std::uint32_t, std::uint32_t>>& kept) {
    std::array<int, 2> h{0, 0};
    for (const auto& [i, j] : kept) {
      int shared = 0, last = -1;
      for (std::uint64_t p = 0; p < ps.count(); ++p) {
        if (in(p, i) && in(p, j)) ++shared, last = static_cast<int>(p);
      }
      if (shared == 1) ++h[last < 20 ? 0 : 1];
    }
    return h;
  };
  const auto hb = halves(pairs(base)), hs = halves(pairs(spread));
  EXPECT_GT(hs[1], hs[0] * 2) << "spread 0.9: " << hs[0] << " / " << hs[1];
  EXPECT_LT(std::abs(hb[1] - hb[0]), (hb[0] + hb[1]) / 4) << "no spread: " << hb[0] << " / " << hb[1];
  // Pairs that share no pattern but sit in successive patterns.
  auto neighbours = [&](const std::set<std::pair<std::uint32_t, std::uint32_t>>& kept) {
    int k = 0;
    for (const auto& [i, j] : kept) {
      bool share = false, next = false;
      for (std::uint64_t p = 0; p < ps.count(); ++p) {
        share = share || (in(p, i) && in(p, j));
        next = next || (in(p, i) && (in((p + 1) % ps.count(), j) || in((p + ps.count() - 1) % ps.count(), j)));
      }
      k += !share && next ? 1 : 0;
    }
    return k;
  };
  EXPECT_GT(neighbours(pairs(circ)), 10 * std::max(1, neighbours(pairs(base))));
}

TEST(assembly_scores, bad_values_are_errors) {
  for (const char* bad : {"projection.EE.spread=1.5", "projection.EE.spread=-2", "projection.EE.spread=nan",
                          "projection.EE.circular=maybe", "projection.EI.spread=0.5"}) {
    auto cfg = config::parse(test::assembly_network_ini(), "a.ini");
    cfg.apply_overrides({bad});
    EXPECT_THROW(read_network_spec(cfg), config_error) << bad;
  }
}

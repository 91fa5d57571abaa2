// Connectivity generators: statistics, exclusions, and independence of the partition.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "balnet/core/rng.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/spec_reader.hpp"
#include "balnet/network/connectivity.hpp"
#include "balnet/network/partition.hpp"
#include "test_configs.hpp"

using namespace balnet;

namespace {

using edge = std::tuple<gid_t, gid_t, float, std::uint16_t>;  // pre gid, post gid, weight, delay

// All synapses of a projection as the union over the ranks of an R-rank partition.
std::vector<edge> edges(const network_spec& net, std::size_t proj, int ranks) {
  std::vector<edge> out;
  const auto& pr = net.projections[proj];
  const auto& pre = net.populations[pr.source];
  const auto& post = net.populations[pr.target];
  for (int r = 0; r < ranks; ++r) {
    partition part(r, ranks);
    const auto gids = part.local_gids(post);
    for (const auto& s : generate_synapses(pr, net, part)) {
      out.emplace_back(static_cast<gid_t>(pre.first_gid + s.pre), gids[s.post], s.weight, s.delay);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

network_spec small(const std::vector<std::string>& sets = {}) {
  auto cfg = config::parse(test::small_network_ini(), "t.ini");
  cfg.apply_overrides(sets);
  return read_network_spec(cfg);
}

}  // namespace

TEST(connectivity, every_rule_is_independent_of_the_partition) {
  const auto net = small();
  for (std::size_t p = 0; p < net.projections.size(); ++p) {
    const auto ref = edges(net, p, 1);
    ASSERT_FALSE(ref.empty()) << net.projections[p].name;
    for (int ranks : {2, 3, 4, 7}) {
      EXPECT_EQ(ref, edges(net, p, ranks)) << net.projections[p].name << " at " << ranks << " ranks";
    }
  }
}

TEST(connectivity, bernoulli_density_and_no_autapses) {
  const auto net = small({"params.N=1000", "projection.EE.p=0.05"});
  const auto e = edges(net, 0, 1);
  const double n = 800;
  const double expect = 0.05 * n * (n - 1);
  EXPECT_NEAR(static_cast<double>(e.size()), expect, 5 * std::sqrt(expect));
  for (const auto& [pre, post, w, d] : e) ASSERT_NE(pre, post);
}

TEST(connectivity, bernoulli_with_autapses_can_connect_a_neuron_to_itself) {
  const auto net = small({"params.N=1000", "projection.EE.p=0.5", "projection.EE.autapses=true"});
  int self = 0;
  for (const auto& [pre, post, w, d] : edges(net, 0, 1)) self += pre == post;
  EXPECT_NEAR(self, 400, 5 * std::sqrt(200.0));
}

TEST(connectivity, fixed_indegree_exact_without_self_or_duplicates) {
  const auto net = small({"projection.II.multapses=false", "projection.II.indegree=39"});
  const auto e = edges(net, 3, 1);  // II: 40 neurons, in-degree 39 = everyone else
  std::map<gid_t, std::vector<gid_t>> in;
  for (const auto& [pre, post, w, d] : e) in[post].push_back(pre);
  ASSERT_EQ(in.size(), 40u);
  for (auto& [post, pres] : in) {
    ASSERT_EQ(pres.size(), 39u);
    std::sort(pres.begin(), pres.end());
    EXPECT_EQ(std::adjacent_find(pres.begin(), pres.end()), pres.end());
    EXPECT_EQ(std::find(pres.begin(), pres.end(), post), pres.end());
  }
}

TEST(connectivity, fixed_outdegree_exact) {
  const auto net = small();
  std::map<gid_t, int> out;
  for (const auto& [pre, post, w, d] : edges(net, 2, 3)) ++out[pre];  // IE, out-degree 15
  ASSERT_EQ(out.size(), 40u);
  for (const auto& [pre, n] : out) EXPECT_EQ(n, 15);
}

TEST(connectivity, weights_and_delays_follow_their_distributions) {
  const auto net = small({"params.N=1000", "projection.EE.p=0.2"});
  const auto e = edges(net, 0, 2);
  double s = 0;
  int below = 0, above = 0;
  for (const auto& [pre, post, w, d] : e) {
    s += w;
    ASSERT_GE(d, 5);   // uniform(0.5, 3.0) ms at dt 0.1 -> 5..30 steps
    ASSERT_LE(d, 30);
    below += d == 5;
    above += d == 30;
  }
  EXPECT_NEAR(s / static_cast<double>(e.size()), 1.0, 0.02);
  // rounding to the nearest step: the end bins hold half a step each
  EXPECT_NEAR(static_cast<double>(below) / static_cast<double>(above), 1.0, 0.15);
}

TEST(connectivity, delay_rounds_to_nearest_step_with_a_minimum_of_one) {
  EXPECT_EQ(delay_steps(0.0, 0.1), 1);
  EXPECT_EQ(delay_steps(0.04, 0.1), 1);
  EXPECT_EQ(delay_steps(0.8, 0.1), 8);
  EXPECT_EQ(delay_steps(0.86, 0.1), 9);
  EXPECT_EQ(delay_steps(1.5, 0.25), 6);
}

TEST(connectivity, sample_without_replacement_is_uniform) {
  std::vector<int> hits(50, 0);
  for (std::uint32_t i = 0; i < 4000; ++i) {
    random_stream rs(1, rng_domain::sample, 1, i);
    const auto v = sample_without_replacement(rs, 50, i % 2 ? 5 : 30);  // sparse and dense paths
    ASSERT_TRUE(std::is_sorted(v.begin(), v.end()));
    ASSERT_EQ(std::adjacent_find(v.begin(), v.end()), v.end());
    for (auto x : v) ++hits[x];
  }
  const double expect = 4000 * (5.0 + 30.0) / 2 / 50;
  for (int h : hits) EXPECT_NEAR(h, expect, 5 * std::sqrt(expect));
}

TEST(partition, round_robin_covers_every_neuron_once) {
  population_spec p;
  p.first_gid = 13;
  p.size = 101;
  for (int ranks : {1, 2, 3, 4, 16}) {
    std::vector<int> seen(p.size, 0);
    for (int r = 0; r < ranks; ++r) {
      partition part(r, ranks);
      const auto gids = part.local_gids(p);
      EXPECT_EQ(gids.size(), part.count_on(p, r));
      for (std::size_t i = 0; i < gids.size(); ++i) {
        EXPECT_EQ(part.owner(gids[i]), r);
        EXPECT_EQ(part.local_index(p, gids[i]), i);
        ++seen[gids[i] - p.first_gid];
      }
    }
    for (int s : seen) EXPECT_EQ(s, 1);
  }
}

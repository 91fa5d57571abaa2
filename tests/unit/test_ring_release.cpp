// Ring (distance-dependent) connectivity and stochastic synaptic release.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "balnet/network/connectivity.hpp"
#include "balnet/network/partition.hpp"
#include "balnet/network/release.hpp"
#include "run_helpers.hpp"

using namespace balnet;
using test::spec_of;

namespace {

const std::string ring_ini =
    "[run]\ndt = 0.1\n[population.A]\nsize = 2000\nmodel = lif\nreceptor.e.type = delta\n"
    "[population.B]\nsize = 500\nmodel = lif\nreceptor.e.type = delta\n"
    "[projection.AA]\nsource = A\ntarget = A\nreceptor = e\nconnect = ring\nindegree = 20\nspatial_decay = 50\n"
    "weight = 1\ndelay_per_unit = 0.05\n"
    "[projection.AB]\nsource = A\ntarget = B\nreceptor = e\nconnect = ring\nindegree = 10\nspatial_decay = 100\nweight = 1\n";

struct edge {
  gid_t pre, post;
  std::uint16_t delay;
  bool operator<(const edge& o) const { return std::tie(pre, post, delay) < std::tie(o.pre, o.post, o.delay); }
  bool operator==(const edge& o) const { return pre == o.pre && post == o.post && delay == o.delay; }
};

std::vector<edge> edges(const network_spec& net, std::size_t p, int ranks) {
  std::vector<edge> out;
  const auto& pr = net.projections[p];
  for (int r = 0; r < ranks; ++r) {
    partition part(r, ranks);
    const auto gids = part.local_gids(net.populations[pr.target]);
    for (const auto& s : generate_synapses(pr, net, part)) {
      out.push_back({static_cast<gid_t>(net.populations[pr.source].first_gid + s.pre), gids[s.post], s.delay});
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

double ring_dist(double a, double b, double n) {
  const double d = std::fabs(a - b);
  return std::min(d, n - d);
}

}  // namespace

TEST(ring, indegree_profile_delays_and_partition_independence) {
  const auto net = spec_of(ring_ini);
  const auto e = edges(net, 0, 1);
  ASSERT_EQ(e.size(), 2000u * 20);
  std::vector<int> indeg(2000, 0);
  double mean_d = 0;
  for (const auto& x : e) {
    EXPECT_NE(x.pre, x.post);
    ++indeg[x.post];
    const double d = ring_dist(x.pre, x.post, 2000);
    mean_d += d / static_cast<double>(e.size());
    // delay = dt (default) + 0.05 ms per unit of distance, in whole steps
    EXPECT_EQ(x.delay, delay_steps(0.1 + 0.05 * d, 0.1));
  }
  for (int k : indeg) EXPECT_EQ(k, 20);
  // Gaussian profile exp(-(d/50)^2): half-normal distances with mean 50/sqrt(pi) = 28.2.
  EXPECT_NEAR(mean_d, 50 / std::sqrt(M_PI), 1.5);
  for (int ranks : {2, 3, 5}) EXPECT_TRUE(e == edges(net, 0, ranks)) << ranks << " ranks";
  // Between populations of different sizes the target sits at its index scaled to the source ring.
  const auto ab = edges(net, 1, 1);
  double mean_ab = 0;
  for (const auto& x : ab) mean_ab += ring_dist(x.pre, 4.0 * (x.post - 2000), 2000) / static_cast<double>(ab.size());
  EXPECT_NEAR(mean_ab, 100 / std::sqrt(M_PI), 3.0);
  EXPECT_TRUE(ab == edges(net, 1, 4));
}

TEST(release, draws_are_keyed_and_release_with_probability_p) {
  const std::uint64_t thr = release_threshold(0.3);
  long released = 0, total = 0;
  for (step_t t = 0; t < 200; ++t) {
    for (gid_t pre = 0; pre < 50; ++pre) {
      for (gid_t post = 0; post < 20; ++post) {
        released += release_draw(5, 77, t, pre, post, 3, 0) < thr;
        ++total;
      }
    }
  }
  EXPECT_NEAR(static_cast<double>(released) / static_cast<double>(total), 0.3, 0.005);
  EXPECT_EQ(release_draw(5, 77, 10, 1, 2, 3, 0), release_draw(5, 77, 10, 1, 2, 3, 0));
  // Every coordinate of the synapse and spike changes the draw (multapses, delays, steps).
  const auto base = release_draw(5, 77, 10, 1, 2, 3, 0);
  EXPECT_NE(base, release_draw(5, 77, 10, 1, 2, 3, 1));
  EXPECT_NE(base, release_draw(5, 77, 10, 1, 2, 4, 0));
  EXPECT_NE(base, release_draw(5, 77, 11, 1, 2, 3, 0));
  EXPECT_NE(base, release_draw(5, 78, 10, 1, 2, 3, 0));
  EXPECT_NE(base, release_draw(6, 77, 10, 1, 2, 3, 0));
  EXPECT_EQ(release_threshold(1.0), std::uint64_t{1} << 32);
  EXPECT_EQ(release_threshold(0.0), 0u);
}

TEST(release, p_release_scales_the_transmitted_input) {
  // Poisson sources onto delta receptors of non-leaky, never-firing neurons: V ends at the
  // sum of the transmitted weights, p x (all arrivals) on average.
  auto final_V = [](const std::string& extra) {
    const auto net = spec_of(
        "[run]\ndt = 0.1\nt_stop = 2000\nseed = 3\n[population.X]\nsize = 100\nmodel = poisson\nrate = 50\n"
        "[population.P]\nsize = 50\nmodel = lif\nC = 1\ng_L = 1e-12\nE_L = 0\nV_init = 0\nV_th = 1e9\nV_reset = -70\n"
        "receptor.d.type = delta\n[projection.XP]\nsource = X\ntarget = P\nreceptor = d\nconnect = all_to_all\n"
        "weight = 1\ndelay = 0.1\n" + extra);
    serial_communicator one;
    simulation sim(net, one);
    sim.build();
    run_options opt;
    opt.quiet = true;
    sim.run(nullptr, nullptr, opt);
    std::vector<double> V(50);
    sim.group(1).get_state("V", V);
    return V;
  };
  const auto all = final_V("");
  const auto some = final_V("p_release = 0.25\n");
  double ratio = 0;
  for (int i = 0; i < 50; ++i) {
    EXPECT_NEAR(all[i], 10000, 5 * 100);  // 100 sources x 50 Hz x 2 s
    EXPECT_NEAR(some[i], 0.25 * all[i], 5 * std::sqrt(all[i] * 0.25 * 0.75)) << i;
    ratio += some[i] / all[i] / 50;
  }
  EXPECT_NEAR(ratio, 0.25, 0.005);
}

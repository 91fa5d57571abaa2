// The sparse Poisson drive's fast path (a step calendar and batched Philox blocks) against
// the plain algorithm it replaces, bit for bit, and its two building blocks on their own.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "balnet/core/distributions.hpp"
#include "balnet/core/philox_batch.hpp"
#include "balnet/core/rng.hpp"
#include "balnet/core/step_calendar.hpp"
#include "balnet/input/poisson_input.hpp"
#include "balnet/io/state_io.hpp"
#include "balnet/model/point_neuron.hpp"
#include "lif_params.hpp"

using namespace balnet;

TEST(philox_blocks, every_lane_matches_random_stream) {
  std::vector<std::uint32_t> idx;
  std::vector<std::uint64_t> blk;
  for (std::uint32_t i = 0; i < 37; ++i) {  // not a multiple of any vector width
    idx.push_back(i * 2654435761u);
    blk.push_back(i % 3 == 0 ? i : (std::uint64_t{i} << 33) + 5 * i);
  }
  std::vector<std::uint32_t> out(4 * idx.size());
  const std::uint64_t seed = 0x123456789abcdefull;
  philox_blocks(seed, rng_domain::poisson_input, 0xabcdef, idx.data(), blk.data(), idx.size(), out.data());
  for (std::size_t i = 0; i < idx.size(); ++i) {
    random_stream rs(seed, rng_domain::poisson_input, 0xabcdef, idx[i], 4 * blk[i]);
    for (int j = 0; j < 4; ++j) EXPECT_EQ(out[4 * i + j], rs.next_u32()) << "lane " << i << " word " << j;
  }
}

TEST(step_calendar, returns_exactly_the_items_due_including_ones_beyond_the_ring) {
  step_calendar cal(10);
  EXPECT_EQ(cal.ring(), 16u);
  const std::size_t n = 200;
  std::vector<step_t> when(n);
  random_stream rs(7, rng_domain::user, 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    when[i] = static_cast<step_t>(rs.below(100));  // many further ahead than the ring
    cal.insert(static_cast<index_t>(i), when[i]);
  }
  std::vector<index_t> due;
  std::size_t seen = 0;
  for (step_t t = 0; t < 400; ++t) {
    due.clear();
    cal.take(t, when.data(), due);
    std::set<index_t> got(due.begin(), due.end());
    EXPECT_EQ(got.size(), due.size()) << "an item came twice at step " << t;
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_EQ(got.count(static_cast<index_t>(i)) == 1, when[i] == t) << "item " << i << " step " << t;
    }
    for (index_t i : due) {  // recur 1 to 40 steps later, until step 300
      ++seen;
      if (t < 300) {
        when[i] = t + 1 + static_cast<step_t>(rs.below(40));
        cal.insert(i, when[i]);
      } else {
        when[i] = -1;
      }
    }
  }
  EXPECT_GT(seen, 2000u);
}

namespace {

// The sparse sampler as written before the calendar: a scan of every neuron each step and a
// random_stream per event.
struct reference_sparse {
  std::uint64_t seed;
  std::uint32_t hash;
  double q;
  std::vector<double> cdf;
  std::vector<gid_t> gids;
  std::vector<step_t> next;
  std::vector<std::uint64_t> pos;

  reference_sparse(std::uint64_t seed_, std::uint32_t hash_, std::uint64_t n, double p,
                   std::vector<gid_t> g)
      : seed(seed_), hash(hash_), gids(std::move(g)) {
    const double nn = static_cast<double>(n);
    q = -std::expm1(nn * std::log1p(-p));
    double pmf = std::exp(nn * std::log1p(-p)), cum = 0.0;
    for (std::uint64_t k = 1; k <= n; ++k) {
      pmf *= (nn - static_cast<double>(k) + 1.0) / static_cast<double>(k) * p / (1.0 - p);
      cum += pmf;
      cdf.push_back(cum);
      if (static_cast<double>(k) > nn * p && pmf < 1e-17 * cum) break;
    }
    const double total = cdf.back();
    for (auto& c : cdf) c /= total;
    cdf.back() = 1.0;
    for (gid_t gid : gids) {
      random_stream rs(seed, rng_domain::poisson_input, hash, gid);
      next.push_back(static_cast<step_t>(geometric(rs, q)));
      pos.push_back(rs.position());
    }
  }
  void apply(step_t t, double* in, double w) {
    for (std::size_t i = 0; i < gids.size(); ++i) {
      if (next[i] != t) continue;
      random_stream rs(seed, rng_domain::poisson_input, hash, gids[i], pos[i]);
      const double u = rs.uniform();
      const auto k = static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin()) + 1;
      in[i] += w * static_cast<double>(k);
      next[i] = t + 1 + static_cast<step_t>(geometric(rs, q));
      pos[i] = rs.position();
    }
  }
};

point_neuron_group make_group(const std::vector<gid_t>& gids) {
  receptor_spec r;
  r.name = "x";
  r.kind = receptor_kind::delta;
  return point_neuron_group(test_params::lif(0.0, integrator::euler), {r}, gids, 0.1, 1, 1);
}

}  // namespace

TEST(poisson_input, sparse_mode_draws_the_same_events_as_the_scan_it_replaces) {
  // Mean counts per step 0.2 (the Barta network's drive), 0.02 and 0.0003 (gaps far beyond
  // the smallest ring); gids with gaps so lanes and stream ids differ.
  for (const auto& [sources, rate] : std::vector<std::pair<std::uint64_t, double>>{{1000, 2.0}, {100, 2.0}, {3, 1.0}}) {
    std::vector<gid_t> gids;
    for (gid_t i = 0; i < 300; ++i) gids.push_back(5 + 3 * i);
    auto g = make_group(gids);
    poisson_input_spec spec;
    spec.hash = 4242;
    spec.sources = sources;
    spec.rate = rate;
    spec.weight = 0.3;
    auto in = std::make_unique<poisson_input>(spec, std::vector<poisson_input::target>{{&g, 0, gids}}, 0.1, 11, 0);
    reference_sparse ref(11, 4242, sources, rate * 1e-4, gids);
    std::vector<double> acc_ref(gids.size(), 0.0);
    double* acc = g.receptor_input(0);
    std::uint64_t events = 0;
    for (step_t t = 0; t < 6000; ++t) {
      if (t == 2500) {  // a checkpoint and a fresh input that continues from it
        state_set s;
        ASSERT_TRUE(in->save_state(s, "in"));
        in = std::make_unique<poisson_input>(spec, std::vector<poisson_input::target>{{&g, 0, gids}}, 0.1, 11, t);
        in->load_state(s, "in");
      }
      in->apply(t);
      ref.apply(t, acc_ref.data(), 0.3);
      for (std::size_t i = 0; i < gids.size(); ++i) {
        ASSERT_EQ(acc[i], acc_ref[i]) << "sources " << sources << " neuron " << i << " step " << t;
        events += acc[i] != 0.0;
        acc[i] = 0.0;
        acc_ref[i] = 0.0;
      }
    }
    EXPECT_GT(events, 0u) << sources;
  }
}

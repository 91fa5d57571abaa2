#include "balnet/network/connectivity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "balnet/core/distributions.hpp"
#include "balnet/core/error.hpp"
#include "balnet/core/rng.hpp"

namespace balnet {

std::uint16_t delay_steps(double delay_ms, double dt) {
  const double s = std::round(delay_ms / dt);
  if (!(s < 65535.5)) {
    throw config_error("a delay of " + std::to_string(delay_ms) + " ms is longer than 65535 steps of dt");
  }
  return static_cast<std::uint16_t>(std::max(1.0, s));
}

std::vector<std::uint64_t> sample_without_replacement(random_stream& rs, std::uint64_t n,
                                                      std::uint64_t k) {
  std::vector<std::uint64_t> out;
  out.reserve(k);
  if (k * 3 >= n) {
    // Dense case: selection sampling, one uniform per candidate (Knuth's algorithm S).
    std::uint64_t needed = k;
    for (std::uint64_t i = 0; i < n && needed > 0; ++i) {
      if (rs.below(n - i) < needed) {
        out.push_back(i);
        --needed;
      }
    }
    return out;
  }
  // Floyd's algorithm with a bitmap of the candidates (reused between calls).
  thread_local std::vector<std::uint64_t> bits;
  bits.assign((n + 63) / 64, 0);
  auto test_and_set = [&](std::uint64_t x) {
    const std::uint64_t m = std::uint64_t{1} << (x & 63);
    const bool was = (bits[x >> 6] & m) != 0;
    bits[x >> 6] |= m;
    return was;
  };
  for (std::uint64_t j = n - k; j < n; ++j) {
    const std::uint64_t t = rs.below(j + 1);
    if (test_and_set(t)) test_and_set(j);
  }
  for (std::uint64_t w = 0; w < bits.size(); ++w) {
    for (std::uint64_t b = bits[w]; b != 0; b &= b - 1) {
      out.push_back(w * 64 + static_cast<std::uint64_t>(__builtin_ctzll(b)));
    }
  }
  return out;
}

namespace {

// Draws `k` presynaptic indices from [0, n) for one neuron, skipping `self` (if < n).
std::vector<std::uint64_t> draw_fixed(random_stream& rs, std::uint64_t n, std::uint64_t k,
                                      std::uint64_t self, bool multapses) {
  const std::uint64_t m = self < n ? n - 1 : n;  // candidates
  std::vector<std::uint64_t> idx;
  if (multapses) {
    idx.reserve(k);
    for (std::uint64_t i = 0; i < k; ++i) idx.push_back(rs.below(m));
    std::sort(idx.begin(), idx.end());
  } else {
    idx = sample_without_replacement(rs, m, k);
  }
  if (self < n) {
    for (auto& i : idx) {
      if (i >= self) ++i;  // map [0, n-1) onto [0, n) \ {self}
    }
  }
  return idx;
}

// Ring distance between source index j and a target placed at x (source index units) on a
// ring of circumference n.
double ring_distance(double j, double x, double n) {
  const double d = std::fabs(j - x);
  return std::min(d, n - d);
}

// `k` sources of [0, n) without replacement (excluding `self` if < n), each chosen with
// probability proportional to exp(-(d/decay)^2) as successive weighted draws do
// (Efraimidis-Spirakis: the k largest keys log(u)/weight). Ascending.
std::vector<std::uint64_t> draw_ring(random_stream& rs, std::uint64_t n, std::uint64_t k, double x,
                                     double decay, std::uint64_t self) {
  struct cand {
    double key;
    std::uint64_t j;
  };
  std::vector<cand> c;
  c.reserve(n);
  const double nd = static_cast<double>(n);
  for (std::uint64_t j = 0; j < n; ++j) {
    const double u = rs.uniform_pos();
    if (j == self) continue;
    const double d = ring_distance(static_cast<double>(j), x, nd) / decay;
    const double w = std::exp(-d * d);
    c.push_back({w > 0 ? std::log(u) / w : -std::numeric_limits<double>::infinity(), j});
  }
  auto better = [](const cand& a, const cand& b) { return a.key != b.key ? a.key > b.key : a.j < b.j; };
  if (k < c.size()) {
    std::nth_element(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(k), c.end(), better);
    c.resize(k);
  }
  std::vector<std::uint64_t> out;
  out.reserve(c.size());
  for (const auto& e : c) out.push_back(e.j);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::vector<raw_synapse> generate_synapses(const projection_spec& proj, const network_spec& net,
                                           const partition& part) {
  const auto& pre = net.populations[proj.source];
  const auto& post = net.populations[proj.target];
  const std::uint64_t seed = net.run.seed;
  const double dt = net.run.dt;
  const bool same = proj.source == proj.target;
  const bool exclude_self = same && !proj.autapses;
  std::vector<raw_synapse> out;

  auto make = [&](std::uint64_t pre_index, index_t post_local, random_stream& ws,
                  random_stream& ds) {
    const double w = proj.weight.sample(ws) * proj.weight_scale;
    const std::uint16_t d = delay_steps(proj.delay.sample(ds), dt);
    out.push_back({static_cast<std::uint32_t>(pre_index), post_local, static_cast<float>(w), d});
  };

  if (proj.rule == connection_rule::fixed_outdegree) {
    // Keyed by the presynaptic neuron: every rank draws every source's targets and keeps
    // those it owns, so the result does not depend on the partition.
    for (std::uint64_t j = 0; j < pre.size; ++j) {
      const gid_t gpre = static_cast<gid_t>(pre.first_gid + j);
      random_stream cs(seed, rng_domain::connectivity, proj.hash, gpre);
      random_stream ws(seed, rng_domain::weight, proj.hash, gpre);
      random_stream ds(seed, rng_domain::delay, proj.hash, gpre);
      const std::uint64_t self = exclude_self ? j : post.size;
      for (std::uint64_t t : draw_fixed(cs, post.size, proj.degree, self, proj.multapses)) {
        const gid_t gpost = static_cast<gid_t>(post.first_gid + t);
        if (part.is_local(gpost)) {
          make(j, part.local_index(post, gpost), ws, ds);
        } else {
          proj.weight.sample(ws);  // keep the streams aligned with the owner's
          proj.delay.sample(ds);
        }
      }
    }
    return out;
  }

  const auto gids = part.local_gids(post);
  for (index_t i = 0; i < gids.size(); ++i) {
    const gid_t gpost = gids[i];
    const std::uint64_t post_index = gpost - post.first_gid;
    const std::uint64_t self = exclude_self ? post_index : pre.size;
    random_stream cs(seed, rng_domain::connectivity, proj.hash, gpost);
    random_stream ws(seed, rng_domain::weight, proj.hash, gpost);
    random_stream ds(seed, rng_domain::delay, proj.hash, gpost);
    switch (proj.rule) {
      case connection_rule::bernoulli: {
        if (proj.p <= 0.0) break;
        std::uint64_t j = geometric(cs, proj.p);
        while (j < pre.size) {
          if (j != self) make(j, i, ws, ds);
          j += 1 + geometric(cs, proj.p);
        }
        break;
      }
      case connection_rule::fixed_indegree:
        for (std::uint64_t j : draw_fixed(cs, pre.size, proj.degree, self, proj.multapses)) {
          make(j, i, ws, ds);
        }
        break;
      case connection_rule::all_to_all:
        for (std::uint64_t j = 0; j < pre.size; ++j) {
          if (j != self) make(j, i, ws, ds);
        }
        break;
      case connection_rule::one_to_one:
        make(post_index, i, ws, ds);
        break;
      case connection_rule::ring: {
        // The target sits at its index scaled to the source's ring.
        const double x = static_cast<double>(post_index) * static_cast<double>(pre.size) /
                         static_cast<double>(post.size);
        for (std::uint64_t j : draw_ring(cs, pre.size, proj.degree, x, proj.spatial_decay, self)) {
          const double w = proj.weight.sample(ws) * proj.weight_scale;
          const double dist = ring_distance(static_cast<double>(j), x, static_cast<double>(pre.size));
          const std::uint16_t d = delay_steps(proj.delay.sample(ds) + proj.delay_per_unit * dist, dt);
          out.push_back({static_cast<std::uint32_t>(j), i, static_cast<float>(w), d});
        }
        break;
      }
      case connection_rule::fixed_outdegree:
      case connection_rule::assembly:  // generated by generate_assembly_synapses
      case connection_rule::file:      // read by read_connectivity_synapses
        break;
    }
  }
  return out;
}

}  // namespace balnet

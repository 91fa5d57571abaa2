#include "balnet/network/assemblies.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <span>

#include "balnet/core/error.hpp"
#include "balnet/core/rng.hpp"
#include "balnet/network/connectivity.hpp"

namespace balnet {

std::uint64_t assembly_synapse_count(const projection_spec& proj, const network_spec& net) {
  const double n = static_cast<double>(net.populations[proj.source].size);
  return static_cast<std::uint64_t>(std::llround(proj.density * n * n));
}

namespace {

constexpr int digit_bits = 16;
constexpr std::uint64_t digits = std::uint64_t{1} << digit_bits;

constexpr int frac_bits = 48;  // scores are fixed point: 16 integer bits, 48 fraction bits
constexpr std::uint64_t unit = std::uint64_t{1} << frac_bits;

// Scores of one postsynaptic neuron i with every presynaptic candidate j, in fixed point:
// sum over the patterns p holding both of w_p = 1 + spread * (-1 + 2p/(P-1)) (each w_p rounded
// once to a multiple of 2^-48, so sums are exact and order-free), plus, with `circular`, 1 for
// every pattern of j next to a pattern of i (p - 1 and p + 1, cyclic). Without spread every
// score is a whole number (the co-membership count Z plus the adjacencies).
class score_rows {
 public:
  score_rows(const pattern_set& ps, const projection_spec& proj) : score_(ps.neurons, 0), mark_(ps.neurons, 0), ps_(ps), circular_(proj.circular) {
    ps.memberships(neuron_splits_, pattern_of_);
    const std::uint64_t np = ps.count();
    weight_.resize(np);
    integral_ = true;
    double w_max = 0;
    for (std::uint64_t p = 0; p < np; ++p) {
      const double ramp = np > 1 ? -1.0 + 2.0 * static_cast<double>(p) / static_cast<double>(np - 1) : -1.0;
      const double w = std::max(0.0, 1.0 + proj.spread * ramp);
      weight_[p] = static_cast<std::uint64_t>(std::llround(std::ldexp(w, frac_bits)));
      integral_ = integral_ && weight_[p] % unit == 0;
      w_max = std::max(w_max, w);
    }
    // Largest possible score: every pattern of the busiest neuron shared, each with both
    // neighbours. It must leave room for the 48 noise bits in a 64-bit key.
    std::uint64_t most = 0;
    for (std::uint64_t i = 0; i < ps.neurons; ++i) most = std::max(most, neuron_splits_[i + 1] - neuron_splits_[i]);
    if (static_cast<double>(most) * (w_max + (circular_ ? 2.0 : 0.0)) >= static_cast<double>(digits - 1)) {
      throw config_error("projection." + proj.name + ": a neuron is in " + std::to_string(most) +
                         " patterns; pair scores would not fit the 16 integer bits of the selection key");
    }
  }
  // Fills the scores of post neuron i and lists the touched candidates (j != i sharing a
  // pattern or, with `circular`, in a neighbouring one) ascending; all others score 0.
  void load(std::uint64_t i) {
    clear();
    const std::uint64_t np = ps_.count();
    for (std::uint64_t k = neuron_splits_[i]; k < neuron_splits_[i + 1]; ++k) {
      const auto p = pattern_of_[k];
      add(i, p, weight_[p]);
      if (circular_) {
        add(i, (p + np - 1) % np, unit);
        add(i, (p + 1) % np, unit);
      }
    }
    std::sort(touched_.begin(), touched_.end());
  }
  std::uint64_t score(std::uint64_t j) const { return score_[j]; }
  const std::vector<std::uint32_t>& touched() const { return touched_; }
  // True when every score is a whole number: the key's top 16 bits are then the score alone.
  bool integral() const { return integral_; }

 private:
  void add(std::uint64_t i, std::uint64_t p, std::uint64_t w) {
    for (std::uint64_t m = ps_.splits[p]; m < ps_.splits[p + 1]; ++m) {
      const std::uint32_t j = ps_.indices[m];
      if (j == i) continue;
      if (mark_[j] == 0) {
        mark_[j] = 1;
        touched_.push_back(j);
      }
      score_[j] += w;
    }
  }
  void clear() {
    for (auto j : touched_) {
      score_[j] = 0;
      mark_[j] = 0;
    }
    touched_.clear();
  }
  std::vector<std::uint64_t> score_;
  std::vector<std::uint8_t> mark_;
  std::vector<std::uint32_t> touched_;
  std::vector<std::uint64_t> weight_;
  std::vector<std::uint64_t> neuron_splits_;
  std::vector<std::uint32_t> pattern_of_;
  const pattern_set& ps_;
  bool circular_ = false;
  bool integral_ = true;
};

struct kept_key {
  std::uint64_t key;
  std::uint64_t pair;
};

}  // namespace

std::vector<raw_synapse> generate_assembly_synapses(const projection_spec& proj, const network_spec& net,
                                                    const partition& part, communicator& comm,
                                                    const pattern_set& patterns) {
  const auto& pop = net.populations[proj.target];
  const std::uint64_t n = pop.size;
  const std::uint64_t seed = net.run.seed;
  if (patterns.neurons != n) {
    throw config_error("projection." + proj.name + ": the patterns span " + std::to_string(patterns.neurons) +
                       " neurons but population '" + pop.name + "' has " + std::to_string(n));
  }
  const std::uint64_t want = assembly_synapse_count(proj, net);
  if (want > n * (n - 1)) {
    throw config_error("projection." + proj.name + ".density = " + std::to_string(proj.density) +
                       " asks for more synapses than the " + std::to_string(n * (n - 1)) + " ordered pairs");
  }
  if (want > (std::uint64_t{1} << 31) / sizeof(std::uint64_t) / 2) {
    // Every rank gathers all surviving keys (16 bytes each) in one exchange of int-sized counts.
    throw config_error("projection." + proj.name + ": assembly connectivity supports at most 134,217,728 synapses (" +
                       std::to_string(want) + " asked); lower density or the population size");
  }
  const auto gids = part.local_gids(pop);
  score_rows rows(patterns, proj);
  // key = score + u: the score in fixed point (48 fraction bits) plus 48 noise bits, so a
  // key orders as the real number score + u with u ~ U[0, 1).
  auto noise_at = [&](gid_t g, std::uint64_t j) {
    return random_stream(seed, rng_domain::connectivity, proj.hash, static_cast<std::uint32_t>(g), 2 * j).next_u64() >> 16;
  };

  // Visits every candidate pair (j, key) of local post neuron li whose key can reach
  // `min_level` in its top 16 bits: only the touched candidates when min_level >= 1 (every
  // other key is below 2^48), every j != i otherwise (noise drawn in sequence).
  auto visit = [&](std::size_t li, std::uint64_t min_level, auto&& f) {
    const gid_t g = gids[li];
    const std::uint64_t i = g - pop.first_gid;
    if (min_level >= 1) {
      for (auto j : rows.touched()) {
        const std::uint64_t s = rows.score(j);
        if (s + (unit - 1) >= (min_level << frac_bits)) f(j, s + noise_at(g, j));
      }
    } else {
      random_stream rs(seed, rng_domain::connectivity, proj.hash, static_cast<std::uint32_t>(g), 0);
      for (std::uint64_t j = 0; j < n; ++j) {
        const std::uint64_t u = rs.next_u64() >> 16;
        if (j != i) f(j, rows.score(j) + u);
      }
    }
  };

  // Exact global top-`want` threshold by most-significant-digit radix selection: each pass
  // histograms one 16-bit digit of the keys that share the prefix chosen so far, summed over
  // ranks with exact integers. Pass 0 (the integer part of the key) needs no noise when the
  // scores are whole numbers.
  std::uint64_t threshold = 0, need = want;
  if (want > 0) {
    std::vector<std::uint64_t> hist(digits);
    std::uint64_t prefix = 0;
    for (int pass = 0; pass < 4; ++pass) {
      std::fill(hist.begin(), hist.end(), 0);
      const int shift = 64 - digit_bits * (pass + 1);
      for (std::size_t li = 0; li < gids.size(); ++li) {
        rows.load(gids[li] - pop.first_gid);
        if (pass == 0) {
          const gid_t g = gids[li];
          for (auto j : rows.touched()) {
            const std::uint64_t s = rows.score(j);
            ++hist[(rows.integral() ? s : s + noise_at(g, j)) >> frac_bits];
          }
          hist[0] += (n - 1) - rows.touched().size();
          continue;
        }
        const std::uint64_t level = prefix >> (digit_bits * (pass - 1));  // integer part of the prefix
        visit(li, level, [&](std::uint64_t, std::uint64_t key) {
          if ((key >> (shift + digit_bits)) == prefix) ++hist[(key >> shift) & (digits - 1)];
        });
      }
      comm.allreduce_sum(std::span<std::uint64_t>(hist));
      std::uint64_t d = digits;
      while (d-- > 0) {
        if (hist[d] >= need) break;
        need -= hist[d];
      }
      prefix = (prefix << digit_bits) | d;
    }
    threshold = prefix;
  }
  const std::uint64_t z_star = threshold >> frac_bits;

  // Keys strictly above the threshold survive; of those equal to it, the `need` of smallest
  // pair index (known to every rank after one exchange of the few tied pairs).
  std::vector<kept_key> kept;
  std::vector<std::uint64_t> tied;
  std::vector<std::vector<std::uint32_t>> kept_pre(gids.size());
  std::vector<std::vector<std::uint64_t>> kept_k(gids.size());
  if (want > 0) {
    for (std::size_t li = 0; li < gids.size(); ++li) {
      const std::uint64_t i = gids[li] - pop.first_gid;
      rows.load(i);
      visit(li, z_star, [&](std::uint64_t j, std::uint64_t key) {
        if (key < threshold) return;
        if (key == threshold) tied.push_back(i * n + j);
        kept_pre[li].push_back(static_cast<std::uint32_t>(j));
        kept_k[li].push_back(key);
      });
    }
  }
  std::vector<std::uint64_t> tied_all;
  {
    std::vector<std::vector<std::uint64_t>> out(static_cast<std::size_t>(comm.size()), tied);
    tied_all = comm.exchange(out);
    std::sort(tied_all.begin(), tied_all.end());
    if (tied_all.size() < need) throw error("assembly selection: internal error (tied pairs)");
    tied_all.resize(need);
  }
  for (std::size_t li = 0; li < gids.size(); ++li) {
    const std::uint64_t i = gids[li] - pop.first_gid;
    std::size_t w = 0;
    for (std::size_t k = 0; k < kept_pre[li].size(); ++k) {
      const std::uint64_t pair = i * n + kept_pre[li][k];
      if (kept_k[li][k] == threshold && !std::binary_search(tied_all.begin(), tied_all.end(), pair)) continue;
      kept_pre[li][w] = kept_pre[li][k];
      kept_k[li][w] = kept_k[li][k];
      ++w;
      kept.push_back({kept_k[li][k], pair});
    }
    kept_pre[li].resize(w);
    kept_k[li].resize(w);
  }

  // Rank-matched weights: every rank sees every surviving key (16 bytes each), sorted by
  // score descending (pair index ascending among equal scores), and the same `want` weight
  // draws sorted descending; the synapse of global rank r gets the r-th largest weight.
  auto before = [](const kept_key& a, const kept_key& b) { return a.key != b.key ? a.key > b.key : a.pair < b.pair; };
  std::vector<kept_key> all;
  {
    std::vector<std::vector<kept_key>> out(static_cast<std::size_t>(comm.size()), kept);
    all = comm.exchange(out);
  }
  if (all.size() != want) throw error("assembly selection: internal error (kept " + std::to_string(all.size()) + ")");
  std::sort(all.begin(), all.end(), before);
  std::vector<double> weights(want);
  {
    random_stream ws(seed, rng_domain::weight, proj.hash, 0);
    for (auto& w : weights) w = proj.weight.sample(ws) * proj.weight_scale;
    std::sort(weights.begin(), weights.end(), [](double a, double b) { return a > b; });
  }
  // Global rank of each local survivor: walk the local ones in global order beside `all`.
  // (`kept` lists the local survivors in the order of the loop below.)
  std::vector<std::size_t> rank_of(kept.size());
  {
    std::vector<std::size_t> order(kept.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return before(kept[a], kept[b]); });
    std::size_t r = 0;
    for (auto k : order) {
      while (all[r].key != kept[k].key || all[r].pair != kept[k].pair) ++r;
      rank_of[k] = r;
    }
  }
  std::size_t next = 0;
  std::vector<raw_synapse> out;
  out.reserve(kept.size());
  for (std::size_t li = 0; li < gids.size(); ++li) {
    const gid_t g = gids[li];
    random_stream ds(seed, rng_domain::delay, proj.hash, static_cast<std::uint32_t>(g));
    for (std::size_t k = 0; k < kept_pre[li].size(); ++k) {
      const std::size_t r = rank_of[next++];
      const std::uint16_t d = delay_steps(proj.delay.sample(ds), net.run.dt);
      out.push_back({kept_pre[li][k], static_cast<index_t>(li), static_cast<float>(weights[r]), d});
    }
  }
  return out;
}

}  // namespace balnet

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

// Co-membership counts of one postsynaptic neuron with every presynaptic candidate.
class comember_rows {
 public:
  comember_rows(const pattern_set& ps) : count_(ps.neurons, 0), ps_(ps) {
    ps.memberships(neuron_splits_, pattern_of_);
  }
  // Fills count_ for post neuron i and lists the co-members (j != i, Z >= 1) ascending.
  void load(std::uint64_t i) {
    clear();
    for (std::uint64_t k = neuron_splits_[i]; k < neuron_splits_[i + 1]; ++k) {
      const auto p = pattern_of_[k];
      for (std::uint64_t m = ps_.splits[p]; m < ps_.splits[p + 1]; ++m) {
        const std::uint32_t j = ps_.indices[m];
        if (j == i) continue;
        if (count_[j]++ == 0) touched_.push_back(j);
      }
    }
    std::sort(touched_.begin(), touched_.end());
  }
  std::uint32_t level(std::uint64_t j) const { return count_[j]; }
  const std::vector<std::uint32_t>& comembers() const { return touched_; }

 private:
  void clear() {
    for (auto j : touched_) count_[j] = 0;
    touched_.clear();
  }
  std::vector<std::uint32_t> count_;
  std::vector<std::uint32_t> touched_;
  std::vector<std::uint64_t> neuron_splits_;
  std::vector<std::uint32_t> pattern_of_;
  const pattern_set& ps_;
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
  comember_rows rows(patterns);
  auto noise_at = [&](gid_t g, std::uint64_t j) {
    return random_stream(seed, rng_domain::connectivity, proj.hash, static_cast<std::uint32_t>(g), 2 * j).next_u64() >> 16;
  };
  auto key_of = [](std::uint64_t z, std::uint64_t u) { return (z << 48) | u; };

  // Visits every candidate pair (j, key) of local post neuron li whose level is >= `min_level`:
  // the co-members only when min_level >= 1, every j != i otherwise (noise drawn in sequence).
  auto visit = [&](std::size_t li, std::uint64_t min_level, auto&& f) {
    const gid_t g = gids[li];
    const std::uint64_t i = g - pop.first_gid;
    if (min_level >= 1) {
      for (auto j : rows.comembers()) {
        const std::uint64_t z = rows.level(j);
        if (z >= min_level) f(j, key_of(z, noise_at(g, j)));
      }
    } else {
      random_stream rs(seed, rng_domain::connectivity, proj.hash, static_cast<std::uint32_t>(g), 0);
      for (std::uint64_t j = 0; j < n; ++j) {
        const std::uint64_t u = rs.next_u64() >> 16;
        if (j != i) f(j, key_of(rows.level(j), u));
      }
    }
  };

  // Exact global top-`want` threshold by most-significant-digit radix selection: each pass
  // histograms one 16-bit digit of the keys that share the prefix chosen so far, summed over
  // ranks with exact integers. Pass 0 (the level Z) needs no noise.
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
          for (auto j : rows.comembers()) {
            const std::uint64_t z = rows.level(j);
            if (z >= digits) throw config_error("projection." + proj.name + ": a pair shares more than 65535 patterns");
            ++hist[z];
          }
          hist[0] += (n - 1) - rows.comembers().size();
          continue;
        }
        const std::uint64_t level = prefix >> (digit_bits * (pass - 1));  // Z of the prefix
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
  const std::uint64_t z_star = threshold >> 48;

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

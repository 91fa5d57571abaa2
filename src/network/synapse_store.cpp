#include "balnet/network/synapse_store.hpp"

#include <algorithm>
#include <bit>
#include <limits>

#include "balnet/core/error.hpp"

namespace balnet {

synapse_store::synapse_store(std::uint64_t n_pre, std::vector<raw_synapse>&& syn) {
  if (syn.size() >= std::numeric_limits<std::uint32_t>::max()) {
    throw error("a projection holds more than 4e9 synapses on one rank; use more ranks");
  }
  // Order by (pre, delay), keeping generation order inside: a counting sort by pre, then a
  // stable sort by delay inside each row that has more than one delay.
  {
    std::vector<std::uint64_t> offset(n_pre + 1, 0);
    for (const auto& s : syn) {
      if (s.pre >= n_pre) throw error("internal: presynaptic index out of range");
      ++offset[s.pre + 1];
    }
    for (std::uint64_t i = 0; i < n_pre; ++i) offset[i + 1] += offset[i];
    std::vector<raw_synapse> sorted(syn.size());
    {
      std::vector<std::uint64_t> fill(offset.begin(), offset.end() - 1);
      for (const auto& s : syn) sorted[fill[s.pre]++] = s;
    }
    for (std::uint64_t i = 0; i < n_pre; ++i) {
      auto b = sorted.begin() + static_cast<std::ptrdiff_t>(offset[i]);
      auto e = sorted.begin() + static_cast<std::ptrdiff_t>(offset[i + 1]);
      if (e - b > 1) {
        std::stable_sort(b, e, [](const raw_synapse& x, const raw_synapse& y) {
          return x.delay < y.delay;
        });
      }
    }
    syn.swap(sorted);
  }
  row_seg_.assign(n_pre + 1, 0);
  target_.resize(syn.size());
  weight_.resize(syn.size());
  std::size_t k = 0;
  min_delay_ = syn.empty() ? 0 : std::numeric_limits<std::uint16_t>::max();
  for (std::uint64_t pre = 0; pre < n_pre; ++pre) {
    row_seg_[pre] = static_cast<std::uint32_t>(seg_delay_.size());
    while (k < syn.size() && syn[k].pre == pre) {
      const std::uint16_t d = syn[k].delay;
      seg_start_.push_back(static_cast<std::uint32_t>(k));
      seg_delay_.push_back(d);
      min_delay_ = std::min(min_delay_, d);
      max_delay_ = std::max(max_delay_, d);
      while (k < syn.size() && syn[k].pre == pre && syn[k].delay == d) {
        target_[k] = syn[k].post;
        weight_[k] = syn[k].weight;
        ++k;
      }
    }
  }
  row_seg_[n_pre] = static_cast<std::uint32_t>(seg_delay_.size());
  seg_start_.push_back(static_cast<std::uint32_t>(k));
  std::vector<raw_synapse>().swap(syn);
  // Uniform weights: equal bits (so +0 and -0, which add differently to a -0 state, differ).
  if (!weight_.empty()) {
    const auto first = std::bit_cast<std::uint32_t>(weight_[0]);
    uniform_ = std::all_of(weight_.begin(), weight_.end(),
                           [first](float w) { return std::bit_cast<std::uint32_t>(w) == first; });
    uniform_weight_ = weight_[0];
  }
}

bool synapse_store::make_compact() {
  if (compact()) return true;
  if (target_.empty()) return false;
  if (*std::max_element(target_.begin(), target_.end()) > std::numeric_limits<std::uint16_t>::max()) return false;
  target16_.assign(target_.begin(), target_.end());
  std::vector<index_t>().swap(target_);
  return true;
}

void synapse_store::expand() {
  target_.assign(target16_.begin(), target16_.end());
  std::vector<std::uint16_t>().swap(target16_);
}

std::uint64_t synapse_store::synapse_bytes() const {
  return target_.size() * sizeof(index_t) + target16_.size() * sizeof(std::uint16_t) +
         weight_.size() * sizeof(float);
}

std::uint64_t synapse_store::index_bytes() const {
  return row_seg_.size() * sizeof(std::uint32_t) + seg_start_.size() * sizeof(std::uint32_t) +
         seg_delay_.size() * sizeof(std::uint16_t);
}

}  // namespace balnet

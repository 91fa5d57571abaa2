// A calendar of items (neuron indices) keyed by the step of their next event: a ring of
// buckets indexed by step modulo the ring size, so finding the items due at a step costs
// the items in one bucket instead of a scan of every item. Items further ahead than the
// ring wait in their bucket and are skipped until their step comes round.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "balnet/core/types.hpp"

namespace balnet {

class step_calendar {
 public:
  step_calendar() = default;
  // A ring of at least `ring` buckets (rounded up to a power of two).
  explicit step_calendar(std::size_t ring) {
    std::size_t r = 1;
    while (r < ring) r <<= 1;
    buckets_.resize(r);
    mask_ = r - 1;
  }

  std::size_t ring() const { return buckets_.size(); }
  // Files item i under step `when` (when >= 0; the caller keeps when in its own array).
  void insert(index_t i, step_t when) { buckets_[static_cast<std::size_t>(when) & mask_].push_back(i); }

  // Moves the items whose step when[i] equals t out of t's bucket into `due` (appended, in
  // the order they were filed); the others stay. Items must be filed again to recur.
  void take(step_t t, const step_t* when, std::vector<index_t>& due) {
    auto& b = buckets_[static_cast<std::size_t>(t) & mask_];
    std::size_t keep = 0;
    for (std::size_t k = 0; k < b.size(); ++k) {
      const index_t i = b[k];
      if (when[i] == t) {
        due.push_back(i);
      } else {
        b[keep++] = i;
      }
    }
    b.resize(keep);
  }

 private:
  std::vector<std::vector<index_t>> buckets_;
  std::size_t mask_ = 0;
};

}  // namespace balnet

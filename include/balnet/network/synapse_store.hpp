// The incoming synapses of one projection on one rank: a CSR matrix keyed by the
// presynaptic neuron (population-local index), each row split into segments of equal delay
// so that a spike's arrivals can be scheduled per delay and processed at arrival time.
#pragma once

#include <cstdint>
#include <vector>

#include "balnet/core/error.hpp"
#include "balnet/core/types.hpp"

namespace balnet {

// One synapse as generated, before it is packed into the CSR.
struct raw_synapse {
  std::uint32_t pre;         // presynaptic population-local index
  index_t post;              // postsynaptic index among the rank's neurons of the target
  float weight;
  std::uint16_t delay;       // steps, >= 1
};

class synapse_store {
 public:
  synapse_store() = default;
  // Packs synapses (in generation order) into rows; within a row, synapses are ordered by
  // delay, then by generation order (stable), so the order never depends on the partition.
  synapse_store(std::uint64_t n_pre, std::vector<raw_synapse>&& synapses);

  std::uint64_t size() const { return weight_.size(); }
  std::uint64_t rows() const { return row_seg_.empty() ? 0 : row_seg_.size() - 1; }
  std::uint64_t segments() const { return seg_delay_.size(); }

  // Segments of row `pre` are [seg_begin(pre), seg_end(pre)).
  std::uint32_t seg_begin(std::uint32_t pre) const { return row_seg_[pre]; }
  std::uint32_t seg_end(std::uint32_t pre) const { return row_seg_[pre + 1]; }
  // Synapses of segment s are [syn_begin(s), syn_end(s)).
  std::uint32_t syn_begin(std::uint32_t s) const { return seg_start_[s]; }
  std::uint32_t syn_end(std::uint32_t s) const { return seg_start_[s + 1]; }
  std::uint16_t delay(std::uint32_t s) const { return seg_delay_[s]; }

  // The targets as uint32; not available after make_compact() (use target(k) or targets16()).
  const index_t* targets() const {
    if (compact()) throw error("internal: uint32 targets asked of a compact synapse store");
    return target_.data();
  }
  index_t target(std::uint64_t k) const { return compact() ? target16_[k] : target_[k]; }
  // Mutable access ends the uniform-weight fast path below for good: whoever writes weights
  // (plasticity, checkpoint loading) gets them through here.
  float* weights() {
    uniform_ = false;
    if (compact()) expand();
    return weight_.data();
  }
  const float* weights() const { return weight_.data(); }

  // True while every synapse has the same weight (bit for bit) and no mutable pointer to
  // the weights was handed out: delivery then adds uniform_weight() without reading the
  // weight array, half the memory traffic of a spike (static projections with constant
  // weights, as in COBA).
  bool uniform() const { return uniform_; }
  float uniform_weight() const { return uniform_weight_; }

  // Compact static synapses: with every target below 65536, the targets are kept as uint16
  // instead of uint32 (6 bytes per synapse with the weight, and 2 bytes read per delivered
  // synapse instead of 4, plus the weight's 4 unless the weights are uniform). Only for
  // projections whose weights nothing will change and whose uint32 targets() nobody reads
  // (no plasticity, no stochastic release). Returns whether the store is compact now.
  bool make_compact();
  bool compact() const { return !target16_.empty(); }
  const std::uint16_t* targets16() const { return target16_.data(); }

  // Smallest and largest delay (steps); 0 if empty.
  std::uint16_t min_delay() const { return min_delay_; }
  std::uint16_t max_delay() const { return max_delay_; }

  // Bytes of the per-synapse arrays (target + weight) and of the row/segment index.
  std::uint64_t synapse_bytes() const;
  std::uint64_t index_bytes() const;

 private:
  std::vector<std::uint32_t> row_seg_;    // rows + 1
  std::vector<std::uint32_t> seg_start_;  // segments + 1
  std::vector<std::uint16_t> seg_delay_;  // segments
  std::vector<index_t> target_;
  std::vector<std::uint16_t> target16_;  // instead of target_ when compact
  std::vector<float> weight_;
  std::uint16_t min_delay_ = 0, max_delay_ = 0;
  void expand();  // back to uint32 targets
  bool uniform_ = false;
  float uniform_weight_ = 0.0f;
};

}  // namespace balnet

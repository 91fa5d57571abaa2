// The rank-local state of one plastic projection: a post-major index into the projection's
// CSR (so a postsynaptic spike reaches its incoming weights without a transpose),
// presynaptic traces per (source row, delay segment) and the rules' parameters.
//
// Semantics (docs/plasticity.md): a spike arriving at step t over segment s first
// transmits the current weights, then applies each rule's presynaptic update with the
// postsynaptic traces at t, then the segment's presynaptic traces jump. A postsynaptic spike
// at step t applies each rule's postsynaptic update with the presynaptic traces as seen at
// the synapse at t (arrivals of step t included), before the postsynaptic traces jump.
// Presynaptic traces are stored as (value after the last jump, step of that jump) and read
// lazily decayed without writing back, so every rank's copy of a segment evolves
// identically whatever the partition.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "balnet/core/types.hpp"
#include "balnet/network/synapse_store.hpp"
#include "balnet/plasticity/plasticity_spec.hpp"
#include "balnet/plasticity/trace_decay.hpp"

namespace balnet {

struct state_set;

// Postsynaptic traces of one population's local neurons, one array per time constant,
// shared by every rule and projection that targets the population.
class post_traces {
 public:
  post_traces() = default;
  post_traces(std::size_t n) : n_(n) {}
  // Registers a time constant (before allocate()); returns its slot.
  std::size_t slot(double tau);
  void allocate(double dt);
  const double* values(std::size_t slot) const { return x_[slot].data(); }
  double* values(std::size_t slot) { return x_[slot].data(); }
  // End of step: each spiking neuron's traces jump by 1, then every trace decays one step.
  void advance(const std::vector<index_t>& spiked);
  std::size_t size() const { return n_; }
  std::size_t count() const { return taus_.size(); }
  double tau(std::size_t slot) const { return taus_[slot]; }
  std::uint64_t bytes() const { return taus_.size() * n_ * sizeof(double); }
  // Checkpoints: columns gid, x0, x1, ... (one per slot) under `path`.
  void save_state(state_set& out, const std::string& path, const std::vector<gid_t>& gids) const;
  void load_state(const state_set& in, const std::string& path, const std::vector<gid_t>& gids);

 private:
  std::size_t n_ = 0;
  std::vector<double> taus_;
  std::vector<double> decay_;
  std::vector<std::vector<double>> x_;
};

class plastic_projection {
 public:
  // `store` must outlive this object. `traces` holds the target population's postsynaptic
  // traces (slots registered by register_traces before allocation). `post_index` maps a
  // local target index to the population-local index (for per-neuron targets).
  plastic_projection(const plasticity_spec& spec, synapse_store& store, post_traces& traces,
                     const std::vector<std::uint64_t>& post_index, double dt);

  // Registers the postsynaptic time constants this spec needs (call before allocate()).
  static void register_traces(const plasticity_spec& spec, post_traces& traces);

  // A spike arriving at step t over segment s (after the simulation transmitted it with the
  // current weights): presynaptic updates, then the trace jump.
  void arrive(std::uint32_t s, step_t t);
  // Local target neurons `spiked` (ascending) fired at step t.
  void post_spikes(const std::vector<index_t>& spiked, step_t t);

  // Multiplies the amplitudes of rule r by `factor` (the GHP gate R - rho).
  void set_gate(std::size_t rule, double factor) { rules_[rule].gate = factor; }
  std::size_t rule_count() const { return rules_.size(); }

  const synapse_store& store() const { return store_; }
  // Asks the cache for segment s's presynaptic trace record (before arrive(s, ...)).
  void prefetch(std::uint32_t s) const { __builtin_prefetch(seg_.data() + s * stride_, 1); }
  // Presynaptic trace with time constant slot i of segment s as seen at step t.
  double pre_trace(std::uint32_t s, std::size_t i, step_t t) const;

  // Bytes per synapse of the per-synapse arrays (CSR target + weight + post-major entry).
  static constexpr std::uint64_t bytes_per_synapse() { return 12; }
  // Bytes of everything else: post-major row pointers, segment lookup hints, presynaptic
  // traces per segment.
  std::uint64_t extra_bytes() const;
  // Checkpoints: the weights keyed by (pre gid, post gid, delay, order among equal keys) under
  // PREFIX/synapses and the presynaptic trace records keyed by (pre gid, delay) under
  // PREFIX/segments. `pre_first_gid` is the source population's first gid; `post_gids` the
  // target population's local gids.
  void save_state(state_set& out, const std::string& prefix, gid_t pre_first_gid,
                  const std::vector<gid_t>& post_gids) const;
  void load_state(const state_set& in, const std::string& prefix, gid_t pre_first_gid,
                  const std::vector<gid_t>& post_gids);

 private:
  struct rule_rt {
    side_rule pre, post;
    bound_kind bounds = bound_kind::none;
    double lo = 0, hi = 0, w_ref = 0;
    step_t start = 0;
    double gate = 1.0;
    const double* x_pre_other = nullptr;  // postsynaptic trace read at arrivals
    const double* x_post_own = nullptr;   // postsynaptic trace read at postsynaptic spikes
    int post_other = -1;                  // presynaptic trace slot read at postsynaptic spikes
    int pre_own = -1;                     // presynaptic trace slot read at arrivals
    std::vector<double> c_local;          // presynaptic-side c per local target neuron
  };

  synapse_store& store_;
  std::vector<rule_rt> rules_;
  std::vector<std::uint32_t> post_ptr_;  // local targets + 1
  std::vector<std::uint32_t> post_syn_;  // synapse index per entry, ascending per target
  // Segment hints: the segment holding synapse (b << hint_shift). A postsynaptic spike finds
  // the segment (hence the presynaptic trace record) of each of its synapses from here,
  // which keeps the post-major index at one 4-byte entry per synapse (12 bytes per plastic
  // synapse in all; a segment per entry would make it 16).
  std::vector<std::uint32_t> seg_hint_;
  // Per segment, one record of stride_ doubles: the step of the last arrival (exact as a
  // double below 2^53 steps), then each presynaptic trace's value after that arrival's jump.
  // One record per segment keeps a lazy read to one cache line.
  std::vector<double> seg_;
  std::size_t stride_ = 1;
  std::vector<trace_decay> decay_;       // per presynaptic slot
  std::vector<double> pre_taus_;

  static constexpr std::uint32_t hint_shift = 4;  // one hint per 16 synapses

  std::uint32_t segment_of(std::uint32_t k) const {
    std::uint32_t s = seg_hint_[k >> hint_shift];
    while (store_.syn_end(s) <= k) ++s;
    return s;
  }
  int pre_slot(double tau);
};

}  // namespace balnet

#include "balnet/plasticity/plastic_projection.hpp"

#include <algorithm>
#include <cmath>

#include "balnet/core/error.hpp"
#include "balnet/core/fast_math.hpp"

namespace balnet {

std::size_t post_traces::slot(double tau) {
  for (std::size_t i = 0; i < taus_.size(); ++i) {
    if (taus_[i] == tau) return i;
  }
  taus_.push_back(tau);
  return taus_.size() - 1;
}

void post_traces::allocate(double dt) {
  x_.assign(taus_.size(), std::vector<double>(n_, 0.0));
  decay_.clear();
  for (double tau : taus_) decay_.push_back(exp_det(-dt / tau));
}

void post_traces::advance(const std::vector<index_t>& spiked) {
  for (std::size_t i = 0; i < taus_.size(); ++i) {
    double* __restrict x = x_[i].data();
    for (index_t j : spiked) x[j] += 1.0;
    const double d = decay_[i];
    for (std::size_t j = 0; j < n_; ++j) x[j] *= d;
  }
}

namespace {

// Updates of one side for synapses [b, e) of a segment (presynaptic side) written as
// plain loops the compiler specialises per weight factor and bound kind.
template <weight_factor G>
inline double factor(double w, double w_ref) {
  if constexpr (G == weight_factor::one) return 1.0;
  if constexpr (G == weight_factor::w) return w;
  return w_ref - w;
}

template <weight_factor G, bound_kind B>
void pre_kernel(float* __restrict w, const index_t* __restrict tgt, std::uint32_t b,
                std::uint32_t e, const double* __restrict x, const double* __restrict c,
                double k, double amp, double lo, double hi, double w_ref) {
  for (std::uint32_t s = b; s < e; ++s) {
    const index_t j = tgt[s];
    const double wk = w[s];
    const double dw = factor<G>(wk, w_ref) * (k * x[j] + c[j]) * amp;
    double wn;
    if constexpr (B == bound_kind::none) {
      wn = wk + dw;
    } else if constexpr (B == bound_kind::clip) {
      wn = std::min(std::max(wk + dw, lo), hi);
    } else {
      wn = wk > lo ? wk + dw : wk;
    }
    w[s] = static_cast<float>(wn);
  }
}

template <weight_factor G>
void pre_dispatch_bounds(bound_kind b, float* w, const index_t* tgt, std::uint32_t s0,
                         std::uint32_t s1, const double* x, const double* c, double k, double amp,
                         double lo, double hi, double w_ref) {
  switch (b) {
    case bound_kind::none: pre_kernel<G, bound_kind::none>(w, tgt, s0, s1, x, c, k, amp, lo, hi, w_ref); break;
    case bound_kind::clip: pre_kernel<G, bound_kind::clip>(w, tgt, s0, s1, x, c, k, amp, lo, hi, w_ref); break;
    case bound_kind::gate: pre_kernel<G, bound_kind::gate>(w, tgt, s0, s1, x, c, k, amp, lo, hi, w_ref); break;
  }
}

template <weight_factor G, bound_kind B>
inline float post_apply(float w, double f, double amp, double lo, double hi, double w_ref) {
  const double wk = w;
  const double dw = factor<G>(wk, w_ref) * f * amp;
  double wn;
  if constexpr (B == bound_kind::none) {
    wn = wk + dw;
  } else if constexpr (B == bound_kind::clip) {
    wn = std::min(std::max(wk + dw, lo), hi);
  } else {
    wn = (wk > lo && wk < hi) ? wk + dw : wk;
  }
  return static_cast<float>(wn);
}

}  // namespace

int plastic_projection::pre_slot(double tau) {
  for (std::size_t i = 0; i < pre_taus_.size(); ++i) {
    if (pre_taus_[i] == tau) return static_cast<int>(i);
  }
  pre_taus_.push_back(tau);
  return static_cast<int>(pre_taus_.size() - 1);
}

void plastic_projection::register_traces(const plasticity_spec& spec, post_traces& traces) {
  for (const auto& r : spec.rules) {
    if (r.pre.k != 0) traces.slot(r.pre.tau_other);
    if (r.post.m != 0) traces.slot(r.post.tau_own);
  }
}

plastic_projection::plastic_projection(const plasticity_spec& spec, synapse_store& store,
                                       post_traces& traces,
                                       const std::vector<std::uint64_t>& post_index, double dt)
    : store_(store) {
  const std::size_t n_post = traces.size();
  for (const auto& r : spec.rules) {
    rule_rt rt;
    rt.pre = r.pre;
    rt.post = r.post;
    rt.bounds = r.bounds;
    rt.lo = r.w_min;
    rt.hi = r.w_max;
    rt.w_ref = r.w_ref;
    rt.start = static_cast<step_t>(std::llround(r.start / dt));
    if (r.pre.k != 0) rt.x_pre_other = traces.values(traces.slot(r.pre.tau_other));
    if (r.post.m != 0) rt.x_post_own = traces.values(traces.slot(r.post.tau_own));
    if (r.post.k != 0) rt.post_other = pre_slot(r.post.tau_other);
    if (r.pre.m != 0) rt.pre_own = pre_slot(r.pre.tau_own);
    rt.c_local.resize(n_post);
    for (std::size_t j = 0; j < n_post; ++j) {
      rt.c_local[j] = r.c_per_post.empty() ? r.pre.c : r.c_per_post[post_index[j]];
    }
    rules_.push_back(std::move(rt));
  }
  for (double tau : pre_taus_) decay_.emplace_back(dt, tau);
  // Post-major index: counting sort of synapse indices by target.
  const std::uint64_t n = store_.size();
  const index_t* tgt = store_.targets();
  post_ptr_.assign(n_post + 1, 0);
  for (std::uint64_t k = 0; k < n; ++k) {
    if (tgt[k] >= n_post) throw error("internal: plastic synapse target out of range");
    ++post_ptr_[tgt[k] + 1];
  }
  for (std::size_t j = 0; j < n_post; ++j) post_ptr_[j + 1] += post_ptr_[j];
  post_syn_.resize(n);
  {
    std::vector<std::uint32_t> fill(post_ptr_.begin(), post_ptr_.end() - 1);
    for (std::uint64_t k = 0; k < n; ++k) post_syn_[fill[tgt[k]]++] = static_cast<std::uint32_t>(k);
  }
  // Segment hints: the segment holding synapse (b << hint_shift).
  const std::uint64_t blocks = (n + (1u << hint_shift) - 1) >> hint_shift;
  seg_hint_.resize(blocks);
  {
    std::uint32_t s = 0;
    for (std::uint64_t b = 0; b < blocks; ++b) {
      const std::uint64_t k = b << hint_shift;
      while (store_.syn_end(s) <= k) ++s;
      seg_hint_[b] = s;
    }
  }
  stride_ = 1 + pre_taus_.size();
  seg_.assign(store_.segments() * stride_, 0.0);
}

double plastic_projection::pre_trace(std::uint32_t s, std::size_t i, step_t t) const {
  const double* rec = seg_.data() + s * stride_;
  return rec[1 + i] * decay_[i](static_cast<std::uint64_t>(t - static_cast<step_t>(rec[0])));
}

void plastic_projection::arrive(std::uint32_t s, step_t t) {
  const std::uint32_t b = store_.syn_begin(s), e = store_.syn_end(s);
  const index_t* __restrict tgt = store_.targets();
  float* __restrict w = store_.weights();
  const std::size_t nt = pre_taus_.size();
  double* rec = seg_.data() + s * stride_;
  const auto elapsed = static_cast<std::uint64_t>(t - static_cast<step_t>(rec[0]));
  double* y = rec + 1;
  for (auto& r : rules_) {
    if (t < r.start) continue;
    double amp = r.pre.a;
    if (r.pre_own >= 0) amp += r.pre.m * (y[r.pre_own] * decay_[static_cast<std::size_t>(r.pre_own)](elapsed));
    amp *= r.gate;
    if (amp == 0.0) continue;
    const double* x = r.x_pre_other;
    const double* c = r.c_local.data();
    switch (r.pre.g) {
      case weight_factor::one:
        pre_dispatch_bounds<weight_factor::one>(r.bounds, w, tgt, b, e, x, c, r.pre.k, amp, r.lo, r.hi, r.w_ref);
        break;
      case weight_factor::w:
        pre_dispatch_bounds<weight_factor::w>(r.bounds, w, tgt, b, e, x, c, r.pre.k, amp, r.lo, r.hi, r.w_ref);
        break;
      case weight_factor::wmax_minus_w:
        pre_dispatch_bounds<weight_factor::wmax_minus_w>(r.bounds, w, tgt, b, e, x, c, r.pre.k, amp, r.lo, r.hi, r.w_ref);
        break;
    }
  }
  for (std::size_t i = 0; i < nt; ++i) y[i] = y[i] * decay_[i](elapsed) + 1.0;
  rec[0] = static_cast<double>(t);
}

namespace {

// The postsynaptic side for one rule and one spiking neuron: entries [p0, p1) of the
// post-major index (synapse syn[p]; its segment from segment_of). The weights and trace
// records are scattered: the segment of the entry `ahead` places on is looked up early (kept
// in a small ring) and its record and weight are prefetched.
template <weight_factor G, bound_kind B, bool ReadPre>
void post_loop(float* __restrict w, const std::uint32_t* __restrict syn, std::uint32_t p0, std::uint32_t p1,
               double k, double c, double amp, double lo, double hi, double w_ref, const auto& pre_value,
               const auto& pre_record, const auto& segment_of) {
  constexpr std::uint32_t ahead = 16;
  std::uint32_t ring[ahead];
  if constexpr (ReadPre) {
    for (std::uint32_t p = p0; p < p1 && p < p0 + ahead; ++p) ring[p % ahead] = segment_of(syn[p]);
  }
  for (std::uint32_t p = p0; p < p1; ++p) {
    const std::uint32_t s = syn[p];
    double f = c;
    if constexpr (ReadPre) f = k * pre_value(ring[p % ahead]) + c;
    if (p + ahead < p1) {
      __builtin_prefetch(w + syn[p + ahead], 1);
      if constexpr (ReadPre) {
        const std::uint32_t sa = segment_of(syn[p + ahead]);
        ring[p % ahead] = sa;  // entry p + ahead has the same slot
        __builtin_prefetch(pre_record(sa));
      }
    }
    w[s] = post_apply<G, B>(w[s], f, amp, lo, hi, w_ref);
  }
}

template <weight_factor G, bool ReadPre>
void post_bounds(bound_kind b, float* w, const std::uint32_t* syn, std::uint32_t p0, std::uint32_t p1,
                 double k, double c, double amp, double lo, double hi, double w_ref, const auto& pre_value,
                 const auto& pre_record, const auto& segment_of) {
  switch (b) {
    case bound_kind::none: post_loop<G, bound_kind::none, ReadPre>(w, syn, p0, p1, k, c, amp, lo, hi, w_ref, pre_value, pre_record, segment_of); break;
    case bound_kind::clip: post_loop<G, bound_kind::clip, ReadPre>(w, syn, p0, p1, k, c, amp, lo, hi, w_ref, pre_value, pre_record, segment_of); break;
    case bound_kind::gate: post_loop<G, bound_kind::gate, ReadPre>(w, syn, p0, p1, k, c, amp, lo, hi, w_ref, pre_value, pre_record, segment_of); break;
  }
}

template <bool ReadPre>
void post_dispatch(weight_factor g, bound_kind b, float* w, const std::uint32_t* syn, std::uint32_t p0,
                   std::uint32_t p1, double k, double c, double amp, double lo, double hi, double w_ref,
                   const auto& pre_value, const auto& pre_record, const auto& segment_of) {
  switch (g) {
    case weight_factor::one: post_bounds<weight_factor::one, ReadPre>(b, w, syn, p0, p1, k, c, amp, lo, hi, w_ref, pre_value, pre_record, segment_of); break;
    case weight_factor::w: post_bounds<weight_factor::w, ReadPre>(b, w, syn, p0, p1, k, c, amp, lo, hi, w_ref, pre_value, pre_record, segment_of); break;
    case weight_factor::wmax_minus_w: post_bounds<weight_factor::wmax_minus_w, ReadPre>(b, w, syn, p0, p1, k, c, amp, lo, hi, w_ref, pre_value, pre_record, segment_of); break;
  }
}

}  // namespace

void plastic_projection::post_spikes(const std::vector<index_t>& spiked, step_t t) {
  if (spiked.empty() || store_.size() == 0) return;
  float* w = store_.weights();
  const std::uint32_t* syn = post_syn_.data();
  auto segment_of = [this](std::uint32_t k) { return this->segment_of(k); };
  for (auto& r : rules_) {
    if (t < r.start || r.gate == 0.0) continue;
    const bool read_pre = r.post_other >= 0;
    const auto slot = static_cast<std::size_t>(std::max(0, r.post_other));
    const trace_decay* dec = read_pre ? &decay_[slot] : nullptr;
    auto pre_record = [&](std::uint32_t s) { return seg_.data() + s * stride_; };
    auto pre_value = [&](std::uint32_t s) {
      const double* rec = seg_.data() + s * stride_;
      return rec[1 + slot] * (*dec)(static_cast<std::uint64_t>(t - static_cast<step_t>(rec[0])));
    };
    for (index_t j : spiked) {
      const std::uint32_t p0 = post_ptr_[j], p1 = post_ptr_[j + 1];
      if (p0 == p1) continue;
      double amp = r.post.a;
      if (r.x_post_own) amp += r.post.m * r.x_post_own[j];
      amp *= r.gate;
      if (amp == 0.0) continue;
      if (read_pre) {
        post_dispatch<true>(r.post.g, r.bounds, w, syn, p0, p1, r.post.k, r.post.c, amp, r.lo, r.hi, r.w_ref,
                            pre_value, pre_record, segment_of);
      } else {
        post_dispatch<false>(r.post.g, r.bounds, w, syn, p0, p1, r.post.k, r.post.c, amp, r.lo, r.hi, r.w_ref,
                             pre_value, pre_record, segment_of);
      }
    }
  }
}

std::uint64_t plastic_projection::extra_bytes() const {
  return post_ptr_.size() * sizeof(std::uint32_t) + seg_hint_.size() * sizeof(std::uint32_t) +
         seg_.size() * sizeof(double) +
         rules_.size() * post_ptr_.size() * sizeof(double);
}

}  // namespace balnet

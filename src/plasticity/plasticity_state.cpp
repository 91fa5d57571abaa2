// Checkpoint state of plasticity: plastic weights, presynaptic trace records per segment,
// postsynaptic traces per neuron and the global rates of GHP gates, all keyed by gids.
#include <algorithm>
#include <tuple>

#include "balnet/core/error.hpp"
#include "balnet/io/state_io.hpp"
#include "balnet/plasticity/plasticity_engine.hpp"

namespace balnet {

void post_traces::save_state(state_set& out, const std::string& path, const std::vector<gid_t>& gids) const {
  auto& t = out.table(path);
  t.column("gid").assign(gids.begin(), gids.end());
  for (std::size_t s = 0; s < x_.size(); ++s) t.column(indexed_name("x", s)) = x_[s];
}

void post_traces::load_state(const state_set& in, const std::string& path, const std::vector<gid_t>& gids) {
  const auto& t = in.at(path);
  const auto rows = find_rows(t.at("gid"), std::vector<std::uint64_t>(gids.begin(), gids.end()), "neuron");
  for (std::size_t s = 0; s < x_.size(); ++s) {
    const auto& c = t.at(indexed_name("x", s));
    for (std::size_t i = 0; i < rows.size(); ++i) x_[s][i] = c[rows[i]];
  }
}

namespace {

struct syn_key {
  std::uint64_t pre, post;
  std::uint32_t delay;
  std::uint64_t seq;  // order among synapses with equal (pre, post, delay)
  bool operator<(const syn_key& o) const {
    return std::tie(pre, post, delay, seq) < std::tie(o.pre, o.post, o.delay, o.seq);
  }
};

}  // namespace

void plastic_projection::save_state(state_set& out, const std::string& prefix, gid_t pre_first_gid,
                                    const std::vector<gid_t>& post_gids) const {
  auto& syn = out.table(prefix + "/synapses");
  auto& pre = syn.column("pre");
  auto& post = syn.column("post");
  auto& delay = syn.column("delay");
  auto& weight = syn.column("weight");
  auto& seg = out.table(prefix + "/segments");
  auto& spre = seg.column("pre");
  auto& sdelay = seg.column("delay");
  auto& last = seg.column("last_step");
  std::vector<std::vector<double>*> y;
  for (std::size_t i = 0; i < pre_taus_.size(); ++i) y.push_back(&seg.column(indexed_name("y", i)));
  const index_t* tgt = store_.targets();
  const float* w = store_.weights();
  for (std::uint32_t row = 0; row < store_.rows(); ++row) {
    const auto g = static_cast<double>(pre_first_gid + row);
    for (std::uint32_t s = store_.seg_begin(row); s < store_.seg_end(row); ++s) {
      const double d = store_.delay(s);
      for (std::uint32_t k = store_.syn_begin(s); k < store_.syn_end(s); ++k) {
        pre.push_back(g);
        post.push_back(static_cast<double>(post_gids[tgt[k]]));
        delay.push_back(d);
        weight.push_back(static_cast<double>(w[k]));
      }
      const double* rec = seg_.data() + s * stride_;
      spre.push_back(g);
      sdelay.push_back(d);
      last.push_back(rec[0]);
      for (std::size_t i = 0; i < y.size(); ++i) y[i]->push_back(rec[1 + i]);
    }
  }
}

void plastic_projection::load_state(const state_set& in, const std::string& prefix, gid_t pre_first_gid,
                                    const std::vector<gid_t>& post_gids) {
  // Weights: the checkpoint's synapses onto local neurons, matched to the local store by
  // (pre, post, delay) and their order among equal keys (generation order, rank-independent).
  {
    const auto& t = in.at(prefix + "/synapses");
    const auto& pre = t.at("pre");
    const auto& post = t.at("post");
    const auto& delay = t.at("delay");
    const auto& weight = t.at("weight");
    std::vector<syn_key> file_keys;
    std::vector<float> file_w;
    for (std::size_t r = 0; r < pre.size(); ++r) {
      const auto p = static_cast<gid_t>(post[r]);
      if (!std::binary_search(post_gids.begin(), post_gids.end(), p)) continue;
      file_keys.push_back({static_cast<std::uint64_t>(pre[r]), p, static_cast<std::uint32_t>(delay[r]), file_keys.size()});
      file_w.push_back(static_cast<float>(weight[r]));
    }
    std::vector<syn_key> local_keys;
    const index_t* tgt = store_.targets();
    for (std::uint32_t row = 0; row < store_.rows(); ++row) {
      for (std::uint32_t s = store_.seg_begin(row); s < store_.seg_end(row); ++s) {
        for (std::uint32_t k = store_.syn_begin(s); k < store_.syn_end(s); ++k) {
          local_keys.push_back({pre_first_gid + row, post_gids[tgt[k]], store_.delay(s), k});
        }
      }
    }
    if (file_keys.size() != local_keys.size()) {
      throw config_error("the checkpoint holds " + std::to_string(file_keys.size()) + " plastic synapses (" + prefix +
                         ") onto this rank's neurons but the network has " + std::to_string(local_keys.size()) +
                         ": the connectivity differs from the checkpointed run");
    }
    // Stable sorts keep the order among equal (pre, post, delay) keys: file order on one
    // side, store order on the other, both the generation order.
    const auto less = [](const syn_key& a, const syn_key& b) {
      return std::tie(a.pre, a.post, a.delay) < std::tie(b.pre, b.post, b.delay);
    };
    std::vector<std::size_t> fo(file_keys.size()), lo(local_keys.size());
    for (std::size_t i = 0; i < fo.size(); ++i) fo[i] = lo[i] = i;
    std::stable_sort(fo.begin(), fo.end(), [&](std::size_t a, std::size_t b) { return less(file_keys[a], file_keys[b]); });
    std::stable_sort(lo.begin(), lo.end(), [&](std::size_t a, std::size_t b) { return less(local_keys[a], local_keys[b]); });
    float* w = store_.weights();
    for (std::size_t i = 0; i < fo.size(); ++i) {
      const auto& a = file_keys[fo[i]];
      const auto& b = local_keys[lo[i]];
      if (a.pre != b.pre || a.post != b.post || a.delay != b.delay) {
        throw config_error("plastic synapse " + std::to_string(b.pre) + " -> " + std::to_string(b.post) + " (" + prefix +
                           ") is not in the checkpoint: the connectivity differs from the checkpointed run");
      }
      w[b.seq] = file_w[fo[i]];
    }
  }
  // Presynaptic trace records: every rank's copy of a (pre, delay) segment is identical.
  {
    const auto& t = in.at(prefix + "/segments");
    const auto& pre = t.at("pre");
    const auto& delay = t.at("delay");
    std::vector<const std::vector<double>*> cols = {&t.at("last_step")};
    for (std::size_t i = 0; i < pre_taus_.size(); ++i) cols.push_back(&t.at(indexed_name("y", i)));
    std::vector<std::pair<std::uint64_t, std::size_t>> keys;
    keys.reserve(pre.size());
    for (std::size_t r = 0; r < pre.size(); ++r) {
      keys.emplace_back((static_cast<std::uint64_t>(pre[r]) << 16) | static_cast<std::uint64_t>(delay[r]), r);
    }
    std::sort(keys.begin(), keys.end());
    for (std::uint32_t row = 0; row < store_.rows(); ++row) {
      for (std::uint32_t s = store_.seg_begin(row); s < store_.seg_end(row); ++s) {
        const std::uint64_t key = (static_cast<std::uint64_t>(pre_first_gid + row) << 16) | store_.delay(s);
        auto it = std::lower_bound(keys.begin(), keys.end(), std::make_pair(key, std::size_t{0}));
        if (it == keys.end() || it->first != key) {
          throw config_error("presynaptic traces of neuron " + std::to_string(pre_first_gid + row) + " (" + prefix +
                             ") are not in the checkpoint: the connectivity differs from the checkpointed run");
        }
        double* rec = seg_.data() + s * stride_;
        for (std::size_t c = 0; c < cols.size(); ++c) rec[c] = (*cols[c])[it->second];
      }
    }
  }
}

void plasticity_engine::save_state(state_set& out, const std::string& prefix,
                                   const std::vector<std::vector<gid_t>>& gids) const {
  for (std::size_t i = 0; i < projections_.size(); ++i) {
    if (!projections_[i]) continue;
    const auto& pr = net_.projections[i];
    projections_[i]->save_state(out, prefix + "/projections/" + pr.name, net_.populations[pr.source].first_gid,
                                gids[pr.target]);
  }
  for (std::size_t p = 0; p < traces_.size(); ++p) {
    if (traces_[p].count() == 0) continue;
    traces_[p].save_state(out, prefix + "/post_traces/" + net_.populations[p].name, gids[p]);
  }
  auto& g = out.table(prefix);
  g.scalars["gates"] = static_cast<double>(gates_.size());
  for (std::size_t i = 0; i < gates_.size(); ++i) g.scalars[indexed_name("gate_rate_", i)] = gates_[i].rate;
}

void plasticity_engine::load_state(const state_set& in, const std::string& prefix,
                                   const std::vector<std::vector<gid_t>>& gids) {
  for (std::size_t i = 0; i < projections_.size(); ++i) {
    if (!projections_[i]) continue;
    const auto& pr = net_.projections[i];
    projections_[i]->load_state(in, prefix + "/projections/" + pr.name, net_.populations[pr.source].first_gid,
                                gids[pr.target]);
  }
  for (std::size_t p = 0; p < traces_.size(); ++p) {
    if (traces_[p].count() == 0) continue;
    traces_[p].load_state(in, prefix + "/post_traces/" + net_.populations[p].name, gids[p]);
  }
  const auto& g = in.at(prefix);
  if (static_cast<std::size_t>(g.scalar("gates")) != gates_.size()) {
    throw config_error("the checkpoint has " + std::to_string(static_cast<std::size_t>(g.scalar("gates"))) +
                       " global-rate gates (GHP) but the network has " + std::to_string(gates_.size()));
  }
  for (std::size_t i = 0; i < gates_.size(); ++i) gates_[i].rate = g.scalar(indexed_name("gate_rate_", i));
  for (auto& c : counts_) c = 0;
  for (const auto& gr : gated_) projections_[gr.projection]->set_gate(gr.rule, gates_[gr.gate].rate - gr.rho);
}

}  // namespace balnet

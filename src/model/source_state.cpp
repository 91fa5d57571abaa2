// Checkpoint state of the spike-source populations (their streams' positions and pending spikes).
#include <algorithm>

#include "balnet/core/error.hpp"
#include "balnet/io/state_io.hpp"
#include "balnet/model/correlated_source.hpp"
#include "balnet/model/poisson_source.hpp"
#include "balnet/model/rate_source.hpp"

namespace balnet {

void poisson_source_group::save_state(state_set& out, const std::string& prefix, const std::vector<gid_t>& gids) const {
  auto& t = out.table(prefix);
  t.column("gid").assign(gids.begin(), gids.end());
  t.column("next_step").assign(next_.begin(), next_.end());
  t.column("position").assign(position_.begin(), position_.end());
}

void poisson_source_group::load_state(const state_set& in, const std::string& prefix, const std::vector<gid_t>& gids) {
  const auto& t = in.at(prefix);
  const auto rows = find_rows(t.at("gid"), std::vector<std::uint64_t>(gids.begin(), gids.end()), "neuron");
  const auto& next = t.at("next_step");
  const auto& pos = t.at("position");
  for (std::size_t i = 0; i < gids.size(); ++i) {
    next_[i] = static_cast<step_t>(next[rows[i]]);
    position_[i] = static_cast<std::uint64_t>(pos[rows[i]]);
  }
}

// The pending spikes of the local sources (those not yet emitted) as (gid, step) rows, and the
// next mother-process chunk to generate (the same on every rank).
void correlated_source_group::save_state(state_set& out, const std::string& prefix,
                                         const std::vector<gid_t>& gids) const {
  auto& t = out.table(prefix + "/pending");
  auto& g = t.column("gid");
  auto& s = t.column("step");
  for (std::size_t k = cursor_; k < pending_.size(); ++k) {
    g.push_back(static_cast<double>(gids[pending_[k].index]));
    s.push_back(static_cast<double>(pending_[k].step));
  }
  out.table(prefix).scalars["next_chunk"] = static_cast<double>(next_chunk_);
}

void correlated_source_group::load_state(const state_set& in, const std::string& prefix,
                                         const std::vector<gid_t>& gids) {
  next_chunk_ = static_cast<std::uint64_t>(in.at(prefix).scalar("next_chunk"));
  const auto& t = in.at(prefix + "/pending");
  const auto& g = t.at("gid");
  const auto& s = t.at("step");
  pending_.clear();
  cursor_ = 0;
  for (std::size_t r = 0; r < g.size(); ++r) {
    const auto gid = static_cast<gid_t>(g[r]);
    auto it = std::lower_bound(gids_.begin(), gids_.end(), gid);
    if (it == gids_.end() || *it != gid) continue;  // another rank's source
    pending_.push_back({static_cast<step_t>(s[r]), static_cast<index_t>(it - gids_.begin())});
  }
  // Local gids ascend, so (step, local index) orders as the writer's (step, index) did.
  std::sort(pending_.begin(), pending_.end());
  (void)gids;
}

void rate_source_group::save_state(state_set& out, const std::string& prefix, const std::vector<gid_t>&) const {
  save_trains(out.table(prefix), trains_);
}

void rate_source_group::load_state(const state_set& in, const std::string& prefix, const std::vector<gid_t>&) {
  load_trains(in.at(prefix), trains_);
}

}  // namespace balnet

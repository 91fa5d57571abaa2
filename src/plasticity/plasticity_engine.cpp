#include "balnet/plasticity/plasticity_engine.hpp"

#include "balnet/core/fast_math.hpp"

namespace balnet {

plasticity_engine::plasticity_engine(const network_spec& net, const std::vector<synapse_store*>& stores,
                                     const std::vector<std::vector<gid_t>>& gids)
    : net_(net) {
  const std::size_t npop = net.populations.size();
  projections_.resize(net.projections.size());
  by_target_.resize(npop);
  counts_.assign(npop, 0);
  for (std::size_t p = 0; p < npop; ++p) traces_.emplace_back(gids[p].size());
  // Register every postsynaptic time constant first, so trace arrays never move once a
  // projection holds a pointer into them.
  for (const auto& pr : net.projections) {
    if (pr.plasticity) plastic_projection::register_traces(*pr.plasticity, traces_[pr.target]);
  }
  for (auto& t : traces_) t.allocate(net.run.dt);
  for (std::size_t i = 0; i < net.projections.size(); ++i) {
    const auto& pr = net.projections[i];
    if (!pr.plasticity) continue;
    any_ = true;
    const auto& post = net.populations[pr.target];
    std::vector<std::uint64_t> post_index;
    post_index.reserve(gids[pr.target].size());
    for (gid_t g : gids[pr.target]) post_index.push_back(g - post.first_gid);
    projections_[i] = std::make_unique<plastic_projection>(*pr.plasticity, *stores[i], traces_[pr.target],
                                                           post_index, net.run.dt);
    by_target_[pr.target].push_back(i);
    for (std::size_t r = 0; r < pr.plasticity->rules.size(); ++r) {
      const auto& rule = pr.plasticity->rules[r];
      if (!rule.global_gate) continue;
      std::size_t g = 0;
      while (g < gates_.size() && !(gates_[g].population == rule.rate_population && gates_[g].tau == rule.tau_rate)) ++g;
      if (g == gates_.size()) {
        gates_.push_back({rule.rate_population, rule.tau_rate, 0.0,
                          static_cast<double>(net.populations[rule.rate_population].size)});
      }
      gated_.push_back({i, r, g, rule.rho_global});
    }
  }
  for (const auto& gr : gated_) projections_[gr.projection]->set_gate(gr.rule, gates_[gr.gate].rate - gr.rho);
}

void plasticity_engine::after_interval(step_t steps, communicator& comm) {
  if (gates_.empty()) {
    for (auto& c : counts_) c = 0;
    return;
  }
  std::vector<std::uint64_t> n;
  for (const auto& g : gates_) n.push_back(counts_[g.population]);
  comm.allreduce_sum(n);  // exact integer sum: the same R on every rank
  for (std::size_t i = 0; i < gates_.size(); ++i) {
    auto& g = gates_[i];
    // dR/dt = -R/tau, R += 1/(N tau[s]) per spike; the interval's spikes are added at its end.
    g.rate = g.rate * exp_det(-static_cast<double>(steps) * net_.run.dt / g.tau) +
             static_cast<double>(n[i]) / (g.size * g.tau * 1e-3);
  }
  for (auto& c : counts_) c = 0;
  for (const auto& gr : gated_) projections_[gr.projection]->set_gate(gr.rule, gates_[gr.gate].rate - gr.rho);
}

std::vector<std::pair<std::size_t, double>> plasticity_engine::global_rates() const {
  std::vector<std::pair<std::size_t, double>> out;
  for (const auto& g : gates_) out.emplace_back(g.population, g.rate);
  return out;
}

std::uint64_t plasticity_engine::plastic_synapses() const {
  std::uint64_t n = 0;
  for (const auto& p : projections_) {
    if (p) n += p->store().size();
  }
  return n;
}

std::uint64_t plasticity_engine::plastic_synapse_bytes() const {
  return plastic_synapses() * plastic_projection::bytes_per_synapse();
}

std::uint64_t plasticity_engine::plastic_state_bytes() const {
  std::uint64_t b = 0;
  for (const auto& p : projections_) {
    if (p) b += p->extra_bytes();
  }
  for (const auto& t : traces_) b += t.bytes();
  return b;
}

}  // namespace balnet

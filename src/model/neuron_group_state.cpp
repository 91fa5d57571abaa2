// Checkpoint state of neuron groups: the default (every checkpoint variable per gid).
#include "balnet/core/error.hpp"
#include "balnet/io/state_io.hpp"
#include "balnet/model/neuron_group.hpp"

namespace balnet {

void neuron_group::save_state(state_set& out, const std::string& prefix, const std::vector<gid_t>& gids) const {
  auto& t = out.table(prefix);
  auto& g = t.column("gid");
  g.assign(gids.begin(), gids.end());
  for (const auto& v : checkpoint_variables()) {
    auto& c = t.column(v);
    c.resize(gids.size());
    if (!get_state(v, c)) throw error("internal: checkpoint variable " + v + " cannot be read");
  }
}

void neuron_group::load_state(const state_set& in, const std::string& prefix, const std::vector<gid_t>& gids) {
  const auto& t = in.at(prefix);
  const auto rows = find_rows(t.at("gid"), std::vector<std::uint64_t>(gids.begin(), gids.end()), "neuron");
  std::vector<double> v(gids.size());
  for (const auto& name : checkpoint_variables()) {
    const auto& c = t.at(name);
    for (std::size_t i = 0; i < gids.size(); ++i) v[i] = c[rows[i]];
    if (!set_state(name, v)) throw error("internal: checkpoint variable " + name + " cannot be set");
  }
}

}  // namespace balnet

// Checkpoint state of independent Poisson drive: per target neuron, the next step with an
// event and the position in its random stream (sparse mode; the other modes are stateless).
#include "balnet/io/state_io.hpp"
#include "balnet/input/poisson_input.hpp"

namespace balnet {

bool poisson_input::save_state(state_set& out, const std::string& prefix) const {
  for (std::size_t k = 0; k < targets_.size(); ++k) {
    auto& t = out.table(indexed_name(prefix + "/", k));
    const auto& tg = targets_[k];
    const auto& st = states_[k];
    t.column("gid").assign(tg.gids.begin(), tg.gids.end());
    auto& next = t.column("next_step");
    auto& pos = t.column("position");
    next.assign(tg.gids.size(), -1.0);
    pos.assign(tg.gids.size(), 0.0);
    for (std::size_t i = 0; i < st.next.size(); ++i) {
      next[i] = static_cast<double>(st.next[i]);
      pos[i] = static_cast<double>(st.position[i]);
    }
  }
  return true;
}

void poisson_input::load_state(const state_set& in, const std::string& prefix) {
  for (std::size_t k = 0; k < targets_.size(); ++k) {
    auto& st = states_[k];
    if (st.next.empty()) continue;  // stateless mode (or no local neuron)
    const auto& t = in.at(indexed_name(prefix + "/", k));
    const auto& tg = targets_[k];
    const auto rows = find_rows(t.at("gid"), std::vector<std::uint64_t>(tg.gids.begin(), tg.gids.end()), "neuron");
    const auto& next = t.at("next_step");
    const auto& pos = t.at("position");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      st.next[i] = static_cast<step_t>(next[rows[i]]);
      st.position[i] = static_cast<std::uint64_t>(pos[rows[i]]);
    }
    index_sparse(tg, st);
  }
}

}  // namespace balnet

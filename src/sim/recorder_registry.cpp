#include "balnet/sim/recorder.hpp"

#include "balnet/sim/plasticity_recorders.hpp"
#include "balnet/sim/state_recorder.hpp"

namespace balnet {

const std::vector<recorder_entry>& recorder_table() {
  static const std::vector<recorder_entry> table = {
      weights_recorder_entry(),          // issue 3: weight time series of sampled synapses
      weight_stats_recorder_entry(),     // issue 3: mean/SD/min/max per projection
      weight_snapshot_recorder_entry(),  // issue 3: all weights at chosen times
      synaptic_recorder_entry(),         // issue 3: synaptic currents of sampled neurons
      {"state", read_state_recorder, make_state_recorder},
  };
  return table;
}

const recorder_entry* find_recorder(const std::string& type) {
  for (const auto& e : recorder_table()) {
    if (e.type == type) return &e;
  }
  return nullptr;
}

}  // namespace balnet

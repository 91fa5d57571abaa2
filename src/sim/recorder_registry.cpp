#include "balnet/sim/recorder.hpp"

#include "balnet/sim/state_recorder.hpp"

namespace balnet {

const std::vector<recorder_entry>& recorder_table() {
  static const std::vector<recorder_entry> table = {
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

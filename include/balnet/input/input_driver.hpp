// External drive: anything that adds to a neuron's receptor or current accumulators each
// step (Poisson drive, correlated trains, injected currents, ...). Adding an input type:
// derive input_spec and input_driver, then add one entry to src/input/input_registry.cpp.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "balnet/core/types.hpp"
#include "balnet/model/neuron_group.hpp"

namespace balnet {

class section_reader;
struct state_set;
class partition;
struct network_spec;

struct input_spec {
  virtual ~input_spec() = default;
  std::string name;
  std::string type;
  std::uint32_t hash = 0;  // random-stream object id of "input.NAME"
  // One line for `balnet check`.
  virtual std::string describe(const network_spec&) const { return type; }
};

// What an input sees of the rank's network when it is created.
struct input_context {
  const network_spec& net;
  const partition& part;
  std::vector<neuron_group*> groups;             // per population
  const std::vector<std::vector<gid_t>>& gids;   // local gids per population
  step_t start = 0;                              // first step to be simulated
};

class input_driver {
 public:
  virtual ~input_driver() = default;
  // Adds this step's drive into the accumulators of the target groups. Called once per
  // step, after arrivals and before the neuron update.
  virtual void apply(step_t t) = 0;
  // Checkpoints (io/state_io.hpp): the input's state as tables under `prefix`, keyed by gid.
  // Returns false when the input type does not support checkpoints (the default).
  virtual bool save_state(state_set& out, const std::string& prefix) const {
    (void)out;
    (void)prefix;
    return false;
  }
  virtual void load_state(const state_set& in, const std::string& prefix) {
    (void)in;
    (void)prefix;
  }
};

struct input_entry {
  std::string type;
  std::function<std::shared_ptr<input_spec>(section_reader&, const network_spec&)> read;
  std::function<std::unique_ptr<input_driver>(const input_spec&, const input_context&)> create;
};

const std::vector<input_entry>& input_table();
const input_entry* find_input(const std::string& type);

}  // namespace balnet

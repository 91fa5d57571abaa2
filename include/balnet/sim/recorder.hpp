// Recorders sample the simulation at the end of each step and write into the run's file
// (state reports, weights, ...). Adding a recorder type: derive recorder_spec and recorder,
// then add one entry to src/sim/recorder_registry.cpp; users configure it in a
// [recorder.NAME] section with `type = ...`.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "balnet/core/types.hpp"

namespace balnet {

class section_reader;
class output_file;
class simulation;
struct state_set;
struct network_spec;

struct recorder_spec {
  virtual ~recorder_spec() = default;
  std::string name;
  std::string type;
  std::uint32_t hash = 0;  // random-stream object id of "recorder.NAME"
};

class recorder {
 public:
  virtual ~recorder() = default;
  // Called at the end of every step (after spikes and plasticity).
  virtual void sample(step_t t) = 0;
  // Collective: writes what was sampled before step `end`.
  virtual void flush(step_t end) = 0;
  // Checkpoints (after flush): the recorder's position under `prefix`; false when the type
  // does not support checkpoints (the default). A restarted run creates its recorders on the
  // reopened output file (they must open their datasets when they exist) and then loads.
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

struct recorder_entry {
  std::string type;
  std::function<std::shared_ptr<recorder_spec>(section_reader&, const network_spec&)> read;
  std::function<std::unique_ptr<recorder>(const recorder_spec&, simulation&, output_file&)> create;
};

const std::vector<recorder_entry>& recorder_table();
const recorder_entry* find_recorder(const std::string& type);

}  // namespace balnet

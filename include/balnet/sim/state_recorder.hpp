// State recording (`[recorder.NAME] type = state`): chosen state variables of chosen
// neurons of one population, every k steps or averaged over bins of k steps, written as
// SONATA frame reports /report/<population>/<variable>/{data, mapping/...} (layout in
// docs/recording.md). Row j holds the state at time start + j*interval (or the mean of the
// k states at start + j*interval, ..., start + j*interval + (k-1) dt); the state "at time
// T" is the one after the step that ends at T, so row 0 at start = 0 is the initial state.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "balnet/sim/recorder.hpp"

namespace balnet {

struct state_recorder_spec final : recorder_spec {
  std::size_t population = 0;
  std::vector<std::string> variables;
  std::vector<std::uint64_t> neurons;  // population-local, ascending
  step_t every = 1;                    // steps per row
  bool average = false;
  step_t start = 0;                    // state time (steps) of row 0
  std::uint64_t rows = 0;              // rows in the report
  bool double_precision = false;
};

std::shared_ptr<recorder_spec> read_state_recorder(section_reader& s, const network_spec& net);
std::unique_ptr<recorder> make_state_recorder(const recorder_spec& spec, simulation& sim, output_file& out);

// Unit of a state variable as balnet's models define it ("" if unknown).
std::string state_unit(const std::string& model, const std::string& variable);

}  // namespace balnet

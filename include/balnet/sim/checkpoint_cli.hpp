// What `balnet run` does with the checkpoint options (--checkpoint-file, --checkpoint-every,
// --stop-at, --restart): the glue between the command line and simulation::run.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "balnet/comm/communicator.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/output_file.hpp"
#include "balnet/io/state_io.hpp"
#include "balnet/network/spec.hpp"
#include "balnet/sim/simulation.hpp"

namespace balnet {

struct checkpoint_request {
  std::optional<std::string> file, every, stop_at, restart;
  std::vector<std::string> sets;  // --set of this command (for the restart record)
};

// Collective: reopens the incomplete output file of the checkpointed run to append to it;
// when `output` is another name, the file is first copied to `output`.part.
std::unique_ptr<output_file> reopen_output(communicator& comm, const state_set& checkpoint, const std::string& output);

// Collective: loads the checkpoint into `sim` when restarting, checks that the network can
// be checkpointed, installs the signal handlers and fills the checkpoint fields of `opt`.
void setup_checkpoints(communicator& comm, const checkpoint_request& req, const config& cfg, const network_spec& net,
                       simulation& sim, const state_set& checkpoint, run_options& opt);

}  // namespace balnet

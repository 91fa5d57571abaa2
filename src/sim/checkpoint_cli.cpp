#include "balnet/sim/checkpoint_cli.hpp"

#include <filesystem>
#include <sstream>

#include "balnet/core/error.hpp"
#include "balnet/io/checkpoint.hpp"
#include "balnet/sim/checkpoint_options.hpp"
#include "balnet/sim/signals.hpp"

namespace balnet {

std::unique_ptr<output_file> reopen_output(communicator& comm, const state_set& checkpoint, const std::string& output) {
  const std::string old = checkpoint.text("output");
  std::string failure;
  if (comm.rank() == 0) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(old + ".part", ec)) {
      failure = old + ".part: the output file of the checkpointed run is missing (" +
                (fs::exists(old, ec) ? old + " is complete: that run has finished" : "deleted or moved") +
                "); a restart appends to it";
    } else if (output != old) {
      fs::copy_file(old + ".part", output + ".part", fs::copy_options::overwrite_existing, ec);
      if (ec) failure = output + ".part: cannot copy " + old + ".part there: " + ec.message();
    }
  }
  comm.broadcast(failure, 0);
  if (!failure.empty()) throw io_error(failure);
  return std::make_unique<output_file>(output, comm, output_file::reopen_tag{});
}

void setup_checkpoints(communicator& comm, const checkpoint_request& req, const config& cfg, const network_spec& net,
                       simulation& sim, const state_set& checkpoint, run_options& opt) {
  step_t t0 = 0;
  if (req.restart) {
    sim.load_state(checkpoint);
    t0 = static_cast<step_t>(checkpoint.at("run").scalar("step"));
    opt.restart = &checkpoint;
  }
  const double dt = net.run.dt;
  if (req.every) {
    const auto p = parse_checkpoint_period(*req.every, dt);
    opt.checkpoint_every = p.steps;
    opt.checkpoint_every_wall = p.wall_seconds;
  }
  if (req.stop_at) {
    opt.stop_at = parse_stop_at(*req.stop_at, dt);
    if (opt.stop_at <= t0) {
      std::ostringstream m;
      m << "--stop-at " << *req.stop_at << ": the checkpoint is already at t = " << static_cast<double>(t0) * dt
        << " ms; stop later than that";
      throw config_error(m.str());
    }
  }
  opt.checkpoint_file = req.file ? *req.file : default_checkpoint_path(net.run.output);
  if (req.file) {  // fail now rather than after hours of simulation
    std::string failure;
    if (comm.rank() == 0) {
      namespace fs = std::filesystem;
      std::error_code ec;
      const fs::path dir = fs::path(*req.file).parent_path();
      if (!dir.empty() && !fs::is_directory(dir, ec)) {
        failure = *req.file + ": cannot write checkpoints there: no directory " + dir.string();
      }
    }
    comm.broadcast(failure, 0);
    if (!failure.empty()) throw io_error(failure);
  }
  const std::string why = sim.checkpoint_support();
  if (!why.empty()) {
    if (req.every || req.stop_at || req.file || req.restart) {
      throw config_error("this network cannot be checkpointed: " + why);
    }
    opt.checkpoint_file.clear();  // no checkpoints: signals keep their default action
  } else {
    opt.signals = true;
    install_checkpoint_signals();
  }
  std::string overrides;
  for (const auto& o : cfg.overrides()) overrides += o + "\n";
  opt.checkpoint_texts["config_source"] = cfg.source_text();
  opt.checkpoint_texts["config_file"] = cfg.file_name();
  opt.checkpoint_texts["config_overrides"] = overrides;
  std::string history = req.restart ? checkpoint.text("history") : std::string();
  if (req.restart) {
    std::ostringstream line;
    line << "t = " << static_cast<double>(t0) * dt << " ms: restarted from " << *req.restart << " (written by "
         << static_cast<int>(checkpoint.at("run").scalar("ranks")) << " ranks) on " << comm.size() << " ranks";
    if (!req.sets.empty()) {
      line << "; --set";
      for (const auto& s : req.sets) line << " " << s;
    }
    history += line.str() + "\n";
  }
  opt.restart_history = history;
  opt.checkpoint_texts["history"] = history;
}

}  // namespace balnet

// balnet: command-line entry point (run, check, --help, --version).
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/program_options.hpp>

#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "balnet/comm/agreement.hpp"
#include "balnet/comm/mpi_communicator.hpp"
#include "balnet/core/error.hpp"
#include "balnet/core/version.hpp"
#include "balnet/io/checkpoint.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/output_file.hpp"
#include "balnet/io/spec_reader.hpp"
#include "balnet/sim/checkpoint_cli.hpp"
#include "balnet/sim/plan.hpp"
#include "balnet/sim/simulation.hpp"
#include "balnet/theory/theory_command.hpp"
#include "balnet/rates/rates_command.hpp"

namespace po = boost::program_options;
using namespace balnet;

namespace {

const char* usage_text =
    "usage: balnet run CONFIG [--set SECTION.KEY=VALUE ...] [--output FILE] [--seed N] [--quiet]\n"
    "                  [--checkpoint-file CKPT.h5] [--checkpoint-every 500ms|2s|10min|2h] [--stop-at MS]\n"
    "       balnet run --restart CKPT.h5 [--set ...] [--output FILE] [--checkpoint-...]\n"
    "       balnet check CONFIG [-n RANKS] [--set SECTION.KEY=VALUE ...]\n"
    "       balnet theory CONFIG|RUN.h5 [--set ...] [--burn-in MS] [--json]\n"
    "       balnet rates CONFIG [--set ...] [--output FILE] [--seed N] [--quiet] [--bench N]\n"
    "       balnet --help | --version\n";

const char* help_text =
    "balnet simulates spiking networks (balanced E/I networks, assemblies, plasticity) on\n"
    "MPI clusters; every run writes one HDF5 file.\n"
    "\n"
    "Commands:\n"
    "  run CONFIG     build the network described in CONFIG (an INI file), simulate it and\n"
    "                 write spikes, rates, the resolved config and provenance to one HDF5\n"
    "                 file. Start it with mpirun/srun to use several ranks; results are the\n"
    "                 same, bit for bit, at any number of ranks.\n"
    "  check CONFIG   validate CONFIG and print what it builds: neurons and synapses per\n"
    "                 population and projection, synapses and memory per rank.\n"
    "  theory CONFIG  balanced-state rates r = -W^-1 h and plasticity fixed points; given a\n"
    "                 run file, beside its simulated rates (balnet theory --help).\n"
    "  rates CONFIG   rate-network mode (project 3: learning E/I assemblies with steady-state\n"
    "                 rate units; balnet rates --help, docs/rates.md).\n"
    "\n"
    "Options:\n"
    "  --set S.K=V    override config key K of section S (repeatable), e.g.\n"
    "                 --set run.t_stop=500 --set projection.EE.p=0.05\n"
    "  --output FILE  HDF5 output file (overrides run.output)\n"
    "  --seed N       random seed (overrides run.seed)\n"
    "  --quiet, -q    no progress lines (for batch jobs)\n"
    "  --checkpoint-file CKPT.h5  where checkpoints go (default: the output name\n"
    "                 with .h5 replaced by .ckpt.h5)\n"
    "  --checkpoint-every T  a checkpoint every T of simulated time (500ms, 2s)\n"
    "                 or of wall-clock time (10min, 2h)\n"
    "  --stop-at MS   simulate up to MS ms (rounded up to an exchange interval), write\n"
    "                 a checkpoint and exit 0\n"
    "  --restart CKPT.h5  continue a checkpointed run on any number of ranks, appending\n"
    "                 to its output file (--set may change e.g. run.t_stop or learning\n"
    "                 rates, not the network's structure); docs/checkpoint.md\n"
    "  -n RANKS       (check) plan for this many ranks (default: the job's ranks)\n"
    "  --help, -h     this text\n"
    "  --version      version and build\n"
    "\n"
    "Exit codes: 0 done, 1 internal error, 2 bad command line or config, 3 file error,\n"
    "4 stopped by the rate checker (the file holds the run up to the stop),\n"
    "85 stopped by SIGTERM or SIGUSR1 after writing a checkpoint (restart with --restart).\n"
    "Documentation: README.md, docs/config.md (every key), docs/output.md (file layout),\n"
    "docs/analysis.md (theory, the report tool and the Python reader).\n";

struct cli {
  std::string command;
  std::string config_path;
  std::vector<std::string> sets;
  std::optional<std::string> output;
  std::optional<std::string> seed;
  bool quiet = false;
  int ranks = 0;
  std::optional<std::string> checkpoint_file, checkpoint_every, stop_at, restart;
  std::string line;
};

cli parse_cli(int argc, char** argv) {
  cli c;
  for (int i = 0; i < argc; ++i) c.line += (i ? " " : "") + std::string(argv[i]);
  if (argc < 2) throw config_error(std::string("no command given\n") + usage_text);
  c.command = argv[1];
  if (c.command == "--help" || c.command == "-h" || c.command == "help" || c.command == "--version") {
    return c;
  }
  if (c.command != "run" && c.command != "check") {
    throw config_error("unknown command '" + c.command + "' (commands: run, check, theory, rates; see balnet --help)");
  }
  po::options_description opts;
  opts.add_options()("config", po::value<std::string>(), "")(
      "set", po::value<std::vector<std::string>>()->composing(), "")(
      "output,o", po::value<std::string>(), "")("seed", po::value<std::string>(), "")(
      "quiet,q", po::bool_switch(), "")("ranks,n", po::value<int>(), "")("help,h", po::bool_switch(), "")(
      "checkpoint-file", po::value<std::string>(), "")("checkpoint-every", po::value<std::string>(), "")(
      "stop-at", po::value<std::string>(), "")("restart", po::value<std::string>(), "");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc - 1, argv + 1).options(opts).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw config_error(std::string(e.what()) + " (see balnet --help)");
  }
  if (vm["help"].as<bool>()) {
    c.command = "--help";
    return c;
  }
  for (const char* k : {"checkpoint-file", "checkpoint-every", "stop-at", "restart"}) {
    if (vm.count(k) && c.command != "run") throw config_error(std::string("--") + k + " is an option of run");
  }
  if (vm.count("checkpoint-file")) c.checkpoint_file = vm["checkpoint-file"].as<std::string>();
  if (vm.count("checkpoint-every")) c.checkpoint_every = vm["checkpoint-every"].as<std::string>();
  if (vm.count("stop-at")) c.stop_at = vm["stop-at"].as<std::string>();
  if (vm.count("restart")) {
    c.restart = vm["restart"].as<std::string>();
    if (vm.count("config")) {
      throw config_error("run --restart takes no CONFIG: the configuration is stored in the checkpoint "
                         "(change it with --set)");
    }
  } else {
    if (!vm.count("config")) throw config_error(c.command + ": missing CONFIG file\n" + usage_text);
    c.config_path = vm["config"].as<std::string>();
  }
  if (vm.count("set")) c.sets = vm["set"].as<std::vector<std::string>>();
  if (vm.count("output")) c.output = vm["output"].as<std::string>();
  if (vm.count("seed")) c.seed = vm["seed"].as<std::string>();
  c.quiet = vm["quiet"].as<bool>();
  if (vm.count("ranks")) {
    c.ranks = vm["ranks"].as<int>();
    if (c.command != "check") throw config_error("-n is an option of check; for run, start balnet with mpirun -n");
    if (c.ranks < 1) throw config_error("-n " + std::to_string(c.ranks) + ": the number of ranks must be >= 1");
  }
  return c;
}

// Reads the config on rank 0 and broadcasts its text, so every rank parses the same bytes.
config load_config(communicator& comm, const cli& c, const state_set* restart) {
  if (restart) {  // the checkpointed run's config, its overrides, then the new ones
    config cfg = config::parse(restart->text("config_source"), restart->text("config_file"));
    std::vector<std::string> sets;
    std::istringstream old(restart->text("config_overrides"));
    for (std::string line; std::getline(old, line);) {
      if (!line.empty()) sets.push_back(line);
    }
    const auto now = config::command_line_overrides(c.sets, "run", c.seed, c.output);
    sets.insert(sets.end(), now.begin(), now.end());
    cfg.apply_overrides(sets);
    return cfg;
  }
  const std::string text = read_config_text(comm, c.config_path);
  config cfg = config::parse(text, c.config_path);
  cfg.apply_overrides(config::command_line_overrides(c.sets, "run", c.seed, c.output));
  return cfg;
}

std::string group_digits(std::uint64_t v) {
  std::string s = std::to_string(v);
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && (s.size() - i) % 3 == 0 && s[i - 1] != '-') out += ',';
    out += s[i];
  }
  return out;
}

void print_summary(const network_spec& net, const simulation& sim, const run_result& r,
                   const config& cfg, int ranks) {
  std::ostringstream o;
  o << "balnet " << version_string() << " | " << cfg.file_name() << " | " << ranks
    << (ranks == 1 ? " rank" : " ranks") << " | seed " << net.run.seed << "\n";
  o << "network: " << group_digits(net.total_neurons()) << " neurons, "
    << group_digits(sim.global_synapses()) << " synapses, min delay "
    << sim.min_delay() * net.run.dt << " ms\n";
  o << std::fixed << std::setprecision(3);
  o << "simulated " << std::setprecision(1);
  if (r.t_begin > 0) o << r.t_begin << " .. ";
  o << r.t_end << " ms in " << std::setprecision(3)
    << r.wall_run << " s (build " << r.wall_build << " s): real-time factor "
    << r.wall_per_simulated_second() << " (s of wall time per simulated s)\n";
  o << std::left << std::setw(14) << "population" << std::right << std::setw(10) << "neurons"
    << std::setw(14) << "spikes" << std::setw(12) << "rate (Hz)" << "\n";
  for (std::size_t p = 0; p < net.populations.size(); ++p) {
    const auto& pop = net.populations[p];
    const double rate = r.t_end > 0 ? static_cast<double>(r.spikes[p]) * 1000.0 /
                                          (static_cast<double>(pop.size) * r.t_end)
                                    : 0.0;
    o << std::left << std::setw(14) << pop.name << std::right << std::setw(10) << pop.size
      << std::setw(14) << r.spikes[p] << std::setw(12) << std::setprecision(3) << rate << "\n";
  }
  o << "output: " << net.run.output << (r.stopped ? " (run stopped early, see status)" : "") << "\n";
  std::fputs(o.str().c_str(), stdout);
  std::fflush(stdout);
}

int run_command(communicator& comm, const cli& c) {
  std::optional<config> cfg;
  network_spec net;
  std::exception_ptr err;
  state_set checkpoint;  // the run continued by --restart
  if (c.restart) {
    try {
      checkpoint = read_checkpoint(*c.restart);
    } catch (...) {
      err = std::current_exception();
    }
    if (int code = agree_on_failure(comm, err)) return code;
  }
  try {
    cfg.emplace(load_config(comm, c, c.restart ? &checkpoint : nullptr));
    net = read_network_spec(*cfg);
    if (c.command == "run" && net.run.output.empty()) {
      throw config_error(cfg->file_name() + ": no output file: set run.output in the config or pass --output FILE");
    }
    const int ranks = c.command == "check" && c.ranks > 0 ? c.ranks : comm.size();
    if (static_cast<std::uint64_t>(ranks) > net.total_neurons()) {
      throw config_error(std::to_string(ranks) + " ranks but the network has only " +
                         std::to_string(net.total_neurons()) + " neurons; use at most " +
                         std::to_string(net.total_neurons()) + " ranks");
    }
  } catch (...) {
    err = std::current_exception();
  }
  if (int code = agree_on_failure(comm, err)) return code;

  if (c.command == "check") {
    if (comm.rank() == 0) print_plan(std::cout, *cfg, net, c.ranks > 0 ? c.ranks : comm.size());
    return 0;
  }

  std::unique_ptr<output_file> out;
  std::unique_ptr<simulation> sim;
  try {
    if (c.restart) {
      out = reopen_output(comm, checkpoint, net.run.output);
    } else {
      out = std::make_unique<output_file>(net.run.output, comm);
    }
  } catch (...) {
    err = std::current_exception();
  }
  if (int code = agree_on_failure(comm, err)) return code;
  try {
    if (comm.rank() == 0 && !c.quiet && net.run.progress) {
      std::fprintf(stderr, "balnet: building %s on %d rank%s\n", cfg->file_name().c_str(),
                   comm.size(), comm.size() == 1 ? "" : "s");
    }
    sim = std::make_unique<simulation>(net, comm);
    sim->build();
  } catch (...) {
    err = std::current_exception();
  }
  if (int code = agree_on_failure(comm, err)) {
    out->abandon();
    return code;
  }
  run_options opt;
  opt.quiet = c.quiet;
  opt.command_line = c.line;
  try {
    setup_checkpoints(comm, {c.checkpoint_file, c.checkpoint_every, c.stop_at, c.restart, c.sets}, *cfg, net, *sim,
                      checkpoint, opt);
  } catch (...) {
    err = std::current_exception();
  }
  if (int code = agree_on_failure(comm, err)) {
    out->abandon();  // (a reopened file is kept for another restart)
    return code;
  }
  run_result result;
  try {
    result = sim->run(out.get(), &*cfg, opt);
    if (result.checkpointed || !result.checkpoint_error.empty()) {
      out->suspend();
    } else {
      out->finish();
    }
  } catch (const std::exception& e) {
    // Inside collectives a failing rank cannot wait for the others: report and abort.
    const int code = dynamic_cast<const balnet::error*>(&e) ? dynamic_cast<const balnet::error&>(e).code()
                                                            : static_cast<int>(exit_internal);
    std::fprintf(stderr, "balnet: rank %d: error: %s\n", comm.rank(), e.what());
    std::fflush(stderr);
    if (comm.size() > 1) MPI_Abort(comm.native(), code);
    return code;
  }
  if (!result.checkpoint_error.empty()) {
    if (comm.rank() == 0) std::fprintf(stderr, "balnet: error: %s\n", result.checkpoint_error.c_str());
    return exit_io;
  }
  if (result.checkpointed) {
    if (comm.rank() == 0) {
      std::fprintf(stderr, "balnet: %s: checkpoint %s written at t = %.1f ms; continue with balnet run --restart %s\n",
                   result.checkpoint_reason == "signal" ? "signal received" : "--stop-at",
                   opt.checkpoint_file.c_str(), result.t_end, opt.checkpoint_file.c_str());
    }
    return result.checkpoint_reason == "signal" ? exit_checkpointed : exit_ok;
  }
  if (comm.rank() == 0) {
    print_summary(net, *sim, result, *cfg, comm.size());
    if (result.stopped) {
      std::fprintf(stderr, "balnet: run stopped at t = %.1f ms: %s\n", result.t_end,
                   result.stop_reason.c_str());
    }
  }
  return result.stopped ? exit_stopped : exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv, false);
  mpi_communicator comm{boost::mpi::communicator()};
  // The theory command is pure numerics on every rank (no collectives); rank 0 prints.
  if (argc >= 2 && std::string(argv[1]) == "theory") return theory::theory_main(argc, argv, comm.rank());
  if (argc >= 2 && std::string(argv[1]) == "rates") return rates::rates_main(argc, argv, comm);
  cli c;
  std::exception_ptr err;
  try {
    c = parse_cli(argc, argv);
  } catch (...) {
    err = std::current_exception();
  }
  if (int code = agree_on_failure(comm, err)) return code;
  if (c.command == "--help" || c.command == "-h" || c.command == "help") {
    if (comm.rank() == 0) std::printf("%s\n%s", usage_text, help_text);
    return 0;
  }
  if (c.command == "--version") {
    if (comm.rank() == 0) {
      std::printf("balnet %s (git %s; %s)\n", version_string(), git_revision(), build_flags());
    }
    return 0;
  }
  return run_command(comm, c);
}

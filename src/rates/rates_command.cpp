#include "balnet/rates/rates_command.hpp"

#include <hdf5.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "balnet/comm/agreement.hpp"
#include "balnet/core/error.hpp"
#include "balnet/core/version.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/h5.hpp"
#include "balnet/rates/rate_output.hpp"
#include "balnet/rates/rate_training.hpp"

namespace po = boost::program_options;

namespace balnet::rates {

namespace {

const char* rates_usage =
    "usage: balnet rates CONFIG [--set SECTION.KEY=VALUE ...] [--output FILE] [--seed N] [--quiet] [--bench N]\n";

const char* rates_help =
    "Rate-network mode (project 3, Mackwood, Naumann & Sprekeler 2021): rectified-linear E and I\n"
    "units driven to their steady state for every stimulus, with plastic E->I and I->E weights\n"
    "updated once per converged presentation (APPROXIMATE local rules or the exact GRADIENT with\n"
    "Adam). The conditions listed in rates.conditions (NEITHER, BOTH, EXC, INH) train in one\n"
    "invocation, condition c on rank c mod ranks; [rates.perturb] adds the perturbation protocol.\n"
    "One HDF5 file is written by rank 0.\n"
    "\n"
    "Options:\n"
    "  --set S.K=V    override a config key (repeatable), e.g. --set rates.n_trials=20\n"
    "  --output FILE  HDF5 output file (overrides rates.output)\n"
    "  --seed N       random seed (overrides rates.seed)\n"
    "  --quiet, -q    no progress lines\n"
    "  --bench N      time N presentations (solve + update) of the first learning condition and\n"
    "                 print the time per presentation; writes no file. Starts from the trained\n"
    "                 weights of rates.perturb.network when that key is set\n"
    "Documentation: docs/rates.md.\n";

struct rates_cli {
  std::string config_path;
  std::vector<std::string> sets;
  std::optional<std::string> output, seed;
  bool quiet = false, help = false;
  int bench = 0;
};

rates_cli parse(int argc, char** argv) {
  rates_cli c;
  po::options_description opts;
  opts.add_options()("config", po::value<std::string>(), "")("set", po::value<std::vector<std::string>>()->composing(), "")(
      "output,o", po::value<std::string>(), "")("seed", po::value<std::string>(), "")("quiet,q", po::bool_switch(), "")(
      "bench", po::value<int>(), "")("help,h", po::bool_switch(), "");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc - 1, argv + 1).options(opts).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw config_error(std::string("rates: ") + e.what() + " (see balnet rates --help)");
  }
  c.help = vm["help"].as<bool>();
  if (c.help) return c;
  if (!vm.count("config")) throw config_error(std::string("rates: missing CONFIG file\n") + rates_usage);
  c.config_path = vm["config"].as<std::string>();
  if (vm.count("set")) c.sets = vm["set"].as<std::vector<std::string>>();
  if (vm.count("output")) c.output = vm["output"].as<std::string>();
  if (vm.count("seed")) c.seed = vm["seed"].as<std::string>();
  c.quiet = vm["quiet"].as<bool>();
  if (vm.count("bench")) {
    c.bench = vm["bench"].as<int>();
    if (c.bench < 1) throw config_error("rates: --bench " + std::to_string(c.bench) + ": needs a number of presentations >= 1");
  }
  return c;
}

config load(communicator& comm, const rates_cli& c) {
  const std::string text = read_config_text(comm, c.config_path);
  config cfg = config::parse(text, c.config_path);
  cfg.apply_overrides(config::command_line_overrides(c.sets, "rates", c.seed, c.output));
  return cfg;
}

std::vector<std::uint64_t> stim_shape(const rate_network& net, std::uint64_t last) {
  std::vector<std::uint64_t> s(static_cast<std::size_t>(net.n_d), static_cast<std::uint64_t>(net.n_axis));
  if (last) s.push_back(last);
  return s;
}

void add_measures(result_blob& b, const std::string& g, const rate_network& net, const measures& m) {
  const auto ne = static_cast<std::uint64_t>(net.n_e), ni = static_cast<std::uint64_t>(net.n_i);
  b.add(g + "/osi_e", {ne}, m.osi_e.data());
  b.add(g + "/osi_i", {ni}, m.osi_i.data());
  b.add(g + "/cc", {ne}, m.cc.data());
  b.add(g + "/cp", {ne}, m.cp.data());
  b.add(g + "/response_sim_ei", {ne, ni}, m.sim_ei.data());
  b.add(g + "/response_sim_ee", {ne, ne}, m.sim_ee.data());
  b.add(g + "/correlations_ee", {ne, ne}, m.corr_ee.data());
  b.attr(g, "cc_mean", m.cc_mean);
  b.attr(g, "cp_percent_above_1e-3", m.cp_percent);
  b.attr(g, "osi_e_mean", m.osi_e_mean);
  b.attr(g, "osi_i_mean", m.osi_i_mean);
  b.attr(g, "e_error_rms", m.e_error_rms);
}

void add_responses(result_blob& b, const std::string& g, const rate_network& net, const responses& r) {
  b.add(g + "/r_e", stim_shape(net, static_cast<std::uint64_t>(net.n_e)), r.r_e.data());
  b.add(g + "/r_i", stim_shape(net, static_cast<std::uint64_t>(net.n_i)), r.r_i.data());
  b.add(g + "/steps", stim_shape(net, 0), r.steps.data());
  b.attr(g, "non_converged", static_cast<double>(r.non_converged));
}

std::string condition_blob(const condition_result& r, const rate_params& p) {
  result_blob b;
  const rate_network& net = r.net;
  const std::string g = std::string("/rates/") + condition_name(r.cond);
  const auto ne = static_cast<std::uint64_t>(net.n_e), ni = static_cast<std::uint64_t>(net.n_i);
  b.add(g + "/w_ei", {ne, ni}, net.w_ei.data());
  b.add(g + "/w_ie", {ni, ne}, net.w_ie.data());
  b.add(g + "/v_ei", {ne, ni}, net.v_ei.data());
  b.add(g + "/v_ie", {ni, ne}, net.v_ie.data());
  add_responses(b, g + "/responses_before", net, r.before);
  add_responses(b, g + "/responses_after", net, r.after);
  add_measures(b, g + "/measures_before", net, r.m_before);
  add_measures(b, g + "/measures_after", net, r.m_after);
  const auto& d = r.diag;
  const auto P = static_cast<std::uint64_t>(d.steps.size());
  const std::string dg = g + "/diagnostics";
  b.add(dg + "/recording_mu", {P, 4, 2}, d.recording_mu.data());
  b.add(dg + "/steps", {P}, d.steps.data());
  b.add(dg + "/converged", {P}, d.converged.data());
  b.add(dg + "/angle_ei", {P}, d.angle_ei.data());
  b.add(dg + "/angle_ie", {P}, d.angle_ie.data());
  b.add(dg + "/stimulus", {P}, d.stimulus.data());
  b.add(dg + "/non_converged_per_trial", {static_cast<std::uint64_t>(d.non_converged_per_trial.size())},
        d.non_converged_per_trial.data());
  std::int64_t nc = 0;
  for (auto v : d.non_converged_per_trial) nc += v;
  b.attr(dg, "presentations", static_cast<double>(P));
  b.attr(dg, "non_converged", static_cast<double>(nc));
  b.attr(dg, "angle_every", static_cast<double>(p.rule == learning_rule::gradient ? 1 : p.angle_every));
  b.attr(g, "condition", std::string(condition_name(r.cond)));
  b.attr(g, "wall_train_s", r.wall_train);
  b.attr(g, "wall_total_s", r.wall_total);
  b.attr(g, "seconds_per_presentation", P ? r.wall_train / static_cast<double>(P) : 0.0);
  return b.bytes();
}

std::string network_blob(const rate_network& net, const rate_params& p) {
  result_blob b;
  const auto ne = static_cast<std::uint64_t>(net.n_e), ni = static_cast<std::uint64_t>(net.n_i);
  const std::string g = "/rates/network";
  b.add(g + "/afferents", stim_shape(net, ne), net.afferents.data());
  b.add(g + "/preference", {ne, static_cast<std::uint64_t>(net.n_d)}, net.preference.data());
  b.add(g + "/locations", {static_cast<std::uint64_t>(net.n_axis)}, net.locations.data());
  b.add(g + "/w_ee", {ne, ne}, net.w_ee.data());
  b.add(g + "/w_ii", {ni, ni}, net.w_ii.data());
  b.add(g + "/z_ei", {ne, ni}, net.z_ei.data());
  b.add(g + "/z_ie", {ni, ne}, net.z_ie.data());
  b.add(g + "/w_ei_init", {ne, ni}, net.w_ei.data());
  b.add(g + "/w_ie_init", {ni, ne}, net.w_ie.data());
  b.add(g + "/v_ei_init", {ne, ni}, net.v_ei.data());
  b.add(g + "/v_ie_init", {ni, ne}, net.v_ie.data());
  b.attr(g, "alpha_ei", static_cast<double>(net.alpha_ei));
  b.attr(g, "alpha_ie", static_cast<double>(net.alpha_ie));
  b.attr(g, "cap_ei", static_cast<double>(net.cap_ei));
  b.attr(g, "cap_ie", static_cast<double>(net.cap_ie));
  b.attr(g, "b_i", static_cast<double>(net.b_i));
  b.attr(g, "rho0", p.rho0);
  return b.bytes();
}

// Reads a float matrix dataset of a learning run's file, checking its size.
std::vector<float> read_matrix(hid_t file, const std::string& path, std::size_t expected, const std::string& fname) {
  if (H5Lexists(file, "/rates", H5P_DEFAULT) <= 0 || !h5::exists(file, path)) {
    throw config_error(fname + ": no dataset " + path + " (rates.perturb.network must be a `balnet rates` output with BOTH)");
  }
  h5::handle d(h5::check_id(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "opening " + path), H5Dclose);
  h5::handle space(h5::check_id(H5Dget_space(d), "H5Dget_space"), H5Sclose);
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  if (n != expected) {
    throw config_error(fname + ": " + path + " has " + std::to_string(n) + " values but this config's network needs " +
                       std::to_string(expected) + " (different population sizes?)");
  }
  std::vector<float> v(n);
  h5::check(H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "reading " + path);
  return v;
}

void load_trained(rate_network& net, const std::string& fname) {
  if (!std::filesystem::exists(fname)) throw io_error(fname + ": rates.perturb.network: no such file");
  h5::handle f(H5Fopen(fname.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.valid()) throw io_error(fname + ": rates.perturb.network: cannot open as HDF5");
  const auto ee = read_matrix(f, "/rates/network/w_ee", net.w_ee.size(), fname);
  if (ee != net.w_ee) {
    throw config_error(fname + ": its E->E weights differ from this config's (the network file was made with other "
                               "[rates.network]/[rates.input]/[rates.synapses] settings)");
  }
  const auto ii = read_matrix(f, "/rates/network/w_ii", net.w_ii.size(), fname);
  if (ii != net.w_ii) throw config_error(fname + ": its I->I weights differ from this config's (other seed or synapses?)");
  net.w_ei = read_matrix(f, "/rates/BOTH/w_ei", net.w_ei.size(), fname);
  net.w_ie = read_matrix(f, "/rates/BOTH/w_ie", net.w_ie.size(), fname);
  net.v_ei = read_matrix(f, "/rates/BOTH/v_ei", net.v_ei.size(), fname);
  net.v_ie = read_matrix(f, "/rates/BOTH/v_ie", net.v_ie.size(), fname);
}

std::string pack_floats(const std::vector<std::vector<float>*>& parts) {
  std::string s;
  for (auto* v : parts) s.append(reinterpret_cast<const char*>(v->data()), v->size() * sizeof(float));
  return s;
}

void unpack_floats(const std::string& s, const std::vector<std::vector<float>*>& parts) {
  std::size_t at = 0;
  for (auto* v : parts) {
    std::memcpy(v->data(), s.data() + at, v->size() * sizeof(float));
    at += v->size() * sizeof(float);
  }
}

// Frames: [u64 index][u64 length][bytes] ...; gathered on rank 0 in any order.
void frame(std::string& out, std::uint64_t index, const std::string& bytes) {
  const std::uint64_t n = bytes.size();
  out.append(reinterpret_cast<const char*>(&index), 8);
  out.append(reinterpret_cast<const char*>(&n), 8);
  out += bytes;
}

std::map<std::uint64_t, std::string> unframe(const std::vector<char>& in) {
  std::map<std::uint64_t, std::string> out;
  std::size_t at = 0;
  while (at + 16 <= in.size()) {
    std::uint64_t idx, n;
    std::memcpy(&idx, in.data() + at, 8);
    std::memcpy(&n, in.data() + at + 8, 8);
    at += 16;
    out[idx] = std::string(in.data() + at, n);
    at += n;
  }
  return out;
}

std::vector<char> gather_to_root(communicator& comm, const std::string& bytes) {
  std::vector<std::vector<char>> per_dest(static_cast<std::size_t>(comm.size()));
  per_dest[0].assign(bytes.begin(), bytes.end());
  return comm.exchange(per_dest);
}

}  // namespace

int rates_main(int argc, char** argv, communicator& comm) {
  using clock_type = std::chrono::steady_clock;
  const auto t0 = clock_type::now();
  rates_cli cli;
  std::optional<config> cfg;
  rate_params p;
  std::exception_ptr err;
  try {
    cli = parse(argc, argv);
    if (!cli.help) {
      cfg.emplace(load(comm, cli));
      p = read_rate_params(*cfg);
      if (p.output.empty() && cli.bench == 0) {
        throw config_error(cfg->file_name() + ": no output file: set rates.output in the config or pass --output FILE");
      }
      if (cli.bench == 0 && comm.rank() == 0) {  // fail before training, not after it
        const std::string tmp = p.output + ".tmp";
        std::ofstream probe(tmp, std::ios::binary);
        if (!probe) throw io_error(p.output + ": cannot create the output file (does its folder exist and is it writable?)");
        probe.close();
        std::filesystem::remove(tmp);
      }
    }
  } catch (...) {
    err = std::current_exception();
  }
  if (int code = agree_on_failure(comm, err)) return code;
  if (cli.help) {
    if (comm.rank() == 0) std::printf("%s\n%s", rates_usage, rates_help);
    return 0;
  }
  const bool verbose = p.progress && !cli.quiet;
  const int rank = comm.rank(), ranks = comm.size();
  progress_fn progress;
  if (verbose) {
    progress = [rank](const std::string& line) {
      std::fprintf(stderr, "balnet rates (rank %d): %s\n", rank, line.c_str());
      std::fflush(stderr);
    };
  }
  rate_network net, bench_start;
  try {
    net = build_rate_network(p);
    if (p.perturb && !p.perturb_network.empty()) {
      rate_network trained = net;
      load_trained(trained, p.perturb_network);  // fail early on a wrong file
    }
    if (cli.bench > 0) {
      // --bench starts from the trained weights of rates.perturb.network when given (a solve
      // costs more once training has made more cells active), else from the initial network.
      bench_start = net;
      if (!p.perturb_network.empty()) load_trained(bench_start, p.perturb_network);
    }
  } catch (...) {
    err = std::current_exception();
  }
  if (int code = agree_on_failure(comm, err)) return code;

  if (cli.bench > 0) {
    condition c = p.conditions.empty() ? condition::both : p.conditions.front();
    for (auto x : p.conditions) {
      if (x == condition::both) c = x;
    }
    if (rank == 0) {
      // From the trained weights of rates.perturb.network when given (the cost of a solve
      // grows as training makes more cells active), else from the initial network.
      const auto b = bench_presentations(bench_start, p, c, cli.bench);
      std::printf("balnet rates --bench: %d presentations of %s (%s), 1 core\n", b.presentations, condition_name(c),
                  rule_name(p.rule));
      std::printf("per presentation: %.3f ms wall (solve %.3f ms, update %.3f ms), %.3f ms CPU; mean %.1f Euler steps per solve\n",
                  b.per_presentation * 1e3, b.per_solve * 1e3, b.per_update * 1e3, b.cpu_per_presentation * 1e3,
                  b.mean_steps);
      std::printf("projected %d trials x %d stimuli: %.1f min per condition (wall), %.1f min (CPU)\n", p.n_trials,
                  net.n_stimuli, b.per_presentation * p.n_trials * net.n_stimuli / 60.0,
                  b.cpu_per_presentation * p.n_trials * net.n_stimuli / 60.0);
      // The physical limits of the solve on this core: its multiply-adds at the rate the core
      // reaches with every operand in registers, and its matrix reads (4 bytes per
      // multiply-add) at the rate the core reads a buffer that fits its L2 cache.
      const double peak = register_multiply_add_rate();
      const double l2 = cache_read_rate(512 * 1024);
      const double macs = b.multiply_adds_per_solve, rate = macs / b.per_solve;
      const double bytes = b.bytes_per_solve, bps = bytes / b.per_solve;
      const double presentations = static_cast<double>(p.n_trials) * net.n_stimuli;
      std::printf("solve (%s E->E path): %.1f M multiply-adds, %.1f G/s = %.0f %% of this core's register-only rate "
                  "(%.1f G/s)\n",
                  b.symmetric ? "symmetric" : "general", macs / 1e6, rate / 1e9, 100.0 * rate / peak, peak / 1e9);
      std::printf("solve: %.1f MB of matrix read at %.0f GB/s = %.0f %% of this core's read rate from a 512 KB buffer "
                  "in L2 (%.0f GB/s); solves at that rate: %.1f min per condition\n",
                  bytes / 1e6, bps / 1e9, 100.0 * bps / l2, l2 / 1e9, bytes / l2 * presentations / 60.0);
    }
    return 0;
  }

  if (rank == 0 && verbose) {
    std::fprintf(stderr, "balnet rates: %s, %s, %zu condition%s, %d trials x %d stimuli, %d E + %d I cells, %d rank%s\n",
                 cfg->file_name().c_str(), rule_name(p.rule), p.conditions.size(), p.conditions.size() == 1 ? "" : "s",
                 p.n_trials, net.n_stimuli, net.n_e, net.n_i, ranks, ranks == 1 ? "" : "s");
  }
  // Training: condition index c on rank c mod ranks.
  std::string mine;
  std::vector<std::string> summary_lines;
  std::optional<rate_network> trained_both;
  try {
    for (std::size_t c = 0; c < p.conditions.size(); ++c) {
      if (static_cast<int>(c % static_cast<std::size_t>(ranks)) != rank) continue;
      auto res = run_condition(net, p, p.conditions[c], progress);
      frame(mine, c, condition_blob(res, p));
      if (p.conditions[c] == condition::both) trained_both = res.net;
    }
  } catch (...) {
    err = std::current_exception();
  }
  if (int code = agree_on_failure(comm, err)) return code;

  // PERTURB on the trained BOTH network (from this run or from rates.perturb.network).
  if (p.perturb) {
    try {
      rate_network pert = net;
      if (!p.perturb_network.empty()) {
        load_trained(pert, p.perturb_network);
      } else {
        std::size_t both = 0;
        while (p.conditions[both] != condition::both) ++both;
        const int root = static_cast<int>(both % static_cast<std::size_t>(ranks));
        std::string bytes;
        if (rank == root) bytes = pack_floats({&trained_both->w_ei, &trained_both->w_ie, &trained_both->v_ei, &trained_both->v_ie});
        comm.broadcast(bytes, root);
        unpack_floats(bytes, {&pert.w_ei, &pert.w_ie, &pert.v_ei, &pert.v_ie});
      }
      const auto rows = perturb_network(pert, p, rank, ranks, progress);
      // Rows travel as doubles: [cell, non_converged, change..., correlation...] per cell.
      std::string bytes;
      const auto ne = static_cast<std::size_t>(net.n_e);
      for (std::size_t k = 0; k < rows.cells.size(); ++k) {
        std::vector<double> rec;
        rec.push_back(rows.cells[k]);
        rec.insert(rec.end(), rows.change.begin() + static_cast<std::ptrdiff_t>(k * ne),
                   rows.change.begin() + static_cast<std::ptrdiff_t>((k + 1) * ne));
        rec.insert(rec.end(), rows.correlation.begin() + static_cast<std::ptrdiff_t>(k * ne),
                   rows.correlation.begin() + static_cast<std::ptrdiff_t>((k + 1) * ne));
        bytes.append(reinterpret_cast<const char*>(rec.data()), rec.size() * sizeof(double));
      }
      const double nc = rows.non_converged;
      bytes.append(reinterpret_cast<const char*>(&nc), sizeof nc);  // trailer: this rank's non-converged solves
      const auto got = gather_to_root(comm, bytes);
      if (rank == 0) {
        // Each rank's part: its cells' records, then one trailer double. Reassemble in cell order.
        const std::size_t rec_len = 1 + 2 * ne;
        const auto cells = perturb_cells(p, net.n_e);
        perturb_rows all;
        std::map<int, std::vector<double>> by_cell;
        const auto* d = reinterpret_cast<const double*>(got.data());
        const std::size_t n = got.size() / sizeof(double);
        std::size_t at = 0;
        for (int r = 0; r < ranks; ++r) {
          std::size_t mine_cells = 0;
          for (std::size_t c = 0; c < cells.size(); ++c) mine_cells += static_cast<int>(c % static_cast<std::size_t>(ranks)) == r;
          for (std::size_t k = 0; k < mine_cells && at + rec_len <= n; ++k, at += rec_len) {
            by_cell[static_cast<int>(d[at])] = std::vector<double>(d + at + 1, d + at + rec_len);
          }
          all.non_converged += static_cast<int>(d[at]);
          ++at;
        }
        for (auto cell : cells) {
          const auto& v = by_cell.at(cell);
          all.cells.push_back(cell);
          all.change.insert(all.change.end(), v.begin(), v.begin() + static_cast<std::ptrdiff_t>(ne));
          all.correlation.insert(all.correlation.end(), v.begin() + static_cast<std::ptrdiff_t>(ne), v.end());
        }
        const auto curve = bin_perturbation(all, net.n_e, p.perturb_bins);
        result_blob b;
        const std::string g = "/rates/perturb";
        const auto nc_cells = static_cast<std::uint64_t>(all.cells.size());
        const auto B = static_cast<std::uint64_t>(p.perturb_bins);
        b.add(g + "/cells", {nc_cells}, all.cells.data());
        b.add(g + "/pair_change", {nc_cells, static_cast<std::uint64_t>(ne)}, all.change.data());
        b.add(g + "/pair_correlation", {nc_cells, static_cast<std::uint64_t>(ne)}, all.correlation.data());
        b.add(g + "/bin_edges", {B + 1}, curve.edges.data());
        b.add(g + "/bin_centre", {B}, curve.centre.data());
        b.add(g + "/mean", {B}, curve.mean.data());
        b.add(g + "/sem", {B}, curve.sem.data());
        std::vector<double> count(curve.count.begin(), curve.count.end());
        b.add(g + "/count", {B}, count.data());
        b.attr(g, "delta", p.perturb_delta);
        b.attr(g, "max_dr", p.perturb_max_dr);
        b.attr(g, "non_converged_unperturbed", static_cast<double>(rows.base_non_converged));
        b.attr(g, "non_converged_perturbed", static_cast<double>(all.non_converged));
        b.attr(g, "network", p.perturb_network.empty() ? std::string("BOTH of this run") : p.perturb_network);
        frame(mine, 1000, b.bytes());
        char buf[200];
        std::string line = "perturbation curve (correlation bin centre: mean rate change per unit input +- SEM):\n";
        for (std::size_t k = 0; k < curve.mean.size(); ++k) {
          std::snprintf(buf, sizeof buf, "  %+.3f: %+.3e +- %.1e (%llu pairs)\n", curve.centre[k], curve.mean[k], curve.sem[k],
                        static_cast<unsigned long long>(curve.count[k]));
          line += buf;
        }
        summary_lines.push_back(line);
      }
    } catch (...) {
      err = std::current_exception();
    }
    if (int code = agree_on_failure(comm, err)) return code;
  }

  // Gather every condition's results on rank 0 and write one file.
  std::vector<char> got;
  try {
    std::string send = rank == 0 ? std::string() : mine;
    got = gather_to_root(comm, send);
  } catch (...) {
    err = std::current_exception();
  }
  if (int code = agree_on_failure(comm, err)) return code;
  try {
    if (rank == 0) {
      auto parts = unframe(got);
      for (auto& [k, v] : unframe(std::vector<char>(mine.begin(), mine.end()))) parts[k] = v;
      const std::string tmp = p.output + ".tmp";
      {
        h5::handle f(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
        if (!f.valid()) throw io_error(p.output + ": cannot create the output file (does its folder exist and is it writable?)");
        result_blob head;
        head.attr("/", "mode", std::string("rates"));
        head.attr("/", "rule", std::string(rule_name(p.rule)));
        head.attr("/", "balnet_version", std::string(version_string()));
        head.attr("/", "git_revision", std::string(git_revision()));
        head.attr("/", "seed", static_cast<double>(p.seed));
        head.attr("/", "ranks", static_cast<double>(ranks));
        head.attr("/", "n_trials", static_cast<double>(p.n_trials));
        std::string conds;
        for (auto c : p.conditions) conds += std::string(conds.empty() ? "" : ",") + condition_name(c);
        head.attr("/", "conditions", conds);
        head.text("/config/resolved", cfg->resolved_text());
        result_blob::write(f.get(), head.bytes());
        result_blob::write(f.get(), network_blob(net, p));
        for (const auto& [k, v] : parts) result_blob::write(f.get(), v);
        result_blob tail;
        tail.attr("/", "wall_s", std::chrono::duration<double>(clock_type::now() - t0).count());
        result_blob::write(f.get(), tail.bytes());
      }
      std::filesystem::rename(tmp, p.output);
    }
  } catch (...) {
    err = std::current_exception();
  }
  if (int code = agree_on_failure(comm, err)) return code;
  if (rank == 0) {
    // Summary from the file just written: one line per condition.
    h5::handle f(H5Fopen(p.output.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    std::printf("balnet rates %s | %s | %s | %d trials | seed %llu | %d rank%s\n", version_string(), cfg->file_name().c_str(),
                rule_name(p.rule), p.n_trials, static_cast<unsigned long long>(p.seed), ranks, ranks == 1 ? "" : "s");
    std::printf("%-8s %9s %9s %9s %9s %9s %9s %8s %8s\n", "cond", "cc_before", "cc_after", "osiI_bef", "osiI_aft", "osiE_aft",
                "Eerr_aft", "nonconv", "ms/pres");
    auto read_attr = [&](const std::string& obj, const char* name) {
      h5::handle o(H5Oopen(f, obj.c_str(), H5P_DEFAULT), H5Oclose);
      h5::handle a(H5Aopen(o, name, H5P_DEFAULT), H5Aclose);
      double v = NAN;
      H5Aread(a, H5T_NATIVE_DOUBLE, &v);
      return v;
    };
    for (auto c : p.conditions) {
      const std::string g = std::string("/rates/") + condition_name(c);
      std::printf("%-8s %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %8.0f %8.3f\n", condition_name(c),
                  read_attr(g + "/measures_before", "cc_mean"), read_attr(g + "/measures_after", "cc_mean"),
                  read_attr(g + "/measures_before", "osi_i_mean"), read_attr(g + "/measures_after", "osi_i_mean"),
                  read_attr(g + "/measures_after", "osi_e_mean"), read_attr(g + "/measures_after", "e_error_rms"),
                  read_attr(g + "/diagnostics", "non_converged"), 1e3 * read_attr(g, "seconds_per_presentation"));
    }
    for (const auto& l : summary_lines) std::fputs(l.c_str(), stdout);
    std::printf("output: %s\n", p.output.c_str());
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace balnet::rates

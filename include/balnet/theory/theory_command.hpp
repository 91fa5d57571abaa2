// `balnet theory CONFIG|RUN.h5 [options]`: the balanced-state prediction of a network,
// printed beside the simulated rates when a run file is given (docs/analysis.md).
#pragma once

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "balnet/theory/balanced_state.hpp"

namespace balnet::theory {

struct theory_options {
  std::string input;                 // an INI config or a balnet run file (HDF5)
  std::vector<std::string> sets;     // --set overrides
  std::optional<double> burn_in;     // ms; default 10 % of the run
  double time = 0.0;                 // ms: where time-dependent input rates are evaluated
  bool json = false;
};

// Simulated population rates of a run file, averaged over [burn_in, t_end).
struct simulated_rates {
  double burn_in = 0.0, t_end = 0.0;
  std::map<std::string, double> rates;  // Hz
};

// Everything one `balnet theory` call computes.
struct theory_report {
  std::string source;               // the file the config came from
  mean_field mf;
  balanced_solution solution;
  std::optional<simulated_rates> simulated;
  std::map<std::string, double> weight_scale;  // per projection (to print weights in config units)
  std::optional<double> param_N;    // params.N, to print W / sqrt(N)
};

// Builds the report (reads the config or the run file); throws balnet errors.
theory_report make_theory_report(const theory_options& opt);

// Reads /config/resolved and the /rates of a run file.
std::string read_resolved_config(const std::string& run_file);
simulated_rates read_simulated_rates(const std::string& run_file, std::optional<double> burn_in);

void print_text(std::ostream& os, const theory_report& r);
void print_json(std::ostream& os, const theory_report& r);

// The command line entry point, called by main() for `balnet theory`. Returns the exit code;
// only `rank` 0 prints.
int theory_main(int argc, char** argv, int rank);

// True if the file starts with the HDF5 signature.
bool is_hdf5_file(const std::string& path);

}  // namespace balnet::theory

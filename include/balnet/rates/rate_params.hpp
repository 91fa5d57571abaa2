// Parameters of the rate-network mode (`balnet rates`, MODELS.md §3: Mackwood, Naumann &
// Sprekeler 2021), read from the [rates], [rates.network], [rates.input], [rates.synapses],
// [rates.plasticity] and [rates.perturb] sections of a config (docs/rates.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace balnet {
class config;
}

namespace balnet::rates {

// Which plastic weights learn: NEITHER, BOTH, EXC (E->I only), INH (I->E only).
enum class condition : int { neither = 0, both = 1, exc = 2, inh = 3 };
const char* condition_name(condition c);

enum class learning_rule : int { approximate = 0, gradient = 1 };
const char* rule_name(learning_rule r);

struct rate_params {
  // [rates.network]
  int n_d = 3;                 // stimulus features
  int n_per_axis = 8;          // E preferred values per feature: N_E = n_per_axis^n_d
  int n_i = 64;                // I cells
  int n_stimuli_per_axis = 12; // stimulus values per feature: n_stimuli_per_axis^n_d stimuli
  double dt = 1.0;             // ms
  double tau_e = 50.0, tau_i = 25.0;  // ms
  double r_max = 1000.0;
  double max_dr = 0.5;         // convergence: |tau dh/dt| < max_dr for all non-saturated cells
  int max_steps = 1500;
  // [rates.input]
  double e_background = 5.0, e_peak = 50.0, i_background = 5.0;
  double kappa = 1.0;          // afferent tuning
  double ee_kappa = 0.25;      // tuning used to derive E->E from afferent correlations
  // [rates.synapses]; "ie" = E->I (post I, pre E), "ei" = I->E (post E, pre I)
  double lognormal_sigma = 0.65;
  double ee_total = 2.0, ee_p = 0.6;
  double ie_total = 5.0, ie_p = 0.6;
  double ei_total = 1.0, ei_p = 0.6;
  double ii_total = 1.0, ii_p = 0.6;
  double w_max = 1e5;          // cap of a plastic weight, in units of its mean j
  double softplus_slope = 0.05;  // alpha = softplus_slope / j
  // [rates.plasticity]
  learning_rule rule = learning_rule::approximate;
  double rho0 = 1.0;
  double eta_e = 1e-5;         // E->I learning rate
  double eta_i = 1e-5;         // I->E learning rate
  double ie_decay = 0.1, ei_decay = 0.1;
  double ie_row_total = 5.0;   // APPROXIMATE: every row of W_IE rescaled to this sum
  double adam_beta1 = 0.9, adam_beta2 = 0.999, adam_epsilon = 1e-8;
  int angle_every = 100;       // presentations between approximate-vs-gradient angles (0: never)
  // [rates]
  std::vector<condition> conditions{condition::neither, condition::both, condition::exc, condition::inh};
  int n_trials = 500;
  std::uint64_t seed = 1;
  std::string output;
  bool progress = true;
  // [rates.perturb]
  bool perturb = false;
  std::string perturb_network;  // a learning run's output file to take the BOTH weights from
  int perturb_cells = 90;
  double perturb_delta = 10.0;
  double perturb_max_dr = 0.05;
  int perturb_bins = 9;

  int n_e() const;
  int n_stimuli() const;
};

// Reads and validates every [rates*] section; unknown keys and sections are errors.
rate_params read_rate_params(const config& cfg);

}  // namespace balnet::rates

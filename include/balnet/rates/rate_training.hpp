// Training of one plasticity condition (MODELS.md §3.5) and the PERTURB protocol (Fig. 4).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "balnet/rates/rate_learning.hpp"
#include "balnet/rates/rate_measures.hpp"
#include "balnet/rates/rate_network.hpp"
#include "balnet/rates/rate_params.hpp"

namespace balnet::rates {

// Stimulus order of one trial: nested loops over the features, each axis order reshuffled
// (keyed by seed and trial only, so every condition sees the same order).
std::vector<std::int32_t> trial_order(const rate_params& p, int trial);

// Per-presentation diagnostics, one entry per presentation.
struct diagnostics {
  std::vector<float> recording_mu;   // presentations x 4 x 2: [mean, var] of r_E, r_I, w_EI, w_IE after the update
  std::vector<std::int32_t> steps;   // Euler steps to converge
  std::vector<std::uint8_t> converged;
  std::vector<float> angle_ei, angle_ie;  // degrees; NaN where not computed
  std::vector<std::int32_t> stimulus;     // presented stimulus index
  std::vector<std::int32_t> non_converged_per_trial;
};

struct condition_result {
  condition cond = condition::neither;
  rate_network net;  // final weights
  responses before, after;
  measures m_before, m_after;
  diagnostics diag;
  double wall_train = 0, wall_total = 0;  // seconds
};

using progress_fn = std::function<void(const std::string&)>;

// Trains a copy of `initial` under condition `c` for p.n_trials trials and measures it
// before and after.
condition_result run_condition(const rate_network& initial, const rate_params& p, condition c,
                               const progress_fn& progress);

// PERTURB: per perturbed cell, the mean over stimuli of (r_p - r) / delta for every E cell,
// with the Pearson response correlation of the pair (unperturbed responses, tolerance
// p.perturb_max_dr). `cells` are the perturbed cells; rows of `change`/`correlation` follow them.
struct perturb_rows {
  std::vector<std::int32_t> cells;
  std::vector<double> change, correlation;  // cells.size() x N_E
  int base_non_converged = 0;  // unperturbed solves (the same on every rank)
  int non_converged = 0;       // perturbed solves of these cells
};
std::vector<std::int32_t> perturb_cells(const rate_params& p, int n_e);
// Computes the rows of the cells with index c (in perturb_cells order) where c % stride == offset.
perturb_rows perturb_network(const rate_network& net, const rate_params& p, int offset, int stride,
                             const progress_fn& progress);

// The perturbation-correlation curve: pairs (perturbed cell, other E cell), the perturbed
// cell itself excluded, binned into `bins` equal bins over the range of their correlations.
struct perturb_curve {
  std::vector<double> edges, centre, mean, sem;
  std::vector<std::uint64_t> count;
};
perturb_curve bin_perturbation(const perturb_rows& rows, int n_e, int bins);

// Time per presentation (solve + update) of condition `c`, over `n` presentations.
struct bench_result {
  double per_presentation = 0, per_solve = 0, per_update = 0, mean_steps = 0;  // wall-clock seconds
  double cpu_per_presentation = 0;  // process CPU seconds (excludes time waiting for a core)
  double multiply_adds_per_solve = 0;  // matrix-product work of one solve (all its steps)
  double bytes_per_solve = 0;          // matrix bytes read by one solve
  bool symmetric = false;              // the solver used the symmetric E->E path
  int presentations = 0;
};
bench_result bench_presentations(const rate_network& initial, const rate_params& p, condition c, int n);

}  // namespace balnet::rates

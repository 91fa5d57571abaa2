// Analyses of the rate network (MODELS.md §3.6): steady-state responses to every stimulus,
// OSI, response similarity, Spearman E/I input co-tuning, E-E response correlations.
#pragma once

#include <cstdint>
#include <vector>

#include "balnet/rates/rate_network.hpp"

namespace balnet::rates {

// Steady-state rates for every stimulus (stimulus-major: r_e[s * N_E + n]).
struct responses {
  std::vector<float> r_e, r_i;
  std::vector<std::int32_t> steps;
  int non_converged = 0;
};
responses estimate_responses(const rate_network& net, steady_state_solver& solver, double max_dr);

struct measures {
  std::vector<double> osi_e, osi_i;   // per cell
  std::vector<double> cc, cp;         // per E cell: Spearman rho and p-value, exc vs inh input
  std::vector<float> sim_ei;          // N_E x N_I cosine similarity of response vectors
  std::vector<float> sim_ee;          // N_E x N_E cosine similarity
  std::vector<float> corr_ee;         // N_E x N_E Pearson correlation
  double cc_mean = 0;                 // nan-mean of cc
  double cp_percent = 0;              // % of cells with p > 1e-3
  double osi_e_mean = 0, osi_i_mean = 0;
  double e_error_rms = 0;             // sqrt(mean over stimuli and E cells of (r_E - rho0)^2)
};
measures compute_measures(const rate_network& net, const responses& r, double rho0);

// OSI of one cell from its responses `r` (stimulus-major, stride `stride`, offset `cell`):
// the group of the first n_d - 1 features with the largest mean response, then
// |sum_k r_k e^{i theta_k}| / sum_k r_k along the last feature. NaN for a silent cell.
double osi(const float* r, std::size_t stride, std::size_t cell, int n_d, int n_axis, const std::vector<float>& theta);

// Spearman rank correlation and its two-sided p-value (Student t with n - 2 degrees of
// freedom, evaluated with the normal approximation); NaN for constant input.
void spearman(const std::vector<double>& x, const std::vector<double>& y, double& rho, double& p);

// Pearson correlation matrix of the columns of `x` (rows x cols, row-major) -> cols x cols.
std::vector<double> column_correlations(const std::vector<double>& x, std::size_t rows, std::size_t cols);

}  // namespace balnet::rates

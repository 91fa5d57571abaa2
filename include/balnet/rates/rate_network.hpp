// The rate network of project 3 (MODELS.md §3.1-3.3): afferent tuning, fixed and plastic
// weights with the softplus parameterisation, and the steady-state solver.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "balnet/core/aligned_vector.hpp"

#include "balnet/rates/rate_params.hpp"

namespace balnet::rates {

// Plastic weights are w = softplus_a(v) = ln(1 + e^{a v}) / a, so dw/dv = logistic(a v).
inline double softplus(double v, double a) {
  const double x = a * v;
  return (x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x))) / a;
}
// v with softplus_a(v) = w, for w > 0.
inline double softplus_inverse(double w, double a) {
  const double x = a * w;
  return (x > 20 ? x + std::log1p(-std::exp(-x)) : std::log(std::expm1(x))) / a;
}
inline double logistic(double x) {
  return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x));
}

// Weights and inputs. Matrices are row-major, rows = postsynaptic cells:
// w_ee N_E x N_E, w_ei N_E x N_I (I->E), w_ie N_I x N_E (E->I), w_ii N_I x N_I.
struct rate_network {
  int n_e = 0, n_i = 0, n_stimuli = 0, n_d = 0, n_axis = 0;
  std::vector<float> locations;     // stimulus values of one feature (n_axis)
  std::vector<float> preference;    // N_E x n_d preferred values
  std::vector<float> afferents;     // n_stimuli x N_E: I_E(s); stimulus s = (k0 * n_axis + k1) * n_axis + k2
  std::vector<float> w_ee, w_ii;
  // W_EE = diag(ee_row_scale) * ee_corr with ee_corr symmetric (the thresholded correlations;
  // w_ee holds each product rounded once). Empty for a network built otherwise.
  std::vector<float> ee_corr, ee_row_scale;
  std::vector<float> w_ei, v_ei, z_ei;
  std::vector<float> w_ie, v_ie, z_ie;
  float alpha_ei = 0, alpha_ie = 0;  // softplus slopes
  float cap_ei = 0, cap_ie = 0;      // w_max * j
  float b_i = 0;                     // I background input
};

// Builds the network of `p` with the keyed random streams of `p.seed`.
rate_network build_rate_network(const rate_params& p);

// Afferent table for tuning width `kappa` (n_stimuli x N_E, background 0, peak 1).
std::vector<double> afferent_table(const rate_params& p, double kappa);
// E->E from the afferent correlations (MODELS.md §3.3), row-major N_E x N_E.
// With `corr` and `row_scale`, also the two factors: W_EE = diag(row_scale) * corr, corr symmetric.
std::vector<float> ee_from_correlations(const rate_params& p, std::vector<float>* corr = nullptr,
                                        std::vector<float>* row_scale = nullptr);

// w = min(softplus(v), cap) * z for a whole matrix.
void weights_from_parameters(const std::vector<float>& v, const std::vector<float>& z, float alpha, float cap,
                             std::vector<float>& w);

// One steady state: unrectified h and rectified r of both populations.
struct steady_state {
  std::vector<float> h_e, r_e, h_i, r_i;
  bool converged = false;
  int steps = 0;
};

// Forward-Euler integration to the fixed point (MODELS.md §3.1). Keeps a packed copy of the
// weights: one (N_E + N_I) x (N_E + N_I) matrix with the inhibitory columns negated, stored
// in row blocks (column-major within a block), so one step is a single sequential pass over
// the columns of the active (r != 0) cells. Blocks are 192 rows high where the CPU has 32
// vector registers (AVX-512: twelve 16-wide sums per block), else 64; the rows left over
// after the tall blocks come in blocks of 64. The block height changes speed, not results.
class steady_state_solver {
 public:
  steady_state_solver(const rate_network& net, const rate_params& p);
  // Re-reads the plastic blocks (W_EI, W_IE) after a weight update.
  void update_plastic(const rate_network& net);
  // Whether the symmetric E->E path is in use (docs/rates.md).
  bool symmetric() const { return sym_; }
  // Solves for input `input_e` (N_E values) from the fixed initial state
  // h_E = r_E = rho0, h_I = r_I = b_I; `max_dr` is the convergence bound on |tau dh/dt|.
  void solve(const float* input_e, double max_dr, steady_state& out);
  void solve(const float* input_e, steady_state& out) { solve(input_e, max_dr_, out); }
  // Multiply-adds done by the matrix products since construction (active columns times the
  // padded row count, per step): the work --bench divides by the time.
  std::uint64_t multiply_adds() const { return multiply_adds_; }
  std::uint64_t matrix_bytes_read() const { return bytes_read_; }  // matrix entries read, in bytes

 private:
#if defined(__AVX512F__)
  static constexpr std::size_t big_block = 192;
#else
  static constexpr std::size_t big_block = 64;
#endif
  int n_e_, n_i_, n_, ld_;
  std::size_t big_rows_;  // rows in blocks of big_block; the rest of ld_ in blocks of 64
  float rho0_, b_i_, r_max_, dt_tau_e_, dt_tau_i_;
  double max_dr_;
  int max_steps_;
  aligned_vector<float> packed_;  // row blocks, each column-major (see at())
  std::size_t at(std::size_t row, std::size_t col) const {
    const auto n = static_cast<std::size_t>(n_);
    if (row < big_rows_) return (row / big_block) * (big_block * n) + col * big_block + row % big_block;
    const std::size_t rest = row - big_rows_;
    return big_rows_ * n + (rest / 64) * (64 * n) + col * 64 + rest % 64;
  }
  void accumulate(const float* r);  // acc_ = packed_ * r over the active columns
  bool backward_ = false;            // direction of the next accumulate (forwards at each solve's start)
  aligned_vector<float> acc_, r_, dh_;  // dh_: scratch |dh| per cell of one step
  std::vector<std::uint32_t> active_;
  std::uint64_t multiply_adds_ = 0, bytes_read_ = 0;

  // The symmetric path, used when the network carries W_EE's factors (ee_corr symmetric):
  // W_EE r_E = diag(s) (C r_E) with C read once per step from its upper triangle of 64 x 64
  // tiles (each tile serves both y_I += T r_J and y_J += T^T r_I), so the solver's matrices
  // take 0.86 MB instead of 1.33 MB at the default size and stay in a 1 MB L2 cache.
  bool sym_ = false;
  std::size_t eb_ = 0, ib_ = 0;    // E and I cells in blocks of 64 (padded)
  aligned_vector<float> tiles_;    // C: tile (I <= J) column-major, 64 x 64 each
  aligned_vector<float> scale_;    // s, padded to eb_ * 64
  aligned_vector<float> rest_e_;   // -W_EI: E rows (blocks of 64) x I columns
  aligned_vector<float> rest_i_;   // W_IE | -W_II: I rows (blocks of 64) x all columns
  aligned_vector<float> rpad_, ysym_, acc_ei_;
  struct fixup {
    std::uint32_t row, col;
    float value;
  };
  std::vector<fixup> fixups_;      // entries of C whose mirror differs (off the diagonal tiles)
  void accumulate_sym(const float* r, std::size_t first_i);  // first_i: first active I cell in active_
};

// This core's rate of 16-wide float multiply-then-add pairs (separate rounding, as in the
// solver) with every operand in registers: twelve independent sums, as in a solver block.
// Runs for about `seconds`; returns multiply-adds per second. The ceiling of the solve rate.
double register_multiply_add_rate(double seconds = 0.2);
// Bytes per second this core reads, summing 16-wide vectors, from a buffer of `bytes` (held
// in the L2 cache when it fits): the ceiling of a solve that streams its matrix from there.
double cache_read_rate(std::size_t bytes, double seconds = 0.2);

}  // namespace balnet::rates

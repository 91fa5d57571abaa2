// Plasticity of the rate network (MODELS.md §3.4): the APPROXIMATE local rules with E->I row
// normalisation, and the exact steady-state GRADIENT with Adam (constant bias corrections).
#pragma once

#include <vector>

#include "balnet/rates/rate_network.hpp"
#include "balnet/rates/rate_params.hpp"

namespace balnet::rates {

// Update directions in parameter (v) space, without the weight decay, for a steady state
// `s` (uses the unrectified h_E in the error e = h_E - rho0):
//   APPROXIMATE: d_ei[i,j] = e_i r_I,j sigma(a_EI v_EI[i,j]),
//                d_ie[j,k] = (sum_i w_IE[j,i] e_i) sigma(h_I,j) r_E,k sigma(a_IE v_IE[j,k]);
//   GRADIENT:    minus the gradient of 1/2 |h_E - rho0|^2 at the smooth fixed point
//                (slopes sigma(h)), g_ei = (e~ x r_I) . sigma(a v), g_ie = ((e~ W_EI D_I M) x r_E) . sigma(a v).
void approximate_directions(const rate_network& net, const steady_state& s, double rho0, std::vector<double>& d_ei,
                            std::vector<double>& d_ie);
// Returns false if a matrix of the gradient was singular (the directions are then zero).
bool gradient_directions(const rate_network& net, const steady_state& s, double rho0, std::vector<double>& g_ei,
                         std::vector<double>& g_ie);

// Angle in degrees between two directions (arccos of the normalised dot product) over the
// entries where `mask` != 0 (all entries when mask is null); NaN if either is zero.
double angle_degrees(const std::vector<double>& a, const std::vector<double>& b, const std::vector<float>* mask = nullptr);

// Solves A X = B in place by LU with partial pivoting (A n x n, B n x nrhs, row-major).
// Returns false if A is singular to working precision.
bool lu_solve(std::vector<double>& a, int n, std::vector<double>& b, int nrhs);

// The plasticity of one condition: which matrices learn, with which rule and learning rates.
class plasticity {
 public:
  plasticity(const rate_network& net, const rate_params& p, condition c);
  struct angles {
    double ei, ie;  // degrees; NaN where not computed
  };
  // One update from a converged steady state; computes the true gradient for the angles too
  // when `want_angles` (APPROXIMATE) -- GRADIENT computes it anyway.
  angles update(rate_network& net, const steady_state& s, bool want_angles);
  bool ei_plastic() const { return eta_i_ > 0; }
  bool ie_plastic() const { return eta_e_ > 0; }
  // [mean, var] of w_EI and of w_IE (all entries, zeros included) after the last update.
  const double* weight_stats() const { return stats_; }

 private:
  learning_rule rule_;
  double rho0_, eta_e_, eta_i_, ie_decay_, ei_decay_, ie_row_total_;
  double b1_, b2_, eps_;
  std::vector<double> d_ei_, d_ie_, g_ei_, g_ie_;
  std::vector<double> m_ei_, s_ei_, m_ie_, s_ie_;  // Adam moments
  std::vector<float> sig_ei_, sig_ie_;  // logistic(alpha v) of the current v (masked entries)
  std::vector<double> e_, fp_;
  double stats_[4] = {};
  void refresh_stats(const rate_network& net, bool ei, bool ie);
};

}  // namespace balnet::rates

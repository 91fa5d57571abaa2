// Correlated Ornstein-Uhlenbeck conductance noise (project 2's isolation mode, MODELS.md 2.4):
// per neuron, g_e and g_i relax to mu_e, mu_i with the time constant tau of their receptors
// and fluctuate with SD sigma_e, sigma_i, the noise of g_i correlated rho with that of g_e;
// plus piecewise-constant perturbation conductances A_e(t), A_i(t) added to each channel.
// The receptors must be exponential conductances with the same tau: their decay is the OU
// relaxation, and each step this input adds the exact innovation
//   g(t+dt) = mu + (g(t) - mu) e^{-dt/tau} + sigma sqrt(1 - e^{-2 dt/tau}) xi
// (exact discretisation; Brian2's Euler-Maruyama differs by O(dt/tau)) and the change of A,
// so the receptor holds g = OU + A exactly. The first step starts from the stationary law.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "balnet/input/input_driver.hpp"

namespace balnet {

struct ou_conductance_spec final : input_spec {
  struct noise {
    double mu_e, sigma_e, mu_i, sigma_i, rho;
  };
  struct perturbation {
    step_t on, off;
    double A_e, A_i;  // nS
  };
  std::size_t target = 0;
  std::vector<std::uint64_t> neurons;     // population-local, ascending
  std::vector<noise> params;              // one per neuron of the set, or one for all
  std::size_t receptor_e = 0, receptor_i = 0;
  std::vector<perturbation> perturbations;
  std::string describe(const network_spec& net) const override;
};

std::shared_ptr<input_spec> read_ou_conductance(section_reader& s, const network_spec& net);
std::unique_ptr<input_driver> make_ou_conductance(const input_spec& spec, const input_context& ctx);

}  // namespace balnet

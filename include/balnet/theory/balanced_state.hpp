// Leading-order balanced-state theory (MODELS.md 1.8): for large in-degrees the mean input
// of every neuron population vanishes, W r + h = 0, so r = -W^-1 h (Akil et al. 2021's
// r = -W^-1 W_X r_X); plasticity rules replace the rate equation of the population they
// regulate (homeostatic rules) or fix the weights of their projection (Hebbian, Kohonen).
// Built from a network_spec and its config; pure numerics, no MPI and no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "balnet/theory/dense.hpp"
#include "balnet/theory/rule_theory.hpp"

namespace balnet {
class config;
struct network_spec;
}  // namespace balnet

namespace balnet::theory {

// One projection in the mean-field equations. Its coupling K * w * area is the mean charge
// a target neuron receives per presynaptic spike: multiplied by a presynaptic rate in kHz
// it is a mean current (pA, or the model's current unit, e.g. mV/ms when C = 1).
struct block {
  std::string projection;
  std::size_t target = 0;   // row: index into mean_field::populations
  std::size_t source = 0;   // column: into populations, or into sources when `external`
  bool external = false;    // the source is a spike source with a fixed rate
  double indegree = 0.0;    // expected synapses per target neuron
  double weight = 0.0;      // mean weight after weight_scale (the receptor's weight units)
  double area = 0.0;        // charge per unit weight (kernel area, x driving force or C)
  double coupling() const { return indegree * weight * area; }
};

// A constant drive of a neuron population from an [input.NAME] section.
struct drive {
  std::string name;        // input name
  std::size_t target = 0;  // index into mean_field::populations
  double current = 0.0;    // mean current (same units as W r)
  std::string what;        // e.g. "100 sources x 10 Hz x weight 0.5 on receptor e"
};

struct mean_field {
  std::vector<std::string> populations;  // neuron populations: the unknown rates
  std::vector<std::size_t> spec_index;   // their index in network_spec::populations
  std::vector<std::string> sources;      // spike-source populations with a known rate
  std::vector<double> source_rates;      // Hz
  std::vector<block> blocks;
  std::vector<drive> drives;
  std::vector<rule_theory> rules;        // plasticity rules, in projection order
  std::vector<int> rule_block;           // block index of each rule (-1: projection unused)
  std::vector<std::string> notes;        // approximations made and items left out

  // W (populations x populations) and the external drive h (per population), with every
  // block at its configured mean weight.
  matrix W() const;
  std::vector<double> h() const;
  int population_index(const std::string& name) const;  // -1 if not a neuron population
};

// Reads the mean-field model of `net`. `time` (ms) is where time-dependent input rates
// (expressions of t) are evaluated. Conductance receptors are linearised at the driving
// force of V_ref = (V_reset + V_th) / 2 (noted in `notes`).
mean_field build_mean_field(const network_spec& net, const config& cfg, double time = 0.0);

struct fixed_point {
  std::vector<double> rates;    // Hz, per mean_field population
  std::vector<double> weights;  // mean weight of each rule's projection (per rule)
  stability weights_stability = stability::stable;  // of the slow weight dynamics
  bool has_stability = false;   // false without plastic rules
};

struct balanced_solution {
  bool ok = false;
  std::string message;            // why there is no balanced solution (when !ok)
  matrix W;                       // at the configured weights
  std::vector<double> h;
  double condition = 0.0;         // of W
  std::vector<fixed_point> points;  // ok: one for a static network; possibly several with plasticity
  std::vector<fixed_point> rejected;  // solutions with negative rates (for the message)
  std::vector<std::string> notes;
};

// Solves the balanced state. Static network: r = -W^-1 h; not ok when W is singular or a
// rate is negative. With plasticity: every fixed point (Newton from several starts), each
// with the stability of its weights under the rules' mean drift, rates slaved to balance.
balanced_solution solve_balanced(const mean_field& mf);

}  // namespace balnet::theory

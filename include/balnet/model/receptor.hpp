// Synaptic receptor classes of a population: each arriving weight lands in one receptor.
#pragma once

#include <string>
#include <vector>

#include "balnet/core/distribution.hpp"

namespace balnet {

enum class receptor_kind {
  current,      // synaptic current I (pA, or the model's current unit)
  conductance,  // synaptic conductance g (nS); I = g (E_rev - V)
  delta,        // instantaneous voltage jump: V += w (mV)
};

// Time course of one spike's effect (current or conductance receptors).
enum class receptor_kernel {
  exponential,  // e^{-t/tau}
  alpha,        // t e^{-t/tau} (two states, exact propagation)
  biexp,        // e^{-t/tau} - e^{-t/tau_rise} (difference of exponentials)
};

// What a weight of 1 means: a kernel of unit area (ms x unit) or of unit peak. `standard`
// is area for currents (NEST's and Brian2's exponential current synapse, I += w/tau) and
// peak for conductances (g += w).
enum class receptor_norm { standard, area, peak };

struct receptor_spec {
  std::string name;
  receptor_kind kind = receptor_kind::current;
  receptor_kernel kernel = receptor_kernel::exponential;
  double tau = 5.0;        // ms: decay time constant (current, conductance)
  double tau_rise = 0.0;   // ms: rise time constant (biexp only), < tau
  double E_rev = 0.0;      // mV (conductance)
  receptor_norm norm = receptor_norm::standard;
  // Initial value of the current or conductance (drawn per neuron; default 0).
  distribution init = distribution::constant(0.0);

  bool unit_area() const {
    return norm == receptor_norm::area ||
           (norm == receptor_norm::standard && kind == receptor_kind::current);
  }
};

const char* to_string(receptor_kind k);
const char* to_string(receptor_kernel k);

// Jump applied to the kernel's first state per unit weight, so that its area or peak is 1.
double receptor_jump(const receptor_spec& r);

}  // namespace balnet

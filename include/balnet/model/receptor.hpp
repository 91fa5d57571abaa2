// Synaptic receptor classes of a population: each arriving weight lands in one receptor.
#pragma once

#include <string>
#include <vector>

namespace balnet {

enum class receptor_kind {
  current,      // exponential current: I += w/tau (unit area, default) or I += w (unit peak)
  conductance,  // exponential conductance: g += w (nS); I = g (E_rev - V)
  delta,        // instantaneous voltage jump: V += w (mV)
};

struct receptor_spec {
  std::string name;
  receptor_kind kind = receptor_kind::current;
  double tau = 5.0;        // ms (current, conductance)
  double E_rev = 0.0;      // mV (conductance)
  bool unit_area = true;   // current: jump w/tau (kernel of unit area) or w (unit peak)
};

const char* to_string(receptor_kind k);

}  // namespace balnet

// The leaky integrate-and-fire parameters shared by unit tests (C 200 pF, g_L 10 nS,
// rest and reset -60 mV, threshold -50 mV, 2 ms refractory, starting at rest).
#pragma once

#include "balnet/model/point_neuron.hpp"

namespace balnet::test_params {

inline point_neuron_params lif(double I_e, integrator method) {
  point_neuron_params p;
  p.C = 200;
  p.g_L = 10;
  p.E_L = -60;
  p.V_th = -50;
  p.V_reset = -60;
  p.t_ref = 2;
  p.I_e = I_e;
  p.method = method;
  p.V_init = distribution::constant(-60);
  return p;
}

}  // namespace balnet::test_params

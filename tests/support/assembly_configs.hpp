// A small project-2 network (Barta & Fukai 2025) with assembly E->E connectivity, for tests.
#pragma once

#include <string>

namespace balnet::test {

inline std::string assembly_network_ini(int ne = 400, int ni = 100, int patterns = 40, double f = 0.05,
                                        double t_stop = 200.0) {
  return "[run]\ndt = 0.1\nt_stop = " + std::to_string(t_stop) +
         "\nseed = 42\n"
         "[patterns]\npopulation = E\ncount = " + std::to_string(patterns) + "\nf = " + std::to_string(f) +
         "\n"
         "[population.E]\nsize = " + std::to_string(ne) +
         "\nmodel = adaptive_lif\na1 = normal(2, 0.25)\nV_init = uniform(-80, -70)\n"
         "receptor.e.type = conductance\nreceptor.e.tau = 6\nreceptor.e.E_rev = 0\n"
         "receptor.i.type = conductance\nreceptor.i.tau = 6\nreceptor.i.E_rev = -80\n"
         "[population.I]\nsize = " + std::to_string(ni) +
         "\nmodel = adaptive_lif\nV_init = uniform(-80, -70)\n"
         "receptor.e.type = conductance\nreceptor.e.tau = 6\nreceptor.e.E_rev = 0\n"
         "receptor.i.type = conductance\nreceptor.i.tau = 6\nreceptor.i.E_rev = -80\n"
         "[projection.EE]\nsource = E\ntarget = E\nreceptor = e\nconnect = assembly\ndensity = 0.05\n"
         "weight = lognormal(0.25, 0.125)\ndelay = uniform(1, 3)\n"
         "[projection.EI]\nsource = E\ntarget = I\nreceptor = e\nconnect = bernoulli\np = 0.1\nweight = 0.5\n"
         "delay = uniform(1, 3)\n"
         "[projection.IE]\nsource = I\ntarget = E\nreceptor = i\nconnect = bernoulli\np = 0.1\nweight = 0.5\n"
         "delay = uniform(0, 2)\n"
         "[projection.II]\nsource = I\ntarget = I\nreceptor = i\nconnect = bernoulli\np = 0.1\nautapses = true\n"
         "weight = 1.5\ndelay = uniform(0, 2)\n"
         "[input.bg]\ntype = poisson\ntarget = E, I\nreceptor = e\nsources = 1000\nrate = 2\nweight = 0.3\n";
}

}  // namespace balnet::test

// Small configurations shared by tests.
#pragma once

#include <string>

namespace balnet::test {

// A small balanced network with every connection rule, both weight and delay
// distributions, Poisson sources and Poisson drive: exercises the whole engine.
inline std::string small_network_ini(int n = 200, double t_stop = 300.0) {
  return R"(
[run]
dt = 0.1
t_stop = )" + std::to_string(t_stop) + R"(
seed = 7
output = test.h5

[params]
N = )" + std::to_string(n) + R"(

[population.E]
size = 0.8 * N
model = adex
C = 200
g_L = 10
E_L = -60
V_th = -40
V_T = -50
Delta_T = 2
V_reset = -60
t_ref = 2
a = 2
b = 20
tau_w = 100
I_e = 120
V_init = uniform(-60, -50)
receptor.exc.type = conductance
receptor.exc.tau = 5
receptor.exc.E_rev = 0
receptor.inh.type = conductance
receptor.inh.tau = 10
receptor.inh.E_rev = -80

[population.I]
size = 0.2 * N
model = lif
integrator = exp_euler
C = 200
g_L = 10
E_L = -60
V_th = -50
V_reset = -60
t_ref = 1
I_e = 150
V_init = normal(-55, 2, -60, -50)
receptor.exc.type = current
receptor.exc.tau = 5
receptor.inh.type = current
receptor.inh.tau = 10
receptor.inh.norm = peak
receptor.jump.type = delta

[population.X]
size = 50
model = poisson
rate = 20

[projection.EE]
source = E
target = E
receptor = exc
connect = bernoulli
p = 0.1
weight = lognormal(1.0, 0.5)
delay = uniform(0.5, 3.0)

[projection.EI]
source = E
target = I
receptor = exc
connect = fixed_indegree
indegree = 20
weight = uniform(50, 150)
delay = normal(1.5, 0.5)

[projection.IE]
source = I
target = E
receptor = inh
connect = fixed_outdegree
outdegree = 15
multapses = true
weight = 6
delay = 0.8

[projection.II]
source = I
target = I
receptor = inh
connect = fixed_indegree
indegree = 5
multapses = true
weight = -30
delay = 1.0

[projection.XI]
source = X
target = I
receptor = jump
connect = bernoulli
p = 0.2
weight = 0.5
delay = 0.3

[input.drive]
type = poisson
target = E, I
receptor = exc
sources = 100
rate = 10
weight = 0.5
)";
}

}  // namespace balnet::test

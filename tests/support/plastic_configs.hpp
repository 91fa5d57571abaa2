// Small plastic networks shared by the plasticity tests.
#pragma once

#include <string>

namespace balnet::test {

// Every rule type on some projection (one list of two rules), varied delays (several
// segments per row), current- and conductance-based targets, correlated input, an injected
// current on a random subset, and a GHP rule gated by an allreduced population rate.
// `rho_file` must name a file with 60 rates (one per neuron of C).
inline std::string plastic_network_ini(double t_stop, const std::string& rho_file) {
  return R"(
[run]
dt = 0.1
t_stop = )" + std::to_string(t_stop) + R"(
seed = 11
output = plastic.h5

[params]
N = 200

[population.E]
size = 0.8 * N
model = eif
C = 1
g_L = 1 / 15
E_L = -72
V_T = -55
Delta_T = 1
V_th = -50
V_reset = -75
V_init = uniform(-75, -55)
receptor.e.type = current
receptor.e.tau = 8
receptor.i.type = current
receptor.i.tau = 4
receptor.x.type = current
receptor.x.tau = 10

[population.I]
size = 0.2 * N
model = eif
C = 1
g_L = 1 / 15
E_L = -72
V_T = -55
Delta_T = 1
V_th = -50
V_reset = -75
V_init = uniform(-75, -55)
receptor.e.type = current
receptor.e.tau = 8
receptor.i.type = current
receptor.i.tau = 4
receptor.x.type = current
receptor.x.tau = 10

[population.X]
size = 40
model = correlated_poisson
rate = 20
c = 0.2
jitter = 5
chunk = 50

[population.C]
size = 60
model = lif
C = 200
g_L = 10
E_L = -60
V_th = -50
V_reset = -60
t_ref = 2
I_e = 190
V_init = uniform(-60, -50)
receptor.exc.type = conductance
receptor.exc.tau = 5
receptor.exc.E_rev = 0
receptor.inh.type = conductance
receptor.inh.tau = 10
receptor.inh.E_rev = -80

[projection.EE]
source = E
target = E
receptor = e
connect = bernoulli
p = 0.1
autapses = true
weight = uniform(10, 30)
weight_scale = 1 / sqrt(N)
delay = uniform(0.1, 2.0)
plasticity = stdp
plasticity.eta = 0.01
plasticity.form = multiplicative
plasticity.w_max = 50 / sqrt(N)
plasticity.tau_plus = 15
plasticity.tau_minus = 30

[projection.IE]
source = I
target = E
receptor = i
connect = bernoulli
p = 0.2
weight = -150
weight_scale = 1 / sqrt(N)
delay = uniform(0.1, 1.0)
plasticity = homeostatic
plasticity.eta = 0.01
plasticity.w_norm = -200 / sqrt(N)
plasticity.rho = 10
plasticity.tau = 50

[projection.EI]
source = E
target = I
receptor = e
connect = fixed_indegree
indegree = 16
weight = 112.5
weight_scale = 1 / sqrt(N)
delay = 0.1
plasticity = hebb_soft
plasticity.eta = 0.01
plasticity.w_max = 125 / sqrt(N)
plasticity.tau = 40

[projection.II]
source = I
target = I
receptor = i
connect = bernoulli
p = 0.2
autapses = true
weight = -250
weight_scale = 1 / sqrt(N)
delay = 0.2
plasticity = kohonen
plasticity.eta = 0.02
plasticity.beta = -5 / sqrt(N)
plasticity.tau = 30

[projection.XE]
source = X
target = E
receptor = x
connect = bernoulli
p = 0.2
weight = 180
weight_scale = 1 / sqrt(N)
delay = uniform(0.1, 0.5)
plasticity = hebb_hard
plasticity.eta = 0.02
plasticity.w_min = 100 / sqrt(N)
plasticity.w_max = 200 / sqrt(N)
plasticity.tau = 20

[projection.XI]
source = X
target = I
receptor = x
connect = bernoulli
p = 0.2
weight = 135
weight_scale = 1 / sqrt(N)
delay = 0.1

[projection.EC]
source = E
target = C
receptor = exc
connect = fixed_outdegree
outdegree = 6
multapses = true
weight = 2
delay = uniform(0.5, 1.5)
plasticity = triplet, vogels
plasticity.triplet.A2_plus = 0.01
plasticity.triplet.A3_plus = 0.05
plasticity.triplet.A2_minus = 0.02
plasticity.triplet.A3_minus = 0.001
plasticity.triplet.w_max = 6
plasticity.vogels.eta = 0.05
plasticity.vogels.rho_file = )" + rho_file + R"(
plasticity.vogels.tau = 20

[projection.IC]
source = I
target = C
receptor = inh
connect = bernoulli
p = 0.3
weight = uniform(2, 8)
delay = uniform(0.1, 3.0)
plasticity = lhp
plasticity.eta = 0.1
plasticity.rho = 5
plasticity.tau = 40
plasticity.start = 50

[projection.XC]
source = X
target = C
receptor = exc
connect = bernoulli
p = 0.2
weight = 3
delay = 0.4
plasticity = ghp
plasticity.eta = 0.01
plasticity.rho = 8
plasticity.tau = 20
plasticity.tau_rate = 200
plasticity.w_min = 0

[input.stim]
type = injected_current
target = E
gain = 0.3
fraction = 0.5
times = 0, 100, 250
values = 0, 1, 0.5
)";
}

}  // namespace balnet::test

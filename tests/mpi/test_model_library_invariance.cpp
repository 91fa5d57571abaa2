// Every model, kernel, stimulus, the ring rule and stochastic release together, at the job's
// rank count against a one-rank reference in the same process: identical spikes, and
// identical state reports in the HDF5 files (written collectively by all ranks).
#include <gtest/gtest.h>

#include <boost/mpi/communicator.hpp>

#include <algorithm>
#include <cstdio>

#include "balnet/comm/mpi_communicator.hpp"
#include "balnet/comm/serial_communicator.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/h5.hpp"
#include "balnet/io/output_file.hpp"
#include "balnet/io/spec_reader.hpp"
#include "balnet/sim/simulation.hpp"

using namespace balnet;

namespace {

const char* library_ini = R"(
[run]
dt = 0.1
t_stop = 200
seed = 5
progress = false

[population.izh]
size = 30
model = izhikevich
preset = tonic_spiking
V_init = uniform(-70, -60)
receptor.a.type = current
receptor.a.kernel = alpha
receptor.a.tau = 3

[population.hh]
size = 20
model = hh
V_init = normal(-65, 3)
receptor.e.type = conductance
receptor.e.tau = 5
receptor.e.E_rev = 0
receptor.b.type = conductance
receptor.b.kernel = biexp
receptor.b.tau = 8
receptor.b.tau_rise = 1
receptor.b.E_rev = -80

[population.tm]
size = 20
model = traub_miles
V_init = normal(-65, 5)
receptor.e.type = conductance
receptor.e.tau = 6
receptor.e.E_rev = 0
receptor.e.init = normal(40, 15)
receptor.i.type = conductance
receptor.i.tau = 6
receptor.i.E_rev = -80

[population.alif]
size = 40
model = adaptive_lif
a1 = normal(2, 0.25)
V_init = uniform(-80, -70)
receptor.e.type = conductance
receptor.e.tau = 6
receptor.e.E_rev = 0

[population.rs]
size = 40
model = adex
preset = zerlaut_rs
precision = single
V_init = uniform(-70, -55)
receptor.e.type = conductance
receptor.e.tau = 5
receptor.e.E_rev = 0

[population.X]
size = 30
model = inhomogeneous_poisson
rate = 20 + 20*sin(t/20)

[projection.ring]
source = rs
target = rs
receptor = e
connect = ring
indegree = 5
spatial_decay = 4
delay_per_unit = 0.2
weight = 3
p_release = 0.8

[projection.Xalif]
source = X
target = alif
receptor = e
connect = fixed_outdegree
outdegree = 8
weight = 2
delay = uniform(0.1, 1)
p_release = 0.5

[projection.rshh]
source = rs
target = hh
receptor = e
connect = fixed_indegree
indegree = 6
multapses = true
weight = 4
delay = 0.5
p_release = 0.7

[projection.hhtm]
source = hh
target = tm
receptor = e
connect = bernoulli
p = 0.3
weight = 5
delay = 1

[projection.tmhh]
source = tm
target = hh
receptor = b
connect = bernoulli
p = 0.3
weight = 10
delay = 1

[projection.alifizh]
source = alif
target = izh
receptor = a
connect = bernoulli
p = 0.2
weight = 20
delay = 0.3

[input.steps]
type = step_current
target = izh
neurons = 0:30:2
start = 10, 50
stop = 150, 100
amplitude = 8, 4

[input.osc]
type = oscillatory_current
target = hh
amplitude = 1500
frequency = 10
offset = 500

[input.aff]
type = inhomogeneous_poisson
target = alif, rs
receptor = e
sources = 50
rate = 10 + 10*exp(-(t - 100)^2/(2*20^2))
weight = 1

[input.cues]
type = cue
target = alif
receptor = e
weight = 3
start = 20, 120
stop = 40, 140
rate = 2000, 5000
neurons = 0:10

[input.ou]
type = ou_conductance
target = tm
receptor_e = e
receptor_i = i
mu_e = 30
sigma_e = 8
mu_i = 150
sigma_i = 40
rho = 0.3

[recorder.izhV]
type = state
population = izh
variables = V, u, I_a
neurons = 0:7

[recorder.alifstate]
type = state
population = alif
variables = V, theta, g_e
interval = 0.5
average = true
start = 10

[recorder.hhgates]
type = state
population = hh
variables = V, m, g_b
neurons = 3, 7, 11
interval = 1
precision = double
)";

struct spike {
  step_t step;
  gid_t gid;
  bool operator<(const spike& o) const { return step != o.step ? step < o.step : gid < o.gid; }
  bool operator==(const spike& o) const { return step == o.step && gid == o.gid; }
};

std::vector<spike> run(communicator& comm, const network_spec& net, const std::string& file) {
  simulation sim(net, comm);
  sim.build();
  std::vector<std::pair<step_t, gid_t>> captured;
  run_options opt;
  opt.quiet = true;
  opt.capture = &captured;
  std::unique_ptr<output_file> out;
  if (!file.empty()) out = std::make_unique<output_file>(file, comm);
  sim.run(out.get(), nullptr, opt);
  if (out) out->finish();
  std::vector<spike> local;
  for (const auto& [t, g] : captured) local.push_back({t, g});
  std::vector<std::vector<spike>> to_all(static_cast<std::size_t>(comm.size()), local);
  auto all = comm.exchange(to_all);
  std::sort(all.begin(), all.end());
  return all;
}

// A whole dataset as doubles, and its shape.
std::vector<double> read_all(hid_t file, const std::string& path, std::vector<hsize_t>& dims) {
  h5::handle d(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
  h5::handle s(H5Dget_space(d), H5Sclose);
  dims.assign(static_cast<std::size_t>(H5Sget_simple_extent_ndims(s)), 0);
  H5Sget_simple_extent_dims(s, dims.data(), nullptr);
  std::vector<double> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
  if (!v.empty()) H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  return v;
}

}  // namespace

TEST(model_library, spikes_and_state_reports_match_the_one_rank_reference) {
  mpi_communicator comm{boost::mpi::communicator()};
  const auto net = read_network_spec(config::parse(library_ini, "library.ini"));
  const std::string tag = std::to_string(comm.size());
  const std::string mine = "model_library_" + tag + "ranks.h5";
  const std::string ref = "model_library_ref_" + tag + "ranks.h5";
  const auto spikes = run(comm, net, mine);
  serial_communicator one;
  std::vector<spike> reference;
  if (comm.rank() == 0) {
    reference = run(one, net, ref);
  } else {
    reference = run(one, net, "");
  }
  comm.barrier();
  // Every population takes part.
  for (const auto& pop : net.populations) {
    const auto n = std::count_if(reference.begin(), reference.end(), [&](const spike& s) { return pop.contains(s.gid); });
    EXPECT_GT(n, 5) << pop.name;
  }
  EXPECT_EQ(spikes.size(), reference.size());
  EXPECT_TRUE(spikes == reference);
  if (comm.rank() == 0) {
    h5::handle a(H5Fopen(mine.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    h5::handle b(H5Fopen(ref.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    ASSERT_TRUE(a.valid() && b.valid());
    const std::vector<std::pair<std::string, std::vector<hsize_t>>> expect = {
        {"izh/V", {2000, 7}}, {"izh/u", {2000, 7}}, {"izh/I_a", {2000, 7}},
        {"alif/V", {380, 40}}, {"alif/theta", {380, 40}}, {"alif/g_e", {380, 40}},
        {"hh/V", {200, 3}}, {"hh/m", {200, 3}}, {"hh/g_b", {200, 3}}};
    for (const auto& [var, shape] : expect) {
      std::vector<hsize_t> da, db;
      const auto va = read_all(a, "report/" + var + "/data", da);
      const auto vb = read_all(b, "report/" + var + "/data", db);
      EXPECT_EQ(da, shape) << var;
      EXPECT_EQ(db, shape) << var;
      EXPECT_TRUE(va == vb) << var << " differs from the one-rank file";
    }
    std::vector<hsize_t> d;
    EXPECT_EQ(read_all(a, "report/alif/V/mapping/time", d), (std::vector<double>{10.0, 200.0, 0.5}));
    EXPECT_EQ(read_all(a, "report/hh/V/mapping/node_ids", d), (std::vector<double>{3, 7, 11}));
    std::remove(ref.c_str());
  }
  comm.barrier();
  if (comm.rank() == 0) std::remove(mine.c_str());
}

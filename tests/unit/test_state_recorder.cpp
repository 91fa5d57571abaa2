// State reports: which state each row holds (sampling and bin averages), the SONATA
// mapping, and the errors for variables a model lacks.
#include <gtest/gtest.h>

#include <cstdio>

#include "balnet/core/error.hpp"
#include "balnet/io/h5.hpp"
#include "balnet/io/output_file.hpp"
#include "run_helpers.hpp"

using namespace balnet;
using test::local_network;
using test::spec_of;

namespace {

const std::string izh =
    "[run]\ndt = 0.25\nt_stop = 100\n[population.n]\nsize = 3\nmodel = izhikevich\npreset = tonic_spiking\n"
    "update_order = pyn\nV_init = uniform(-70, -60)\n[input.stim]\ntype = step_current\ntarget = n\nstart = 10\n"
    "stop = 100\namplitude = 14\n";

std::vector<double> read(const std::string& file, const std::string& path) {
  h5::handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  h5::handle d(H5Dopen2(f, path.c_str(), H5P_DEFAULT), H5Dclose);
  h5::handle s(H5Dget_space(d), H5Sclose);
  std::vector<double> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  return v;
}

std::string write_run(const std::string& ini, const std::string& name) {
  const std::string file = "/tmp/balnet_test_" + std::to_string(::getpid()) + "_" + name + ".h5";
  const auto net = spec_of(ini);
  serial_communicator one;
  simulation sim(net, one);
  sim.build();
  output_file out(file, one);
  run_options opt;
  opt.quiet = true;
  sim.run(&out, nullptr, opt);
  out.finish();
  return file;
}

std::string error_of(const std::string& ini) {
  try {
    spec_of(ini);
  } catch (const config_error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(state_recorder, sampled_rows_match_the_model_stepped_by_hand) {
  const std::string file = write_run(izh +
                                         "[recorder.every]\ntype = state\npopulation = n\nvariables = V, u\nneurons = 0, 2\n"
                                         "precision = double\ninterval = 0.5\n",
                                     "rows");
  // The same neurons stepped by hand: states at times 0, dt, 2 dt, ...
  local_network ln(spec_of(izh));
  auto stim = ln.input(0);
  auto& g = ln.group("n");
  std::vector<std::vector<double>> V, u;  // [time step][neuron]
  std::vector<double> v(3), w(3);
  std::vector<index_t> s;
  for (step_t t = 0; t <= 400; ++t) {
    g.get_state("V", v);
    g.get_state("u", w);
    V.push_back(v);
    u.push_back(w);
    stim->apply(t);
    g.update(t, s);
  }
  const auto rV = read(file, "report/n/V/data");
  const auto ru = read(file, "report/n/u/data");
  ASSERT_EQ(rV.size(), 200u * 2);  // 100 ms every 0.5 ms, neurons 0 and 2
  for (std::size_t j = 0; j < 200; ++j) {
    EXPECT_EQ(rV[2 * j], V[2 * j][0]) << j;
    EXPECT_EQ(rV[2 * j + 1], V[2 * j][2]) << j;
    EXPECT_EQ(ru[2 * j + 1], u[2 * j][2]) << j;
  }
  EXPECT_EQ(read(file, "report/n/V/mapping/time"), (std::vector<double>{0.0, 100.0, 0.5}));
  EXPECT_EQ(read(file, "report/n/V/mapping/node_ids"), (std::vector<double>{0, 2}));
  EXPECT_EQ(read(file, "report/n/V/mapping/index_pointers"), (std::vector<double>{0, 1, 2}));
  std::remove(file.c_str());
}

TEST(state_recorder, averaged_rows_are_bin_means) {
  // Row j of [5, 50) ms in 1-ms bins averages the 4 states at 5 + j, 5.25 + j, 5.5 + j, 5.75 + j.
  const std::string file = write_run(izh +
                                         "[recorder.mean]\ntype = state\npopulation = n\nvariables = V\nprecision = double\n"
                                         "interval = 1\naverage = true\nstart = 5\nstop = 50\n",
                                     "avg");
  local_network ln(spec_of(izh));
  auto stim = ln.input(0);
  auto& g = ln.group("n");
  std::vector<std::vector<double>> V;
  std::vector<double> v(3);
  std::vector<index_t> s;
  for (step_t t = 0; t <= 400; ++t) {
    g.get_state("V", v);
    V.push_back(v);
    stim->apply(t);
    g.update(t, s);
  }
  const auto r = read(file, "report/n/V/data");
  ASSERT_EQ(r.size(), 45u * 3);
  for (std::size_t j = 0; j < 45; ++j) {
    for (std::size_t i = 0; i < 3; ++i) {
      double m = 0;
      for (std::size_t k = 0; k < 4; ++k) m += V[20 + 4 * j + k][i];
      EXPECT_NEAR(r[3 * j + i], m / 4, 1e-12 * std::abs(m)) << j << " " << i;
    }
  }
  EXPECT_EQ(read(file, "report/n/V/mapping/time"), (std::vector<double>{5.0, 50.0, 1.0}));
  std::remove(file.c_str());
}

TEST(state_recorder, errors_name_the_variables_a_model_has) {
  const std::string r = "[recorder.r]\ntype = state\npopulation = n\n";
  const auto e = error_of(izh + r + "variables = V, w\n");
  EXPECT_NE(e.find("test.ini:"), std::string::npos) << e;
  EXPECT_NE(e.find("population 'n' (model izhikevich) has no state variable 'w' (its variables: V, u)"),
            std::string::npos) << e;
  EXPECT_NE(error_of(izh + r + "variables = V\ninterval = 0.3\n").find("whole number of steps"), std::string::npos);
  EXPECT_NE(error_of(izh + r + "variables = V\nneurons = 5\n").find("index 5 is out of range"), std::string::npos);
  EXPECT_NE(error_of(izh + r + "variables = V\n[recorder.q]\ntype = state\npopulation = n\nvariables = u, V\n")
                .find("already recorded by [recorder.r]"), std::string::npos);
  EXPECT_NE(error_of(izh + r + "variables = V\ncolour = red\n").find("unknown key 'colour'"), std::string::npos);
}

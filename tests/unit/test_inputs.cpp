// Stimuli: step and oscillatory currents, inhomogeneous Poisson trains (expression and
// file), cue schedules and OU conductance noise with perturbations.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "balnet/core/error.hpp"
#include "run_helpers.hpp"

using namespace balnet;
using test::local_network;
using test::spec_of;

namespace {

std::string temp_file(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/balnet_test_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path) << text;
  return path;
}

std::string error_of(const std::string& ini) {
  try {
    spec_of(ini);
  } catch (const config_error& e) {
    return e.what();
  }
  return "(no error)";
}

const std::string izh4 = "[run]\ndt = 0.5\nt_stop = 10\n[population.P]\nsize = 4\nmodel = izhikevich\n";

}  // namespace

TEST(step_current, overlapping_steps_add_on_half_open_intervals) {
  local_network ln(spec_of(izh4 + "[input.s]\ntype = step_current\ntarget = P\nneurons = 1:3\n"
                                  "start = 1, 2\nstop = 3, 4\namplitude = 1, 10\n"));
  auto in = ln.input(0);
  double* I = ln.group("P").current_input();
  const double expect[] = {0, 0, 1, 1, 11, 11, 10, 10, 0, 0};
  for (step_t t = 0; t < 10; ++t) {
    in->apply(t);
    for (int i = 0; i < 4; ++i) {
      EXPECT_EQ(I[i], (i == 1 || i == 2) ? expect[t] : 0.0) << "step " << t << " neuron " << i;
      I[i] = 0;
    }
  }
}

TEST(oscillatory_current, sine_and_raised_cosine) {
  for (const char* shape : {"sine", "raised_cosine"}) {
    const bool sine = std::string(shape) == "sine";
    local_network ln(spec_of(izh4 + "[input.o]\ntype = oscillatory_current\ntarget = P\namplitude = 3\nfrequency = 50\n"
                                    "offset = 1\nshape = " + shape + (sine ? "\nphase = 90\n" : "\n") + "start = 2\n"));
    auto in = ln.input(0);
    double* I = ln.group("P").current_input();
    for (step_t t = 0; t < 20; ++t) {
      in->apply(t);
      const double x = 2 * M_PI * 50e-3 * static_cast<double>(t) * 0.5;
      const double want = t < 4 ? 0.0 : sine ? 1 + 3 * std::sin(x + M_PI / 2) : 1 + 3 * (1 - std::cos(x)) / 2;
      EXPECT_NEAR(I[3], want, 1e-12) << shape << " step " << t;
      for (int i = 0; i < 4; ++i) I[i] = 0;
    }
  }
}

TEST(inhomogeneous_poisson, rate_function_of_t_or_from_a_file_at_most_one_event_per_step) {
  const std::string file = temp_file("rate.txt", "# t rate\n0 0\n500 200\n");
  for (const std::string& rate : {std::string("rate = 200*floor(t/500)"), "rate_file = " + file}) {
    local_network ln(spec_of("[run]\ndt = 0.1\nt_stop = 1000\n[population.P]\nsize = 200\nmodel = lif\n"
                             "receptor.e.type = delta\n[input.aff]\ntype = inhomogeneous_poisson\ntarget = P\n"
                             "receptor = e\nsources = 2\nweight = 1\n" + rate + "\n"));
    auto in = ln.input(0);
    double* acc = ln.group("P").receptor_input(0);
    double before = 0, after = 0;
    for (step_t t = 0; t < 10000; ++t) {
      in->apply(t);
      for (int i = 0; i < 200; ++i) {
        ASSERT_TRUE(acc[i] == 0.0 || acc[i] == 1.0);
        (t < 5000 ? before : after) += acc[i];
        acc[i] = 0;
      }
    }
    EXPECT_EQ(before, 0.0) << rate;
    const double expect = 200 * 5000 * (2 * 200 * 1e-4);  // p = sources * rate * dt
    EXPECT_NEAR(after, expect, 5 * std::sqrt(expect)) << rate;
  }
  std::remove(file.c_str());
}

TEST(cue, per_neuron_schedules_inline_and_from_a_file) {
  const std::string file = temp_file("cues.txt", "100 200 10000 0:5\n300 400 2000 0 1 2 3 4\n");
  for (const std::string& cues : {std::string("start = 100, 300\nstop = 200, 400\nrate = 10000, 2000\nneurons = 0:5\n"),
                                  "schedule = " + file + "\n"}) {
    local_network ln(spec_of("[run]\ndt = 0.1\nt_stop = 500\n[population.P]\nsize = 10\nmodel = adaptive_lif\n"
                             "receptor.e.type = conductance\nreceptor.e.tau = 6\nreceptor.e.E_rev = 0\n"
                             "[input.cue]\ntype = cue\ntarget = P\nreceptor = e\nweight = 0.3\n" + cues));
    auto in = ln.input(0);
    double* acc = ln.group("P").receptor_input(0);
    double first = 0, second = 0, other = 0;
    for (step_t t = 0; t < 5000; ++t) {
      in->apply(t);
      for (int i = 0; i < 10; ++i) {
        if (acc[i] != 0.0) {
          EXPECT_EQ(acc[i], 0.3);
        }
        const double n = acc[i] / 0.3;
        if (i < 5 && t >= 1000 && t < 2000) {
          first += n;
        } else if (i < 5 && t >= 3000 && t < 4000) {
          second += n;
        } else {
          other += n;
        }
        acc[i] = 0;
      }
    }
    EXPECT_EQ(first, 5 * 1000.0);  // 10 kHz at dt 0.1 ms: an event every step
    EXPECT_NEAR(second, 5 * 1000 * 0.2, 5 * std::sqrt(5 * 1000 * 0.2 * 0.8));
    EXPECT_EQ(other, 0.0);
  }
  std::remove(file.c_str());
}

TEST(ou_conductance, stationary_mean_sd_and_correlation) {
  local_network ln(spec_of("[run]\ndt = 0.1\nt_stop = 1000\n[population.P]\nsize = 200\nmodel = adaptive_lif\n"
                           "theta_0 = 1000\nreceptor.e.type = conductance\nreceptor.e.tau = 6\nreceptor.e.E_rev = 0\n"
                           "receptor.i.type = conductance\nreceptor.i.tau = 6\nreceptor.i.E_rev = -80\n"
                           "[input.ou]\ntype = ou_conductance\ntarget = P\nreceptor_e = e\nreceptor_i = i\n"
                           "mu_e = 6.6\nsigma_e = 1.6\nmu_i = 12.2\nsigma_i = 3.2\nrho = 0.2\n"));
  auto in = ln.input(0);
  auto& g = ln.group("P");
  const double d = std::exp(-0.1 / 6);
  std::vector<double> ge(200), gi(200);
  std::vector<index_t> s;
  double n = 0, se = 0, si = 0, see = 0, sii = 0, sei = 0;
  for (step_t t = 0; t < 10000; ++t) {
    in->apply(t);
    g.update(t, s);
    if (t % 10) continue;
    g.get_state("g_e", ge);  // after the step: the value of this step times the decay
    g.get_state("g_i", gi);
    for (int k = 0; k < 200; ++k) {
      const double e = ge[k] / d, i = gi[k] / d;
      n += 1;
      se += e;
      si += i;
      see += e * e;
      sii += i * i;
      sei += e * i;
    }
  }
  const double me = se / n, mi = si / n;
  const double ve = see / n - me * me, vi = sii / n - mi * mi;
  EXPECT_NEAR(me, 6.6, 0.05);
  EXPECT_NEAR(mi, 12.2, 0.1);
  EXPECT_NEAR(std::sqrt(ve), 1.6, 0.05);
  EXPECT_NEAR(std::sqrt(vi), 3.2, 0.1);
  EXPECT_NEAR((sei / n - me * mi) / std::sqrt(ve * vi), 0.2, 0.03);
}

TEST(ou_conductance, per_neuron_table_and_perturbations_add_exactly) {
  const std::string table = temp_file("ou.txt", "# mu_e sigma_e mu_i sigma_i rho\n5 0 10 0 0\n7 0 11 0 0.5\n");
  const std::string pert = temp_file("pert.txt", "1 2 1.5 -2\n1.5 3 0.5 0\n");
  local_network ln(spec_of("[run]\ndt = 0.1\nt_stop = 10\n[population.P]\nsize = 3\nmodel = adaptive_lif\n"
                           "receptor.e.type = conductance\nreceptor.e.tau = 6\nreceptor.e.E_rev = 0\n"
                           "receptor.i.type = conductance\nreceptor.i.tau = 6\nreceptor.i.E_rev = -80\n"
                           "[input.ou]\ntype = ou_conductance\ntarget = P\nreceptor_e = e\nreceptor_i = i\n"
                           "neurons = 1:3\ntable = " + table + "\nperturbation = " + pert + "\n"));
  auto in = ln.input(0);
  auto& g = ln.group("P");
  const double d = std::exp(-0.1 / 6);
  std::vector<double> ge(3), gi(3);
  std::vector<index_t> s;
  for (step_t t = 0; t < 40; ++t) {
    in->apply(t);
    g.update(t, s);
    g.get_state("g_e", ge);
    g.get_state("g_i", gi);
    const double Ae = (t >= 10 && t < 20 ? 1.5 : 0.0) + (t >= 15 && t < 30 ? 0.5 : 0.0);
    const double Ai = t >= 10 && t < 20 ? -2.0 : 0.0;
    EXPECT_EQ(ge[0], 0.0);
    EXPECT_NEAR(ge[1] / d, 5 + Ae, 1e-9) << t;
    EXPECT_NEAR(ge[2] / d, 7 + Ae, 1e-9) << t;
    EXPECT_NEAR(gi[1] / d, 10 + Ai, 1e-9) << t;
    EXPECT_NEAR(gi[2] / d, 11 + Ai, 1e-9) << t;
  }
  std::remove(table.c_str());
  std::remove(pert.c_str());
}

TEST(input_errors, bad_stimuli_give_clear_config_errors) {
  const std::string base = "[run]\ndt = 0.1\n[population.P]\nsize = 10\nmodel = adaptive_lif\n"
                           "receptor.e.type = conductance\nreceptor.e.tau = 6\nreceptor.e.E_rev = 0\n"
                           "receptor.c.type = current\nreceptor.c.tau = 6\n[population.X]\nsize = 2\nmodel = poisson\nrate = 1\n";
  EXPECT_NE(error_of(base + "[input.s]\ntype = step_current\ntarget = P\nstart = 1, 2\nstop = 3\namplitude = 1\n")
                .find("lists of the same length"), std::string::npos);
  EXPECT_NE(error_of(base + "[input.s]\ntype = step_current\ntarget = P\nneurons = 3:20\nstart = 1\nstop = 3\namplitude = 1\n")
                .find("bad range '3:20'"), std::string::npos);
  EXPECT_NE(error_of(base + "[input.s]\ntype = step_current\ntarget = X\nstart = 1\nstop = 3\namplitude = 1\n")
                .find("is a spike source"), std::string::npos);
  EXPECT_NE(error_of(base + "[input.r]\ntype = inhomogeneous_poisson\ntarget = P\nreceptor = e\nweight = 1\n"
                            "rate = 3*tt\n").find("unknown name 'tt'"), std::string::npos);
  EXPECT_NE(error_of(base + "[input.r]\ntype = inhomogeneous_poisson\ntarget = P\nreceptor = e\nweight = 1\n"
                            "rate_file = /nonexistent/rates.txt\n").find("cannot open the file /nonexistent/rates.txt"),
            std::string::npos);
  EXPECT_NE(error_of(base + "[input.r]\ntype = inhomogeneous_poisson\ntarget = P\nreceptor = e\nweight = 1\n")
                .find("not neither"), std::string::npos);
  EXPECT_NE(error_of(base + "[input.o]\ntype = ou_conductance\ntarget = P\nreceptor_e = c\nreceptor_i = e\nmu_e = 1\n"
                            "sigma_e = 1\nmu_i = 1\nsigma_i = 1\n").find("must be an exponential conductance"),
            std::string::npos);
  EXPECT_NE(error_of(base + "[input.c]\ntype = cue\ntarget = P\nreceptor = x\nweight = 1\nstart = 1\nstop = 2\nrate = 5\n")
                .find("has no receptor 'x' (its receptors: e, c)"), std::string::npos);
}

TEST(inputs, reach_single_precision_groups_and_follow_receptor_scales) {
  // A `precision = single` population keeps float receptor states; a current receptor with
  // area normalisation scales each weight by 1/tau.
  local_network ln(spec_of("[run]\ndt = 0.1\nt_stop = 100\n[population.P]\nsize = 50\nmodel = lif\nprecision = single\n"
                           "receptor.c.type = current\nreceptor.c.tau = 4\n"
                           "[input.aff]\ntype = inhomogeneous_poisson\ntarget = P\nreceptor = c\nweight = 2\nrate = 1e4\n"));
  auto in = ln.input(0);
  auto& g = ln.group("P");
  ASSERT_EQ(g.receptor_input(0), nullptr);
  float* acc = g.receptor_input_single(0);
  ASSERT_NE(acc, nullptr);
  in->apply(0);  // 10 kHz at dt 0.1 ms: an event for every neuron
  for (int i = 0; i < 50; ++i) EXPECT_EQ(acc[i], 0.5f) << i;
}

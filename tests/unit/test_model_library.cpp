// The neuron model library: pyN's deterministic Izhikevich runs (T6), the presets, Hodgkin-
// Huxley and Traub-Miles cells, the adaptive-threshold LIF, synaptic kernels and the
// configuration errors of each model.
#include <gtest/gtest.h>

#include <cmath>

#include "balnet/core/error.hpp"
#include "balnet/model/hodgkin_huxley.hpp"
#include "balnet/model/izhikevich.hpp"
#include "run_helpers.hpp"

using namespace balnet;
using test::local_network;
using test::spec_of;
using test::spike_times;

namespace {

std::string one_izhikevich(const std::string& preset, double amplitude, double start, double stop,
                           double t_stop, const std::string& order = "pyn") {
  return "[run]\ndt = 0.25\nt_stop = " + std::to_string(t_stop) +
         "\n[population.n]\nsize = 1\nmodel = izhikevich\npreset = " + preset + "\nupdate_order = " + order +
         "\n[input.stim]\ntype = step_current\ntarget = n\nstart = " + std::to_string(start) +
         "\nstop = " + std::to_string(stop) + "\namplitude = " + std::to_string(amplitude) + "\n";
}

std::string error_of(const std::string& ini, const std::vector<std::string>& sets = {}) {
  try {
    spec_of(ini, sets);
  } catch (const config_error& e) {
    return e.what();
  }
  return "(no error)";
}

// Steps a group with nothing but what the test put into its accumulators.
std::vector<step_t> run_group(neuron_group& g, step_t steps, const std::function<void(step_t)>& before = {}) {
  std::vector<step_t> spikes;
  std::vector<index_t> s;
  for (step_t t = 0; t < steps; ++t) {
    if (before) before(t);
    s.clear();
    g.update(t, s);
    if (!s.empty()) spikes.push_back(t);
  }
  return spikes;
}

double state(const neuron_group& g, const std::string& var, std::size_t i = 0) {
  std::vector<double> v(g.size());
  EXPECT_TRUE(g.get_state(var, v)) << var;
  return v[i];
}

}  // namespace

TEST(izhikevich, pyn_single_neuron_gives_exactly_the_T6_spike_times) {
  // MODELS.md T6: pyN's "Charly the Neuron", 14 on [10, 100] ms, dt 0.25, pyN update order.
  const auto t = spike_times(spec_of(one_izhikevich("tonic_spiking", 14, 10, 100, 100)))["n"];
  EXPECT_EQ(t, (std::vector<double>{12.75, 16.75, 31.25, 59.0, 86.5}));
}

TEST(izhikevich, pyn_phasic_bursting_under_the_thalamocortical_stimulus) {
  // MODELS.md 4.7: 20 on [10, 200] ms, T = 600 ms: 100 spikes, the first at 11.25, 12.75, 14.25.
  const auto t = spike_times(spec_of(one_izhikevich("phasic_bursting", 20, 10, 200, 600)))["n"];
  ASSERT_EQ(t.size(), 100u);
  EXPECT_EQ(t[0], 11.25);
  EXPECT_EQ(t[1], 12.75);
  EXPECT_EQ(t[2], 14.25);
}

TEST(izhikevich, every_preset_of_pyns_table_is_available) {
  const auto& table = izhikevich_presets();
  ASSERT_EQ(table.size(), 20u);
  for (const auto& p : table) {
    local_network ln(spec_of(one_izhikevich(p.name, 0, 1, 2, 1)));
    const auto& params = static_cast<const izhikevich_params&>(*ln.net.populations[0].params);
    EXPECT_EQ(params.a, p.a) << p.name;
    EXPECT_EQ(params.d, p.d) << p.name;
    EXPECT_EQ(state(ln.group("n"), "V"), p.v0) << p.name;
    EXPECT_EQ(state(ln.group("n"), "u"), std::isnan(p.u0) ? p.b * p.v0 : p.u0) << p.name;
  }
  // Keys override the preset.
  local_network ln(spec_of(one_izhikevich("tonic_spiking", 0, 1, 2, 1), {"population.n.d=8"}));
  EXPECT_EQ(static_cast<const izhikevich_params&>(*ln.net.populations[0].params).d, 8.0);
}

TEST(izhikevich, standard_order_resets_at_the_spike_and_fires_periodically) {
  local_network ln(spec_of(one_izhikevich("tonic_spiking", 10, 0, 2000, 2000, "standard")));
  auto stim = ln.input(0);
  auto& g = ln.group("n");
  double vmax = -1e9;
  std::vector<step_t> spikes;
  std::vector<index_t> s;
  for (step_t t = 0; t < 8000; ++t) {
    stim->apply(t);
    s.clear();
    g.update(t, s);
    if (!s.empty()) {
      spikes.push_back(t);
      EXPECT_EQ(state(g, "V"), -65.0);  // reset in the spike step, no +30 sample
    }
    vmax = std::max(vmax, state(g, "V"));
  }
  EXPECT_LT(vmax, 30.0);
  ASSERT_GT(spikes.size(), 20u);
  const auto n = spikes.size();
  EXPECT_LE(std::abs((spikes[n - 1] - spikes[n - 2]) - (spikes[n - 2] - spikes[n - 3])), 1);
}

TEST(hodgkin_huxley, classic_cell_rests_and_fires_repetitively) {
  const std::string ini =
      "[run]\ndt = 0.01\nt_stop = 200\n[population.hh]\nsize = 2\nmodel = hh\n"
      "[input.I]\ntype = step_current\ntarget = hh\nneurons = 1\nstart = 0\nstop = 200\namplitude = 2000\n";
  local_network ln(spec_of(ini));
  auto& g = ln.group("hh");
  // Steady state at the initial potential: m, h, n from the rate functions.
  const auto& p = static_cast<const hh_params&>(*ln.net.populations[0].params);
  const auto r = hh_rates_at(p, -65.0);
  EXPECT_DOUBLE_EQ(state(g, "m"), r.am / (r.am + r.bm));
  EXPECT_DOUBLE_EQ(state(g, "n"), r.an / (r.an + r.bn));
  auto in = ln.input(0);
  std::vector<double> V(2);
  std::vector<int> count(2, 0);
  std::vector<index_t> s;
  for (step_t t = 0; t < 20000; ++t) {
    in->apply(t);
    s.clear();
    g.update(t, s);
    for (auto i : s) ++count[i];
  }
  g.get_state("V", V);
  EXPECT_EQ(count[0], 0);
  EXPECT_NEAR(V[0], -65.0, 0.1);  // the classic resting potential
  // 10 uA/cm^2 (2000 pA on 20000 um^2): tonic firing near 68 Hz (Hodgkin-Huxley at 6.3 C).
  EXPECT_GE(count[1], 12);
  EXPECT_LE(count[1], 15);
}

TEST(hodgkin_huxley, exponential_and_forward_euler_agree_at_small_dt) {
  for (const char* model : {"hh", "traub_miles"}) {
    std::vector<std::vector<double>> t;
    for (const char* method : {"exp_euler", "euler"}) {
      const std::string ini = std::string("[run]\ndt = 0.0025\nt_stop = 50\n[population.c]\nsize = 1\nmodel = ") + model +
                              "\nintegrator = " + method + "\nI_e = " + (std::string(model) == "hh" ? "2000" : "400") + "\n";
      t.push_back(spike_times(spec_of(ini))["c"]);
    }
    // Both are first-order methods: their spike times differ by O(dt) per spike.
    ASSERT_GE(t[0].size(), 3u) << model;
    ASSERT_GE(t[1].size(), 3u) << model;
    for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(t[0][k], t[1][k], 0.1) << model << " spike " << k;
  }
}

TEST(hodgkin_huxley, traub_miles_cell_is_a_pacemaker_without_input) {
  // With E_L = -60 mV above V_T = -63 mV the COBAHH cell fires on its own (7 spikes in
  // 500 ms from -65 mV in Brian2's COBAHH equations); spikes are counted once each.
  local_network ln(spec_of("[run]\ndt = 0.1\n[population.c]\nsize = 1\nmodel = traub_miles\nV_init = -65\n"));
  const auto spikes = run_group(ln.group("c"), 5000);
  EXPECT_GE(spikes.size(), 6u);
  EXPECT_LE(spikes.size(), 8u);
  for (std::size_t k = 1; k < spikes.size(); ++k) EXPECT_GT(spikes[k] - spikes[k - 1], 300);
}

TEST(adaptive_lif, threshold_jumps_refractory_clamp_and_per_neuron_a1) {
  const std::string ini =
      "[run]\ndt = 0.1\n[population.E]\nsize = 400\nmodel = adaptive_lif\nI_e = 400\na1 = normal(2, 0.25)\n"
      "t_ref = 2\nV_init = -80\n";
  local_network ln(spec_of(ini));
  auto& g = ln.group("E");
  // a1 drawn once per neuron, keyed by gid: its statistics, and the same value for a gid
  // whatever else the rank holds.
  std::vector<double> a1(400);
  g.get_state("a1", a1);
  double m = 0, m2 = 0;
  for (double x : a1) {
    m += x / 400;
    m2 += x * x / 400;
  }
  EXPECT_NEAR(m, 2.0, 0.05);
  EXPECT_NEAR(std::sqrt(m2 - m * m), 0.25, 0.03);
  {
    partition part(1, 3);
    const auto& pop = ln.net.populations[0];
    auto other = find_model(pop.model)->create(pop, part.local_gids(pop), ln.net.run);
    std::vector<double> b(other->size());
    other->get_state("a1", b);
    for (std::size_t k = 0; k < b.size(); ++k) EXPECT_EQ(b[k], a1[1 + 3 * k]);
  }
  // First spike: H1 jumps by a1, H2 by a2 = 0.3, V is held at V_reset for t_ref/dt = 20 steps.
  std::vector<index_t> s;
  step_t t = 0;
  for (; t < 2000; ++t) {
    s.clear();
    g.update(t, s);
    if (!s.empty() && s.front() == 0) break;
  }
  ASSERT_LT(t, 2000);
  EXPECT_DOUBLE_EQ(state(g, "H1"), a1[0]);
  EXPECT_DOUBLE_EQ(state(g, "H2"), 0.3);
  EXPECT_DOUBLE_EQ(state(g, "theta"), -55.0 + a1[0] + 0.3);
  for (int k = 1; k <= 20; ++k) {
    g.update(t + k, s);
    EXPECT_EQ(state(g, "V"), -80.0) << k;
  }
  g.update(t + 21, s);
  EXPECT_GT(state(g, "V"), -80.0);
}

TEST(receptor_kernels, alpha_and_biexp_have_unit_area_or_peak) {
  struct kcase {
    std::string kernel, norm, type;
    double area, peak;  // expected per unit weight (NaN: not checked)
  };
  const std::vector<kcase> cases = {
      {"alpha", "area", "current", 1.0, NAN}, {"alpha", "peak", "current", NAN, 1.0},
      {"biexp", "area", "current", 1.0, NAN}, {"biexp", "peak", "current", NAN, 1.0},
      {"alpha", "", "conductance", NAN, 1.0}, {"biexp", "", "conductance", NAN, 1.0},
      {"exponential", "", "conductance", NAN, 1.0}, {"exponential", "", "current", 1.0, NAN},
  };
  const double dt = 0.001;
  for (const auto& c : cases) {
    std::string ini = "[run]\ndt = 0.001\n[population.n]\nsize = 1\nmodel = lif\nV_th = 1000\nV_reset = -70\n"
                      "receptor.r.type = " + c.type + "\nreceptor.r.tau = 5\nreceptor.r.kernel = " + c.kernel + "\n";
    if (c.kernel == "biexp") ini += "receptor.r.tau_rise = 1\n";
    if (c.type == "conductance") ini += "receptor.r.E_rev = 0\n";
    if (!c.norm.empty()) ini += "receptor.r.norm = " + c.norm + "\n";
    local_network ln(spec_of(ini));
    auto& g = ln.group("n");
    g.receptor_input(0)[0] = 2.0 * g.receptor_scale(0);  // an arrival of weight 2
    const std::string var = (c.type == "current" ? "I_r" : "g_r");
    double area = 0, peak = 0, t_peak = 0;
    std::vector<index_t> s;
    double prev = 0.0;  // value at the start of step t (0 before the arrival)
    for (step_t t = 0; t < 100000; ++t) {
      g.update(t, s);
      const double v = state(g, var);  // value at the end of step t
      area += 0.5 * (prev + v) * dt;
      if (v > peak) {
        peak = v;
        t_peak = static_cast<double>(t + 1) * dt;
      }
      prev = v;
    }
    if (c.kernel == "exponential") area += 0.5 * 2.0 * (c.type == "current" ? 1.0 / 5 : 1.0) * dt;  // jump at t = 0
    const std::string what = c.kernel + "/" + c.type + "/" + c.norm;
    if (!std::isnan(c.area)) { EXPECT_NEAR(area, 2.0 * c.area, 2e-3) << what; }
    if (!std::isnan(c.peak)) { EXPECT_NEAR(peak, 2.0 * c.peak, 2e-3) << what; }
    if (c.kernel == "alpha") { EXPECT_NEAR(t_peak, 5.0, 2 * dt) << what; }
    if (c.kernel == "biexp") { EXPECT_NEAR(t_peak, 5.0 * 1.0 / 4.0 * std::log(5.0), 2 * dt) << what; }
  }
}

TEST(receptor_kernels, initial_values_are_drawn_per_neuron) {
  local_network ln(spec_of("[run]\ndt = 0.1\n[population.n]\nsize = 2000\nmodel = traub_miles\n"
                           "receptor.e.type = conductance\nreceptor.e.tau = 5\nreceptor.e.E_rev = 0\n"
                           "receptor.e.init = normal(40, 15)\n"));
  std::vector<double> g(2000);
  ln.group("n").get_state("g_e", g);
  double m = 0;
  for (double x : g) m += x / 2000;
  EXPECT_NEAR(m, 40.0, 1.5);
  EXPECT_NE(g[0], g[1]);
}

TEST(model_errors, bad_parameters_give_clear_config_errors) {
  const std::string head = "[run]\ndt = 0.1\n[population.P]\nsize = 3\n";
  EXPECT_NE(error_of(head + "model = izhikevich\npreset = tonic_spikes\n").find("must be one of: tonic_spiking"),
            std::string::npos);
  EXPECT_NE(error_of(head + "model = adex\npreset = zerlaut_xx\n").find("zerlaut_rs"), std::string::npos);
  EXPECT_NE(error_of(head + "model = lif\npreset = zerlaut_rs\n").find("model = adex only"), std::string::npos);
  EXPECT_NE(error_of(head + "model = adaptive_lif\nC = -200\n").find("population.P.C = -200: the membrane capacitance C (pF) must be > 0"),
            std::string::npos);
  EXPECT_NE(error_of(head + "model = adex\nC = -1\n").find("must be > 0"), std::string::npos);
  EXPECT_NE(error_of(head + "model = hh\nC_m = -1\n").find("C_m (uF/cm^2) must be > 0"), std::string::npos);
  EXPECT_NE(error_of(head + "model = adaptive_lif\nt_ref = 0.05\n").find("shorter than dt"), std::string::npos);
  EXPECT_NE(error_of(head + "model = lif\nt_ref = 0.05\n").find("shorter than dt"), std::string::npos);
  EXPECT_NE(error_of(head + "model = hh\nm_init = 1.5\n").find("[0, 1]"), std::string::npos);
  EXPECT_NE(error_of(head + "model = lif\nreceptor.e.type = current\nreceptor.e.tau = 2\nreceptor.e.kernel = biexp\n"
                            "receptor.e.tau_rise = 3\n").find("rise time constant must be shorter"),
            std::string::npos);
  EXPECT_NE(error_of(head + "model = izhikevich\nupdate_order = brian\n").find("standard, pyn"), std::string::npos);
  EXPECT_NE(error_of(head + "model = izhikevich\nthreshold = 30\n").find("unknown key 'threshold'"), std::string::npos);
}

// The order of events (docs/plasticity.md, "Semantics") checked on single spike pairs with
// exact expected values: arrival-time presynaptic updates with the postsynaptic trace at
// that step, postsynaptic updates with the presynaptic trace as seen at the synapse
// (delayed, arrivals of the same step included), triplet own traces read before their jump,
// the GHP population rate.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "balnet/comm/serial_communicator.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/spec_reader.hpp"
#include "balnet/plasticity/plastic_projection.hpp"
#include "balnet/plasticity/plasticity_engine.hpp"

using namespace balnet;

namespace {

constexpr double dt = 0.1;

network_spec net_with(const std::string& rule_keys, double w0, double delay_ms) {
  std::ostringstream s;
  s << "[run]\ndt = " << dt << "\nt_stop = 100\n"
    << "[population.P]\nsize = 1\nmodel = poisson\nrate = 1\n"
    << "[population.Q]\nsize = 1\nmodel = lif\nreceptor.a.type = current\nreceptor.a.tau = 5\n"
    << "[projection.PQ]\nsource = P\ntarget = Q\nreceptor = a\nconnect = one_to_one\n"
    << "weight = " << w0 << "\ndelay = " << delay_ms << "\n" << rule_keys;
  return read_network_spec(config::parse(s.str(), "timing.ini"));
}

// One synapse; pre spikes emitted at `pre` steps (arriving `delay` steps later), post spikes
// at `post` steps; returns the final weight.
double pair(const std::string& keys, double w0, std::uint16_t delay, const std::vector<step_t>& pre,
            const std::vector<step_t>& post, step_t steps) {
  const auto net = net_with(keys, w0, delay * dt);
  std::vector<raw_synapse> raw{{0, 0, static_cast<float>(w0), delay}};
  synapse_store store(1, std::move(raw));
  post_traces traces(1);
  plastic_projection::register_traces(*net.projections[0].plasticity, traces);
  traces.allocate(dt);
  plastic_projection proj(*net.projections[0].plasticity, store, traces, {0}, dt);
  std::vector<index_t> none, one{0};
  for (step_t t = 0; t < steps; ++t) {
    for (step_t s : pre) {
      if (s + delay == t) proj.arrive(0, t);
    }
    bool fired = false;
    for (step_t s : post) fired |= s == t;
    proj.post_spikes(fired ? one : none, t);
    traces.advance(fired ? one : none);
  }
  return store.weights()[0];
}

const std::string additive_stdp =
    "plasticity = stdp\nplasticity.eta = 0.01\nplasticity.form = additive\nplasticity.w_max = 10\n"
    "plasticity.tau_plus = 20\nplasticity.tau_minus = 30\n";

}  // namespace

TEST(plasticity_timing, pre_before_post_potentiates_with_the_delayed_trace) {
  // Pre spike at step 100, delay 5 steps: arrives at 105. Post at 305: the presynaptic trace
  // as seen at the synapse is exp(-200 dt / tau_plus).
  const double w = pair(additive_stdp, 5.0, 5, {100}, {305}, 400);
  const double expected = 5.0 + 0.01 * 10.0 * std::exp(-200 * dt / 20.0);
  EXPECT_NEAR(w, expected, 2e-6);
}

TEST(plasticity_timing, post_before_pre_depresses_at_arrival) {
  // Post at step 100; pre emitted at 295 arrives at 300: x_post = exp(-200 dt / tau_minus).
  const double w = pair(additive_stdp, 5.0, 5, {295}, {100}, 400);
  const double expected = 5.0 - 0.01 * 10.0 * std::exp(-200 * dt / 30.0);
  EXPECT_NEAR(w, expected, 2e-6);
}

TEST(plasticity_timing, arrival_and_post_spike_in_one_step) {
  // The arrival comes first: its depression sees the postsynaptic trace before this step's
  // spike (zero here), then the postsynaptic update sees the arrival's jump (trace 1).
  const double w = pair(additive_stdp, 5.0, 3, {97}, {100}, 200);
  EXPECT_NEAR(w, 5.0 + 0.01 * 10.0, 2e-6);
  // A postsynaptic spike one step before the arrival: depression with exp(-dt/tau_minus).
  const double w2 = pair(additive_stdp, 5.0, 3, {97}, {99}, 200);
  EXPECT_NEAR(w2, 5.0 - 0.01 * 10.0 * std::exp(-dt / 30.0), 2e-6);
}

TEST(plasticity_timing, multiplicative_stdp_and_clipping) {
  const std::string mult =
      "plasticity = stdp\nplasticity.eta = 0.5\nplasticity.w_max = 2\nplasticity.tau_plus = 20\n";
  // facilitation: w += eta (w_max - w) x_pre
  EXPECT_NEAR(pair(mult, 1.0, 1, {10}, {11}, 50), 1.0 + 0.5 * (2.0 - 1.0), 1e-6);
  // depression: w -= alpha eta w x_post
  EXPECT_NEAR(pair(mult, 1.0, 1, {10}, {10}, 50), 1.0 - 0.5 * 1.0 * std::exp(-dt / 20.0), 1e-6);
  // additive with a large eta is clipped at w_max and at 0
  const std::string big = "plasticity = stdp\nplasticity.eta = 5\nplasticity.form = additive\nplasticity.w_max = 2\n";
  EXPECT_EQ(pair(big, 1.0, 1, {10}, {11}, 50), 2.0f);
  EXPECT_EQ(pair(big, 1.0, 1, {10}, {10}, 50), 0.0f);
}

TEST(plasticity_timing, triplet_reads_its_own_trace_before_the_jump) {
  // Post spikes at 100 and 150, pre arrival at 120 (emitted 119, delay 1).
  // At the arrival: w -= o1 (A2- + A3- r2), o1 = exp(-20 dt/tau_minus), r2 = 0 (first pre spike).
  // At the post spike 150: w += r1 (A2+ + A3+ o2), r1 = exp(-30 dt/tau_plus),
  // o2 = exp(-50 dt/tau_y) (the spike at 100 only; not the one at 150).
  const std::string keys =
      "plasticity = triplet\nplasticity.A2_plus = 0.1\nplasticity.A3_plus = 0.2\nplasticity.A2_minus = 0.05\n"
      "plasticity.A3_minus = 0.3\nplasticity.w_max = 10\nplasticity.tau_plus = 10\nplasticity.tau_minus = 20\n"
      "plasticity.tau_x = 40\nplasticity.tau_y = 50\n";
  const double w = pair(keys, 5.0, 1, {119}, {100, 150}, 200);
  const double o1 = std::exp(-20 * dt / 20.0), r1 = std::exp(-30 * dt / 10.0), o2 = std::exp(-50 * dt / 50.0);
  const double expected = 5.0 - o1 * 0.05 + r1 * (0.1 + 0.2 * o2);
  EXPECT_NEAR(w, expected, 2e-6);
  // A second pre spike sees r2 of the first one (decayed), and the first post-spike's trace.
  const double w2 = pair(keys, 5.0, 1, {119, 129}, {100}, 200);
  const double o1b = std::exp(-30 * dt / 20.0), r2 = std::exp(-10 * dt / 40.0);
  EXPECT_NEAR(w2, 5.0 - o1 * 0.05 - o1b * (0.05 + 0.3 * r2), 2e-6);
}

TEST(plasticity_timing, homeostatic_rule_before_start_time_leaves_weights) {
  const std::string keys =
      "plasticity = homeostatic\nplasticity.eta = 0.1\nplasticity.w_norm = -1\nplasticity.rho = 10\n"
      "plasticity.tau = 100\nplasticity.start = 5\n";
  // All events before 5 ms (step 50): no change.
  EXPECT_EQ(pair(keys, -1.0, 1, {10, 20}, {15, 30}, 49), -1.0f);
  // Arrival at step 60 with no postsynaptic spike yet: w -= (eta/w_norm)(0 - alpha) w.
  const double alpha = 2 * 10e-3 * 100.0;
  EXPECT_NEAR(pair(keys, -1.0, 1, {59}, {}, 100), -1.0 - (0.1 / -1.0) * (0.0 - alpha) * -1.0, 1e-6);
}

TEST(plasticity_timing, ghp_rate_follows_the_population_spike_count) {
  // One GHP projection; the engine's R after intervals with known spike counts.
  const std::string keys =
      "plasticity = ghp\nplasticity.eta = 0.01\nplasticity.rho = 3\nplasticity.tau = 20\nplasticity.tau_rate = 1000\n";
  const auto net = net_with(keys, 1.0, dt);
  std::vector<raw_synapse> raw{{0, 0, 1.0f, 1}};
  std::vector<synapse_store> stores;
  stores.emplace_back(1, std::vector<raw_synapse>{});
  stores.emplace_back(1, std::move(raw));
  std::vector<synapse_store*> ptr{&stores[1]};
  std::vector<std::vector<gid_t>> gids{{0}, {1}};
  plasticity_engine eng(net, ptr, gids);
  serial_communicator comm;
  std::vector<index_t> spike{0}, none;
  double R = 0;
  for (int interval = 0; interval < 50; ++interval) {
    const int n = interval % 3;  // spikes of Q (1 neuron) this interval of one step
    for (int k = 0; k < n; ++k) eng.after_update(1, interval, spike);
    eng.after_interval(1, comm);
    R = R * std::exp(-dt / 1000.0) + n / (1.0 * 1.0);  // 1/(N tau_rate[s]) per spike
    ASSERT_EQ(eng.global_rates().size(), 1u);
    EXPECT_NEAR(eng.global_rates()[0].second, R, 1e-9 * R + 1e-12);
  }
}

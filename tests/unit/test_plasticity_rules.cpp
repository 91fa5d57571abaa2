// MODELS.md 6.10 U1: the rule algebra. Independent Poisson pre- and postsynaptic trains at
// fixed rates drive the engine's own code path (a rule read from a config, the post-major
// index, lazily decayed presynaptic traces, postsynaptic traces); the mean drift of the
// weights must vanish at each rule's analytic fixed point within 2 %.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "balnet/core/distributions.hpp"
#include "balnet/core/rng.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/spec_reader.hpp"
#include "balnet/plasticity/plastic_projection.hpp"
#include "balnet/plasticity/plasticity_spec.hpp"

using namespace balnet;

namespace {

constexpr double dt = 1.0;  // ms: coarse enough for long trains, fine against tau = 200 ms

network_spec one_to_one(std::size_t n, double w0, const std::string& rule_keys) {
  std::ostringstream s;
  s << "[run]\ndt = " << dt << "\nt_stop = 1000\n"
    << "[population.P]\nsize = " << n << "\nmodel = poisson\nrate = 1\n"
    << "[population.Q]\nsize = " << n << "\nmodel = lif\nreceptor.a.type = current\nreceptor.a.tau = 5\n"
    << "[projection.PQ]\nsource = P\ntarget = Q\nreceptor = a\nconnect = one_to_one\n"
    << "weight = " << w0 << "\ndelay = " << 2 * dt << "\n"
    << rule_keys;
  return read_network_spec(config::parse(s.str(), "u1.ini"));
}

// Poisson spike steps of `n` trains at `rate` Hz over `steps` steps, bucketed by step.
std::vector<std::vector<index_t>> trains(std::size_t n, double rate, step_t steps, std::uint32_t object) {
  std::vector<std::vector<index_t>> by_step(static_cast<std::size_t>(steps));
  const double p = rate * dt * 1e-3;
  for (std::size_t i = 0; i < n; ++i) {
    random_stream rs(12345, rng_domain::user, object, static_cast<std::uint32_t>(i));
    for (step_t t = static_cast<step_t>(geometric(rs, p)); t < steps; t += 1 + static_cast<step_t>(geometric(rs, p))) {
      by_step[static_cast<std::size_t>(t)].push_back(static_cast<index_t>(i));
    }
  }
  return by_step;
}

// Mean drift per second over `n` independent synapses (one pre, one post neuron each):
// of ln|w| for multiplicative rules, of w otherwise.
double drift(const std::string& rule_keys, double w0, double r_pre, double r_post, bool logarithmic,
             double seconds = 100.0, std::size_t n = 1000) {
  const auto net = one_to_one(n, w0, rule_keys);
  const auto& spec = *net.projections.at(0).plasticity;
  std::vector<raw_synapse> raw;
  for (std::size_t i = 0; i < n; ++i) {
    raw.push_back({static_cast<std::uint32_t>(i), static_cast<index_t>(i), static_cast<float>(w0), 2});
  }
  synapse_store store(n, std::move(raw));
  post_traces traces(n);
  plastic_projection::register_traces(spec, traces);
  traces.allocate(dt);
  std::vector<std::uint64_t> post_index(n);
  for (std::size_t i = 0; i < n; ++i) post_index[i] = i;
  plastic_projection proj(spec, store, traces, post_index, dt);
  const auto steps = static_cast<step_t>(seconds * 1000.0 / dt);
  const auto pre = trains(n, r_pre, steps, 1);
  const auto post = trains(n, r_post, steps, 2);
  for (step_t t = 0; t < steps; ++t) {
    for (index_t i : pre[static_cast<std::size_t>(t)]) proj.arrive(i, t);  // segment i = row i
    const auto& sp = post[static_cast<std::size_t>(t)];
    proj.post_spikes(sp, t);
    traces.advance(sp);
  }
  double sum = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double w = store.weights()[k];
    sum += logarithmic ? std::log(w / w0) : w - w0;
  }
  return sum / static_cast<double>(n) / seconds;
}

// The zero of a drift that is linear in x, from its values at two points.
double zero_crossing(double x0, double d0, double x1, double d1) {
  EXPECT_LT(d0 * d1, 0.0) << "the drift must change sign between " << x0 << " and " << x1;
  return x0 - d0 * (x1 - x0) / (d1 - d0);
}

}  // namespace

TEST(plasticity_u1, homeostatic_istdp_drift_vanishes_at_target_rate) {
  // Akil I->E rule (multiplicative, negative weights): zero drift at r_post = rho.
  const std::string keys =
      "plasticity = homeostatic\nplasticity.eta = 2e-5\nplasticity.w_norm = -2\n"
      "plasticity.rho = 10\nplasticity.tau = 200\n";
  const double lo = drift(keys, -2.0, 20.0, 8.0, true);
  const double hi = drift(keys, -2.0, 20.0, 12.0, true);
  // Below the target the inhibition weakens (|w| shrinks), above it strengthens.
  EXPECT_LT(lo, 0.0);
  EXPECT_GT(hi, 0.0);
  const double r_star = zero_crossing(8.0, lo, 12.0, hi);
  EXPECT_NEAR(r_star, 10.0, 0.02 * 10.0);
  // And the size: d ln|w|/dt = 2 (eta/|w_norm|) tau r_pre (r_post - rho).
  const double expected = 2.0 * (2e-5 / 2.0) * 0.2 * 20.0 * (12.0 - 10.0);
  EXPECT_NEAR(hi, expected, 0.05 * expected);
  std::printf("homeostatic: r* = %.4f Hz (target 10), drift at 12 Hz %.4g /s (theory %.4g)\n", r_star, hi, expected);
}

TEST(plasticity_u1, soft_hebbian_drift_vanishes_at_w_max) {
  const double wmax = 0.424;  // 30 / sqrt(5000)
  const std::string keys = "plasticity = hebb_soft\nplasticity.eta = 1e-4\nplasticity.w_max = 0.424\nplasticity.tau = 200\n";
  const double w_lo = 0.8 * wmax, w_hi = 1.2 * wmax;
  const double lo = drift(keys, w_lo, 10.0, 10.0, false);
  const double hi = drift(keys, w_hi, 10.0, 10.0, false);
  const double w_star = zero_crossing(w_lo, lo, w_hi, hi);
  EXPECT_NEAR(w_star, wmax, 0.02 * wmax);
  std::printf("hebb_soft: w* = %.5f (w_max %.5f)\n", w_star, wmax);
}

TEST(plasticity_u1, kohonen_drift_vanishes_at_beta_tau_r_pre) {
  const double beta = 0.0283;  // 2 / sqrt(5000)
  const double r_pre = 7.5;    // Hz
  const double w_theory = beta * 200.0 * r_pre * 1e-3;
  const std::string keys = "plasticity = kohonen\nplasticity.eta = 1e-4\nplasticity.beta = 0.0283\nplasticity.tau = 200\n";
  const double w_lo = 0.8 * w_theory, w_hi = 1.2 * w_theory;
  const double lo = drift(keys, w_lo, r_pre, 10.0, false);
  const double hi = drift(keys, w_hi, r_pre, 10.0, false);
  const double w_star = zero_crossing(w_lo, lo, w_hi, hi);
  EXPECT_NEAR(w_star, w_theory, 0.02 * w_theory);
  std::printf("kohonen: w* = %.5f (beta tau r_pre = %.5f)\n", w_star, w_theory);
}

TEST(plasticity_u1, vogels_drift_vanishes_at_target_rate) {
  // Vogels-Sprekeler (additive): zero drift at r_post = rho (alpha = 2 rho tau).
  const std::string keys = "plasticity = vogels\nplasticity.eta = 1e-4\nplasticity.rho = 3\nplasticity.tau = 20\n";
  const double lo = drift(keys, 5.0, 10.0, 2.0, false);
  const double hi = drift(keys, 5.0, 10.0, 4.0, false);
  const double r_star = zero_crossing(2.0, lo, 4.0, hi);
  EXPECT_NEAR(r_star, 3.0, 0.02 * 3.0);
  std::printf("vogels: r* = %.4f Hz (target 3)\n", r_star);
}

TEST(plasticity_u1, lhp_drift_is_independent_of_tau) {
  // Barta-Fukai fLHP/sLHP: eta scaled by 20 ms / tau, so the mean drift
  // 2 eta (20 ms) r_pre (r_post - rho) does not depend on tau.
  const std::string f = "plasticity = lhp\nplasticity.eta = 1e-3\nplasticity.rho = 3\nplasticity.tau = 20\n";
  const std::string sl = "plasticity = lhp\nplasticity.eta = 1e-3\nplasticity.rho = 3\nplasticity.tau = 2000\n";
  const double d_fast = drift(f, 50.0, 10.0, 6.0, false);
  const double d_slow = drift(sl, 50.0, 10.0, 6.0, false, 200.0);
  const double expected = 2.0 * 1e-3 * 20e-3 * 10.0 * (6.0 - 3.0);  // weight units per s
  EXPECT_NEAR(d_fast, expected, 0.05 * expected);
  EXPECT_NEAR(d_slow, d_fast, 0.1 * d_fast);
  std::printf("lhp: drift %.4g (tau 20 ms), %.4g (tau 2 s), theory %.4g nS/s\n", d_fast, d_slow, expected);
}

// Plasticity configuration: what each rule becomes, and every kind of bad input gives a
// config_error naming the file, the key and what is allowed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "balnet/core/error.hpp"
#include "balnet/core/exact_sum.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/spec_reader.hpp"
#include "balnet/plasticity/plasticity_spec.hpp"
#include "balnet/plasticity/trace_decay.hpp"

using namespace balnet;

namespace {

// E (excitatory, positive weights) and I (inhibitory current synapses, negative weights).
std::string base(const std::string& ie_keys, const std::string& ee_keys = "") {
  return R"([run]
dt = 0.1
t_stop = 100
[population.E]
size = 40
model = lif
receptor.e.type = current
receptor.e.tau = 5
receptor.i.type = current
receptor.i.tau = 5
[population.I]
size = 10
model = lif
receptor.e.type = current
receptor.e.tau = 5
[projection.EE]
source = E
target = E
receptor = e
connect = bernoulli
p = 0.1
weight = 0.3
)" + ee_keys + R"(
[projection.IE]
source = I
target = E
receptor = i
connect = bernoulli
p = 0.1
weight = -2
)" + ie_keys;
}

std::string error_of(const std::string& text) {
  try {
    read_network_spec(config::parse(text, "plastic.ini"));
  } catch (const config_error& e) {
    return e.what();
  }
  return "(no error)";
}

void expect_error(const std::string& text, const std::vector<std::string>& parts) {
  const std::string msg = error_of(text);
  for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "message: " << msg << "\nlacks: " << p;
}

const std::string istdp =
    "plasticity = homeostatic\nplasticity.eta = 1e-3\nplasticity.w_norm = -2.8\nplasticity.rho = 10\nplasticity.tau = 200\n";

}  // namespace

TEST(plasticity_config, homeostatic_rule_algebra) {
  const auto net = read_network_spec(config::parse(base(istdp), "ok.ini"));
  const auto& r = net.projections[1].plasticity->rules.at(0);
  EXPECT_EQ(r.type, "homeostatic");
  // pre: dw = w (x_post - alpha) (-eta / w_norm), alpha = 2 rho tau (rho in kHz)
  EXPECT_EQ(r.pre.g, weight_factor::w);
  EXPECT_DOUBLE_EQ(r.pre.a, -1e-3 / -2.8);
  EXPECT_DOUBLE_EQ(r.pre.c, -2.0 * 10e-3 * 200.0);
  EXPECT_DOUBLE_EQ(r.pre.tau_other, 200.0);
  EXPECT_EQ(r.post.g, weight_factor::w);
  EXPECT_DOUBLE_EQ(r.post.a, -1e-3 / -2.8);
  EXPECT_DOUBLE_EQ(r.post.c, 0.0);
  EXPECT_EQ(net.projections[0].plasticity, nullptr);
}

TEST(plasticity_config, unknown_rule) {
  expect_error(base("plasticity = hebbian\n"),
               {"plastic.ini:", "projection.IE.plasticity = hebbian", "unknown plasticity rule 'hebbian'",
                "hebb_soft, hebb_hard, kohonen, homeostatic, vogels, lhp, ghp, stdp, triplet"});
}

TEST(plasticity_config, rule_that_does_not_fit_the_sign_of_the_weights) {
  // The soft Hebbian (excitatory) rule on inhibitory weights.
  expect_error(base("plasticity = hebb_soft\nplasticity.eta = 1e-3\nplasticity.w_max = 0.42\nplasticity.tau = 200\n"),
               {"projection.IE.plasticity.w_max = 0.42", "does not fit projection IE", "weight -2"});
  // A homeostatic rule whose normalising weight has the wrong sign.
  expect_error(base("plasticity = homeostatic\nplasticity.eta = 1e-3\nplasticity.w_norm = 2.8\nplasticity.rho = 10\nplasticity.tau = 200\n"),
               {"plasticity.w_norm = 2.8", "does not fit projection IE"});
  // Vogels' additive rule keeps weights >= 0 and cannot hold negative current weights.
  expect_error(base("plasticity = vogels\nplasticity.eta = 1e-3\nplasticity.rho = 3\nplasticity.tau = 20\n"),
               {"does not fit projection IE", "bounds are [0, inf]"});
  // Kohonen on excitatory weights with a negative beta.
  expect_error(base("", "plasticity = kohonen\nplasticity.eta = 1e-3\nplasticity.beta = -0.03\nplasticity.tau = 200\n"),
               {"projection.EE.plasticity.beta = -0.03", "does not fit projection EE"});
  // STDP whose w_max is below the initial weights.
  expect_error(base("", "plasticity = stdp\nplasticity.eta = 1e-3\nplasticity.w_max = 0.2\n"),
               {"projection.EE.plasticity.w_max = 0.2", "weights must lie between 0 and w_max"});
}

TEST(plasticity_config, missing_target_rate) {
  expect_error(base("plasticity = homeostatic\nplasticity.eta = 1e-3\nplasticity.w_norm = -2.8\nplasticity.tau = 200\n"),
               {"plastic.ini", "[projection.IE]", "needs a target rate", "plasticity.rho (Hz)"});
  expect_error(base("", "plasticity = ghp\nplasticity.eta = 1e-3\nplasticity.tau = 20\n"),
               {"[projection.EE]", "rule ghp needs a target rate"});
}

TEST(plasticity_config, negative_or_missing_time_constant) {
  expect_error(base("plasticity = homeostatic\nplasticity.eta = 1e-3\nplasticity.w_norm = -2.8\nplasticity.rho = 10\nplasticity.tau = -200\n"),
               {"projection.IE.plasticity.tau = -200", "must be a number > 0"});
  expect_error(base("plasticity = homeostatic\nplasticity.eta = 1e-3\nplasticity.w_norm = -2.8\nplasticity.rho = 10\n"),
               {"missing key plasticity.tau"});
  expect_error(base("", "plasticity = stdp\nplasticity.eta = 1e-3\nplasticity.w_max = 1\nplasticity.tau_minus = 0\n"),
               {"projection.EE.plasticity.tau_minus = 0", "must be a number > 0"});
}

TEST(plasticity_config, forbidden_combinations) {
  expect_error(base("", "plasticity = hebb_soft, kohonen\n"),
               {"projection.EE.plasticity = hebb_soft, kohonen", "forbidden combination on projection EE",
                "hebb_soft and kohonen both set the weights' fixed point"});
  expect_error(base("plasticity = homeostatic, hebb_soft\n"),
               {"forbidden combination", "Hebbian rule (hebb_soft) and a homeostatic rule (homeostatic)"});
  expect_error(base("plasticity = homeostatic, homeostatic\n"), {"listed twice"});
  // An allowed combination: STDP with a homeostatic rule; keys carry the rule's name.
  const auto net = read_network_spec(config::parse(
      base("", "plasticity = stdp, vogels\nplasticity.stdp.eta = 0.01\nplasticity.stdp.w_max = 1\n"
               "plasticity.vogels.eta = 0.01\nplasticity.vogels.rho = 5\nplasticity.vogels.tau = 20\n"),
      "ok.ini"));
  ASSERT_EQ(net.projections[0].plasticity->rules.size(), 2u);
  EXPECT_EQ(net.projections[0].plasticity->rules[1].type, "vogels");
}

TEST(plasticity_config, unknown_or_misplaced_keys) {
  // Kohonen has no w_max; a key of the single-rule form on a two-rule projection.
  expect_error(base("", "plasticity = kohonen\nplasticity.eta = 1e-3\nplasticity.beta = 0.03\nplasticity.tau = 200\nplasticity.w_max = 1\n"),
               {"unknown key 'plasticity.w_max' in [projection.EE]", "plasticity.beta"});
  expect_error(base("", "plasticity = stdp, vogels\nplasticity.eta = 0.01\n"),
               {"missing key plasticity.stdp.eta"});
  expect_error(base("", "plasticity = stdp\nplasticity.eta = 1e-3\nplasticity.w_max = 1\nplasticity.mu_plus = 0.5\n"),
               {"plasticity.mu_plus = 0.5", "must be 0 (additive) or 1 (multiplicative)"});
}

TEST(plasticity_config, per_neuron_target_rates_from_a_file) {
  {
    std::ofstream f("rho_ok.txt");
    for (int i = 0; i < 40; ++i) f << 2 + i % 4 << "\n";
    std::ofstream g("rho_short.txt");
    g << "3 3 3\n";
  }
  const std::string keys = "plasticity = homeostatic\nplasticity.eta = 1e-3\nplasticity.w_norm = -2.8\nplasticity.tau = 100\nplasticity.rho_file = ";
  const auto net = read_network_spec(config::parse(base(keys + "rho_ok.txt\n"), "ok.ini"));
  const auto& r = net.projections[1].plasticity->rules[0];
  ASSERT_EQ(r.c_per_post.size(), 40u);
  EXPECT_DOUBLE_EQ(r.c_per_post[3], -2.0 * 5e-3 * 100.0);
  expect_error(base(keys + "rho_short.txt\n"), {"plasticity.rho_file = rho_short.txt", "holds 3 rates but population E has 40 neurons"});
  expect_error(base(keys + "no_such_file.txt\n"), {"cannot open the file"});
  std::remove("rho_ok.txt");  // written into the working folder: leave nothing behind
  std::remove("rho_short.txt");
}

TEST(plasticity_support, exact_float_sum_is_exact_and_order_free) {
  std::vector<float> v;
  for (int i = 0; i < 10000; ++i) v.push_back(static_cast<float>(std::sin(i) * std::pow(10.0, i % 7 - 3)));
  v.push_back(1e30f);
  v.push_back(-1e30f);
  v.push_back(1e-40f);  // denormal
  exact_float_sum a, b, c;
  for (float x : v) a.add(x);
  for (auto it = v.rbegin(); it != v.rend(); ++it) b.add(*it);
  // Two halves summed separately then combined as an allreduce would.
  exact_float_sum h1, h2;
  for (std::size_t i = 0; i < v.size(); ++i) (i % 2 ? h1 : h2).add(v[i]);
  for (int i = 0; i < exact_float_sum::words; ++i) c.data()[i] = h1.data()[i] + h2.data()[i];
  // Reference without the +-1e30 pair, which cancels exactly in an exact sum but would
  // swallow every small term of a floating-point one.
  long double ref = 0, ref2 = 0;
  for (float x : v) {
    if (std::fabs(x) < 1e20f) ref += x;
    if (std::fabs(x) < 1e20f) ref2 += static_cast<long double>(x) * x;
  }
  ref2 += 2.0L * 1e30f * static_cast<long double>(1e30f);
  EXPECT_EQ(a.sum(), b.sum());
  EXPECT_EQ(a.sum(), c.sum());
  EXPECT_EQ(a.sum_squares(), c.sum_squares());
  EXPECT_NEAR(a.sum(), static_cast<double>(ref), 1e-12 * std::fabs(static_cast<double>(ref)) + 1e-30);
  EXPECT_NEAR(a.sum_squares(), static_cast<double>(ref2), 1e-12 * static_cast<double>(ref2));
}

TEST(plasticity_support, trace_decay_table_matches_exp) {
  const trace_decay d(0.1, 200.0);
  for (std::uint64_t n : {0ull, 1ull, 7ull, 1023ull, 1024ull, 1025ull, 50000ull, 1048575ull, 1048576ull, 5000000ull}) {
    const double want = std::exp(-static_cast<double>(n) * 0.1 / 200.0);
    EXPECT_NEAR(d(n), want, 4e-16 * std::max(1.0, want) + 1e-300) << n;
  }
}

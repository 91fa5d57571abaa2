// What the leading-order theory knows about each plasticity rule (MODELS.md 1.6, 1.8):
// the fixed point it imposes and its mean drift for uncorrelated Poisson trains. Read from
// the `plasticity = RULE` and `plasticity.KEY` keys of a projection (docs/plasticity.md).
// Adding a rule: one entry in rule_theory_table() in src/theory/rule_theory.cpp.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace balnet {
class config;
struct network_spec;
}  // namespace balnet

namespace balnet::theory {

enum class fixed_point_kind {
  weight,  // the mean weight goes to w* = w0 + w1 * r_pre (r in kHz): hebb_soft, kohonen
  rate,    // the rate of one population goes to rho: homeostatic, vogels, lhp, ghp
  none,    // no leading-order fixed point (drift set by correlations): weights stay
};

// One rule acting on one projection, as the theory sees it.
struct rule_theory {
  std::string rule;         // the rule's name in the config
  std::string projection;
  fixed_point_kind kind = fixed_point_kind::none;
  double w0 = 0.0, w1 = 0.0;        // weight: w* = w0 + w1 r_pre (r_pre in kHz)
  std::size_t rate_population = 0;  // rate: index into network_spec::populations
  double rho = 0.0;                 // rate: target (Hz)
  // Mean drift dw/dt (weight units per ms) at mean weight w, presynaptic and postsynaptic
  // rates and the rate of rate_population (all kHz); used for the stability of the weights.
  std::function<double(double w, double r_pre, double r_post, double r_gate)> drift;
  std::string formula;      // the fixed point in words, e.g. "w* = w_max = 0.42"
  std::string note;         // why a rule has no fixed point, or what was approximated
};

// Values of one rule's keys on one projection: `plasticity.KEY`, or `plasticity.RULE.KEY`
// when the projection lists several rules. Numbers are expressions over [params].
class rule_keys {
 public:
  rule_keys(const config& cfg, std::string section, std::string prefix)
      : cfg_(cfg), section_(std::move(section)), prefix_(std::move(prefix)) {}
  bool has(const std::string& key) const;
  double number(const std::string& key) const;            // required
  double number(const std::string& key, double fallback) const;
  std::string text(const std::string& key, const std::string& fallback) const;
  std::string full(const std::string& key) const { return section_ + "." + prefix_ + key; }

 private:
  const config& cfg_;
  std::string section_, prefix_;
};

struct rule_theory_entry {
  std::string name;
  // Reads the rule's parameters for projection `projection` (index into net.projections).
  std::function<rule_theory(const rule_keys&, const network_spec&, std::size_t projection)> read;
};

const std::vector<rule_theory_entry>& rule_theory_table();

// The rules configured on every projection of `net` (in projection order, then in the
// order listed). Unknown rule names are reported as kind `none` with a note, so that the
// theory still runs for rules it does not cover. Throws config_error for missing keys.
std::vector<rule_theory> read_rule_theory(const config& cfg, const network_spec& net);

}  // namespace balnet::theory

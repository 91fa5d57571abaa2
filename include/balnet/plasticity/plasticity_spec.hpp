// Plasticity rules as configured on a projection (`[projection.X] plasticity = RULE`): every
// rule of balnet is one instance of a trace-based pair rule (MODELS.md 1.6, 2.5, 6.6; the
// rule list and keys are in docs/plasticity.md).
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace balnet {

class config;
class section_reader;
struct network_spec;
struct projection_spec;

// How the size of an update depends on the weight: G(w) in the side update below.
enum class weight_factor : std::uint8_t {
  one,           // additive: G = 1
  w,             // multiplicative: G = w (keeps the sign of w, decays toward 0)
  wmax_minus_w,  // soft upper bound: G = w_max - w
};

enum class bound_kind : std::uint8_t {
  none,
  clip,  // after each update w = clip(w, w_min, w_max)
  gate,  // classical Hebbian with hard constraints (MATLAB `eta_ee_hard`): the presynaptic
         // update applies only while w > w_min, the postsynaptic one only while
         // w_min < w < w_max
};

// One side of a rule: the update at a presynaptic arrival ("pre") or at a postsynaptic
// spike ("post"):
//
//     dw = G(w) * (k * x_other + c) * (a + m * x_own)
//
// x_other is the other side's trace (at an arrival: the postsynaptic neuron's trace; at a
// postsynaptic spike: the presynaptic trace as seen at the synapse), x_own this side's own
// trace read before this event's jump (only the triplet rule has m != 0). Traces jump by 1
// at each event and decay with their time constant.
struct side_rule {
  double k = 0.0;
  double c = 0.0;          // pre side: see c_per_post for per-neuron targets
  double a = 0.0;
  double m = 0.0;
  double tau_other = 0.0;  // ms; 0: x_other is not used (k == 0)
  double tau_own = 0.0;    // ms; 0: x_own is not used (m == 0)
  weight_factor g = weight_factor::one;
};

struct rule_spec {
  std::string type;    // hebb_soft, hebb_hard, kohonen, homeostatic, vogels, lhp, ghp, stdp, triplet
  std::string prefix;  // key prefix in the projection section: "plasticity." or "plasticity.TYPE."
  side_rule pre, post;
  bound_kind bounds = bound_kind::none;
  double w_min = -std::numeric_limits<double>::infinity();
  double w_max = std::numeric_limits<double>::infinity();
  double w_ref = 0.0;  // reference of G = w_ref - w (weight_factor::wmax_minus_w)
  double start = 0.0;  // ms: weights change from this time on (traces always run)
  // Per-neuron targets: if not empty, the presynaptic side's c for a synapse onto target
  // neuron j (population-local index) is c_per_post[j] instead of pre.c.
  std::vector<double> c_per_post;
  // Globally gated rule (GHP): a and m of both sides are multiplied by (R - rho_global),
  // R the low-pass rate (Hz) of population rate_population with time constant tau_rate.
  bool global_gate = false;
  double rho_global = 0.0;          // Hz
  double tau_rate = 10000.0;        // ms
  std::size_t rate_population = 0;  // population index
  // Human-readable form of the rule, for `balnet check` and the output file.
  std::string summary;
};

struct plasticity_spec {
  std::vector<rule_spec> rules;  // applied in this order at every event
};

// The rule types balnet knows, for messages and docs.
const std::vector<std::string>& plasticity_rule_names();

// Reads `plasticity` and `plasticity.*` keys of a projection section (nullptr if the
// projection is static). Checks parameters, forbidden rule combinations and that the rule
// fits the sign of the projection's weights; errors name the file, key and what is allowed.
std::shared_ptr<const plasticity_spec> read_plasticity(const config& cfg, section_reader& s,
                                                       const network_spec& net,
                                                       const projection_spec& pr);

}  // namespace balnet

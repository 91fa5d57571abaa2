#include "balnet/plasticity/plasticity_spec.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "balnet/core/error.hpp"
#include "balnet/io/config.hpp"
#include "balnet/network/spec.hpp"

namespace balnet {

const std::vector<std::string>& plasticity_rule_names() {
  static const std::vector<std::string> names = {"hebb_soft", "hebb_hard", "kohonen", "homeostatic",
                                                 "vogels",    "lhp",       "ghp",     "stdp",
                                                 "triplet"};
  return names;
}

namespace {

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(6);
  s << v;
  return s.str();
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// Rules that set a weight fixed point of their own (Hebbian family) and rules that set a
// target rate (homeostatic family).
bool is_hebbian(const std::string& t) {
  return t == "hebb_soft" || t == "hebb_hard" || t == "kohonen" || t == "stdp" || t == "triplet";
}
bool is_weight_dependent_hebbian(const std::string& t) {
  return t == "hebb_soft" || t == "hebb_hard" || t == "kohonen";
}
bool is_homeostatic(const std::string& t) {
  return t == "homeostatic" || t == "vogels" || t == "lhp" || t == "ghp";
}

// Reads numbers (separated by white space or commas, '#' starts a comment) from a file
// named relative to the configuration file's folder.
std::vector<double> read_numbers(const config& cfg, section_reader& s, const std::string& key) {
  const std::string name = s.text(key);
  std::filesystem::path p(name);
  if (p.is_relative()) p = std::filesystem::path(cfg.file_name()).parent_path() / p;
  std::ifstream in(p);
  if (!in) s.fail(key, "cannot open the file " + p.string() + " (relative names are relative to the config file)");
  std::vector<double> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream ls(line);
    std::string tok;
    while (ls >> tok) {
      char* end = nullptr;
      const double v = std::strtod(tok.c_str(), &end);
      if (end == tok.c_str() || *end != '\0' || !std::isfinite(v)) {
        s.fail(key, p.string() + ":" + std::to_string(n) + ": '" + tok + "' is not a number");
      }
      out.push_back(v);
    }
  }
  return out;
}

struct rule_reader {
  const config& cfg;
  section_reader& s;
  const network_spec& net;
  const projection_spec& pr;
  std::string type;
  std::string prefix;
  double wlo, whi;  // range of the projection's initial weights

  std::string k(const std::string& key) const { return prefix + key; }
  double number(const std::string& key) { return s.number(k(key)); }
  double number(const std::string& key, double fb) { return s.number(k(key), fb); }
  double positive(const std::string& key) { return s.positive(k(key)); }
  double positive(const std::string& key, double fb) { return s.positive(k(key), fb); }
  [[noreturn]] void fail(const std::string& key, const std::string& what) { s.fail(k(key), what); }

  std::string weights_text() const {
    return wlo == whi ? "weight " + fmt(wlo) : "weights in [" + fmt(wlo) + ", " + fmt(whi) + "]";
  }

  // A reference weight (w_max, w_norm, beta) must be non-zero and the projection's weights
  // must have its sign.
  double signed_reference(const std::string& key, const std::string& role) {
    const double v = number(key);
    if (v == 0 || !std::isfinite(v)) fail(key, "must be a finite non-zero number (" + role + ")");
    const bool fits = v > 0 ? wlo >= 0 : whi <= 0;
    if (!fits) {
      fail(key, "rule " + type + " does not fit projection " + pr.name + ": its " + role + " " +
                    key + " = " + fmt(v) + " is " + (v > 0 ? "positive" : "negative") +
                    " but the projection has " + weights_text() +
                    "; the weights must have the sign of " + key +
                    " (negative for inhibitory current synapses, positive for excitatory ones)");
    }
    return v;
  }

  // Bounds [w_min, w_max] that the initial weights must respect.
  void bounds(rule_spec& r, bound_kind kind, double lo_default, double hi_default, bool hi_required) {
    r.bounds = kind;
    r.w_min = number("w_min", lo_default);
    r.w_max = hi_required ? number("w_max") : number("w_max", hi_default);
    if (!(r.w_min < r.w_max)) fail("w_max", "must be above w_min = " + fmt(r.w_min));
    if (wlo < r.w_min || whi > r.w_max) {
      fail(s.has(k("w_max")) || !s.has(k("w_min")) ? "w_max" : "w_min",
           "rule " + type + " does not fit projection " + pr.name + ": its bounds are [" +
               fmt(r.w_min) + ", " + fmt(r.w_max) + "] but the projection has " + weights_text() +
               (whi <= 0 && r.w_min >= 0 ? " (negative weights: this rule keeps weights >= w_min)" : ""));
    }
  }

  // Target rate: `rho` (Hz) or `rho_file` (one value per target neuron, Hz). Sets the
  // presynaptic constant c = -2 rho tau (tau in ms, rho in kHz).
  void target_rate(rule_spec& r, double tau) {
    const bool has_rho = s.has(k("rho")), has_file = s.has(k("rho_file"));
    if (has_rho && has_file) fail("rho_file", "give either rho or rho_file, not both");
    if (!has_rho && !has_file) {
      fail("rho", "rule " + type + " needs a target rate: set " + k("rho") + " (Hz) or " +
                      k("rho_file") + " (a file with one rate in Hz per neuron of " +
                      net.populations[pr.target].name + ")");
    }
    if (has_rho) {
      const double rho = number("rho");
      if (!(rho >= 0) || !std::isfinite(rho)) fail("rho", "the target rate must be a number >= 0 (Hz)");
      r.pre.c = -2.0 * rho * 1e-3 * tau;
      return;
    }
    const auto v = read_numbers(cfg, s, k("rho_file"));
    const auto n = net.populations[pr.target].size;
    if (v.size() != n) {
      fail("rho_file", "holds " + std::to_string(v.size()) + " rates but population " +
                           net.populations[pr.target].name + " has " + std::to_string(n) + " neurons");
    }
    r.c_per_post.resize(n);
    for (std::size_t j = 0; j < n; ++j) {
      if (!(v[j] >= 0)) fail("rho_file", "rates must be >= 0 Hz (entry " + std::to_string(j) + " is " + fmt(v[j]) + ")");
      r.c_per_post[j] = -2.0 * v[j] * 1e-3 * tau;
    }
  }

  rule_spec read() {
    rule_spec r;
    r.type = type;
    r.prefix = prefix;
    std::ostringstream sum;
    if (type == "hebb_soft") {
      const double eta = number("eta");
      const double wmax = signed_reference("w_max", "soft bound and fixed point");
      const double tau = positive("tau");
      r.pre = {1, 0, -eta, 0, tau, 0, weight_factor::w};
      r.post = {1, 0, eta * wmax, 0, tau, 0, weight_factor::one};
      sum << "pre: w -= " << eta << " x_post w; post: w += " << eta << " x_pre " << wmax;
    } else if (type == "hebb_hard") {
      const double eta = number("eta");
      const double tau = positive("tau");
      bounds(r, bound_kind::gate, 0.0, 0.0, true);
      r.pre = {1, 0, -eta, 0, tau, 0, weight_factor::one};
      r.post = {1, 0, eta, 0, tau, 0, weight_factor::one};
      sum << "pre: w -= " << eta << " x_post if w > " << r.w_min << "; post: w += " << eta
          << " x_pre if " << r.w_min << " < w < " << r.w_max;
    } else if (type == "kohonen") {
      const double eta = number("eta");
      const double beta = signed_reference("beta", "drive toward beta tau r_pre");
      const double tau = positive("tau");
      r.pre = {1, 0, beta * eta, 0, tau, 0, weight_factor::one};
      r.post = {0, 1, -eta, 0, 0, 0, weight_factor::w};
      sum << "pre: w += " << beta * eta << " x_post; post: w -= " << eta << " w";
    } else if (type == "homeostatic") {
      const double eta = number("eta");
      const double wn = signed_reference("w_norm", "normalising weight");
      const double tau = positive("tau");
      r.pre = {1, 0, -eta / wn, 0, tau, 0, weight_factor::w};
      r.post = {1, 0, -eta / wn, 0, tau, 0, weight_factor::w};
      target_rate(r, tau);
      sum << "pre: w -= " << eta / wn << " (x_post - alpha) w; post: w -= " << eta / wn << " x_pre w";
    } else if (type == "vogels" || type == "lhp") {
      const double eta = number("eta");
      const double tau = positive("tau");
      double a = eta;
      if (type == "lhp") {
        const double tau_ref = positive("tau_ref", 20.0);
        a = eta * tau_ref / tau;
        bounds(r, bound_kind::clip, 0.0, 100.0, false);
      } else {
        bounds(r, bound_kind::clip, 0.0, std::numeric_limits<double>::infinity(), false);
      }
      r.pre = {1, 0, a, 0, tau, 0, weight_factor::one};
      r.post = {1, 0, a, 0, tau, 0, weight_factor::one};
      target_rate(r, tau);
      sum << "pre: w += " << a << " (x_post - alpha); post: w += " << a << " x_pre; clip ["
          << r.w_min << ", " << r.w_max << "]";
    } else if (type == "ghp") {
      const double eta = number("eta");
      const double tau = positive("tau");
      r.global_gate = true;
      if (!s.has(k("rho"))) {
        fail("rho", "rule ghp needs a target rate for the population rate: set " + k("rho") + " (Hz)");
      }
      r.rho_global = number("rho");
      if (!(r.rho_global >= 0)) fail("rho", "the target rate must be a number >= 0 (Hz)");
      r.tau_rate = positive("tau_rate", 10000.0);
      const std::string pop = s.text(k("rate_population"), net.populations[pr.target].name);
      const int pi = net.population_index(pop);
      if (pi < 0) fail("rate_population", "no population named '" + pop + "'");
      r.rate_population = static_cast<std::size_t>(pi);
      const bool bounded = s.has(k("w_min")) || s.has(k("w_max"));
      if (bounded) {
        bounds(r, bound_kind::clip, -std::numeric_limits<double>::infinity(),
               std::numeric_limits<double>::infinity(), false);
      }
      r.pre = {1, 1, eta, 0, tau, 0, weight_factor::one};
      r.post = {1, 0, eta, 0, tau, 0, weight_factor::one};
      sum << "pre: w += " << eta << " (R - " << r.rho_global << ") (x_post + 1); post: w += "
          << eta << " (R - " << r.rho_global << ") x_pre; R = rate of " << pop;
    } else if (type == "stdp") {
      const double eta = number("eta");
      const double alpha = number("alpha", 1.0);
      if (!(alpha >= 0)) fail("alpha", "must be >= 0 (ratio of depression to potentiation)");
      double mu_plus = 1.0, mu_minus = 1.0;
      if (s.has(k("form"))) {
        const std::string form = s.choice(k("form"), {"additive", "multiplicative", "van_rossum"});
        mu_plus = form == "multiplicative" ? 1.0 : 0.0;
        mu_minus = form == "additive" ? 0.0 : 1.0;
      }
      mu_plus = number("mu_plus", mu_plus);
      mu_minus = number("mu_minus", mu_minus);
      if (mu_plus != 0 && mu_plus != 1) fail("mu_plus", "must be 0 (additive) or 1 (multiplicative)");
      if (mu_minus != 0 && mu_minus != 1) fail("mu_minus", "must be 0 (additive) or 1 (multiplicative)");
      const double wmax = signed_reference("w_max", "largest weight");
      const double tau_plus = positive("tau_plus", 20.0);
      const double tau_minus = positive("tau_minus", 20.0);
      r.bounds = bound_kind::clip;
      r.w_min = std::min(0.0, wmax);
      r.w_max = std::max(0.0, wmax);
      if (wlo < r.w_min || whi > r.w_max) {
        fail("w_max", "rule stdp does not fit projection " + pr.name + ": weights must lie between 0 and w_max = " +
                          fmt(wmax) + " but the projection has " + weights_text());
      }
      // NEST stdp_synapse: depression w -= alpha eta w_max (w/w_max)^mu_minus K_minus,
      // facilitation w += eta w_max (1 - w/w_max)^mu_plus K_plus.
      if (mu_minus == 0) {
        r.pre = {1, 0, -alpha * eta * wmax, 0, tau_minus, 0, weight_factor::one};
      } else {
        r.pre = {1, 0, -alpha * eta, 0, tau_minus, 0, weight_factor::w};
      }
      if (mu_plus == 0) {
        r.post = {1, 0, eta * wmax, 0, tau_plus, 0, weight_factor::one};
      } else {
        r.post = {1, 0, eta, 0, tau_plus, 0, weight_factor::wmax_minus_w};
        r.w_ref = wmax;
      }
      sum << "NEST stdp_synapse: eta " << eta << ", alpha " << alpha << ", mu_plus " << mu_plus
          << ", mu_minus " << mu_minus << ", w_max " << wmax << ", tau_plus " << tau_plus
          << " ms, tau_minus " << tau_minus << " ms";
    } else if (type == "triplet") {
      const double a2p = number("A2_plus"), a3p = number("A3_plus");
      const double a2m = number("A2_minus"), a3m = number("A3_minus", 0.0);
      const double tau_plus = positive("tau_plus", 16.8), tau_minus = positive("tau_minus", 33.7);
      const double tau_x = positive("tau_x", 101.0), tau_y = positive("tau_y", 125.0);
      for (const char* key : {"A2_plus", "A3_plus", "A2_minus", "A3_minus"}) {
        if (s.has(k(key)) && !(number(key) >= 0)) fail(key, "amplitudes must be >= 0");
      }
      bounds(r, bound_kind::clip, 0.0, 0.0, true);
      r.pre = {1, 0, -a2m, -a3m, tau_minus, a3m != 0 ? tau_x : 0.0, weight_factor::one};
      r.post = {1, 0, a2p, a3p, tau_plus, a3p != 0 ? tau_y : 0.0, weight_factor::one};
      sum << "Pfister-Gerstner triplet (all-to-all): pre: w -= o1 (" << a2m << " + " << a3m
          << " r2); post: w += r1 (" << a2p << " + " << a3p << " o2); clip [" << r.w_min << ", "
          << r.w_max << "]";
    }
    if (type == "homeostatic" || type == "vogels" || type == "lhp") {
      if (r.c_per_post.empty()) {
        sum << "; alpha = " << -r.pre.c;
      } else {
        sum << "; alpha per neuron from " << s.text(k("rho_file"));
      }
    }
    r.start = s.non_negative(k("start"), 0.0);
    if (r.start > 0) sum << "; from t = " << r.start << " ms";
    r.summary = sum.str();
    return r;
  }
};

}  // namespace

std::shared_ptr<const plasticity_spec> read_plasticity(const config& cfg, section_reader& s,
                                                       const network_spec& net,
                                                       const projection_spec& pr) {
  if (!s.has("plasticity")) return nullptr;
  const auto& known = plasticity_rule_names();
  const auto types = s.list("plasticity");
  for (const auto& t : types) {
    if (std::find(known.begin(), known.end(), t) == known.end()) {
      s.fail("plasticity", "unknown plasticity rule '" + t + "' (rules: " + join(known) + ")");
    }
  }
  for (std::size_t i = 0; i < types.size(); ++i) {
    for (std::size_t j = i + 1; j < types.size(); ++j) {
      const auto& a = types[i];
      const auto& b = types[j];
      std::string why;
      if (a == b) {
        why = "rule " + a + " is listed twice";
      } else if (is_hebbian(a) && is_hebbian(b)) {
        why = a + " and " + b + " both set the weights' fixed point";
      } else if (is_homeostatic(a) && is_homeostatic(b)) {
        why = a + " and " + b + " both set a target rate";
      } else if ((is_weight_dependent_hebbian(a) && is_homeostatic(b)) ||
                 (is_homeostatic(a) && is_weight_dependent_hebbian(b))) {
        why = "a Hebbian rule (" + (is_homeostatic(a) ? b : a) + ") and a homeostatic rule (" +
              (is_homeostatic(a) ? a : b) + ") cannot share a projection";
      }
      if (!why.empty()) s.fail("plasticity", "forbidden combination on projection " + pr.name + ": " + why);
    }
  }
  double wlo = pr.weight.support_min() * pr.weight_scale;
  double whi = pr.weight.support_max() * pr.weight_scale;
  if (pr.weight_scale < 0) std::swap(wlo, whi);
  if (pr.weight_scale == 0) wlo = whi = 0.0;
  auto spec = std::make_shared<plasticity_spec>();
  for (const auto& t : types) {
    rule_reader rr{cfg, s, net, pr, t, types.size() == 1 ? "plasticity." : "plasticity." + t + ".", wlo, whi};
    spec->rules.push_back(rr.read());
  }
  return spec;
}

}  // namespace balnet

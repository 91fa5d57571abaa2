#include "balnet/theory/rule_theory.hpp"

#include <sstream>

#include "balnet/core/error.hpp"
#include "balnet/io/config.hpp"
#include "balnet/network/spec.hpp"

namespace balnet::theory {

bool rule_keys::has(const std::string& key) const { return cfg_.has(full(key)); }

double rule_keys::number(const std::string& key) const {
  const auto* e = cfg_.find(full(key));
  if (!e) {
    throw config_error(cfg_.file_name() + ": [" + section_ + "]: the theory needs key " + prefix_ + key +
                       " of this plasticity rule");
  }
  return cfg_.evaluate(e->value, full(key));
}

double rule_keys::number(const std::string& key, double fallback) const {
  return has(key) ? number(key) : fallback;
}

std::string rule_keys::text(const std::string& key, const std::string& fallback) const {
  const auto* e = cfg_.find(full(key));
  if (!e) return fallback;
  std::string v = e->value;
  const auto b = v.find_first_not_of(" \t");
  const auto t = v.find_last_not_of(" \t");
  return b == std::string::npos ? "" : v.substr(b, t - b + 1);
}

namespace {

std::string num(double v) {
  std::ostringstream s;
  s.precision(6);
  s << v;
  return s.str();
}

rule_theory base(const std::string& rule, const network_spec& net, std::size_t p) {
  rule_theory r;
  r.rule = rule;
  r.projection = net.projections[p].name;
  return r;
}

// A rule without a leading-order fixed point: the weights keep their initial mean.
rule_theory no_fixed_point(const std::string& rule, const network_spec& net, std::size_t p,
                           const std::string& why) {
  rule_theory r = base(rule, net, p);
  r.kind = fixed_point_kind::none;
  r.note = why;
  return r;
}

// Target-rate rules (homeostatic, vogels, lhp): r_post -> rho, drift 2 eta' tau r_pre (r_post - rho) G.
rule_theory rate_rule(const std::string& rule, const rule_keys& k, const network_spec& net,
                      std::size_t p, double eta_scale, bool multiplicative, double w_norm) {
  if (k.has("rho_file") && !k.has("rho")) {
    return no_fixed_point(rule, net, p,
                          "per-neuron targets (rho_file) are not covered by the theory; "
                          "set plasticity.rho to the population's mean target");
  }
  rule_theory r = base(rule, net, p);
  const double eta = k.number("eta") * eta_scale;
  const double tau = k.number("tau");
  r.rho = k.number("rho");
  r.rate_population = net.projections[p].target;
  if (eta == 0.0) {
    return no_fixed_point(rule, net, p, "eta = 0: the weights are frozen");
  }
  r.kind = fixed_point_kind::rate;
  const double rho_khz = r.rho * 1e-3;
  if (multiplicative) {
    r.drift = [eta, tau, rho_khz, w_norm](double w, double rpre, double rpost, double) {
      return -2.0 * eta * tau * (w / w_norm) * rpre * (rpost - rho_khz);
    };
  } else {
    r.drift = [eta, tau, rho_khz](double, double rpre, double rpost, double) {
      return 2.0 * eta * tau * rpre * (rpost - rho_khz);
    };
  }
  r.formula = "rate of " + net.populations[r.rate_population].name + " -> rho = " + num(r.rho) + " Hz";
  return r;
}

const std::vector<rule_theory_entry>& table() {
  static const std::vector<rule_theory_entry> t = {
      {"hebb_soft",
       [](const rule_keys& k, const network_spec& net, std::size_t p) {
         rule_theory r = base("hebb_soft", net, p);
         const double eta = k.number("eta"), tau = k.number("tau"), wmax = k.number("w_max");
         if (eta == 0.0) return no_fixed_point("hebb_soft", net, p, "eta = 0: the weights are frozen");
         r.kind = fixed_point_kind::weight;
         r.w0 = wmax;
         r.drift = [eta, tau, wmax](double w, double rpre, double rpost, double) {
           return eta * tau * rpre * rpost * (wmax - w);
         };
         r.formula = "w* = w_max = " + num(wmax);
         return r;
       }},
      {"kohonen",
       [](const rule_keys& k, const network_spec& net, std::size_t p) {
         rule_theory r = base("kohonen", net, p);
         const double eta = k.number("eta"), tau = k.number("tau"), beta = k.number("beta");
         if (eta == 0.0) return no_fixed_point("kohonen", net, p, "eta = 0: the weights are frozen");
         r.kind = fixed_point_kind::weight;
         r.w1 = beta * tau;  // w* = beta tau r_pre
         r.drift = [eta, tau, beta](double w, double rpre, double rpost, double) {
           return eta * rpost * (beta * tau * rpre - w);
         };
         r.formula = "w* = beta tau r_pre = " + num(beta * tau) + " x r_pre[kHz]";
         return r;
       }},
      {"homeostatic",
       [](const rule_keys& k, const network_spec& net, std::size_t p) {
         return rate_rule("homeostatic", k, net, p, 1.0, true, k.number("w_norm"));
       }},
      {"vogels",
       [](const rule_keys& k, const network_spec& net, std::size_t p) {
         return rate_rule("vogels", k, net, p, 1.0, false, 1.0);
       }},
      {"lhp",
       [](const rule_keys& k, const network_spec& net, std::size_t p) {
         const double scale = k.number("tau_ref", 20.0) / k.number("tau");
         return rate_rule("lhp", k, net, p, scale, false, 1.0);
       }},
      {"ghp",
       [](const rule_keys& k, const network_spec& net, std::size_t p) {
         rule_theory r = base("ghp", net, p);
         const double eta = k.number("eta"), tau = k.number("tau");
         r.rho = k.number("rho");
         const std::string gate = k.text("rate_population", "");
         if (gate.empty()) {
           r.rate_population = net.projections[p].target;
         } else {
           const int i = net.population_index(gate);
           if (i < 0) {
             throw config_error(k.full("rate_population") + " = " + gate + ": no such population");
           }
           r.rate_population = static_cast<std::size_t>(i);
         }
         if (eta == 0.0) return no_fixed_point("ghp", net, p, "eta = 0: the weights are frozen");
         r.kind = fixed_point_kind::rate;
         const double rho_hz = r.rho;
         r.drift = [eta, tau, rho_hz](double, double rpre, double rpost, double rgate) {
           return eta * (rgate * 1e3 - rho_hz) * rpre * (2.0 * rpost * tau + 1.0);
         };
         r.formula = "rate of " + net.populations[r.rate_population].name + " -> rho = " +
                     num(r.rho) + " Hz (global gate)";
         return r;
       }},
      {"hebb_hard",
       [](const rule_keys&, const network_spec& net, std::size_t p) {
         return no_fixed_point("hebb_hard", net, p,
                               "classical Hebbian rule: for uncorrelated trains the drift is set by "
                               "correlations only (MODELS.md 1.6); weights kept at their initial mean");
       }},
      {"stdp",
       [](const rule_keys&, const network_spec& net, std::size_t p) {
         return no_fixed_point("stdp", net, p,
                               "pair STDP: fixed point not covered by the leading-order theory; "
                               "weights kept at their initial mean");
       }},
      {"triplet",
       [](const rule_keys&, const network_spec& net, std::size_t p) {
         return no_fixed_point("triplet", net, p,
                               "triplet STDP: fixed point not covered by the leading-order theory; "
                               "weights kept at their initial mean");
       }},
  };
  return t;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text + ",") {
    if (c == ',') {
      const auto b = cur.find_first_not_of(" \t");
      const auto e = cur.find_last_not_of(" \t");
      if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

}  // namespace

const std::vector<rule_theory_entry>& rule_theory_table() { return table(); }

std::vector<rule_theory> read_rule_theory(const config& cfg, const network_spec& net) {
  std::vector<rule_theory> out;
  for (std::size_t p = 0; p < net.projections.size(); ++p) {
    const std::string section = "projection." + net.projections[p].name;
    const auto* e = cfg.find(section + ".plasticity");
    if (!e) continue;
    const auto rules = split_list(e->value);
    for (const auto& name : rules) {
      if (name == "none" || name == "static") continue;
      const std::string prefix = rules.size() == 1 ? "plasticity." : "plasticity." + name + ".";
      const rule_theory_entry* entry = nullptr;
      for (const auto& t : table()) {
        if (t.name == name) entry = &t;
      }
      if (!entry) {
        out.push_back(no_fixed_point(name, net, p,
                                     "rule '" + name + "' is not known to the theory "
                                     "(src/theory/rule_theory.cpp); weights kept at their initial mean"));
        continue;
      }
      out.push_back(entry->read(rule_keys(cfg, section, prefix), net, p));
    }
  }
  return out;
}

}  // namespace balnet::theory

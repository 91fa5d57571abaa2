#include "balnet/rates/rate_params.hpp"

#include <cmath>

#include "balnet/core/error.hpp"
#include "balnet/io/config.hpp"

namespace balnet::rates {

const char* condition_name(condition c) {
  switch (c) {
    case condition::neither: return "NEITHER";
    case condition::both: return "BOTH";
    case condition::exc: return "EXC";
    case condition::inh: return "INH";
  }
  return "?";
}

const char* rule_name(learning_rule r) { return r == learning_rule::gradient ? "GRADIENT" : "APPROXIMATE"; }

int rate_params::n_e() const {
  int n = 1;
  for (int d = 0; d < n_d; ++d) n *= n_per_axis;
  return n;
}

int rate_params::n_stimuli() const {
  int n = 1;
  for (int d = 0; d < n_d; ++d) n *= n_stimuli_per_axis;
  return n;
}

namespace {

// A connection probability: k = round(p * N_pre) inputs per cell, so p must be in (0, 1].
double connection_p(section_reader& s, const std::string& key, double fallback) {
  if (!s.has(key)) return fallback;
  const double p = s.number(key);
  if (!(p > 0.0 && p <= 1.0)) s.fail(key, "must be a connection probability in (0, 1]");
  return p;
}

int whole(section_reader& s, const std::string& key, int fallback, int lo, int hi) {
  if (!s.has(key)) return fallback;
  const double v = s.number(key);
  if (!(v >= lo && v <= hi) || v != std::floor(v)) {
    s.fail(key, "must be a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return static_cast<int>(v);
}

}  // namespace

rate_params read_rate_params(const config& cfg) {
  rate_params p;
  for (const auto& sec : cfg.sections()) {
    if (sec == "rates" || sec == "rates.network" || sec == "rates.input" || sec == "rates.synapses" ||
        sec == "rates.plasticity" || sec == "rates.perturb" || sec == "params" || sec.rfind("variant.", 0) == 0) {
      continue;
    }
    throw config_error(cfg.file_name() + ": section [" + sec +
                       "] is not part of a rate-network config (allowed: [rates], [rates.network], [rates.input], "
                       "[rates.synapses], [rates.plasticity], [rates.perturb], [params])");
  }
  {
    section_reader s(cfg, "rates");
    const auto conds = s.list("conditions", {"NEITHER", "BOTH", "EXC", "INH"});
    p.conditions.clear();
    const bool none = conds.size() == 1 && conds[0] == "NONE";
    for (const auto& c : none ? std::vector<std::string>{} : conds) {
      condition v;
      if (c == "NEITHER") v = condition::neither;
      else if (c == "BOTH") v = condition::both;
      else if (c == "EXC") v = condition::exc;
      else if (c == "INH") v = condition::inh;
      else s.fail("conditions", "unknown condition '" + c + "' (allowed: NEITHER, BOTH, EXC, INH, or NONE alone)");
      for (auto o : p.conditions) {
        if (o == v) s.fail("conditions", "condition " + c + " is listed twice");
      }
      p.conditions.push_back(v);
    }
    if (p.conditions.empty() && !none) s.fail("conditions", "needs at least one condition (or NONE)");
    p.n_trials = whole(s, "n_trials", p.n_trials, 0, 1000000);
    p.seed = s.seed("seed", p.seed);
    p.output = s.text("output", "");
    p.progress = s.boolean("progress", p.progress);
    s.finish();
  }
  {
    section_reader s(cfg, "rates.network");
    p.n_d = whole(s, "n_d", p.n_d, 1, 6);
    p.n_per_axis = whole(s, "n_per_axis", p.n_per_axis, 1, 64);
    p.n_i = whole(s, "n_i", p.n_i, 1, 100000);
    p.n_stimuli_per_axis = whole(s, "n_stimuli_per_axis", p.n_stimuli_per_axis, 1, 1000);
    p.dt = s.positive("dt", p.dt);
    p.tau_e = s.positive("tau_e", p.tau_e);
    p.tau_i = s.positive("tau_i", p.tau_i);
    p.r_max = s.positive("r_max", p.r_max);
    p.max_dr = s.positive("max_dr", p.max_dr);
    p.max_steps = whole(s, "max_steps", p.max_steps, 1, 100000000);
    if (p.dt > p.tau_e || p.dt > p.tau_i) {
      s.fail("dt", "must not exceed tau_e and tau_i (forward Euler with dt/tau > 1 is unstable)");
    }
    double ne = 1, ns = 1;
    for (int d = 0; d < p.n_d; ++d) {
      ne *= p.n_per_axis;
      ns *= p.n_stimuli_per_axis;
    }
    if (ne > 65536) s.fail("n_per_axis", "n_per_axis^n_d = " + std::to_string(ne) + " E cells; at most 65536");
    if (ns > 1e7) s.fail("n_stimuli_per_axis", "n_stimuli_per_axis^n_d stimuli exceed 1e7");
    s.finish();
  }
  {
    section_reader s(cfg, "rates.input");
    p.e_background = s.non_negative("e_background", p.e_background);
    p.e_peak = s.non_negative("e_peak", p.e_peak);
    p.i_background = s.non_negative("i_background", p.i_background);
    p.kappa = s.positive("kappa", p.kappa);
    p.ee_kappa = s.positive("ee_kappa", p.ee_kappa);
    s.finish();
  }
  {
    section_reader s(cfg, "rates.synapses");
    p.lognormal_sigma = s.non_negative("lognormal_sigma", p.lognormal_sigma);
    p.ee_total = s.non_negative("ee_total", p.ee_total);
    p.ee_p = connection_p(s, "ee_p", p.ee_p);
    p.ie_total = s.positive("ie_total", p.ie_total);
    p.ie_p = connection_p(s, "ie_p", p.ie_p);
    p.ei_total = s.positive("ei_total", p.ei_total);
    p.ei_p = connection_p(s, "ei_p", p.ei_p);
    p.ii_total = s.non_negative("ii_total", p.ii_total);
    p.ii_p = connection_p(s, "ii_p", p.ii_p);
    p.w_max = s.positive("w_max", p.w_max);
    p.softplus_slope = s.positive("softplus_slope", p.softplus_slope);
    const int n_e = p.n_e();
    if (std::lround(p.ie_p * n_e) < 1) s.fail("ie_p", "round(ie_p * N_E) must be >= 1 (N_E = " + std::to_string(n_e) + ")");
    if (std::lround(p.ei_p * p.n_i) < 1) s.fail("ei_p", "round(ei_p * n_i) must be >= 1 (n_i = " + std::to_string(p.n_i) + ")");
    if (std::lround(p.ii_p * p.n_i) < 1) s.fail("ii_p", "round(ii_p * n_i) must be >= 1 (n_i = " + std::to_string(p.n_i) + ")");
    if (n_e < 2 && p.ee_total > 0) s.fail("ee_total", "E->E weights need at least 2 E cells");
    s.finish();
  }
  {
    section_reader s(cfg, "rates.plasticity");
    const auto rule = s.choice("rule", {"APPROXIMATE", "GRADIENT"}, "APPROXIMATE");
    p.rule = rule == "GRADIENT" ? learning_rule::gradient : learning_rule::approximate;
    const double eta_default = p.rule == learning_rule::gradient ? 1e-3 : 1e-5;
    p.rho0 = s.number("rho0", p.rho0);
    p.eta_e = s.non_negative("eta_e", eta_default);
    p.eta_i = s.non_negative("eta_i", eta_default);
    p.ie_decay = s.non_negative("ie_decay", p.ie_decay);
    p.ei_decay = s.non_negative("ei_decay", p.ei_decay);
    p.ie_row_total = s.positive("ie_row_total", p.ie_total);
    p.adam_beta1 = s.non_negative("adam_beta1", p.adam_beta1);
    p.adam_beta2 = s.non_negative("adam_beta2", p.adam_beta2);
    p.adam_epsilon = s.positive("adam_epsilon", p.adam_epsilon);
    if (p.adam_beta1 >= 1) s.fail("adam_beta1", "must be in [0, 1)");
    if (p.adam_beta2 >= 1) s.fail("adam_beta2", "must be in [0, 1)");
    p.angle_every = whole(s, "angle_every", p.angle_every, 0, 1000000000);
    s.finish();
  }
  {
    section_reader s(cfg, "rates.perturb");
    p.perturb = s.boolean("enabled", false);
    p.perturb_network = s.text("network", "");
    p.perturb_cells = whole(s, "cells", p.perturb_cells, 1, p.n_e());
    p.perturb_delta = s.positive("delta", p.perturb_delta);
    p.perturb_max_dr = s.positive("max_dr", p.perturb_max_dr);
    p.perturb_bins = whole(s, "bins", p.perturb_bins, 1, 1000);
    s.finish();
    if (p.conditions.empty() && !(p.perturb && !p.perturb_network.empty())) {
      section_reader r(cfg, "rates");
      r.fail("conditions", "NONE trains nothing: only useful with rates.perturb.enabled = true and rates.perturb.network set");
    }
    if (p.perturb && p.perturb_network.empty()) {
      bool both = false;
      for (auto c : p.conditions) both = both || c == condition::both;
      if (!both) {
        s.fail("enabled", "PERTURB needs a trained BOTH network: list BOTH in rates.conditions or set "
                          "rates.perturb.network to a learning run's output file");
      }
    }
  }
  return p;
}

}  // namespace balnet::rates

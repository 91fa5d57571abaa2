#include "balnet/theory/balanced_state.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <sstream>

#include "balnet/core/error.hpp"
#include "balnet/core/expression.hpp"
#include "balnet/io/config.hpp"
#include "balnet/model/point_neuron.hpp"
#include "balnet/network/spec.hpp"

namespace balnet::theory {

namespace {

std::string num(double v) {
  std::ostringstream s;
  s.precision(6);
  s << v;
  return s.str();
}

std::string trim(const std::string& v) {
  const auto b = v.find_first_not_of(" \t");
  const auto e = v.find_last_not_of(" \t");
  return b == std::string::npos ? "" : v.substr(b, e - b + 1);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text + ",") {
    if (c == ',') {
      if (!trim(cur).empty()) out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

// Evaluates a config value that may depend on time `t` (ms) as well as on [params].
std::optional<double> evaluate_at(const config& cfg, const std::string& full_key, double t) {
  const auto* e = cfg.find(full_key);
  if (!e) return std::nullopt;
  try {
    return evaluate_expression(e->value, [&](std::string_view n) -> std::optional<double> {
      std::string name(n);
      if (name == "t") return t;
      if (name.rfind("params.", 0) == 0) name = name.substr(7);
      return cfg.param(name);
    });
  } catch (const config_error&) {
    return std::nullopt;
  }
}

// Charge per unit weight of one spike on receptor r: the kernel's area (1 for unit-area
// kernels), times the driving force for conductances, times C for voltage jumps.
// Written as a template so that it also compiles once receptors gain kernel shapes and a
// norm (alpha and difference-of-exponential kernels: issue 4).
template <class R>
double unit_charge(const R& r, const population_spec& pop, double& v_ref, std::string& note) {
  const auto* pn = dynamic_cast<const point_neuron_params*>(pop.params.get());
  if (r.kind == receptor_kind::delta) {
    if (!pn) {
      note = "population " + pop.name + ": delta receptor " + r.name + " on a model without C; taken as C = 1";
      return 1.0;
    }
    return pn->C;  // a jump of w mV is a charge C w
  }
  bool unit_area = false;
  if constexpr (requires { r.unit_area(); }) {
    unit_area = r.unit_area();
  } else {
    unit_area = r.kind == receptor_kind::current && r.unit_area;
  }
  double peak_area = r.tau;  // exponential kernel of unit peak
  if constexpr (requires { r.kernel; r.tau_rise; }) {
    using kernel_t = decltype(r.kernel);
    if (r.kernel == kernel_t::alpha) {
      peak_area = std::exp(1.0) * r.tau;  // (t/tau) e^(1 - t/tau)
    } else if (r.kernel == kernel_t::biexp && r.tau_rise > 0 && r.tau_rise < r.tau) {
      const double tp = r.tau * r.tau_rise / (r.tau - r.tau_rise) * std::log(r.tau / r.tau_rise);
      const double peak = std::exp(-tp / r.tau) - std::exp(-tp / r.tau_rise);
      peak_area = (r.tau - r.tau_rise) / peak;
    }
  }
  const double area = unit_area ? 1.0 : peak_area;
  if (r.kind == receptor_kind::conductance) {
    // Linearised at a reference potential: the balanced-state limit of conductance-based
    // networks is only approximate (the driving force depends on V).
    v_ref = pn ? 0.5 * (pn->V_reset + pn->V_th) : -55.0;
    return area * (r.E_rev - v_ref);
  }
  return area;
}

}  // namespace

int mean_field::population_index(const std::string& name) const {
  for (std::size_t i = 0; i < populations.size(); ++i) {
    if (populations[i] == name) return static_cast<int>(i);
  }
  return -1;
}

matrix mean_field::W() const {
  const std::size_t n = populations.size();
  matrix w(n, n);
  for (const auto& b : blocks) {
    if (!b.external) w(b.target, b.source) += b.coupling();
  }
  return w;
}

std::vector<double> mean_field::h() const {
  std::vector<double> out(populations.size(), 0.0);
  for (const auto& b : blocks) {
    if (b.external) out[b.target] += b.coupling() * source_rates[b.source] * 1e-3;
  }
  for (const auto& d : drives) out[d.target] += d.current;
  return out;
}

mean_field build_mean_field(const network_spec& net, const config& cfg, double time) {
  mean_field mf;
  std::vector<int> row(net.populations.size(), -1), col(net.populations.size(), -1);
  for (std::size_t i = 0; i < net.populations.size(); ++i) {
    const auto& p = net.populations[i];
    if (!p.is_source) {
      row[i] = static_cast<int>(mf.populations.size());
      mf.populations.push_back(p.name);
      mf.spec_index.push_back(i);
      if (const auto* pn = dynamic_cast<const point_neuron_params*>(p.params.get()); pn && pn->I_e != 0.0) {
        mf.notes.push_back("population " + p.name + ": the bias current I_e = " + num(pn->I_e) +
                           " is an O(1) input, left out at leading order (as the leak)");
      }
      continue;
    }
    const auto rate = evaluate_at(cfg, "population." + p.name + ".rate", time);
    if (!rate) {
      mf.notes.push_back("spike source " + p.name + " (model " + p.model +
                         "): no constant rate key, left out of the drive");
      continue;
    }
    col[i] = static_cast<int>(mf.sources.size());
    mf.sources.push_back(p.name);
    mf.source_rates.push_back(*rate);
  }
  if (mf.populations.empty()) {
    throw config_error(cfg.file_name() + ": the network has no neuron population (only spike sources); "
                       "the balanced-state theory needs at least one");
  }

  std::map<std::string, int> block_of;
  bool conductance_noted = false;
  for (const auto& pr : net.projections) {
    const auto& src = net.populations[pr.source];
    const auto& tgt = net.populations[pr.target];
    if (row[pr.target] < 0) continue;
    block b;
    b.projection = pr.name;
    b.target = static_cast<std::size_t>(row[pr.target]);
    if (src.is_source) {
      if (col[pr.source] < 0) continue;
      b.external = true;
      b.source = static_cast<std::size_t>(col[pr.source]);
    } else {
      b.source = static_cast<std::size_t>(row[pr.source]);
    }
    b.indegree = pr.expected_synapses(net.populations) / static_cast<double>(tgt.size);
    b.weight = pr.weight.mean() * pr.weight_scale;
    std::string note;
    double v_ref = 0.0;
    b.area = unit_charge(tgt.receptors[pr.receptor_index], tgt, v_ref, note);
    if (!note.empty()) mf.notes.push_back(note);
    if (tgt.receptors[pr.receptor_index].kind == receptor_kind::conductance && !conductance_noted) {
      conductance_noted = true;
      mf.notes.push_back("conductance receptors are linearised at V_ref = (V_reset + V_th)/2 (" +
                         num(v_ref) + " mV for " + tgt.name +
                         "): the balanced state of conductance-based networks is only approximate");
    }
    block_of[pr.name] = static_cast<int>(mf.blocks.size());
    mf.blocks.push_back(b);
  }

  // Inputs: the Poisson drives contribute sources x rate x weight x charge per unit weight;
  // currents are O(1) at large in-degree and left out (as the leak and I_e).
  for (const auto& name : cfg.names("input")) {
    const std::string sec = "input." + name;
    const auto* type_entry = cfg.find(sec + ".type");
    const std::string type = type_entry ? trim(type_entry->value) : "";
    if (type == "poisson" || type == "inhomogeneous_poisson") {
      const auto rate = evaluate_at(cfg, sec + ".rate", time);
      const auto weight = evaluate_at(cfg, sec + ".weight", time);
      const double sources = cfg.has(sec + ".sources") ? cfg.evaluate(cfg.find(sec + ".sources")->value, sec + ".sources") : 1.0;
      const auto* tgt_entry = cfg.find(sec + ".target");
      const auto* rec_entry = cfg.find(sec + ".receptor");
      if (!rate || !weight || !tgt_entry || !rec_entry) {
        mf.notes.push_back("input " + name + " (" + type + "): rate or weight is not a number at t = " +
                           num(time) + " ms; left out of the drive");
        continue;
      }
      for (const auto& tname : split_list(tgt_entry->value)) {
        const int pi = net.population_index(tname);
        if (pi < 0 || row[static_cast<std::size_t>(pi)] < 0) continue;
        const auto& tgt = net.populations[static_cast<std::size_t>(pi)];
        const int ri = tgt.receptor_index(trim(rec_entry->value));
        if (ri < 0) continue;
        std::string note;
        double v_ref = 0.0;
        const double q = unit_charge(tgt.receptors[static_cast<std::size_t>(ri)], tgt, v_ref, note);
        if (!note.empty()) mf.notes.push_back(note);
        drive d;
        d.name = name;
        d.target = static_cast<std::size_t>(row[static_cast<std::size_t>(pi)]);
        d.current = sources * (*rate) * 1e-3 * (*weight) * q;
        d.what = num(sources) + " sources x " + num(*rate) + " Hz x weight " + num(*weight) +
                 " on receptor " + trim(rec_entry->value);
        mf.drives.push_back(d);
      }
    } else {
      mf.notes.push_back("input " + name + " (type " + type +
                         "): not a Poisson drive; left out of the leading-order balance");
    }
  }

  mf.rules = read_rule_theory(cfg, net);
  for (const auto& r : mf.rules) {
    const auto it = block_of.find(r.projection);
    mf.rule_block.push_back(it == block_of.end() ? -1 : it->second);
  }
  return mf;
}

namespace {

// The nonlinear fixed-point problem with plasticity: unknowns are the rates (kHz) of the
// neuron populations and the mean weight of each projection whose rule has a fixed point.
struct plastic_system {
  const mean_field& mf;
  std::size_t n = 0;                 // populations
  std::vector<int> weight_var;       // per block: index of its weight unknown, or -1
  std::vector<std::size_t> active;   // rule indices with a fixed point (one per unknown weight)
  std::vector<double> row_scale;

  explicit plastic_system(const mean_field& m) : mf(m), n(m.populations.size()) {}

  std::size_t size() const { return n + active.size(); }

  double weight_of(std::size_t b, const std::vector<double>& z) const {
    return weight_var[b] >= 0 ? z[n + static_cast<std::size_t>(weight_var[b])] : mf.blocks[b].weight;
  }
  double source_rate(const block& b, const std::vector<double>& z) const {
    return b.external ? mf.source_rates[b.source] * 1e-3 : z[b.source];
  }
  // Residuals F(z) and Jacobian.
  std::vector<double> residual(const std::vector<double>& z, matrix* J) const {
    const std::size_t m = size();
    std::vector<double> F(m, 0.0);
    if (J) *J = matrix(m, m);
    for (const auto& d : mf.drives) F[d.target] += d.current;
    for (std::size_t b = 0; b < mf.blocks.size(); ++b) {
      const auto& bl = mf.blocks[b];
      const double c = bl.indegree * bl.area;
      const double w = weight_of(b, z);
      const double r = source_rate(bl, z);
      F[bl.target] += c * w * r;
      if (J) {
        if (!bl.external) (*J)(bl.target, bl.source) += c * w;
        if (weight_var[b] >= 0) (*J)(bl.target, n + static_cast<std::size_t>(weight_var[b])) += c * r;
      }
    }
    for (std::size_t k = 0; k < active.size(); ++k) {
      const auto& rule = mf.rules[active[k]];
      const auto b = static_cast<std::size_t>(mf.rule_block[active[k]]);
      const std::size_t eq = n + k;
      if (rule.kind == fixed_point_kind::weight) {
        const auto& bl = mf.blocks[b];
        F[eq] = z[eq] - (rule.w0 + rule.w1 * source_rate(bl, z));
        if (J) {
          (*J)(eq, eq) = 1.0;
          if (!bl.external) (*J)(eq, bl.source) -= rule.w1;
        }
      } else {
        const int row = rate_row(rule);
        F[eq] = z[static_cast<std::size_t>(row)] - rule.rho * 1e-3;
        if (J) (*J)(eq, static_cast<std::size_t>(row)) = 1.0;
      }
    }
    return F;
  }

  int rate_row(const rule_theory& r) const {
    for (std::size_t i = 0; i < n; ++i) {
      if (mf.spec_index[i] == r.rate_population) return static_cast<int>(i);
    }
    return -1;
  }

  double norm(const std::vector<double>& F) const {
    double s = 0.0;
    for (std::size_t i = 0; i < F.size(); ++i) s = std::max(s, std::fabs(F[i]) / row_scale[i]);
    return s;
  }

  // Newton with backtracking; nullopt if it does not converge.
  std::optional<std::vector<double>> newton(std::vector<double> z) const {
    matrix J;
    auto F = residual(z, &J);
    double f = norm(F);
    for (int it = 0; it < 200 && f > 1e-11; ++it) {
      std::vector<double> minus(F.size());
      for (std::size_t i = 0; i < F.size(); ++i) minus[i] = -F[i];
      const auto step = solve(J, minus);
      if (!step) return std::nullopt;
      double lambda = 1.0;
      std::vector<double> trial(z.size());
      bool improved = false;
      for (int h = 0; h < 40; ++h, lambda *= 0.5) {
        for (std::size_t i = 0; i < z.size(); ++i) trial[i] = z[i] + lambda * (*step)[i];
        const auto Ft = residual(trial, nullptr);
        if (norm(Ft) < (1.0 - 1e-4 * lambda) * f) {
          improved = true;
          break;
        }
      }
      if (!improved) return std::nullopt;
      z = trial;
      F = residual(z, &J);
      f = norm(F);
    }
    if (f > 1e-11) return std::nullopt;
    return z;
  }

  // Rates (kHz) of the balanced state with the plastic weights held at w (no rule rows).
  std::optional<std::vector<double>> rates_at(const std::vector<double>& weights) const {
    matrix W(n, n);
    std::vector<double> rhs(n, 0.0);
    for (const auto& d : mf.drives) rhs[d.target] -= d.current;
    for (std::size_t b = 0; b < mf.blocks.size(); ++b) {
      const auto& bl = mf.blocks[b];
      const double w = weight_var[b] >= 0 ? weights[static_cast<std::size_t>(weight_var[b])] : bl.weight;
      const double c = bl.indegree * bl.area * w;
      if (bl.external) {
        rhs[bl.target] -= c * mf.source_rates[bl.source] * 1e-3;
      } else {
        W(bl.target, bl.source) += c;
      }
    }
    return solve(W, rhs);
  }

  // Mean drift of each unknown weight with rates slaved to the balanced state.
  std::optional<std::vector<double>> drift(const std::vector<double>& weights) const {
    const auto r = rates_at(weights);
    if (!r) return std::nullopt;
    std::vector<double> d(active.size());
    for (std::size_t k = 0; k < active.size(); ++k) {
      const auto& rule = mf.rules[active[k]];
      const auto& bl = mf.blocks[static_cast<std::size_t>(mf.rule_block[active[k]])];
      const double rpre = bl.external ? mf.source_rates[bl.source] * 1e-3 : (*r)[bl.source];
      const double rpost = (*r)[bl.target];
      const int g = rate_row(rule);
      const double rgate = g >= 0 ? (*r)[static_cast<std::size_t>(g)] : rpost;
      d[k] = rule.drift ? rule.drift(weights[k], rpre, rpost, rgate) : 0.0;
    }
    return d;
  }

  stability weight_stability(const std::vector<double>& z) const {
    const std::size_t m = active.size();
    std::vector<double> w(z.begin() + static_cast<std::ptrdiff_t>(n), z.end());
    matrix J(m, m);
    for (std::size_t j = 0; j < m; ++j) {
      const double h = 1e-6 * std::max(std::fabs(w[j]), 1e-9);
      auto up = w, down = w;
      up[j] += h;
      down[j] -= h;
      const auto du = drift(up), dd = drift(down);
      if (!du || !dd) return stability::marginal;
      for (std::size_t i = 0; i < m; ++i) J(i, j) = ((*du)[i] - (*dd)[i]) / (2 * h);
    }
    return hurwitz_stability(J, 1e-7);
  }
};

struct merged_solution {
  std::vector<std::size_t> group;  // representative population of each population
  std::vector<double> rates;       // kHz
};

// Groups populations whose rows of W and entries of h are equal and, if the reduced
// system (one rate per group; columns summed within groups) is regular, solves it.
std::optional<merged_solution> solve_identical_rows(const matrix& W, const std::vector<double>& h) {
  const std::size_t n = W.rows;
  merged_solution m;
  m.group.resize(n);
  std::vector<std::size_t> reps;
  for (std::size_t i = 0; i < n; ++i) {
    m.group[i] = i;
    for (std::size_t r : reps) {
      double scale = std::fabs(h[r]);
      bool same = std::fabs(h[i] - h[r]) <= 1e-12 * (scale + 1e-300);
      for (std::size_t j = 0; j < n && same; ++j) {
        same = std::fabs(W(i, j) - W(r, j)) <= 1e-12 * (std::fabs(W(r, j)) + 1e-300);
      }
      if (same) {
        m.group[i] = r;
        break;
      }
    }
    if (m.group[i] == i) reps.push_back(i);
  }
  if (reps.size() == n) return std::nullopt;
  const std::size_t k = reps.size();
  matrix R(k, k);
  std::vector<double> rhs(k);
  for (std::size_t a = 0; a < k; ++a) {
    rhs[a] = -h[reps[a]];
    for (std::size_t j = 0; j < n; ++j) {
      const auto col = static_cast<std::size_t>(std::find(reps.begin(), reps.end(), m.group[j]) - reps.begin());
      R(a, col) += W(reps[a], j);
    }
  }
  if (condition_number(R) > 1e12) return std::nullopt;
  const auto x = solve(R, rhs);
  if (!x) return std::nullopt;
  m.rates.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    m.rates[i] = (*x)[static_cast<std::size_t>(std::find(reps.begin(), reps.end(), m.group[i]) - reps.begin())];
  }
  return m;
}

std::string rates_text(const mean_field& mf, const std::vector<double>& r_hz) {
  std::string s;
  for (std::size_t i = 0; i < r_hz.size(); ++i) {
    s += (i ? ", " : "") + mf.populations[i] + " " + num(r_hz[i]) + " Hz";
  }
  return s;
}

}  // namespace

balanced_solution solve_balanced(const mean_field& mf) {
  balanced_solution out;
  const std::size_t n = mf.populations.size();
  out.W = mf.W();
  out.h = mf.h();
  out.condition = condition_number(out.W);

  bool zero_drive = true;
  for (double v : out.h) zero_drive = zero_drive && v == 0.0;
  if (zero_drive) {
    out.notes.push_back(mf.rules.empty()
                            ? "no external drive at leading order (h = 0): the balanced rates are 0"
                            : "no external drive at leading order (h = 0): the balanced rates are 0 unless "
                              "plasticity fixes a rate, and the stability of the weights is not meaningful");
  }

  plastic_system sys(mf);
  sys.weight_var.assign(mf.blocks.size(), -1);
  // Rules with a fixed point; at most one per projection, and at most one target rate per
  // population (several rules regulating one rate leave a manifold of weight fixed points).
  std::map<std::size_t, std::size_t> rate_rule_of;  // population -> rule
  for (std::size_t k = 0; k < mf.rules.size(); ++k) {
    const auto& r = mf.rules[k];
    if (!r.note.empty()) out.notes.push_back(r.projection + " (" + r.rule + "): " + r.note);
    if (r.kind == fixed_point_kind::none) continue;
    if (mf.rule_block[k] < 0) {
      out.notes.push_back(r.projection + " (" + r.rule + "): projection not in the mean field; rule ignored");
      continue;
    }
    const auto b = static_cast<std::size_t>(mf.rule_block[k]);
    if (sys.weight_var[b] >= 0) {
      out.ok = false;
      out.message = "projection " + r.projection + " has two rules that each set its fixed point (" +
                    mf.rules[sys.active[static_cast<std::size_t>(sys.weight_var[b])]].rule + ", " + r.rule +
                    "); the theory takes one such rule per projection";
      return out;
    }
    if (r.kind == fixed_point_kind::rate) {
      if (sys.rate_row(r) < 0) {
        out.notes.push_back(r.projection + " (" + r.rule + "): regulates the rate of a spike source; ignored");
        continue;
      }
      const auto it = rate_rule_of.find(r.rate_population);
      if (it != rate_rule_of.end()) {
        const auto& first = mf.rules[it->second];
        if (first.rho != r.rho) {
          out.ok = false;
          out.message = "the rules contradict each other: " + first.projection + " (" + first.rule + ") drives the rate of " +
                        mf.populations[static_cast<std::size_t>(sys.rate_row(r))] + " to " + num(first.rho) +
                        " Hz but " + r.projection + " (" + r.rule + ") to " + num(r.rho) + " Hz";
          return out;
        }
        out.notes.push_back("a manifold of fixed points: " + first.projection + " and " + r.projection +
                            " both regulate the rate of " + mf.populations[static_cast<std::size_t>(sys.rate_row(r))] +
                            " to " + num(r.rho) + " Hz, so only a combination of their weights is determined; "
                            "the point shown keeps " + r.projection + " at its initial weight");
        continue;
      }
      rate_rule_of[r.rate_population] = k;
    }
    sys.weight_var[b] = static_cast<int>(sys.active.size());
    sys.active.push_back(k);
  }

  if (sys.active.empty()) {
    // Static network (or rules without a fixed point): r = -W^-1 h.
    auto inv = inverse(out.W);
    if (!inv || out.condition > 1e12) {
      // Populations with identical input (equal rows of W and h, as in Brunel's model where E
      // and I cells get the same synapses) make W singular; their rates are then taken equal
      // and the reduced system is solved.
      const auto merged = solve_identical_rows(out.W, out.h);
      if (merged) {
        std::string names;
        for (std::size_t i = 0; i < n; ++i) {
          if (merged->group[i] != i) names += (names.empty() ? "" : ", ") + mf.populations[i] + " = " + mf.populations[merged->group[i]];
        }
        out.notes.push_back("W is singular because some populations receive identical input (equal rows of W "
                            "and h); their rates are taken equal (" + names + ")");
        fixed_point fp;
        for (double v : merged->rates) fp.rates.push_back(v * 1e3);
        bool negative = false;
        for (double v : fp.rates) negative = negative || v < -1e-9;
        if (negative) {
          out.ok = false;
          out.rejected.push_back(fp);
          out.message = "with equal rates for populations with identical input, "
                        "W r + h = 0 gives " + rates_text(mf, fp.rates) +
                        "; a negative rate means excitation dominates (the drive cannot be balanced)";
          return out;
        }
        for (auto& v : fp.rates) v = std::max(v, 0.0);
        out.points.push_back(fp);
        out.ok = true;
        return out;
      }
      out.ok = false;
      out.message = "W is singular (condition number " + num(out.condition) +
                    "): the balance equations W r + h = 0 have no unique solution, so there is no "
                    "balanced state (rows of W are linearly dependent: check the weights and in-degrees)";
      return out;
    }
    std::vector<double> minus_h(n);
    for (std::size_t i = 0; i < n; ++i) minus_h[i] = -out.h[i];
    const auto r = (*inv) * minus_h;
    fixed_point fp;
    for (double v : r) fp.rates.push_back(v * 1e3);
    bool negative = false;
    for (double v : fp.rates) negative = negative || v < -1e-9;
    if (negative) {
      out.ok = false;
      out.rejected.push_back(fp);
      out.message = "r = -W^-1 h gives " + rates_text(mf, fp.rates) +
                    "; a negative rate means the external drive cannot be balanced by this "
                    "connectivity (for E/I networks the balance conditions W_EX/W_IX > W_EI/W_II > "
                    "W_EE/W_IE must hold)";
      return out;
    }
    for (auto& v : fp.rates) v = std::max(v, 0.0);
    out.points.push_back(fp);
    out.ok = true;
    return out;
  }

  // Plastic network: Newton from a grid of starting rates.
  const std::size_t m = sys.size();
  sys.row_scale.assign(m, 0.0);
  for (const auto& d : mf.drives) sys.row_scale[d.target] += std::fabs(d.current);
  for (const auto& b : mf.blocks) sys.row_scale[b.target] += std::fabs(b.coupling()) * 0.01;
  for (std::size_t k = 0; k < sys.active.size(); ++k) {
    const auto& r = mf.rules[sys.active[k]];
    const auto& b = mf.blocks[static_cast<std::size_t>(mf.rule_block[sys.active[k]])];
    sys.row_scale[n + k] = r.kind == fixed_point_kind::weight ? std::fabs(r.w0) + std::fabs(r.w1) * 0.01 + std::fabs(b.weight) : 0.01;
  }
  for (auto& s : sys.row_scale) s = s > 0 ? s : 1.0;

  const std::vector<double> grid = {0.5e-3, 3e-3, 10e-3, 30e-3, 100e-3};  // kHz
  std::vector<std::vector<double>> starts;
  const std::size_t combos = static_cast<std::size_t>(std::pow(static_cast<double>(grid.size()), static_cast<double>(n)));
  std::uint64_t lcg = 12345;
  const std::size_t count = std::min<std::size_t>(combos, 256);
  for (std::size_t c = 0; c < count; ++c) {
    std::vector<double> z(m, 0.0);
    std::size_t code = c;
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t pick;
      if (combos <= 256) {
        pick = code % grid.size();
        code /= grid.size();
      } else {
        lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
        pick = static_cast<std::size_t>((lcg >> 33) % grid.size());
      }
      z[i] = grid[pick];
    }
    for (std::size_t k = 0; k < sys.active.size(); ++k) {
      const auto& r = mf.rules[sys.active[k]];
      const auto& b = mf.blocks[static_cast<std::size_t>(mf.rule_block[sys.active[k]])];
      z[n + k] = r.kind == fixed_point_kind::weight ? r.w0 + r.w1 * sys.source_rate(b, z) : b.weight;
    }
    starts.push_back(z);
  }

  std::vector<std::vector<double>> found;
  for (const auto& z0 : starts) {
    const auto z = sys.newton(z0);
    if (!z) continue;
    bool dup = false;
    for (const auto& f : found) {
      bool same = true;
      for (std::size_t i = 0; i < m && same; ++i) {
        const double tol = 1e-6 * (std::fabs(f[i]) + (i < n ? 1e-3 : sys.row_scale[i]));
        same = std::fabs(f[i] - (*z)[i]) <= tol;
      }
      dup = dup || same;
    }
    if (!dup) found.push_back(*z);
  }
  for (const auto& z : found) {
    fixed_point fp;
    bool negative = false;
    for (std::size_t i = 0; i < n; ++i) {
      fp.rates.push_back(z[i] * 1e3);
      negative = negative || z[i] < -1e-12;
    }
    for (std::size_t k = 0; k < sys.active.size(); ++k) fp.weights.push_back(z[n + k]);
    if (negative) {
      out.rejected.push_back(fp);
      continue;
    }
    for (auto& v : fp.rates) v = std::max(v, 0.0);
    fp.has_stability = true;
    fp.weights_stability = sys.weight_stability(z);
    out.points.push_back(fp);
  }
  // Expand the per-unknown weights to one entry per rule (rules without a fixed point keep
  // the initial mean weight of their projection).
  for (auto* list : {&out.points, &out.rejected}) {
    for (auto& fp : *list) {
      std::vector<double> per_rule(mf.rules.size(), 0.0);
      for (std::size_t k = 0; k < mf.rules.size(); ++k) {
        const int b = mf.rule_block[k];
        if (b < 0) continue;
        const int v = sys.weight_var[static_cast<std::size_t>(b)];
        per_rule[k] = v >= 0 ? fp.weights[static_cast<std::size_t>(v)] : mf.blocks[static_cast<std::size_t>(b)].weight;
      }
      fp.weights = per_rule;
    }
  }
  std::stable_sort(out.points.begin(), out.points.end(), [](const fixed_point& a, const fixed_point& b) {
    return (a.weights_stability == stability::stable) > (b.weights_stability == stability::stable);
  });
  if (out.points.empty()) {
    out.ok = false;
    if (!out.rejected.empty()) {
      out.message = "no fixed point with non-negative rates under the plasticity rules (a "
                    "solution with " + rates_text(mf, out.rejected.front().rates) + " exists)";
    } else {
      out.message = "no fixed point found under the plasticity rules (the equations have no "
                    "solution, or they leave it undetermined)";
    }
    return out;
  }
  out.ok = true;
  return out;
}

}  // namespace balnet::theory

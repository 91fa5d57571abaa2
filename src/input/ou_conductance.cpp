#include "balnet/input/ou_conductance.hpp"

#include <algorithm>
#include <cmath>

#include "balnet/core/rng.hpp"
#include "balnet/input/current_inputs.hpp"
#include "balnet/input/neuron_set.hpp"
#include "balnet/input/receptor_sink.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/state_io.hpp"
#include "balnet/io/table_file.hpp"
#include "balnet/model/receptor_bank.hpp"
#include "balnet/network/partition.hpp"
#include "balnet/network/spec.hpp"

namespace balnet {

namespace {

class ou_driver final : public input_driver {
 public:
  ou_driver(const ou_conductance_spec& spec, const input_context& ctx) : spec_(spec) {
    const auto& pop = ctx.net.populations[spec_.target];
    const auto& re = pop.receptors[spec_.receptor_e];
    // Exponential receptors: their input is g itself, the innovation is added as is.
    in_e_ = receptor_sink(*ctx.groups[spec_.target], spec_.receptor_e);
    in_i_ = receptor_sink(*ctx.groups[spec_.target], spec_.receptor_i);
    seed_ = ctx.net.run.seed;
    start_ = ctx.start;
    d_ = std::exp(-ctx.net.run.dt / re.tau);
    const double q = std::sqrt(1.0 - d_ * d_);
    for (const auto& m : local_members(spec_.neurons, pop, ctx.part)) {
      const auto& p = spec_.params.size() == 1 ? spec_.params[0] : spec_.params[m.ordinal];
      neuron n;
      n.local = m.local;
      n.gid = m.gid;
      n.mu_e = p.mu_e;
      n.mu_i = p.mu_i;
      n.s_e = p.sigma_e;
      n.s_i1 = p.sigma_i * p.rho;
      n.s_i2 = p.sigma_i * std::sqrt(1.0 - p.rho * p.rho);
      n.q = q;
      neurons_.push_back(n);
    }
    position_.assign(neurons_.size(), 0);
    block_.assign(neurons_.size(), 0);
    x1_.assign(neurons_.size(), 0.0);
    x2_.assign(neurons_.size(), 0.0);
    for (const auto& n : neurons_) index_.push_back(static_cast<std::uint32_t>(n.gid));
    for (const auto& pt : spec_.perturbations) {
      changes_.push_back(pt.on);
      changes_.push_back(pt.off);
    }
    std::sort(changes_.begin(), changes_.end());
    changes_.erase(std::unique(changes_.begin(), changes_.end()), changes_.end());
  }

  void apply(step_t t) override {
    // Perturbation levels of this step and the previous one.
    const double prev_e = A_e_, prev_i = A_i_;
    while (next_ < changes_.size() && changes_[next_] <= t) {
      ++next_;
      A_e_ = A_i_ = 0.0;
      for (const auto& pt : spec_.perturbations) {
        if (pt.on <= t && t < pt.off) {
          A_e_ += pt.A_e;
          A_i_ += pt.A_i;
        }
      }
    }
    const bool first = t == start_;
    const double d = first ? 0.0 : d_;
    const double dA_e = A_e_ - d * prev_e, dA_i = A_i_ - d * prev_i;
    // Two normals per neuron and step: words 4b .. 4b + 7 of the neuron's stream (b = its
    // position / 4), drawn for all neurons in one vectorised pass. A position off the block
    // grid (never reached: every step takes 8 words from 0) goes through random_stream.
    const std::size_t count = neurons_.size();
    bool aligned = true;
    for (std::size_t k = 0; k < count; ++k) {
      block_[k] = position_[k] >> 2;
      aligned &= (position_[k] & 3) == 0;
    }
    if (aligned) {
      keyed_normal_pairs(seed_, rng_domain::poisson_input, spec_.hash, index_.data(), block_.data(), count,
                         x1_.data(), x2_.data());
    } else {
      for (std::size_t k = 0; k < count; ++k) {
        random_stream rs(seed_, rng_domain::poisson_input, spec_.hash, index_[k], position_[k]);
        const std::uint64_t a = rs.next_u64(), b = rs.next_u64(), c = rs.next_u64(), e = rs.next_u64();
        x1_[k] = box_muller_det(a, b);
        x2_[k] = box_muller_det(c, e);
      }
    }
    for (std::size_t k = 0; k < count; ++k) {
      const neuron& n = neurons_[k];
      const double x1 = x1_[k], x2 = x2_[k];
      position_[k] += 8;
      const double q = first ? 1.0 : n.q;
      const double ge = n.mu_e * (1.0 - d) + q * n.s_e * x1 + dA_e;
      const double gi = n.mu_i * (1.0 - d) + q * (n.s_i1 * x1 + n.s_i2 * x2) + dA_i;
      in_e_.add_state(n.local, ge);
      in_i_.add_state(n.local, gi);
    }
  }

  // The OU values live in the receptors (saved with the neurons); here the streams' positions
  // per gid and the perturbation level (the same on every rank).
  bool save_state(state_set& out, const std::string& prefix) const override {
    auto& t = out.table(prefix);
    auto& g = t.column("gid");
    for (const auto& n : neurons_) g.push_back(static_cast<double>(n.gid));
    t.column("position").assign(position_.begin(), position_.end());
    t.scalars["next"] = static_cast<double>(next_);
    t.scalars["A_e"] = A_e_;
    t.scalars["A_i"] = A_i_;
    return true;
  }
  void load_state(const state_set& in, const std::string& prefix) override {
    const auto& t = in.at(prefix);
    std::vector<std::uint64_t> gids;
    for (const auto& n : neurons_) gids.push_back(n.gid);
    const auto rows = find_rows(t.at("gid"), gids, "neuron");
    const auto& pos = t.at("position");
    for (std::size_t k = 0; k < rows.size(); ++k) position_[k] = static_cast<std::uint64_t>(pos[rows[k]]);
    next_ = static_cast<std::size_t>(t.scalar("next"));
    A_e_ = t.scalar("A_e");
    A_i_ = t.scalar("A_i");
  }

 private:
  struct neuron {
    index_t local;
    gid_t gid;
    double mu_e, mu_i, s_e, s_i1, s_i2, q;
  };
  ou_conductance_spec spec_;
  receptor_sink in_e_, in_i_;
  std::uint64_t seed_ = 0;
  step_t start_ = 0;
  double d_ = 0.0;
  std::vector<neuron> neurons_;
  std::vector<std::uint64_t> position_;
  std::vector<std::uint32_t> index_;  // stream index per neuron (its gid)
  std::vector<std::uint64_t> block_;  // scratch: Philox block per neuron this step
  std::vector<double> x1_, x2_;       // scratch: this step's normals
  std::vector<step_t> changes_;
  std::size_t next_ = 0;
  double A_e_ = 0.0, A_i_ = 0.0;
};

std::size_t conductance_receptor(section_reader& s, const population_spec& pop, const std::string& key) {
  const std::string name = s.text(key);
  const int r = pop.receptor_index(name);
  if (r < 0) s.fail(key, "population '" + pop.name + "' has no receptor '" + name + "'");
  const auto& rc = pop.receptors[static_cast<std::size_t>(r)];
  if (rc.kind != receptor_kind::conductance || rc.kernel != receptor_kernel::exponential) {
    s.fail(key, "receptor '" + name + "' must be an exponential conductance (type = conductance, kernel = "
                "exponential): its decay is the relaxation of the OU process");
  }
  return static_cast<std::size_t>(r);
}

}  // namespace

std::shared_ptr<input_spec> read_ou_conductance(section_reader& s, const network_spec& net) {
  auto in = std::make_shared<ou_conductance_spec>();
  in->target = read_input_target(s, net);
  const auto& pop = net.populations[in->target];
  in->receptor_e = conductance_receptor(s, pop, "receptor_e");
  in->receptor_i = conductance_receptor(s, pop, "receptor_i");
  if (in->receptor_e == in->receptor_i) s.fail("receptor_i", "must differ from receptor_e");
  if (pop.receptors[in->receptor_e].tau != pop.receptors[in->receptor_i].tau) {
    s.fail("receptor_i", "the receptors of the two channels must have the same tau (the OU time constant)");
  }
  in->neurons = read_neuron_set(s, "neurons", pop.size);
  auto check = [&](const ou_conductance_spec::noise& p, const std::string& where) {
    if (!(p.sigma_e >= 0) || !(p.sigma_i >= 0)) s.fail(where, "sigma_e and sigma_i must be >= 0 nS");
    if (!(p.rho >= -1 && p.rho <= 1)) s.fail(where, "rho must lie in [-1, 1]");
  };
  if (s.has("table")) {
    for (const char* k : {"mu_e", "sigma_e", "mu_i", "sigma_i", "rho"}) {
      if (s.has(k)) s.fail(k, "give the noise statistics either in the table file or as keys, not both");
    }
    const text_table t = read_table(s, "table");
    if (t.rows.size() != in->neurons.size()) {
      s.fail("table", t.path + " has " + std::to_string(t.rows.size()) + " rows but the neuron set has " +
                          std::to_string(in->neurons.size()) + " neurons (one row per neuron, in order)");
    }
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      if (t.rows[r].fields.size() != 5) t.fail(r, "expected 5 columns: mu_e sigma_e mu_i sigma_i rho (nS, nS, nS, nS, 1)");
      ou_conductance_spec::noise p{t.number(r, 0), t.number(r, 1), t.number(r, 2), t.number(r, 3), t.number(r, 4)};
      if (!(p.sigma_e >= 0) || !(p.sigma_i >= 0) || !(p.rho >= -1 && p.rho <= 1)) {
        t.fail(r, "need sigma_e, sigma_i >= 0 and -1 <= rho <= 1");
      }
      in->params.push_back(p);
    }
  } else {
    ou_conductance_spec::noise p{s.number("mu_e"), s.number("sigma_e"), s.number("mu_i"), s.number("sigma_i"),
                                 s.number("rho", 0.0)};
    check(p, "rho");
    in->params.push_back(p);
  }
  if (s.has("perturbation")) {
    const text_table t = read_table(s, "perturbation");
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      if (t.rows[r].fields.size() != 4) t.fail(r, "expected 4 columns: start stop A_e A_i (ms, ms, nS, nS)");
      const double start = t.number(r, 0), stop = t.number(r, 1);
      if (!(start >= 0) || !(stop > start)) t.fail(r, "need 0 <= start < stop (ms)");
      in->perturbations.push_back({first_step_at(start, net.run.dt), first_step_at(stop, net.run.dt),
                                   t.number(r, 2), t.number(r, 3)});
    }
  }
  return in;
}

std::unique_ptr<input_driver> make_ou_conductance(const input_spec& spec, const input_context& ctx) {
  return std::make_unique<ou_driver>(static_cast<const ou_conductance_spec&>(spec), ctx);
}

std::string ou_conductance_spec::describe(const network_spec& net) const {
  const auto& pop = net.populations[target];
  return "OU conductance noise on " + std::to_string(neurons.size()) + " neurons of " + pop.name + " (" +
         pop.receptors[receptor_e].name + ", " + pop.receptors[receptor_i].name + "), " +
         std::to_string(params.size() == 1 ? 1 : params.size()) + " parameter set(s), " +
         std::to_string(perturbations.size()) + " perturbation(s)";
}

}  // namespace balnet

#include "balnet/input/rate_inputs.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "balnet/core/hazard_trains.hpp"
#include "balnet/input/current_inputs.hpp"
#include "balnet/input/neuron_set.hpp"
#include "balnet/input/receptor_sink.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/state_io.hpp"
#include "balnet/io/table_file.hpp"
#include "balnet/network/partition.hpp"
#include "balnet/network/spec.hpp"

namespace balnet {

namespace {

std::size_t read_receptor(section_reader& s, const population_spec& pop, const std::string& key,
                          std::string& name) {
  name = s.text(key);
  const int r = pop.receptor_index(name);
  if (r < 0) {
    std::string list;
    for (const auto& rc : pop.receptors) list += (list.empty() ? "" : ", ") + rc.name;
    s.fail(key, "population '" + pop.name + "' has no receptor '" + name + "' (its receptors: " +
                    (list.empty() ? "none" : list) + ")");
  }
  return static_cast<std::size_t>(r);
}

class inhomogeneous_poisson final : public input_driver {
 public:
  struct target {
    receptor_sink input;
    std::vector<index_t> local;
    hazard_trains trains;
  };
  inhomogeneous_poisson(const inhomogeneous_poisson_spec& spec, std::vector<target> targets, double dt)
      : spec_(spec), targets_(std::move(targets)), dt_(dt) {}

  void apply(step_t t) override {
    const double p = spec_.sources * spec_.rate.at(static_cast<double>(t) * dt_) * dt_ * 1e-3;
    const double h = hazard_trains::hazard(p);
    if (h <= 0.0) return;
    const double w = spec_.weight;
    for (auto& tg : targets_) {
      const std::size_t n = tg.local.size();
      for (std::size_t k = 0; k < n; ++k) {
        if (tg.trains.step(k, h)) tg.input.add(tg.local[k], w);
      }
    }
  }

  bool save_state(state_set& out, const std::string& prefix) const override {
    for (std::size_t k = 0; k < targets_.size(); ++k) save_trains(out.table(indexed_name(prefix + "/", k)), targets_[k].trains);
    return true;
  }
  void load_state(const state_set& in, const std::string& prefix) override {
    for (std::size_t k = 0; k < targets_.size(); ++k) load_trains(in.at(indexed_name(prefix + "/", k)), targets_[k].trains);
  }

 private:
  inhomogeneous_poisson_spec spec_;
  std::vector<target> targets_;
  double dt_;
};

class cue_driver final : public input_driver {
 public:
  cue_driver(const cue_spec& spec, const input_context& ctx) : spec_(spec) {
    const auto& pop = ctx.net.populations[spec_.target];
    input_ = receptor_sink(*ctx.groups[spec_.target], spec_.receptor_index);
    dt_ = ctx.net.run.dt;
    // Local neurons named by any cue, and for each the cues that name it.
    std::vector<std::uint64_t> all;
    for (const auto& c : spec_.cues) all.insert(all.end(), c.neurons.begin(), c.neurons.end());
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    std::vector<std::uint32_t> gids;
    for (const auto& m : local_members(all, pop, ctx.part)) {
      local_.push_back(m.local);
      gids.push_back(m.gid);
      std::vector<std::uint32_t> mine;
      const std::uint64_t idx = all[m.ordinal];
      for (std::size_t c = 0; c < spec_.cues.size(); ++c) {
        const auto& ns = spec_.cues[c].neurons;
        if (std::binary_search(ns.begin(), ns.end(), idx)) mine.push_back(static_cast<std::uint32_t>(c));
      }
      cues_of_.push_back(std::move(mine));
    }
    trains_ = hazard_trains(ctx.net.run.seed, rng_domain::poisson_input, spec_.hash, std::move(gids));
    hazard_.assign(local_.size(), 0.0);
    for (const auto& c : spec_.cues) {
      changes_.push_back(c.on);
      changes_.push_back(c.off);
    }
    std::sort(changes_.begin(), changes_.end());
    changes_.erase(std::unique(changes_.begin(), changes_.end()), changes_.end());
  }

  void apply(step_t t) override {
    bool changed = false;
    while (next_ < changes_.size() && changes_[next_] <= t) {
      ++next_;
      changed = true;
    }
    if (changed) {
      active_.clear();
      for (std::size_t k = 0; k < local_.size(); ++k) {
        double rate = 0.0;
        for (auto c : cues_of_[k]) {
          const auto& cue = spec_.cues[c];
          if (cue.on <= t && t < cue.off) rate += cue.rate;
        }
        hazard_[k] = hazard_trains::hazard(rate * dt_ * 1e-3);
        if (hazard_[k] > 0.0) active_.push_back(k);
      }
    }
    const double w = spec_.weight;
    for (std::size_t k : active_) {
      if (trains_.step(k, hazard_[k])) input_.add(local_[k], w);
    }
  }

  // The trains, each neuron's current hazard (keyed like the trains, by gid) and the position
  // in the list of cue changes (the same on every rank).
  bool save_state(state_set& out, const std::string& prefix) const override {
    auto& t = out.table(prefix);
    save_trains(t, trains_);
    t.column("hazard") = hazard_;
    t.scalars["next"] = static_cast<double>(next_);
    return true;
  }
  void load_state(const state_set& in, const std::string& prefix) override {
    const auto& t = in.at(prefix);
    load_trains(t, trains_);
    next_ = static_cast<std::size_t>(t.scalar("next"));
    const auto rows = find_rows(t.at("id"), std::vector<std::uint64_t>(trains_.ids().begin(), trains_.ids().end()), "neuron");
    const auto& h = t.at("hazard");
    active_.clear();
    for (std::size_t k = 0; k < local_.size(); ++k) {
      hazard_[k] = h[rows[k]];
      if (hazard_[k] > 0.0) active_.push_back(k);
    }
  }

 private:
  cue_spec spec_;
  receptor_sink input_;
  double dt_ = 0.1;
  std::vector<index_t> local_;
  std::vector<std::vector<std::uint32_t>> cues_of_;
  hazard_trains trains_;
  std::vector<double> hazard_;
  std::vector<std::size_t> active_;
  std::vector<step_t> changes_;
  std::size_t next_ = 0;
};

}  // namespace

std::shared_ptr<input_spec> read_inhomogeneous_poisson(section_reader& s, const network_spec& net) {
  auto in = std::make_shared<inhomogeneous_poisson_spec>();
  in->receptor = s.text("receptor");
  for (const auto& t : s.list("target")) {
    const int i = net.population_index(t);
    if (i < 0) s.fail("target", "no population named '" + t + "'");
    const auto& pop = net.populations[static_cast<std::size_t>(i)];
    if (pop.is_source) s.fail("target", "population '" + t + "' is a spike source and has no receptors");
    std::string name;
    in->receptor_indices.push_back(read_receptor(s, pop, "receptor", name));
    in->targets.push_back(static_cast<std::size_t>(i));
  }
  in->sources = s.positive("sources", 1.0);
  in->weight = s.number("weight");
  in->rate = read_rate(s, "rate", "rate_file", "rate_dt", net.run.dt);
  return in;
}

std::unique_ptr<input_driver> make_inhomogeneous_poisson(const input_spec& spec, const input_context& ctx) {
  const auto& ps = static_cast<const inhomogeneous_poisson_spec&>(spec);
  std::vector<inhomogeneous_poisson::target> targets;
  for (std::size_t k = 0; k < ps.targets.size(); ++k) {
    const auto p = ps.targets[k];
    inhomogeneous_poisson::target tg;
    tg.input = receptor_sink(*ctx.groups[p], ps.receptor_indices[k]);
    const auto& gids = ctx.gids[p];
    tg.local.resize(gids.size());
    for (std::size_t i = 0; i < gids.size(); ++i) tg.local[i] = static_cast<index_t>(i);
    tg.trains = hazard_trains(ctx.net.run.seed, rng_domain::poisson_input, ps.hash,
                              std::vector<std::uint32_t>(gids.begin(), gids.end()));
    targets.push_back(std::move(tg));
  }
  return std::make_unique<inhomogeneous_poisson>(ps, std::move(targets), ctx.net.run.dt);
}

std::string inhomogeneous_poisson_spec::describe(const network_spec& net) const {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%g sources x ", sources);
  std::string s = "independent trains of " + std::string(buf) + rate.describe();
  std::snprintf(buf, sizeof(buf), ", weight %g", weight);
  s += std::string(buf) + " on receptor " + receptor + " of";
  for (auto t : targets) s += " " + net.populations[t].name;
  return s;
}

std::shared_ptr<input_spec> read_cue(section_reader& s, const network_spec& net) {
  auto in = std::make_shared<cue_spec>();
  in->target = read_input_target(s, net);
  const auto& pop = net.populations[in->target];
  in->receptor_index = read_receptor(s, pop, "receptor", in->receptor);
  in->weight = s.number("weight");
  const double dt = net.run.dt;
  auto add = [&](double start, double stop, double rate, std::vector<std::uint64_t> neurons,
                 const std::string& where) {
    if (!(start >= 0) || !(stop > start)) s.fail(where, "a cue needs 0 <= start < stop (ms)");
    if (!(rate >= 0)) s.fail(where, "a cue rate must be >= 0 Hz");
    in->cues.push_back({first_step_at(start, dt), first_step_at(stop, dt), rate, std::move(neurons)});
  };
  if (s.has("schedule")) {
    for (const char* k : {"start", "stop", "rate", "neurons"}) {
      if (s.has(k)) s.fail(k, std::string("give the cues either in the schedule file or with start, stop, rate and "
                                          "neurons, not both"));
    }
    const text_table t = read_table(s, "schedule");
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      const auto& f = t.rows[r].fields;
      if (f.size() < 4) t.fail(r, "expected: start stop rate neurons... (ms, ms, Hz, indices or a:b ranges)");
      std::string set;
      for (std::size_t k = 3; k < f.size(); ++k) set += (k > 3 ? "," : "") + f[k];
      std::vector<std::uint64_t> neurons;
      try {
        neurons = parse_neuron_set(s, "schedule", set, pop.size);
      } catch (const std::exception& e) {
        t.fail(r, e.what());
      }
      const double start = t.number(r, 0), stop = t.number(r, 1), rate = t.number(r, 2);
      if (!(start >= 0) || !(stop > start) || !(rate >= 0)) t.fail(r, "need 0 <= start < stop (ms) and rate >= 0 (Hz)");
      add(start, stop, rate, std::move(neurons), "schedule");
    }
  } else {
    std::vector<double> start, stop, rate;
    for (const auto& x : s.list("start")) start.push_back(s.source().evaluate(x, s.full("start")));
    for (const auto& x : s.list("stop")) stop.push_back(s.source().evaluate(x, s.full("stop")));
    for (const auto& x : s.list("rate")) rate.push_back(s.source().evaluate(x, s.full("rate")));
    if (start.size() != stop.size() || start.size() != rate.size()) {
      s.fail("rate", "start, stop and rate must be lists of the same length");
    }
    const auto neurons = read_neuron_set(s, "neurons", pop.size);
    for (std::size_t j = 0; j < start.size(); ++j) add(start[j], stop[j], rate[j], neurons, "stop");
  }
  return in;
}

std::unique_ptr<input_driver> make_cue(const input_spec& spec, const input_context& ctx) {
  return std::make_unique<cue_driver>(static_cast<const cue_spec&>(spec), ctx);
}

std::string cue_spec::describe(const network_spec& net) const {
  return std::to_string(cues.size()) + " cue(s) onto receptor " + receptor + " of " +
         net.populations[target].name + ", weight " + std::to_string(weight);
}

}  // namespace balnet

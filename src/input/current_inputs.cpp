#include "balnet/input/current_inputs.hpp"

#include <algorithm>
#include <cmath>

#include "balnet/input/neuron_set.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/state_io.hpp"
#include "balnet/network/partition.hpp"
#include "balnet/network/spec.hpp"

namespace balnet {

step_t first_step_at(double t_ms, double dt) {
  return static_cast<step_t>(std::ceil(t_ms / dt - 1e-9));
}

std::size_t read_input_target(section_reader& s, const network_spec& net) {
  const std::string name = s.text("target");
  const int i = net.population_index(name);
  if (i < 0) s.fail("target", "no population named '" + name + "'");
  const auto& pop = net.populations[static_cast<std::size_t>(i)];
  if (pop.is_source) {
    s.fail("target", "population '" + name + "' is a spike source (model " + pop.model + ") and has no membrane");
  }
  return static_cast<std::size_t>(i);
}

namespace {

std::string set_text(const std::vector<std::uint64_t>& n, std::uint64_t size) {
  return n.size() == size ? "all " + std::to_string(size) : std::to_string(n.size()) + " of " + std::to_string(size);
}

std::vector<double> numbers(section_reader& s, const std::string& key) {
  std::vector<double> v;
  for (const auto& item : s.list(key)) v.push_back(s.source().evaluate(item, s.full(key)));
  return v;
}

class step_current final : public input_driver {
 public:
  step_current(const step_current_spec& spec, std::vector<index_t> local, double* current)
      : spec_(spec), local_(std::move(local)), current_(current) {
    for (std::size_t j = 0; j < spec_.on.size(); ++j) {
      changes_.push_back(spec_.on[j]);
      changes_.push_back(spec_.off[j]);
    }
    std::sort(changes_.begin(), changes_.end());
    changes_.erase(std::unique(changes_.begin(), changes_.end()), changes_.end());
  }

  void apply(step_t t) override {
    while (next_ < changes_.size() && changes_[next_] <= t) {
      ++next_;
      // Recomputed in a fixed order at each change, never accumulated across changes.
      value_ = 0.0;
      for (std::size_t j = 0; j < spec_.on.size(); ++j) {
        if (spec_.on[j] <= t && t < spec_.off[j]) value_ += spec_.amplitude[j];
      }
    }
    if (value_ == 0.0 || !current_) return;
    const double a = value_;
    for (index_t i : local_) current_[i] += a;
  }

  // The position in the list of changes and the current level (the same on every rank).
  bool save_state(state_set& out, const std::string& prefix) const override {
    auto& t = out.table(prefix);
    t.scalars["next"] = static_cast<double>(next_);
    t.scalars["value"] = value_;
    return true;
  }
  void load_state(const state_set& in, const std::string& prefix) override {
    const auto& t = in.at(prefix);
    next_ = static_cast<std::size_t>(t.scalar("next"));
    value_ = t.scalar("value");
  }

 private:
  step_current_spec spec_;
  std::vector<index_t> local_;
  double* current_;
  std::vector<step_t> changes_;
  std::size_t next_ = 0;
  double value_ = 0.0;
};

class oscillatory_current final : public input_driver {
 public:
  oscillatory_current(const oscillatory_current_spec& spec, std::vector<index_t> local,
                      double* current, double dt)
      : spec_(spec), local_(std::move(local)), current_(current), dt_(dt) {}

  void apply(step_t t) override {
    if (t < spec_.on || t >= spec_.off || !current_) return;
    const double phase = 2.0 * M_PI * spec_.frequency * 1e-3 * static_cast<double>(t) * dt_;
    const double a = spec_.raised_cosine ? spec_.offset + spec_.amplitude * (1.0 - std::cos(phase)) / 2.0
                                         : spec_.offset + spec_.amplitude * std::sin(phase + spec_.phase);
    for (index_t i : local_) current_[i] += a;
  }

  bool save_state(state_set&, const std::string&) const override { return true; }  // a function of t

 private:
  oscillatory_current_spec spec_;
  std::vector<index_t> local_;
  double* current_;
  double dt_;
};

std::vector<index_t> local_indices(const std::vector<std::uint64_t>& set, const input_context& ctx,
                                   std::size_t target) {
  std::vector<index_t> out;
  for (const auto& m : local_members(set, ctx.net.populations[target], ctx.part)) out.push_back(m.local);
  return out;
}

}  // namespace

std::shared_ptr<input_spec> read_step_current(section_reader& s, const network_spec& net) {
  auto in = std::make_shared<step_current_spec>();
  in->target = read_input_target(s, net);
  in->neurons = read_neuron_set(s, "neurons", net.populations[in->target].size);
  const auto start = numbers(s, "start");
  const auto stop = numbers(s, "stop");
  in->amplitude = numbers(s, "amplitude");
  if (start.size() != stop.size() || start.size() != in->amplitude.size()) {
    s.fail("amplitude", "start, stop and amplitude must be lists of the same length (one entry per step of the "
                        "schedule); got " + std::to_string(start.size()) + ", " + std::to_string(stop.size()) +
                        " and " + std::to_string(in->amplitude.size()));
  }
  const double dt = net.run.dt;
  for (std::size_t j = 0; j < start.size(); ++j) {
    if (!(start[j] >= 0) || !(stop[j] > start[j])) {
      s.fail("stop", "entry " + std::to_string(j + 1) + ": need 0 <= start < stop (ms)");
    }
    in->on.push_back(first_step_at(start[j], dt));
    in->off.push_back(first_step_at(stop[j], dt));
  }
  return in;
}

std::unique_ptr<input_driver> make_step_current(const input_spec& spec, const input_context& ctx) {
  const auto& sc = static_cast<const step_current_spec&>(spec);
  return std::make_unique<step_current>(sc, local_indices(sc.neurons, ctx, sc.target),
                                        ctx.groups[sc.target]->current_input());
}

std::string step_current_spec::describe(const network_spec& net) const {
  const auto& pop = net.populations[target];
  return "step current schedule of " + std::to_string(on.size()) + " step(s) into " +
         set_text(neurons, pop.size) + " neurons of " + pop.name;
}

std::shared_ptr<input_spec> read_oscillatory_current(section_reader& s, const network_spec& net) {
  auto in = std::make_shared<oscillatory_current_spec>();
  in->target = read_input_target(s, net);
  in->neurons = read_neuron_set(s, "neurons", net.populations[in->target].size);
  in->amplitude = s.number("amplitude");
  in->frequency = s.non_negative("frequency", 0.0);
  if (!s.has("frequency")) s.fail("frequency", "missing key frequency (Hz)");
  in->phase = s.number("phase", 0.0) * M_PI / 180.0;
  in->offset = s.number("offset", 0.0);
  in->raised_cosine = s.choice("shape", {"sine", "raised_cosine"}, "sine") == "raised_cosine";
  if (in->raised_cosine && s.has("phase")) s.fail("phase", "phase applies to shape = sine only");
  const double start = s.non_negative("start", 0.0);
  const double stop = s.number("stop", net.run.t_stop);
  if (!(stop > start)) s.fail("stop", "must be after start");
  in->on = first_step_at(start, net.run.dt);
  in->off = first_step_at(stop, net.run.dt);
  return in;
}

std::unique_ptr<input_driver> make_oscillatory_current(const input_spec& spec, const input_context& ctx) {
  const auto& oc = static_cast<const oscillatory_current_spec&>(spec);
  return std::make_unique<oscillatory_current>(oc, local_indices(oc.neurons, ctx, oc.target),
                                               ctx.groups[oc.target]->current_input(), ctx.net.run.dt);
}

std::string oscillatory_current_spec::describe(const network_spec& net) const {
  const auto& pop = net.populations[target];
  return std::string(raised_cosine ? "raised-cosine" : "sine") + " current " + std::to_string(amplitude) +
         " at " + std::to_string(frequency) + " Hz into " + set_text(neurons, pop.size) + " neurons of " + pop.name;
}

}  // namespace balnet

#include "balnet/input/injected_current.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "balnet/core/rng.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/state_io.hpp"
#include "balnet/network/partition.hpp"
#include "balnet/network/spec.hpp"

namespace balnet {

std::string injected_current_spec::describe(const network_spec& net) const {
  std::ostringstream s;
  s << "injected current, gain " << gain << " x I_stim(t) (" << times.size() << " breakpoints) on";
  if (fraction < 1) s << " a random " << fraction << " of";
  for (auto t : targets) s << " " << net.populations[t].name;
  return s.str();
}

std::shared_ptr<input_spec> read_injected_current(section_reader& s, const network_spec& net) {
  auto in = std::make_shared<injected_current_spec>();
  for (const auto& t : s.list("target")) {
    const int i = net.population_index(t);
    if (i < 0) s.fail("target", "no population named '" + t + "'");
    if (net.populations[static_cast<std::size_t>(i)].is_source) {
      s.fail("target", "population '" + t + "' is a spike source and takes no current");
    }
    in->targets.push_back(static_cast<std::size_t>(i));
  }
  in->gain = s.number("gain");
  in->fraction = s.has("fraction") ? s.probability("fraction") : 1.0;
  const bool has_list = s.has("times") || s.has("values");
  const bool has_file = s.has("file");
  if (has_list == has_file) {
    s.fail(has_file ? "file" : "times",
           "give the time course of I_stim either as times = ... and values = ... (ms, piecewise "
           "constant) or as file = PATH (two columns: time in ms, value)");
  }
  if (has_list) {
    for (const auto& x : s.list("times")) in->times.push_back(s.cfg().evaluate(x, s.full("times")));
    for (const auto& x : s.list("values")) in->values.push_back(s.cfg().evaluate(x, s.full("values")));
    if (in->times.size() != in->values.size()) {
      s.fail("values", "needs one value per entry of times (" + std::to_string(in->times.size()) + ")");
    }
  } else {
    std::filesystem::path p(s.text("file"));
    if (p.is_relative()) p = std::filesystem::path(s.cfg().file_name()).parent_path() / p;
    std::ifstream f(p);
    if (!f) s.fail("file", "cannot open " + p.string() + " (relative names are relative to the config file)");
    std::string line;
    int n = 0;
    while (std::getline(f, line)) {
      ++n;
      const auto hash = line.find('#');
      if (hash != std::string::npos) line.resize(hash);
      std::replace(line.begin(), line.end(), ',', ' ');
      std::istringstream ls(line);
      double t = 0, v = 0;
      if (!(ls >> t)) continue;
      if (!(ls >> v)) s.fail("file", p.string() + ":" + std::to_string(n) + ": expected two numbers (time in ms, value)");
      in->times.push_back(t);
      in->values.push_back(v);
    }
  }
  if (in->times.empty()) s.fail(has_file ? "file" : "times", "the time course of I_stim is empty");
  for (std::size_t i = 0; i < in->times.size(); ++i) {
    if (!std::isfinite(in->times[i]) || !std::isfinite(in->values[i]) ||
        (i > 0 && !(in->times[i] > in->times[i - 1]))) {
      s.fail(has_file ? "file" : "times", "times must be finite and strictly increasing, values finite");
    }
  }
  return in;
}

namespace {

class injected_current final : public input_driver {
 public:
  injected_current(const injected_current_spec& sp, const input_context& ctx)
      : spec_(sp), dt_(ctx.net.run.dt) {
    for (auto p : sp.targets) {
      target tg;
      tg.current = ctx.groups[p]->current_input();
      const auto& gids = ctx.gids[p];
      for (index_t i = 0; i < gids.size(); ++i) {
        bool on = true;
        if (sp.fraction < 1) {
          random_stream rs(ctx.net.run.seed, rng_domain::user, sp.hash, gids[i]);
          on = rs.uniform() < sp.fraction;
        }
        if (on) tg.neurons.push_back(i);
      }
      targets_.push_back(std::move(tg));
    }
  }

  void apply(step_t t) override {
    const double now = static_cast<double>(t) * dt_;
    while (next_ < spec_.times.size() && spec_.times[next_] <= now + 1e-9 * dt_) {
      level_ = spec_.values[next_] * spec_.gain;
      ++next_;
    }
    if (level_ == 0.0) return;
    for (auto& tg : targets_) {
      double* I = tg.current;
      for (index_t i : tg.neurons) I[i] += level_;
    }
  }

  // The position in the stimulus and its level (the same on every rank).
  bool save_state(state_set& out, const std::string& prefix) const override {
    auto& t = out.table(prefix);
    t.scalars["next"] = static_cast<double>(next_);
    t.scalars["level"] = level_;
    return true;
  }
  void load_state(const state_set& in, const std::string& prefix) override {
    const auto& t = in.at(prefix);
    next_ = static_cast<std::size_t>(t.scalar("next"));
    level_ = t.scalar("level");
  }

 private:
  struct target {
    double* current = nullptr;
    std::vector<index_t> neurons;
  };
  injected_current_spec spec_;
  double dt_;
  std::vector<target> targets_;
  std::size_t next_ = 0;
  double level_ = 0.0;
};

}  // namespace

std::unique_ptr<input_driver> make_injected_current(const input_spec& spec, const input_context& ctx) {
  return std::make_unique<injected_current>(static_cast<const injected_current_spec&>(spec), ctx);
}

}  // namespace balnet

#include "balnet/io/spec_reader.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "balnet/core/error.hpp"
#include "balnet/core/expression.hpp"
#include "balnet/core/rng.hpp"
#include "balnet/model/model_registry.hpp"
#include "balnet/network/patterns.hpp"
#include "balnet/plasticity/plasticity_spec.hpp"
#include "balnet/sim/recorder.hpp"

namespace balnet {

namespace {

void check_sections(const config& cfg) {
  static const std::set<std::string> plain = {"run", "params", "record", "check", "patterns"};
  static const std::set<std::string> named = {"population", "projection", "input", "recorder",
                                              "variant"};
  for (const auto& s : cfg.sections()) {
    const auto dot = s.find('.');
    const std::string kind = s.substr(0, dot);
    bool ok = dot == std::string::npos ? plain.count(s) > 0 : named.count(kind) > 0;
    if (ok && dot != std::string::npos && !is_identifier(s.substr(dot + 1))) {
      throw config_error(cfg.file_name() + ": section [" + s + "]: the name '" + s.substr(dot + 1) +
                         "' must be letters, digits and '_' and must not start with a digit");
    }
    if (!ok) {
      const auto keys = cfg.keys(s);
      const std::string where = keys.empty() ? cfg.file_name() : cfg.where(s + "." + keys.front());
      throw config_error(where + ": unknown section [" + s +
                         "] (known: [run], [params], [record], [check], [patterns], [population.NAME], "
                         "[projection.NAME], [input.NAME], [recorder.NAME], [variant.NAME])");
    }
  }
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// A file named by a key: relative names are relative to the config file's folder.
std::string path_near_config(section_reader& s, const std::string& key) {
  std::filesystem::path p(s.text(key));
  if (p.is_relative()) p = std::filesystem::path(s.cfg().file_name()).parent_path() / p;
  return p.string();
}

std::size_t find_population(const network_spec& net, section_reader& s, const std::string& key) {
  const std::string name = s.text(key);
  const int i = net.population_index(name);
  if (i < 0) {
    std::vector<std::string> names;
    for (const auto& p : net.populations) names.push_back(p.name);
    s.fail(key, "no population named '" + name + "' (populations: " + join(names) + ")");
  }
  return static_cast<std::size_t>(i);
}

run_spec read_run(const config& cfg) {
  run_spec r;
  section_reader s(cfg, "run");
  r.dt = s.positive("dt", r.dt);
  r.t_stop = s.positive("t_stop", r.t_stop);
  const double steps = r.t_stop / r.dt;
  if (std::fabs(steps - std::round(steps)) > 1e-6 * std::max(1.0, steps)) {
    s.fail("t_stop", "must be a whole number of steps of dt = " + std::to_string(r.dt) + " ms");
  }
  if (steps > 9.0e15) s.fail("t_stop", "too many steps");
  r.seed = s.seed("seed", r.seed);
  r.output = s.text("output", "");
  r.progress = s.boolean("progress", r.progress);
  r.progress_interval = s.positive("progress_interval", r.progress_interval);
  r.sync_interval = s.positive("sync_interval", r.sync_interval);
  s.text("variant", "");  // applied while reading the file
  r.save_connectivity = s.text("save_connectivity", "");
  s.finish();
  return r;
}

population_spec read_population(const config& cfg, const std::string& name, const run_spec& run) {
  population_spec p;
  p.name = name;
  p.hash = name_hash24("population." + name);
  section_reader s(cfg, "population." + name);
  const double size = s.number("size");
  if (!(size >= 1) || size != std::floor(size)) s.fail("size", "must be a whole number >= 1");
  const auto n = static_cast<std::int64_t>(size);
  if (n > 4000000000LL) s.fail("size", "must be at most 4e9");
  p.size = static_cast<std::uint64_t>(n);
  p.model = s.choice("model", model_names());
  const model_entry& model = *find_model(p.model);
  p.is_source = model.is_source;
  p.params = model.read(s, p.model, run);
  if (!model.has_receptors) {
    s.finish();
    return p;
  }
  // Receptors: keys receptor.<name>.<field>
  std::vector<std::string> names;
  for (const auto& k : cfg.keys(s.section())) {
    if (k.rfind("receptor.", 0) != 0) continue;
    const auto dot = k.find('.', 9);
    if (dot == std::string::npos) {
      s.fail(k, "receptor keys are receptor.NAME.type, receptor.NAME.tau, receptor.NAME.E_rev, "
                "receptor.NAME.norm, receptor.NAME.kernel, receptor.NAME.tau_rise, receptor.NAME.init");
    }
    const std::string rn = k.substr(9, dot - 9);
    if (!is_identifier(rn)) s.fail(k, "receptor names must be identifiers");
    if (std::find(names.begin(), names.end(), rn) == names.end()) names.push_back(rn);
  }
  for (const auto& rn : names) {
    receptor_spec r;
    r.name = rn;
    const std::string pre = "receptor." + rn + ".";
    const std::string type = s.choice(pre + "type", {"current", "conductance", "delta"});
    r.kind = type == "current" ? receptor_kind::current
             : type == "conductance" ? receptor_kind::conductance
                                     : receptor_kind::delta;
    if (r.kind != receptor_kind::delta) {
      r.tau = s.positive(pre + "tau");
      if (r.kind == receptor_kind::conductance) r.E_rev = s.number(pre + "E_rev");
      const std::string kernel = s.choice(pre + "kernel", {"exponential", "alpha", "biexp"}, "exponential");
      r.kernel = kernel == "alpha" ? receptor_kernel::alpha
                 : kernel == "biexp" ? receptor_kernel::biexp
                                     : receptor_kernel::exponential;
      if (r.kernel == receptor_kernel::biexp) {
        r.tau_rise = s.positive(pre + "tau_rise");
        if (!(r.tau_rise < r.tau)) {
          s.fail(pre + "tau_rise", "the rise time constant must be shorter than the decay time constant " +
                                       pre + "tau = " + std::to_string(r.tau) + " ms (for equal ones use kernel = alpha)");
        }
      }
      r.init = s.dist(pre + "init", distribution::constant(0.0));
      if (s.has(pre + "norm")) {
        r.norm = s.choice(pre + "norm", {"area", "peak"}) == "area" ? receptor_norm::area : receptor_norm::peak;
      }
    }
    p.receptors.push_back(r);
  }
  s.finish();
  return p;
}

projection_spec read_projection(const config& cfg, const network_spec& net,
                                const std::string& name) {
  projection_spec pr;
  pr.name = name;
  pr.hash = name_hash24("projection." + name);
  section_reader s(cfg, "projection." + name);
  pr.source = find_population(net, s, "source");
  pr.target = find_population(net, s, "target");
  const auto& src = net.populations[pr.source];
  const auto& tgt = net.populations[pr.target];
  if (tgt.is_source) {
    s.fail("target", "population '" + tgt.name + "' is a spike source (model " + tgt.model +
                         ") and cannot receive synapses");
  }
  {
    std::vector<std::string> rnames;
    for (const auto& r : tgt.receptors) rnames.push_back(r.name);
    pr.receptor = s.text("receptor");
    const int ri = tgt.receptor_index(pr.receptor);
    if (ri < 0) {
      s.fail("receptor", "population '" + tgt.name + "' has no receptor '" + pr.receptor +
                             "' (its receptors: " + (rnames.empty() ? "none" : join(rnames)) + ")");
    }
    pr.receptor_index = static_cast<std::size_t>(ri);
  }
  const std::string rule = s.choice(
      "connect", {"bernoulli", "fixed_indegree", "fixed_outdegree", "all_to_all", "one_to_one", "ring", "assembly", "file"});
  const bool same = pr.source == pr.target;
  pr.autapses = s.boolean("autapses", false);
  if (rule == "bernoulli") {
    pr.rule = connection_rule::bernoulli;
    pr.p = s.probability("p");
  } else if (rule == "fixed_indegree" || rule == "fixed_outdegree") {
    const bool in = rule == "fixed_indegree";
    pr.rule = in ? connection_rule::fixed_indegree : connection_rule::fixed_outdegree;
    const std::string key = in ? "indegree" : "outdegree";
    pr.degree = static_cast<std::uint64_t>(s.count(key));
    pr.multapses = s.boolean("multapses", false);
    const std::uint64_t pool = (in ? src.size : tgt.size) - (same && !pr.autapses ? 1 : 0);
    if (pr.degree > 0 && pool == 0) s.fail(key, "there is no candidate partner");
    if (!pr.multapses && pr.degree > pool) {
      s.fail(key, "is larger than the " + std::to_string(pool) +
                      " candidate partners; lower it or set multapses = true");
    }
  } else if (rule == "ring") {
    // Distance-dependent (Zerlaut's ring): indegree sources without replacement, chosen with
    // probability proportional to exp(-(d/spatial_decay)^2) of the ring distance d.
    pr.rule = connection_rule::ring;
    pr.degree = static_cast<std::uint64_t>(s.count("indegree"));
    pr.spatial_decay = s.positive("spatial_decay");
    pr.delay_per_unit = s.non_negative("delay_per_unit", 0.0);
    const std::uint64_t pool = src.size - (same && !pr.autapses ? 1 : 0);
    if (pr.degree > pool) s.fail("indegree", "is larger than the " + std::to_string(pool) + " candidate sources");
  } else if (rule == "assembly") {
    // Pattern co-membership pruned to a density (docs/assemblies.md).
    pr.rule = connection_rule::assembly;
    if (!net.patterns) s.fail("connect", "assembly connectivity needs a [patterns] section");
    if (!same || pr.source != net.patterns->population) {
      s.fail("connect", "assembly connectivity connects the patterns' population to itself (source = target = " +
                            net.populations[net.patterns->population].name + ")");
    }
    if (pr.autapses) s.fail("autapses", "assembly connectivity never makes autapses");
    pr.density = s.probability("density");
    const double n = static_cast<double>(src.size);
    if (pr.density * n * n > n * (n - 1) + 0.5) s.fail("density", "asks for more synapses than the N(N-1) ordered pairs");
    pr.spread = s.number("spread", 0.0);
    if (!(pr.spread >= -1.0 && pr.spread <= 1.0)) {
      s.fail("spread", "must lie in [-1, 1] (pattern weights 1 + spread * [-1 ... 1] stay non-negative)");
    }
    pr.circular = s.boolean("circular", false);
  } else if (rule == "file") {
    // Synapses read from a connectivity file written by run.save_connectivity.
    pr.rule = connection_rule::file;
    pr.file = path_near_config(s, "file");
    pr.file_projection = s.text("file_projection", name);
    pr.shuffle = s.boolean("shuffle_weights", false);
  } else if (rule == "all_to_all") {
    pr.rule = connection_rule::all_to_all;
  } else {
    pr.rule = connection_rule::one_to_one;
    if (src.size != tgt.size) {
      s.fail("connect", "one_to_one needs populations of equal size (" + src.name + ": " +
                            std::to_string(src.size) + ", " + tgt.name + ": " +
                            std::to_string(tgt.size) + ")");
    }
  }
  pr.weight = pr.rule == connection_rule::file ? distribution::constant(0.0) : s.dist("weight");
  pr.weight_scale = s.number("weight_scale", 1.0);
  if (!std::isfinite(pr.weight_scale)) s.fail("weight_scale", "must be a finite number");
  pr.delay = s.dist("delay", distribution::constant(net.run.dt));
  if (pr.delay.is_constant() && pr.delay.a < net.run.dt * (1 - 1e-9)) {
    s.fail("delay", "a delay shorter than dt = " + std::to_string(net.run.dt) +
                        " ms is not allowed; the shortest delay is one step (delay = dt)");
  }
  if (pr.delay.support_max() < 0 || (pr.delay.type == distribution::kind::uniform && pr.delay.a < 0)) {
    s.fail("delay", "delays must be >= 0 ms");
  }
  if (std::isfinite(pr.delay.support_max()) && pr.delay.support_max() / net.run.dt > 65535) {
    s.fail("delay", "delays must be below 65535 steps of dt");
  }
  pr.plasticity = read_plasticity(cfg, s, net, pr);  // plasticity.* keys (docs/plasticity.md)
  if (s.has("p_release")) pr.p_release = s.probability("p_release");
  s.finish();
  return pr;
}

std::shared_ptr<const input_spec> read_input(const config& cfg, const network_spec& net,
                                             const std::string& name) {
  section_reader s(cfg, "input." + name);
  std::vector<std::string> types;
  for (const auto& e : input_table()) types.push_back(e.type);
  const std::string type = s.choice("type", types);
  auto in = find_input(type)->read(s, net);
  in->name = name;
  in->type = type;
  in->hash = name_hash24("input." + name);
  s.finish();
  return in;
}

std::shared_ptr<const recorder_spec> read_recorder(const config& cfg, const network_spec& net,
                                                   const std::string& name) {
  section_reader s(cfg, "recorder." + name);
  std::vector<std::string> types;
  for (const auto& e : recorder_table()) types.push_back(e.type);
  if (types.empty()) s.fail("type", "this build of balnet has no recorder types");
  const std::string type = s.choice("type", types);
  auto r = find_recorder(type)->read(s, net);
  r->name = name;
  r->type = type;
  r->hash = name_hash24("recorder." + name);
  s.finish();
  return r;
}

std::shared_ptr<const pattern_spec> read_patterns_section(const config& cfg, const network_spec& net) {
  if (cfg.keys("patterns").empty()) return nullptr;
  section_reader s(cfg, "patterns");
  auto ps = std::make_shared<pattern_spec>();
  ps->population = find_population(net, s, "population");
  ps->hash = name_hash24("patterns");
  const std::uint64_t n = net.populations[ps->population].size;
  if (s.has("file")) {
    ps->file = path_near_config(s, "file");
    s.finish();
    return ps;
  }
  const auto count = s.count("count");
  if (count < 1 || count > 65535) s.fail("count", "the number of patterns must be in [1, 65535]");
  ps->count = static_cast<std::uint64_t>(count);
  const bool has_f = s.has("f"), has_size = s.has("size");
  if (has_f == has_size) s.fail(has_f ? "size" : "f", "give exactly one of f (Bernoulli membership probability) or size (members per pattern)");
  if (has_f) {
    ps->f = s.probability("f");
  } else {
    const auto size = s.count("size");
    if (size < 1 || static_cast<std::uint64_t>(size) > n) {
      s.fail("size", "must be in [1, " + std::to_string(n) + "] (the population's size)");
    }
    ps->size = static_cast<std::uint64_t>(size);
  }
  s.finish();
  return ps;
}

void read_record_and_check(const config& cfg, network_spec& net) {
  auto& r = net.run;
  {
    section_reader s(cfg, "record");
    const auto spikes = s.list("spikes", {"all"});
    if (spikes.size() == 1 && spikes[0] == "all") {
      for (std::size_t i = 0; i < net.populations.size(); ++i) r.record_spikes.push_back(i);
    } else if (!(spikes.size() == 1 && spikes[0] == "none")) {
      for (const auto& name : spikes) {
        const int i = net.population_index(name);
        if (i < 0) s.fail("spikes", "no population named '" + name + "' (or use all / none)");
        r.record_spikes.push_back(static_cast<std::size_t>(i));
      }
    }
    r.rate_bin = s.positive("rate_bin", r.rate_bin);
    const double bins = r.rate_bin / r.dt;
    if (std::fabs(bins - std::round(bins)) > 1e-6 * bins) {
      s.fail("rate_bin", "must be a whole number of steps of dt");
    }
    const auto f = s.count("flush_spikes", static_cast<std::int64_t>(r.flush_spikes));
    if (f < 1) s.fail("flush_spikes", "must be >= 1");
    r.flush_spikes = static_cast<std::uint64_t>(f);
    s.finish();
  }
  {
    section_reader s(cfg, "check");
    r.check_rate_min = s.non_negative("rate_min", r.check_rate_min);
    r.check_rate_max = s.positive("rate_max", r.check_rate_max);
    if (r.check_rate_min >= r.check_rate_max) s.fail("rate_min", "must be below check.rate_max");
    r.check_after = s.non_negative("after", r.check_after);
    s.finish();
  }
}

}  // namespace

network_spec read_network_spec(const config& cfg) {
  check_sections(cfg);
  network_spec net;
  net.run = read_run(cfg);
  {
    // Every [params] entry must evaluate (catches typos early).
    for (const auto& k : cfg.keys("params")) {
      if (!is_identifier(k)) {
        throw config_error(cfg.where("params." + k) + ": parameter names must be identifiers");
      }
      cfg.param(k);
    }
  }
  const auto pops = cfg.names("population");
  if (pops.empty()) throw config_error(cfg.file_name() + ": no [population.NAME] section; a network needs at least one population");
  std::uint64_t next_gid = 0;
  std::set<std::uint32_t> hashes;
  for (const auto& name : pops) {
    auto p = read_population(cfg, name, net.run);
    p.first_gid = static_cast<gid_t>(next_gid);
    next_gid += p.size;
    if (next_gid > 4000000000ULL) {
      throw config_error(cfg.file_name() + ": the network has more than 4e9 neurons");
    }
    if (!hashes.insert(p.hash).second) {
      throw config_error(cfg.file_name() + ": population name '" + name +
                         "' collides with another in the random-stream table; rename it");
    }
    net.populations.push_back(std::move(p));
  }
  net.patterns = read_patterns_section(cfg, net);
  for (const auto& name : cfg.names("projection")) {
    auto pr = read_projection(cfg, net, name);
    if (!hashes.insert(pr.hash).second) {
      throw config_error(cfg.file_name() + ": projection name '" + name + "' collides with another name; rename it");
    }
    net.projections.push_back(std::move(pr));
  }
  for (const auto& name : cfg.names("input")) {
    auto in = read_input(cfg, net, name);
    if (!hashes.insert(in->hash).second) {
      throw config_error(cfg.file_name() + ": input name '" + name + "' collides with another name; rename it");
    }
    net.inputs.push_back(std::move(in));
  }
  for (const auto& name : cfg.names("recorder")) {
    auto r = read_recorder(cfg, net, name);
    if (!hashes.insert(r->hash).second) {
      throw config_error(cfg.file_name() + ": recorder name '" + name + "' collides with another name; rename it");
    }
    net.recorders.push_back(std::move(r));
  }
  read_record_and_check(cfg, net);
  return net;
}

}  // namespace balnet

#include "balnet/model/model_registry.hpp"

#include "balnet/io/config.hpp"
#include "balnet/model/correlated_source.hpp"
#include "balnet/io/table_file.hpp"
#include "balnet/model/adaptive_lif.hpp"
#include "balnet/model/hodgkin_huxley.hpp"
#include "balnet/model/izhikevich.hpp"
#include "balnet/model/point_neuron.hpp"
#include "balnet/model/poisson_source.hpp"
#include "balnet/model/rate_source.hpp"
#include "balnet/network/spec.hpp"

namespace balnet {

namespace {

struct poisson_params final : model_params {
  double rate = 0.0;  // Hz
};

model_entry point_neuron_entry(const std::string& name) {
  model_entry e;
  e.name = name;
  e.read = [](section_reader& s, const std::string& model, const run_spec& run) {
    return std::make_shared<const point_neuron_params>(point_neuron_params::read(s, model, run.dt));
  };
  e.create = [](const population_spec& p, const std::vector<gid_t>& gids, const run_spec& run) {
    const auto& params = static_cast<const point_neuron_params&>(*p.params);
    if (params.single) {
      return std::unique_ptr<neuron_group>(std::make_unique<point_neuron_group_single>(
          params, p.receptors, gids, run.dt, run.seed, p.hash));
    }
    return std::unique_ptr<neuron_group>(
        std::make_unique<point_neuron_group>(params, p.receptors, gids, run.dt, run.seed, p.hash));
  };
  return e;
}

// A model whose parameters are read by Params::read(s, ...) and whose group is
// Group(params, receptors, gids, dt, seed, population hash).
template <class Params, class Group, class Read>
model_entry neuron_entry(const std::string& name, Read read) {
  model_entry e;
  e.name = name;
  e.read = [read](section_reader& s, const std::string& model, const run_spec& run) {
    return std::shared_ptr<const model_params>(std::make_shared<const Params>(read(s, model, run)));
  };
  e.create = [](const population_spec& p, const std::vector<gid_t>& gids, const run_spec& run) {
    const auto& params = static_cast<const Params&>(*p.params);
    return std::unique_ptr<neuron_group>(
        std::make_unique<Group>(params, p.receptors, gids, run.dt, run.seed, p.hash));
  };
  return e;
}

std::vector<model_entry> make_table() {
  std::vector<model_entry> t;
  t.push_back(point_neuron_entry("lif"));
  t.push_back(point_neuron_entry("eif"));
  t.push_back(point_neuron_entry("adex"));
  t.push_back(neuron_entry<izhikevich_params, izhikevich_group>(
      "izhikevich", [](section_reader& s, const std::string&, const run_spec&) { return izhikevich_params::read(s); }));
  for (const char* name : {"hh", "traub_miles"}) {
    t.push_back(neuron_entry<hh_params, hh_group>(
        name, [](section_reader& s, const std::string& m, const run_spec&) { return hh_params::read(s, m); }));
  }
  t.push_back(neuron_entry<adaptive_lif_params, adaptive_lif_group>(
      "adaptive_lif",
      [](section_reader& s, const std::string&, const run_spec& run) { return adaptive_lif_params::read(s, run.dt); }));
  {
    model_entry e;
    e.name = "poisson";
    e.is_source = true;
    e.has_receptors = false;
    e.read = [](section_reader& s, const std::string&, const run_spec&) {
      auto p = std::make_shared<poisson_params>();
      if (!s.has("rate")) s.fail("rate", "missing key rate (Hz) of the Poisson sources");
      p->rate = s.non_negative("rate", 0.0);
      return std::shared_ptr<const model_params>(p);
    };
    e.create = [](const population_spec& p, const std::vector<gid_t>& gids, const run_spec& run) {
      const auto& params = static_cast<const poisson_params&>(*p.params);
      return std::make_unique<poisson_source_group>(params.rate, gids, run.dt, run.seed, p.hash, 0);
    };
    t.push_back(e);
  }
  {
    // Correlated trains from a shared mother process (issue 3, MODELS.md 1.5).
    model_entry e;
    e.name = "correlated_poisson";
    e.is_source = true;
    e.has_receptors = false;
    e.read = [](section_reader& s, const std::string&, const run_spec& run) {
      return std::shared_ptr<const model_params>(std::make_shared<const correlated_source_params>(
          correlated_source_params::read(s, run.dt, run.t_stop)));
    };
    e.create = [](const population_spec& p, const std::vector<gid_t>& gids, const run_spec& run) {
      const auto& params = static_cast<const correlated_source_params&>(*p.params);
      return std::make_unique<correlated_source_group>(params, gids, run.dt, run.t_stop, run.seed, p.hash);
    };
    t.push_back(e);
  }
  {
    model_entry e;
    e.name = "inhomogeneous_poisson";
    e.is_source = true;
    e.has_receptors = false;
    e.read = [](section_reader& s, const std::string&, const run_spec& run) {
      auto p = std::make_shared<rate_source_params>();
      p->rate = read_rate(s, "rate", "rate_file", "rate_dt", run.dt);
      return std::shared_ptr<const model_params>(p);
    };
    e.create = [](const population_spec& p, const std::vector<gid_t>& gids, const run_spec& run) {
      const auto& params = static_cast<const rate_source_params&>(*p.params);
      return std::unique_ptr<neuron_group>(
          std::make_unique<rate_source_group>(params.rate, gids, run.dt, run.seed, p.hash));
    };
    t.push_back(e);
  }
  return t;
}

}  // namespace

const std::vector<model_entry>& model_table() {
  static const std::vector<model_entry> table = make_table();
  return table;
}

const model_entry* find_model(const std::string& name) {
  for (const auto& e : model_table()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::vector<std::string> model_names() {
  std::vector<std::string> n;
  for (const auto& e : model_table()) n.push_back(e.name);
  return n;
}

}  // namespace balnet

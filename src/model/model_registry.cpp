#include "balnet/model/model_registry.hpp"

#include "balnet/io/config.hpp"
#include "balnet/model/correlated_source.hpp"
#include "balnet/model/point_neuron.hpp"
#include "balnet/model/poisson_source.hpp"
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
    return std::make_unique<point_neuron_group>(params, p.receptors, gids, run.dt, run.seed, p.hash);
  };
  return e;
}

std::vector<model_entry> make_table() {
  std::vector<model_entry> t;
  t.push_back(point_neuron_entry("lif"));
  t.push_back(point_neuron_entry("eif"));
  t.push_back(point_neuron_entry("adex"));
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

// The neuron models balnet knows, by the name used in `[population.X] model = ...`.
// Adding a model: write its neuron_group, then add one entry to the table in
// src/model/model_registry.cpp.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "balnet/core/types.hpp"
#include "balnet/model/neuron_group.hpp"

namespace balnet {

class section_reader;
struct population_spec;
struct run_spec;

// Parameters of one population's model; each model derives its own struct.
struct model_params {
  virtual ~model_params() = default;
};

struct model_entry {
  std::string name;
  bool is_source = false;        // spike source: no receptors, cannot be a projection target
  bool has_receptors = true;     // accepts receptor.* keys
  // Reads the model's keys from the population section (the reader knows dt via run).
  std::function<std::shared_ptr<const model_params>(section_reader&, const std::string& model,
                                                    const run_spec&)>
      read;
  // Creates the rank-local group for the given local gids.
  std::function<std::unique_ptr<neuron_group>(const population_spec&,
                                              const std::vector<gid_t>& gids, const run_spec&)>
      create;
};

const std::vector<model_entry>& model_table();
const model_entry* find_model(const std::string& name);
std::vector<std::string> model_names();

}  // namespace balnet

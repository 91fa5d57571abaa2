// The validated description of a network and a run, built from the configuration.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "balnet/core/distribution.hpp"
#include "balnet/core/types.hpp"
#include "balnet/input/input_driver.hpp"
#include "balnet/model/model_registry.hpp"
#include "balnet/model/receptor.hpp"

namespace balnet {

struct plasticity_spec;

struct population_spec {
  std::string name;
  std::string model;            // a name from model_table(), e.g. lif, adex, poisson
  std::uint64_t size = 0;
  gid_t first_gid = 0;          // gids [first_gid, first_gid + size)
  std::uint32_t hash = 0;       // stream object id
  bool is_source = false;
  std::shared_ptr<const model_params> params;  // the model's own parameters
  std::vector<receptor_spec> receptors;

  // Index of the receptor called `name`, or -1.
  int receptor_index(const std::string& name) const;
  bool contains(gid_t g) const { return g >= first_gid && g < first_gid + size; }
};

enum class connection_rule { bernoulli, fixed_indegree, fixed_outdegree, all_to_all, one_to_one, ring, assembly, file };
const char* to_string(connection_rule r);

struct projection_spec {
  std::string name;
  std::size_t source = 0;       // population indices
  std::size_t target = 0;
  std::string receptor;
  std::size_t receptor_index = 0;
  std::uint32_t hash = 0;
  connection_rule rule = connection_rule::bernoulli;
  double p = 0.0;               // bernoulli
  std::uint64_t degree = 0;     // fixed in-/out-degree
  bool autapses = false;        // allow i -> i when source == target
  bool multapses = false;       // fixed degree: draw with replacement
  distribution weight = distribution::constant(0.0);
  double weight_scale = 1.0;    // multiplies every drawn weight (e.g. 1/sqrt(N))
  distribution delay = distribution::constant(0.1);  // ms
  // Plasticity rules (issue 3, include/balnet/plasticity/); nullptr for a static projection.
  std::shared_ptr<const plasticity_spec> plasticity;
  double spatial_decay = 0.0;   // ring: width of the Gaussian profile (source index units)
  double delay_per_unit = 0.0;  // ring: delay added per unit of ring distance (ms)
  double p_release = 1.0;       // probability that a synapse transmits an arriving spike
  // assembly (docs/assemblies.md): fraction of the N^2 ordered pairs kept; pattern p's
  // co-membership weight 1 + spread * (-1 + 2p/(P-1)); circular: +1 for each membership of the
  // pre neuron in a pattern next to one of the post neuron's (p - 1 and p + 1, cyclic)
  double density = 0.0;
  double spread = 0.0;
  bool circular = false;
  // file: connectivity file and the projection's name in it
  std::string file;
  std::string file_projection;
  bool shuffle = false;         // file: permute the weights over the synapses (control)

  // Expected number of synapses (exact for the fixed rules).
  double expected_synapses(const std::vector<population_spec>& pops) const;
};

struct poisson_input_spec final : input_spec {
  std::vector<std::size_t> targets;           // population indices
  std::vector<std::size_t> receptor_indices;  // one per target
  std::string receptor;
  std::uint64_t sources = 1;  // independent sources per neuron
  double rate = 0.0;          // Hz per source
  double weight = 0.0;        // per source spike
  std::string describe(const network_spec& net) const override;
};

struct run_spec {
  double dt = 0.1;              // ms
  double t_stop = 1000.0;       // ms
  std::uint64_t seed = 1;
  std::string output;           // path of the HDF5 file
  bool progress = true;
  double progress_interval = 2.0;  // s of wall time between progress lines
  double sync_interval = 100.0;    // ms of simulated time between global statistics
  // recording
  std::vector<std::size_t> record_spikes;  // population indices
  double rate_bin = 1.0;                   // ms
  std::uint64_t flush_spikes = 1u << 16;   // flush when a rank holds this many spikes
  // rate checker
  double check_rate_min = 0.0;   // Hz; 0 disables the silence check
  double check_rate_max = 1000.0;  // Hz
  double check_after = 0.0;      // ms: checks start after this time
  std::string save_connectivity;  // write the final connectivity here (docs/assemblies.md)

  step_t steps() const;
};

struct recorder_spec;
struct pattern_spec;

struct network_spec {
  std::vector<population_spec> populations;
  std::vector<projection_spec> projections;
  std::vector<std::shared_ptr<const input_spec>> inputs;
  std::vector<std::shared_ptr<const recorder_spec>> recorders;
  std::shared_ptr<const pattern_spec> patterns;  // [patterns], or nullptr
  run_spec run;

  std::uint64_t total_neurons() const;
  int population_of(gid_t g) const;  // index, or -1
  int population_index(const std::string& name) const;
};

}  // namespace balnet

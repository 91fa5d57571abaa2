#include "balnet/sim/network_builder.hpp"

#include "balnet/core/error.hpp"
#include "balnet/io/connectivity_file.hpp"
#include "balnet/network/assemblies.hpp"
#include "balnet/network/connectivity.hpp"

namespace balnet {

std::shared_ptr<const pattern_set> make_patterns(const network_spec& net, communicator& comm) {
  if (!net.patterns) return nullptr;
  const auto& spec = *net.patterns;
  const auto& pop = net.populations[spec.population];
  if (!spec.file.empty()) return std::make_shared<pattern_set>(read_patterns(spec.file, comm, pop.name, pop.size));
  return std::make_shared<pattern_set>(generate_patterns(spec, pop.size, net.run.seed));
}

std::vector<raw_synapse> make_synapses(const projection_spec& proj, const network_spec& net, const partition& part,
                                       communicator& comm, const pattern_set* patterns) {
  switch (proj.rule) {
    case connection_rule::assembly:
      if (!patterns) throw config_error("projection." + proj.name + ": assembly connectivity needs [patterns]");
      return generate_assembly_synapses(proj, net, part, comm, *patterns);
    case connection_rule::file:
      return read_connectivity_synapses(proj, net, part, comm);
    default:
      return generate_synapses(proj, net, part);
  }
}

}  // namespace balnet

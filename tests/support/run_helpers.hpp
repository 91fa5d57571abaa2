// Helpers for tests that build and run whole configurations in one process.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "balnet/comm/serial_communicator.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/spec_reader.hpp"
#include "balnet/model/model_registry.hpp"
#include "balnet/network/partition.hpp"
#include "balnet/sim/simulation.hpp"

namespace balnet::test {

inline network_spec spec_of(const std::string& ini, const std::vector<std::string>& sets = {}) {
  auto cfg = config::parse(ini, "test.ini");
  cfg.apply_overrides(sets);
  return read_network_spec(cfg);
}

// Spike times (ms) per population of a one-rank run without output.
inline std::map<std::string, std::vector<double>> spike_times(const network_spec& net) {
  serial_communicator one;
  simulation sim(net, one);
  sim.build();
  std::vector<std::pair<step_t, gid_t>> captured;
  run_options opt;
  opt.quiet = true;
  opt.capture = &captured;
  sim.run(nullptr, nullptr, opt);
  std::map<std::string, std::vector<double>> out;
  for (const auto& p : net.populations) out[p.name];
  for (const auto& [t, g] : captured) {
    out[net.populations[static_cast<std::size_t>(net.population_of(g))].name].push_back(
        static_cast<double>(t) * net.run.dt);
  }
  return out;
}

// The groups of a one-rank network, for driving models and inputs by hand.
struct local_network {
  network_spec net;
  partition part{0, 1};
  std::vector<std::unique_ptr<neuron_group>> groups;
  std::vector<std::vector<gid_t>> gids;

  explicit local_network(network_spec spec) : net(std::move(spec)) {
    for (const auto& p : net.populations) {
      gids.push_back(part.local_gids(p));
      groups.push_back(find_model(p.model)->create(p, gids.back(), net.run));
    }
  }
  std::unique_ptr<input_driver> input(std::size_t i) {
    input_context ctx{net, part, {}, gids, 0};
    for (auto& g : groups) ctx.groups.push_back(g.get());
    return find_input(net.inputs[i]->type)->create(*net.inputs[i], ctx);
  }
  neuron_group& group(const std::string& name) { return *groups[static_cast<std::size_t>(net.population_index(name))]; }
};

}  // namespace balnet::test

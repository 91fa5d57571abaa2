#include "balnet/network/spec.hpp"

#include <cmath>

namespace balnet {

int population_spec::receptor_index(const std::string& n) const {
  for (std::size_t i = 0; i < receptors.size(); ++i) {
    if (receptors[i].name == n) return static_cast<int>(i);
  }
  return -1;
}

const char* to_string(connection_rule r) {
  switch (r) {
    case connection_rule::bernoulli: return "bernoulli";
    case connection_rule::fixed_indegree: return "fixed_indegree";
    case connection_rule::fixed_outdegree: return "fixed_outdegree";
    case connection_rule::all_to_all: return "all_to_all";
    case connection_rule::one_to_one: return "one_to_one";
    case connection_rule::ring: return "ring";
    case connection_rule::assembly: return "assembly";
    case connection_rule::file: return "file";
  }
  return "?";
}

double projection_spec::expected_synapses(const std::vector<population_spec>& pops) const {
  const double npre = static_cast<double>(pops[source].size);
  const double npost = static_cast<double>(pops[target].size);
  const bool same = source == target;
  switch (rule) {
    case connection_rule::bernoulli:
      return p * npost * (same && !autapses ? npre - 1 : npre);
    case connection_rule::fixed_indegree:
    case connection_rule::ring:
      return static_cast<double>(degree) * npost;
    case connection_rule::fixed_outdegree:
      return static_cast<double>(degree) * npre;
    case connection_rule::all_to_all:
      return npost * (same && !autapses ? npre - 1 : npre);
    case connection_rule::one_to_one:
      return npost;
    case connection_rule::assembly:
      return std::round(density * npre * npre);
    case connection_rule::file:
      return 0;  // known only once the file is read
  }
  return 0;
}

std::string poisson_input_spec::describe(const network_spec& net) const {
  std::string s = std::to_string(sources) + " independent Poisson sources x " + std::to_string(rate) +
                  " Hz, weight " + std::to_string(weight) + " on receptor " + receptor + " of";
  for (auto t : targets) s += " " + net.populations[t].name;
  return s;
}

step_t run_spec::steps() const { return static_cast<step_t>(std::llround(t_stop / dt)); }

std::uint64_t network_spec::total_neurons() const {
  std::uint64_t n = 0;
  for (const auto& p : populations) n += p.size;
  return n;
}

int network_spec::population_of(gid_t g) const {
  for (std::size_t i = 0; i < populations.size(); ++i) {
    if (populations[i].contains(g)) return static_cast<int>(i);
  }
  return -1;
}

int network_spec::population_index(const std::string& name) const {
  for (std::size_t i = 0; i < populations.size(); ++i) {
    if (populations[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace balnet

// Independent Poisson drive per neuron: each step a neuron receives Binomial(sources,
// rate dt) events of a fixed weight on one receptor, as Brian2's PoissonInput. Steps with
// no event are skipped by drawing the gap to the next non-empty step (geometric), which
// gives the same distribution at a cost per event rather than per step.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "balnet/core/rng.hpp"
#include "balnet/core/types.hpp"
#include "balnet/input/input_driver.hpp"
#include "balnet/model/neuron_group.hpp"
#include "balnet/network/spec.hpp"

namespace balnet {

class section_reader;

// Reads an [input.NAME] section with type = poisson.
std::shared_ptr<input_spec> read_poisson_input(section_reader& s, const network_spec& net);
std::unique_ptr<input_driver> make_poisson_input(const input_spec& spec, const input_context& ctx);

class poisson_input final : public input_driver {
 public:
  struct target {
    neuron_group* group;
    std::size_t receptor;
    std::vector<gid_t> gids;  // local neurons of the group, in local order
  };

  poisson_input(const poisson_input_spec& spec, std::vector<target> targets, double dt,
                std::uint64_t seed, step_t start);

  // Adds this step's events to the receptor accumulators.
  void apply(step_t t) override;

  const poisson_input_spec& spec() const { return spec_; }

 private:
  struct state {
    std::vector<step_t> next;             // next step with at least one event (sparse mode)
    std::vector<std::uint64_t> position;  // position in the neuron's random stream
  };
  poisson_input_spec spec_;
  std::vector<target> targets_;
  std::vector<state> states_;
  std::uint64_t seed_;
  double p_;      // event probability of one source per step
  double q_;      // probability of at least one event per step
  bool dense_;    // draw a binomial count every step instead of skipping
  std::vector<double> cdf_;  // P(count <= k | count >= 1), k = 1, 2, ...

  std::uint64_t draw_count(random_stream& rs) const;
};

}  // namespace balnet

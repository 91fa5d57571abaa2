// Independent Poisson drive per neuron: each step a neuron receives Binomial(sources,
// rate dt) events of a fixed weight on one receptor, as Brian2's PoissonInput. Three exact
// samplers, chosen by the mean count per step:
//  - sparse (most steps empty): the gap to the next non-empty step is drawn (geometric), so
//    the cost is per event, not per step;
//  - table (mean up to 50): one keyed uniform per neuron and step (a Philox block per lane,
//    vectorised over neurons) inverted through the cumulative distribution;
//  - dense (larger means): a binomial draw per neuron and step.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "balnet/core/rng.hpp"
#include "balnet/core/step_calendar.hpp"
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
  bool save_state(state_set& out, const std::string& prefix) const override;
  void load_state(const state_set& in, const std::string& prefix) override;

  const poisson_input_spec& spec() const { return spec_; }

 private:
  struct state {
    std::vector<step_t> next;             // next step with at least one event (sparse mode)
    std::vector<std::uint64_t> position;  // position in the neuron's random stream
    // Sparse mode: the stream's next 64-bit draw (words 2 and 3 of the current Philox block,
    // as position is 2 mod 4 between events), so an event computes one block, not two.
    std::vector<std::uint64_t> pending;
    step_calendar calendar;               // the neurons by next step
  };
  enum class mode { sparse, table, dense };
  poisson_input_spec spec_;
  std::vector<target> targets_;
  std::vector<state> states_;
  std::uint64_t seed_;
  double p_;      // event probability of one source per step
  double q_;      // probability of at least one event per step
  mode mode_;
  std::vector<double> cdf_;  // sparse: P(count <= k | count >= 1), k = 1, 2, ...
                             // table: P(count <= k), k = 0, 1, ...
  std::vector<double> u_;    // table mode: one uniform per neuron (scratch)
  std::vector<std::uint32_t> counts_;  // table mode: one count per neuron (scratch)
  double log_q_ = 0.0;                 // sparse mode: log1p(-q), the geometric gap's divisor
  // Sparse mode scratch: the neurons with an event this step and their Philox lanes.
  std::vector<index_t> due_;
  std::vector<std::uint32_t> lane_gid_;
  std::vector<std::uint64_t> lane_block_;
  std::vector<std::uint32_t> lane_words_;

  // Sparse mode: refills `pending` and the calendar from `next` and `position`.
  void index_sparse(const target& tg, state& st);
  // Sparse mode, the general path: one event of neuron i at step t with a random_stream.
  template <class T>
  void sparse_event(step_t t, target& tg, state& st, std::size_t i, T* in, T w);

  template <class T>
  void apply_to(step_t t, target& tg, state& st, T* in, T w);
};

}  // namespace balnet

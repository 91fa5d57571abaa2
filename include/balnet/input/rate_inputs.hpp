// Spike trains delivered straight onto a receptor of each target neuron, at most one event
// per step (Bernoulli per bin, core/hazard_trains.hpp):
// - inhomogeneous_poisson: every target neuron gets its own train standing for `sources`
//   afferents at rate(t) each (p = sources * rate(t) * dt per step, capped at 1), as
//   project 5's afferent drive; the rate is an expression in t or a table file;
// - cue: per-neuron rate schedules (start, stop, rate, neurons) from the config or a file,
//   as project 2's cue stimulation (10 kHz on chosen neurons for 100 ms).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "balnet/core/rate_function.hpp"
#include "balnet/input/input_driver.hpp"

namespace balnet {

struct inhomogeneous_poisson_spec final : input_spec {
  std::vector<std::size_t> targets;           // population indices
  std::vector<std::size_t> receptor_indices;  // one per target
  std::string receptor;
  double sources = 1.0;
  double weight = 0.0;
  rate_function rate;
  std::string describe(const network_spec& net) const override;
};

struct cue_spec final : input_spec {
  struct cue {
    step_t on = 0, off = 0;
    double rate = 0.0;                    // Hz
    std::vector<std::uint64_t> neurons;   // population-local, ascending
  };
  std::size_t target = 0;
  std::size_t receptor_index = 0;
  std::string receptor;
  double weight = 0.0;
  std::vector<cue> cues;
  std::string describe(const network_spec& net) const override;
};

std::shared_ptr<input_spec> read_inhomogeneous_poisson(section_reader& s, const network_spec& net);
std::unique_ptr<input_driver> make_inhomogeneous_poisson(const input_spec& spec, const input_context& ctx);
std::shared_ptr<input_spec> read_cue(section_reader& s, const network_spec& net);
std::unique_ptr<input_driver> make_cue(const input_spec& spec, const input_context& ctx);

}  // namespace balnet

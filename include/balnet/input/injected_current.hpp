// Injected current I_stim(t) * gain on the neurons of one or more populations, or on a
// random subset of them (Akil et al. 2021's Istim(t)·Jstim and optogenetic stimulation).
// I_stim(t) is piecewise constant, from `times`/`values` in the config or from a file.
#pragma once

#include <memory>
#include <vector>

#include "balnet/input/input_driver.hpp"

namespace balnet {

struct injected_current_spec final : input_spec {
  std::vector<std::size_t> targets;  // population indices
  double gain = 1.0;                 // current units per unit of I_stim (pA; mV/ms when C = 1)
  double fraction = 1.0;             // each neuron is stimulated with this probability
  std::vector<double> times;         // ms, ascending: I_stim = values[i] from times[i] on
  std::vector<double> values;
  std::string describe(const network_spec& net) const override;
};

std::shared_ptr<input_spec> read_injected_current(section_reader& s, const network_spec& net);
std::unique_ptr<input_driver> make_injected_current(const input_spec& spec, const input_context& ctx);

}  // namespace balnet

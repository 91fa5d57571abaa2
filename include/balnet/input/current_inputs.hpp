// Injected currents: step-current schedules on a neuron set (pyN's I_ext, NEST's
// step_current_generator) and an oscillatory current (Zerlaut's Ioscill). They add to the
// neurons' current accumulators (pA; for Izhikevich neurons the model's mV/ms).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "balnet/input/input_driver.hpp"

namespace balnet {

// The first step whose start time s*dt is at or after t_ms.
step_t first_step_at(double t_ms, double dt);

struct step_current_spec final : input_spec {
  std::size_t target = 0;
  std::vector<std::uint64_t> neurons;  // population-local, ascending
  std::vector<step_t> on, off;         // steps: on while on <= step < off
  std::vector<double> amplitude;
  std::string describe(const network_spec& net) const override;
};

struct oscillatory_current_spec final : input_spec {
  std::size_t target = 0;
  std::vector<std::uint64_t> neurons;
  double amplitude = 0.0, frequency = 0.0, phase = 0.0, offset = 0.0;  // pA, Hz, rad, pA
  bool raised_cosine = false;  // amplitude (1 - cos(2 pi f t)) / 2 instead of amplitude sin(...)
  step_t on = 0, off = 0;
  std::string describe(const network_spec& net) const override;
};

std::shared_ptr<input_spec> read_step_current(section_reader& s, const network_spec& net);
std::unique_ptr<input_driver> make_step_current(const input_spec& spec, const input_context& ctx);
std::shared_ptr<input_spec> read_oscillatory_current(section_reader& s, const network_spec& net);
std::unique_ptr<input_driver> make_oscillatory_current(const input_spec& spec, const input_context& ctx);

// Reads `target` (one population that has a membrane) for an input; fails otherwise.
std::size_t read_input_target(section_reader& s, const network_spec& net);

}  // namespace balnet

#include "balnet/input/input_driver.hpp"

#include "balnet/input/injected_current.hpp"
#include "balnet/input/current_inputs.hpp"
#include "balnet/input/ou_conductance.hpp"
#include "balnet/input/poisson_input.hpp"
#include "balnet/input/rate_inputs.hpp"

namespace balnet {

const std::vector<input_entry>& input_table() {
  static const std::vector<input_entry> table = {
      {"poisson", read_poisson_input, make_poisson_input},
      {"injected_current", read_injected_current, make_injected_current},  // issue 3
      {"step_current", read_step_current, make_step_current},
      {"oscillatory_current", read_oscillatory_current, make_oscillatory_current},
      {"inhomogeneous_poisson", read_inhomogeneous_poisson, make_inhomogeneous_poisson},
      {"cue", read_cue, make_cue},
      {"ou_conductance", read_ou_conductance, make_ou_conductance},
  };
  return table;
}

const input_entry* find_input(const std::string& type) {
  for (const auto& e : input_table()) {
    if (e.type == type) return &e;
  }
  return nullptr;
}

}  // namespace balnet

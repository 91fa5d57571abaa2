#include "balnet/input/input_driver.hpp"

#include "balnet/input/injected_current.hpp"
#include "balnet/input/poisson_input.hpp"

namespace balnet {

const std::vector<input_entry>& input_table() {
  static const std::vector<input_entry> table = {
      {"poisson", read_poisson_input, make_poisson_input},
      {"injected_current", read_injected_current, make_injected_current},  // issue 3
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

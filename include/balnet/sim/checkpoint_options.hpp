// The command-line forms of checkpoint periods: `--checkpoint-every 500ms` or `2s` (simulated
// time) and `10min` or `2h` (wall-clock time); docs/checkpoint.md.
#pragma once

#include <string>

#include "balnet/core/types.hpp"

namespace balnet {

struct checkpoint_period {
  step_t steps = 0;          // simulated steps (0: not a simulated-time period)
  double wall_seconds = 0;   // wall-clock seconds (0: not a wall-clock period)
};

// Throws config_error naming the accepted forms.
checkpoint_period parse_checkpoint_period(const std::string& text, double dt);

// `--stop-at T` (ms, an optional "ms" suffix) as a step; throws config_error.
step_t parse_stop_at(const std::string& text, double dt);

}  // namespace balnet

#include "balnet/sim/checkpoint_options.hpp"

#include <cmath>
#include <cstdlib>

#include "balnet/core/error.hpp"

namespace balnet {

namespace {

// The number in front of a unit suffix; false if `text` is not NUMBER UNIT.
bool split_number(const std::string& text, double& value, std::string& unit) {
  const char* begin = text.c_str();
  char* end = nullptr;
  value = std::strtod(begin, &end);
  if (end == begin) return false;
  unit = std::string(end);
  return std::isfinite(value);
}

}  // namespace

checkpoint_period parse_checkpoint_period(const std::string& text, double dt) {
  const std::string forms =
      " (use simulated time as 500ms or 2s, or wall-clock time as 10min or 2h)";
  double v = 0;
  std::string unit;
  if (!split_number(text, v, unit) || v <= 0) {
    throw config_error("--checkpoint-every " + text + ": not a positive time with a unit" + forms);
  }
  checkpoint_period p;
  if (unit == "ms" || unit == "s") {
    const double ms = unit == "s" ? v * 1000.0 : v;
    p.steps = static_cast<step_t>(std::llround(ms / dt));
    if (p.steps < 1) throw config_error("--checkpoint-every " + text + ": shorter than one step of dt" + forms);
  } else if (unit == "min" || unit == "h") {
    p.wall_seconds = unit == "h" ? v * 3600.0 : v * 60.0;
  } else {
    throw config_error("--checkpoint-every " + text + ": unknown unit '" + unit + "'" + forms);
  }
  return p;
}

step_t parse_stop_at(const std::string& text, double dt) {
  double v = 0;
  std::string unit;
  if (!split_number(text, v, unit) || v < 0 || !(unit.empty() || unit == "ms")) {
    throw config_error("--stop-at " + text + ": not a simulated time in ms (e.g. --stop-at 500)");
  }
  return static_cast<step_t>(std::llround(v / dt));
}

}  // namespace balnet

// A scalar random distribution written in a config value, e.g. "lognormal(0.25, 0.125)".
#pragma once

#include <limits>
#include <string>

#include "balnet/core/rng.hpp"

namespace balnet {

struct distribution {
  enum class kind { constant, uniform, normal, lognormal };
  kind type = kind::constant;
  // constant: value a; uniform: [a, b); normal: mean a, sd b;
  // lognormal: a, b are mu and sigma of the underlying normal, times `sign`.
  double a = 0.0;
  double b = 0.0;
  double sign = 1.0;
  // normal only: values outside [lo, hi] are drawn again (truncated normal).
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();

  static distribution constant(double v) { return {kind::constant, v, 0.0}; }
  // Lognormal with the given mean and variance of the variable itself (MODELS.md U2); a
  // negative mean gives the mirrored distribution (for inhibitory current weights).
  static distribution lognormal_mean_var(double mean, double var);

  double sample(random_stream& rs) const;
  bool is_constant() const { return type == kind::constant; }
  double mean() const;
  double variance() const;
  double support_min() const;  // smallest possible value (may be -inf)
  double support_max() const;
  std::string describe() const;
};

}  // namespace balnet

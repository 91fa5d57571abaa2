// exp(-n dt / tau) for a whole number of steps n, from two small tables: lazily decayed
// traces are read with a product of two table entries instead of an exp(), and every rank
// gets the same bits for the same n.
#pragma once

#include <array>
#include <cstdint>

#include "balnet/core/fast_math.hpp"

namespace balnet {

class trace_decay {
 public:
  trace_decay() = default;
  trace_decay(double dt, double tau) : rate_(dt / tau) {
    for (std::uint32_t i = 0; i < n_; ++i) {
      lo_[i] = exp_det(-static_cast<double>(i) * rate_);
      hi_[i] = exp_det(-static_cast<double>(i) * static_cast<double>(n_) * rate_);
    }
  }

  // exp(-steps * dt / tau), steps >= 0.
  double operator()(std::uint64_t steps) const {
    if (steps < n_) return lo_[steps];
    if (steps < std::uint64_t{n_} * n_) return lo_[steps % n_] * hi_[steps / n_];
    return exp_det(-static_cast<double>(steps) * rate_);
  }
  // The decay over one step.
  double per_step() const { return lo_[1]; }

 private:
  static constexpr std::uint32_t n_ = 1024;
  double rate_ = 0.0;
  std::array<double, n_> lo_{}, hi_{};
};

}  // namespace balnet

// Independent Bernoulli spike trains whose per-step probability p(t) varies in time (at
// most one spike per step per train, as Brian2's PoissonGroup and SpikeGeneratorGroup
// trains): each train holds an Exp(1) budget E and spends the step's hazard
// h = -log(1 - p) from it; it spikes when E runs out and draws a new budget. Since
// P(no spike in steps 1..k) = prod(1 - p_j) = exp(-sum h_j), this is exact, costs one
// subtraction per train and step, and one draw per spike. Every train draws from its own
// keyed stream (seed, domain, object, id), so results never depend on the partition.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "balnet/core/rng.hpp"
#include "balnet/core/types.hpp"

namespace balnet {

class hazard_trains {
 public:
  hazard_trains() = default;
  hazard_trains(std::uint64_t seed, rng_domain domain, std::uint32_t object,
                std::vector<std::uint32_t> ids)
      : seed_(seed), domain_(domain), object_(object), ids_(std::move(ids)) {
    budget_.resize(ids_.size());
    position_.assign(ids_.size(), 0);
    for (std::size_t i = 0; i < ids_.size(); ++i) redraw(i);
  }

  // Hazard of one step with spike probability p (p >= 1: a spike every step).
  static double hazard(double p) {
    if (p <= 0.0) return 0.0;
    if (p >= 1.0) return std::numeric_limits<double>::infinity();
    return -std::log1p(-p);
  }

  std::size_t size() const { return ids_.size(); }
  // The trains' ids, remaining budgets and stream positions (their whole state; checkpoints).
  const std::vector<std::uint32_t>& ids() const { return ids_; }
  std::vector<double>& budgets() { return budget_; }
  const std::vector<double>& budgets() const { return budget_; }
  std::vector<std::uint64_t>& positions() { return position_; }
  const std::vector<std::uint64_t>& positions() const { return position_; }

  // Advances train i by one step of hazard h; true if it spikes in this step.
  bool step(std::size_t i, double h) {
    if (!(h > 0.0)) return false;
    budget_[i] -= h;
    if (budget_[i] > 0.0) return false;
    redraw(i);
    return true;
  }

 private:
  std::uint64_t seed_ = 0;
  rng_domain domain_ = rng_domain::poisson_input;
  std::uint32_t object_ = 0;
  std::vector<std::uint32_t> ids_;
  std::vector<double> budget_;
  std::vector<std::uint64_t> position_;

  void redraw(std::size_t i) {
    random_stream rs(seed_, domain_, object_, ids_[i], position_[i]);
    budget_[i] = rs.exponential();
    position_[i] = rs.position();
  }
};

}  // namespace balnet

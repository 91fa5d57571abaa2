#include "balnet/model/rate_source.hpp"

namespace balnet {

rate_source_group::rate_source_group(const rate_function& rate, const std::vector<gid_t>& gids,
                                     double dt, std::uint64_t seed, std::uint32_t population_hash)
    : rate_(rate), dt_(dt), trains_(seed, rng_domain::poisson_source, population_hash, gids) {}

void rate_source_group::update(step_t t, std::vector<index_t>& spiked) {
  // Every rank evaluates the rate, also with no local source, so all see the same values.
  const double h = hazard_trains::hazard(rate_.at(static_cast<double>(t) * dt_) * dt_ * 1e-3);
  if (h <= 0.0) return;
  const std::size_t n = trains_.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (trains_.step(i, h)) spiked.push_back(static_cast<index_t>(i));
  }
}

}  // namespace balnet

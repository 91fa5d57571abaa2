#include "balnet/model/poisson_source.hpp"

#include "balnet/core/distributions.hpp"
#include "balnet/core/rng.hpp"

namespace balnet {

poisson_source_group::poisson_source_group(double rate_hz, const std::vector<gid_t>& gids,
                                           double dt, std::uint64_t seed,
                                           std::uint32_t population_hash, step_t start)
    : p_(rate_hz * dt * 1e-3), seed_(seed), hash_(population_hash), gids_(gids) {
  if (p_ > 1.0) p_ = 1.0;
  next_.resize(gids_.size());
  position_.resize(gids_.size());
  for (std::size_t i = 0; i < gids_.size(); ++i) {
    if (p_ <= 0.0) {
      next_[i] = -1;
      continue;
    }
    random_stream rs(seed_, rng_domain::poisson_source, hash_, gids_[i]);
    next_[i] = start + static_cast<step_t>(geometric(rs, p_));
    position_[i] = rs.position();
  }
}

void poisson_source_group::update(step_t t, std::vector<index_t>& spiked) {
  const std::size_t n = next_.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (next_[i] != t) continue;
    spiked.push_back(static_cast<index_t>(i));
    random_stream rs(seed_, rng_domain::poisson_source, hash_, gids_[i], position_[i]);
    next_[i] = t + 1 + static_cast<step_t>(geometric(rs, p_));
    position_[i] = rs.position();
  }
}

}  // namespace balnet

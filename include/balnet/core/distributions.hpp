// Exact samplers for the discrete distributions used by generators and inputs.
#pragma once

#include <cstdint>

#include "balnet/core/rng.hpp"

namespace balnet {

// Binomial(n, p): inversion for small means, Hormann's BTRS rejection otherwise.
std::uint64_t binomial(random_stream& rs, std::uint64_t n, double p);

// Poisson(mean): inversion for small means, Hormann's PTRS rejection otherwise.
std::uint64_t poisson(random_stream& rs, double mean);

// Number of failures before the first success of Bernoulli(p) trials, p in (0, 1].
std::uint64_t geometric(random_stream& rs, double p);
// The same from its uniform draw u in (0, 1] and log1p(-p) (p < 1), for callers that draw u
// themselves or keep log1p(-p): geometric(rs, p) == geometric_gap(rs.uniform_pos(), log1p(-p)).
std::uint64_t geometric_gap(double u, double log1p_minus_p);

// log(k!) without overflow, exact for small k.
double log_factorial(std::uint64_t k);

}  // namespace balnet

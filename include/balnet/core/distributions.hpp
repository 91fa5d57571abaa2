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

// log(k!) without overflow, exact for small k.
double log_factorial(std::uint64_t k);

}  // namespace balnet

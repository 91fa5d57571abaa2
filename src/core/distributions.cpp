#include "balnet/core/distributions.hpp"

#include <cmath>
#include <limits>

namespace balnet {

namespace {

constexpr double half_log_two_pi = 0.91893853320467274178;

// log(k!) - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi)/2]: the Stirling remainder.
double stirling_tail(double k) {
  if (k <= 9.0) {
    return std::lgamma(k + 1.0) - ((k + 0.5) * std::log(k + 1.0) - (k + 1.0) + half_log_two_pi);
  }
  const double kp1 = k + 1.0;
  const double kp1sq = kp1 * kp1;
  return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / kp1;
}

std::uint64_t binomial_inversion(random_stream& rs, std::uint64_t n, double p) {
  const double q = 1.0 - p;
  const double s = p / q;
  const double a = (static_cast<double>(n) + 1.0) * s;
  for (;;) {
    double r = std::pow(q, static_cast<double>(n));
    double u = rs.uniform();
    std::uint64_t x = 0;
    bool ok = true;
    while (u > r) {
      u -= r;
      ++x;
      if (x > n) {  // round-off left u above the total mass: draw again
        ok = false;
        break;
      }
      r *= a / static_cast<double>(x) - s;
    }
    if (ok) return x;
  }
}

// Hormann (1993), "The generation of binomial random variates", algorithm BTRS; p <= 1/2,
// n p >= 10.
std::uint64_t binomial_btrs(random_stream& rs, std::uint64_t n_int, double p) {
  const double n = static_cast<double>(n_int);
  const double q = 1.0 - p;
  const double spq = std::sqrt(n * p * q);
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = n * p + 0.5;
  const double v_r = 0.92 - 4.2 / b;
  const double r = p / q;
  const double alpha = (2.83 + 5.1 / b) * spq;
  const double m = std::floor((n + 1.0) * p);
  for (;;) {
    const double u = rs.uniform() - 0.5;
    double v = rs.uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + c);
    if (k < 0.0 || k > n) continue;
    if (us >= 0.07 && v <= v_r) return static_cast<std::uint64_t>(k);
    v = std::log(v * alpha / (a / (us * us) + b));
    const double bound = (m + 0.5) * std::log((m + 1.0) / (r * (n - m + 1.0))) +
                         (n + 1.0) * std::log((n - m + 1.0) / (n - k + 1.0)) +
                         (k + 0.5) * std::log(r * (n - k + 1.0) / (k + 1.0)) +
                         stirling_tail(m) + stirling_tail(n - m) - stirling_tail(k) -
                         stirling_tail(n - k);
    if (v <= bound) return static_cast<std::uint64_t>(k);
  }
}

std::uint64_t poisson_inversion(random_stream& rs, double mean) {
  for (;;) {
    double p = std::exp(-mean);
    double s = p;
    const double u = rs.uniform();
    std::uint64_t x = 0;
    bool ok = true;
    while (u > s) {
      ++x;
      p *= mean / static_cast<double>(x);
      s += p;
      if (p < 1e-300 && x > mean) {  // round-off: the remaining mass is below resolution
        ok = false;
        break;
      }
    }
    if (ok) return x;
  }
}

// Hormann (1993), "The transformed rejection method for generating Poisson random
// variables", algorithm PTRS; mean >= 10.
std::uint64_t poisson_ptrs(random_stream& rs, double lam) {
  const double slam = std::sqrt(lam);
  const double loglam = std::log(lam);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = rs.uniform() - 0.5;
    const double v = rs.uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + lam + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<std::uint64_t>(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <=
        -lam + k * loglam - std::lgamma(k + 1.0)) {
      return static_cast<std::uint64_t>(k);
    }
  }
}

}  // namespace

std::uint64_t binomial(random_stream& rs, std::uint64_t n, double p) {
  if (n == 0 || p <= 0.0) return 0;
  if (p >= 1.0) return n;
  if (p > 0.5) return n - binomial(rs, n, 1.0 - p);
  if (static_cast<double>(n) * p < 10.0) return binomial_inversion(rs, n, p);
  return binomial_btrs(rs, n, p);
}

std::uint64_t poisson(random_stream& rs, double mean) {
  if (mean <= 0.0) return 0;
  if (mean < 10.0) return poisson_inversion(rs, mean);
  return poisson_ptrs(rs, mean);
}

std::uint64_t geometric(random_stream& rs, double p) {
  if (p >= 1.0) return 0;
  return geometric_gap(rs.uniform_pos(), std::log1p(-p));
}

std::uint64_t geometric_gap(double u, double log1p_minus_p) {
  const double g = std::floor(std::log(u) / log1p_minus_p);
  if (!(g < 9.0e18)) return std::numeric_limits<std::uint64_t>::max() / 2;
  return static_cast<std::uint64_t>(g);
}

double log_factorial(std::uint64_t k) { return std::lgamma(static_cast<double>(k) + 1.0); }

}  // namespace balnet

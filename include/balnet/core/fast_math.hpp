// exp() written in plain arithmetic, so loops over neurons vectorise and every lane gives
// the same bits as the scalar remainder loop (rank-count invariance).
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>

namespace balnet {

// exp(x) to about 1 ulp for x in [-708, 709]; inputs outside are clamped to that range
// (exp(-708) ~ 3e-308 stands in for 0, exp(709) ~ 8e307 for overflow).
inline double exp_det(double x) {
  x = std::min(std::max(x, -708.0), 709.0);
  constexpr double shifter = 0x1.8p52;            // 1.5 * 2^52: adding it rounds to an integer
  constexpr double log2e = 0x1.71547652b82fep0;
  constexpr double ln2_hi = 0x1.62e42fee00000p-1;  // ln 2 split so n*ln2_hi is exact
  constexpr double ln2_lo = 0x1.a39ef35793c76p-33;
  const double t = x * log2e + shifter;
  const double n = t - shifter;
  const double r = (x - n * ln2_hi) - n * ln2_lo;  // |r| <= 0.347
  // Taylor series of exp(r) to degree 13: truncation error below 5e-18 relative.
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const std::int64_t ni = static_cast<std::int64_t>(std::bit_cast<std::uint64_t>(t) -
                                                    std::bit_cast<std::uint64_t>(shifter));
  const double scale = std::bit_cast<double>(static_cast<std::uint64_t>(ni + 1023) << 52);
  return p * scale;
}

// Single-precision exp(x) to about 2 ulp for x in [-87, 88]; inputs outside are clamped.
inline float exp_det(float x) {
  x = std::min(std::max(x, -87.0f), 88.0f);
  constexpr float shifter = 0x1.8p23f;
  constexpr float log2e = 0x1.715476p0f;
  constexpr float ln2_hi = 0x1.62e300p-1f;
  constexpr float ln2_lo = 0x1.2fefa2p-17f;
  const float t = x * log2e + shifter;
  const float n = t - shifter;
  const float r = (x - n * ln2_hi) - n * ln2_lo;  // |r| <= 0.347
  // Taylor series to degree 7: truncation error below 6e-9 relative.
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const std::int32_t ni = static_cast<std::int32_t>(std::bit_cast<std::uint32_t>(t) -
                                                    std::bit_cast<std::uint32_t>(shifter));
  const float scale = std::bit_cast<float>(static_cast<std::uint32_t>(ni + 127) << 23);
  return p * scale;
}

// Single-precision log(1 + t) for t in [0, 1] to about 2 ulp (plain arithmetic, vectorises
// like exp_det). y = 1 + t is reduced to 2^e (1 + m) with m in [sqrt(1/2) - 1, sqrt(2) - 1];
// the rounding error of 1 + t is added back as (t - (y - 1)) / y.
inline float log1p_det(float t) {
  const float y = 1.0f + t;
  const float c = (t - (y - 1.0f)) / y;
  const bool high = y > 0x1.6a09e6p0f;  // sqrt(2)
  const float m = high ? y * 0.5f - 1.0f : y - 1.0f;
  const float e = high ? 1.0f : 0.0f;
  const float z = m * m;
  // Minimax polynomial of (log(1 + m) - m + m^2 / 2) / m^3 (the Cephes logf coefficients).
  float p = 7.0376836292e-2f;
  p = p * m - 1.1514610310e-1f;
  p = p * m + 1.1676998740e-1f;
  p = p * m - 1.2420140846e-1f;
  p = p * m + 1.4249322787e-1f;
  p = p * m - 1.6668057665e-1f;
  p = p * m + 2.0000714765e-1f;
  p = p * m - 2.4999993993e-1f;
  p = p * m + 3.3333331174e-1f;
  float r = m * z * p;
  r += e * -2.12194440e-4f + c;  // ln 2 = 0.693359375 - 2.12194440e-4
  r += -0.5f * z;
  return m + r + e * 0.693359375f;
}

// Natural logarithm of a positive, finite, normal double to about 1 ulp (plain arithmetic:
// vectorises, and every lane gives the bits of the scalar code). x = 2^e m with m in
// [sqrt(1/2), sqrt(2)); log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172, by its series
// to s^23 (truncation below 1e-18 relative).
inline double log_det(double x) {
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  const double m1 = std::bit_cast<double>((bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);  // [1, 2)
  const bool high = m1 > 0x1.6a09e667f3bcdp0;  // sqrt(2)
  const double m = high ? m1 * 0.5 : m1;
  const double e = static_cast<double>(static_cast<std::int64_t>(bits >> 52) - 1023) + (high ? 1.0 : 0.0);
  const double s = (m - 1.0) / (m + 1.0);
  const double z = s * s;
  double p = 1.0 / 23.0;
  p = p * z + 1.0 / 21.0;
  p = p * z + 1.0 / 19.0;
  p = p * z + 1.0 / 17.0;
  p = p * z + 1.0 / 15.0;
  p = p * z + 1.0 / 13.0;
  p = p * z + 1.0 / 11.0;
  p = p * z + 1.0 / 9.0;
  p = p * z + 1.0 / 7.0;
  p = p * z + 1.0 / 5.0;
  p = p * z + 1.0 / 3.0;
  const double s2 = s + s;
  constexpr double ln2_hi = 0x1.62e42fee00000p-1;  // e * ln2_hi is exact
  constexpr double ln2_lo = 0x1.a39ef35793c76p-33;
  return e * ln2_hi + (e * ln2_lo + (s2 + s2 * z * p));
}

// cos(2 pi u) for u in [0, 1) to a few ulp (plain arithmetic, vectorises). With
// a = |u - round(u)| in [0, 1/2], cos(2 pi a) = sin(2 pi (1/4 - a)), and the sine's argument
// lies in [-pi/2, pi/2], where its Taylor series to x^23 is below 1e-18 relative.
inline double cos_2pi_det(double u) {
  constexpr double two_pi = 6.283185307179586476925;
  const double v = u >= 0.5 ? u - 1.0 : u;
  const double a = v < 0.0 ? -v : v;
  const double x = (0.25 - a) * two_pi;
  const double z = x * x;
  double p = -1.0 / 25852016738884976640000.0;  // -1/23!
  p = p * z + 1.0 / 51090942171709440000.0;     // 1/21!
  p = p * z - 1.0 / 121645100408832000.0;       // 1/19!
  p = p * z + 1.0 / 355687428096000.0;          // 1/17!
  p = p * z - 1.0 / 1307674368000.0;            // 1/15!
  p = p * z + 1.0 / 6227020800.0;               // 1/13!
  p = p * z - 1.0 / 39916800.0;                 // 1/11!
  p = p * z + 1.0 / 362880.0;                   // 1/9!
  p = p * z - 1.0 / 5040.0;                     // 1/7!
  p = p * z + 1.0 / 120.0;                      // 1/5!
  p = p * z - 1.0 / 6.0;                        // 1/3!
  return x + x * z * p;
}

}  // namespace balnet

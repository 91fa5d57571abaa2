// Exact sums of float values and of their squares, held as integers per exponent range:
// adding the accumulators of several ranks (an integer allreduce) gives the same bits for
// any partition, unlike a floating-point sum. Used for weight statistics.
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

namespace balnet {

class exact_float_sum {
 public:
  // A finite float is M * 2^E with |M| < 2^24 and E in [-149, 104]; the two 24-bit halves
  // of M^2 carry exponents 2E + 24 and 2E in [-298, 232]. Buckets are 8 exponents wide, so
  // one add moves less than 2^31 into a bucket: 2^32 adds cannot overflow.
  static constexpr int value_buckets = 32;   // (104 + 149) / 8 + 1
  static constexpr int square_buckets = 67;  // (232 + 298) / 8 + 1
  static constexpr int words = value_buckets + square_buckets;

  void add(float v) {
    const auto u = std::bit_cast<std::uint32_t>(v);
    const std::uint32_t field = (u >> 23) & 0xFF;
    if (field == 0xFF) return;  // inf or NaN: not counted in the sums
    const std::uint32_t frac = u & 0x7FFFFF;
    const auto mag = static_cast<std::int64_t>(field == 0 ? frac : (frac | 0x800000));
    if (mag == 0) return;
    const int ex = field == 0 ? -149 : static_cast<int>(field) - 150;  // v = +-mag * 2^ex
    put(w_.data(), ex + 149, (u >> 31) ? -mag : mag);
    const auto sq = static_cast<std::uint64_t>(mag) * static_cast<std::uint64_t>(mag);  // < 2^48
    put(w_.data() + value_buckets, 2 * ex + 298 + 24, static_cast<std::int64_t>(sq >> 24));
    put(w_.data() + value_buckets, 2 * ex + 298, static_cast<std::int64_t>(sq & 0xFFFFFF));
  }
  double sum() const { return total(w_.data(), value_buckets, -149); }
  double sum_squares() const { return total(w_.data() + value_buckets, square_buckets, -298); }

  // The raw words, for an integer allreduce (two's complement sums wrap consistently).
  std::uint64_t* data() { return reinterpret_cast<std::uint64_t*>(w_.data()); }
  const std::uint64_t* data() const { return reinterpret_cast<const std::uint64_t*>(w_.data()); }

 private:
  std::array<std::int64_t, words> w_{};

  static void put(std::int64_t* b, int offset, std::int64_t v) {
    b[offset >> 3] += v * (std::int64_t{1} << (offset & 7));
  }
  static double total(const std::int64_t* b, int n, int e0) {
    long double s = 0;
    for (int i = n - 1; i >= 0; --i) s += std::ldexp(static_cast<long double>(b[i]), e0 + 8 * i);
    return static_cast<double>(s);
  }
};

}  // namespace balnet

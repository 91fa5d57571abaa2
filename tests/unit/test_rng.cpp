// Philox known answers, stream independence and determinism of keyed draws.
#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <bit>
#include <random>
#include <set>
#include <vector>

#include "balnet/core/fast_math.hpp"
#include "balnet/core/rng.hpp"

using namespace balnet;

TEST(philox, known_answer_vectors_of_random123) {
  // Random123's tests/kat_vectors, philox4x32 with 10 rounds.
  EXPECT_EQ(philox4x32_10({0, 0, 0, 0}, {0, 0}),
            (philox_counter{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}),
            (philox_counter{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}),
            (philox_counter{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(random_stream, same_coordinates_same_numbers) {
  random_stream a(42, rng_domain::weight, 7, 1234);
  random_stream b(42, rng_domain::weight, 7, 1234);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_u32(), b.next_u32());
}

TEST(random_stream, resuming_from_a_position_continues_the_stream) {
  random_stream a(9, rng_domain::poisson_input, 3, 77);
  for (int i = 0; i < 13; ++i) a.uniform();
  random_stream b(9, rng_domain::poisson_input, 3, 77, a.position());
  for (int i = 0; i < 50; ++i) EXPECT_EQ(a.next_u32(), b.next_u32());
}

TEST(random_stream, every_coordinate_changes_the_numbers) {
  const std::uint32_t base = random_stream(1, rng_domain::weight, 5, 10).next_u32();
  EXPECT_NE(base, random_stream(2, rng_domain::weight, 5, 10).next_u32());
  EXPECT_NE(base, random_stream(1, rng_domain::delay, 5, 10).next_u32());
  EXPECT_NE(base, random_stream(1, rng_domain::weight, 6, 10).next_u32());
  EXPECT_NE(base, random_stream(1, rng_domain::weight, 5, 11).next_u32());
  // the high half of a 64-bit seed matters too
  EXPECT_NE(base, random_stream(1 + (std::uint64_t{1} << 40), rng_domain::weight, 5, 10).next_u32());
}

TEST(random_stream, uniform_is_in_range_with_the_right_moments) {
  random_stream rs(3, rng_domain::sample, 1, 1);
  const int n = 200000;
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rs.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    s += u;
    s2 += u * u;
  }
  EXPECT_NEAR(s / n, 0.5, 0.003);
  EXPECT_NEAR(s2 / n - (s / n) * (s / n), 1.0 / 12, 0.001);
}

TEST(random_stream, below_is_unbiased_over_a_small_range) {
  random_stream rs(4, rng_domain::sample, 2, 2);
  int counts[7] = {};
  const int n = 70000;
  for (int i = 0; i < n; ++i) ++counts[rs.below(7)];
  for (int c : counts) EXPECT_NEAR(c, n / 7.0, 5 * std::sqrt(n / 7.0));
}

TEST(random_stream, normal_has_unit_moments) {
  random_stream rs(5, rng_domain::sample, 3, 3);
  const int n = 200000;
  double s = 0, s2 = 0, s4 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rs.normal();
    s += z;
    s2 += z * z;
    s4 += z * z * z * z;
  }
  EXPECT_NEAR(s / n, 0.0, 0.01);
  EXPECT_NEAR(s2 / n, 1.0, 0.01);
  EXPECT_NEAR(s4 / n, 3.0, 0.06);
}

TEST(name_hash24, fits_in_24_bits_and_separates_names) {
  std::set<std::uint32_t> seen;
  for (const char* n : {"population.E", "population.I", "projection.EE", "projection.EI",
                        "projection.IE", "projection.II", "input.background"}) {
    const auto h = name_hash24(n);
    EXPECT_LT(h, 1u << 24);
    EXPECT_TRUE(seen.insert(h).second) << n;
  }
}

TEST(exp_det, matches_the_library_exp_to_two_ulp) {
  for (double x = -700; x < 700; x += 0.0137) {
    const double ref = std::exp(x);
    EXPECT_LE(std::fabs(exp_det(x) - ref), 2.5e-16 * ref) << x;
  }
  EXPECT_EQ(exp_det(0.0), 1.0);
  EXPECT_GT(exp_det(1000.0), 1e307);  // clamped, finite
  EXPECT_GE(exp_det(-1000.0), 0.0);
}

TEST(log1p_det, matches_the_library_log1p_to_three_ulp_on_zero_to_one) {
  // 1 + t rounds for small t; the correction term must give log1p's accuracy there too.
  std::vector<float> ts = {0.0f, 1e-30f, 1e-12f, 3e-8f, 6e-8f, 1e-7f, 1e-5f, 1e-3f, 0.4142135f, 0.4142136f, 1.0f};
  for (float t = 1e-6f; t <= 1.0f; t *= 1.0009f) ts.push_back(t);
  for (int i = 0; i <= 100000; ++i) ts.push_back(static_cast<float>(i) / 100000.0f);
  float worst = 0;
  for (const float t : ts) {
    const double ref = std::log1p(static_cast<double>(t));
    const double err = std::fabs(static_cast<double>(log1p_det(t)) - ref);
    const double ulp = std::nextafter(static_cast<float>(ref), 2.0f) - static_cast<float>(ref);
    if (ref > 0) worst = std::max(worst, static_cast<float>(err / ulp));
    EXPECT_LE(err, 3.0 * ulp) << t;
  }
  EXPECT_EQ(log1p_det(0.0f), 0.0f);
  EXPECT_GT(worst, 0.0f);  // the comparison ran on values that round
}

TEST(log_det, matches_the_library_log_to_two_ulp) {
  std::mt19937_64 g(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  auto ulps = [](double a, double b) {
    return std::fabs(a - b) / std::fabs(std::nextafter(b, INFINITY) - b);
  };
  double worst = 0;
  for (int i = 0; i < 200000; ++i) {
    // (0, 1] as Box-Muller uses it, and a wide range of exponents around 1
    const double x = i % 2 ? (static_cast<double>((g() >> 11) + 1) * 0x1p-53) : std::ldexp(0.5 + u(g), static_cast<int>(g() % 200) - 100);
    const double ref = std::log(x);
    if (ref != 0) worst = std::max(worst, ulps(log_det(x), ref));
  }
  EXPECT_LE(worst, 2.0);
  EXPECT_EQ(log_det(1.0), 0.0);
  EXPECT_DOUBLE_EQ(log_det(0x1p-53), -53 * std::log(2.0));
  EXPECT_NEAR(log_det(std::sqrt(2.0)), std::log(std::sqrt(2.0)), 1e-16);  // the split point
}

TEST(cos_2pi_det, matches_the_library_cosine_on_zero_to_one) {
  std::mt19937_64 g(8);
  double worst = 0;
  for (int i = 0; i < 200000; ++i) {
    const double v = static_cast<double>(g() >> 11) * 0x1p-53;
    const long double ref = std::cos(2.0L * 3.141592653589793238462643383279502884L * static_cast<long double>(v));
    worst = std::max(worst, static_cast<double>(std::fabs(cos_2pi_det(v) - ref)));
  }
  EXPECT_LE(worst, 4e-16);
  EXPECT_EQ(cos_2pi_det(0.0), 1.0);
  EXPECT_NEAR(cos_2pi_det(0.5), -1.0, 1e-16);
  EXPECT_NEAR(cos_2pi_det(0.25), 0.0, 1e-16);
  EXPECT_NEAR(cos_2pi_det(0.75), 0.0, 1e-16);
  EXPECT_NEAR(cos_2pi_det(1.0 / 6.0), 0.5, 2e-16);
}

TEST(keyed_normal_pairs, equal_the_scalar_stream_bit_for_bit_and_are_standard_normal) {
  // 37 lanes (a vector remainder), blocks below and above 2^32, any stream index.
  const std::size_t n = 37;
  std::vector<std::uint32_t> index(n);
  std::vector<std::uint64_t> block(n);
  for (std::size_t i = 0; i < n; ++i) {
    index[i] = static_cast<std::uint32_t>(1000003u * i + 17u);
    block[i] = i % 3 == 0 ? (std::uint64_t{5} << 32) + 2 * i : 2 * i;
  }
  std::vector<double> x1(n), x2(n);
  keyed_normal_pairs(99, rng_domain::poisson_input, 0xABCDEF, index.data(), block.data(), n, x1.data(), x2.data());
  for (std::size_t i = 0; i < n; ++i) {
    random_stream rs(99, rng_domain::poisson_input, 0xABCDEF, index[i], 4 * block[i]);
    const std::uint64_t a = rs.next_u64(), b = rs.next_u64(), c = rs.next_u64(), d = rs.next_u64();
    EXPECT_EQ(std::bit_cast<std::uint64_t>(x1[i]), std::bit_cast<std::uint64_t>(box_muller_det(a, b))) << i;
    EXPECT_EQ(std::bit_cast<std::uint64_t>(x2[i]), std::bit_cast<std::uint64_t>(box_muller_det(c, d))) << i;
    // the same deviates as random_stream::normal() (libm log and cos) up to rounding
    random_stream ref(99, rng_domain::poisson_input, 0xABCDEF, index[i], 4 * block[i]);
    EXPECT_NEAR(x1[i], ref.normal(), 1e-13);
    EXPECT_NEAR(x2[i], ref.normal(), 1e-13);
  }
  // Moments of 2 x 100,000 deviates of one stream index over consecutive blocks.
  const std::size_t m = 100000;
  std::vector<std::uint32_t> same(m, 12345u);
  std::vector<std::uint64_t> blocks(m);
  for (std::size_t i = 0; i < m; ++i) blocks[i] = 2 * i;
  std::vector<double> y1(m), y2(m);
  keyed_normal_pairs(3, rng_domain::user, 1, same.data(), blocks.data(), m, y1.data(), y2.data());
  double s = 0, s2 = 0, s4 = 0, s12 = 0;
  for (std::size_t i = 0; i < m; ++i) {
    for (double y : {y1[i], y2[i]}) {
      s += y;
      s2 += y * y;
      s4 += y * y * y * y;
    }
    s12 += y1[i] * y2[i];
  }
  const double N = 2.0 * m;
  EXPECT_NEAR(s / N, 0.0, 0.01);          // SE 0.0022
  EXPECT_NEAR(s2 / N, 1.0, 0.015);        // SE 0.0032
  EXPECT_NEAR(s4 / N, 3.0, 0.1);          // SE 0.024
  EXPECT_NEAR(s12 / m, 0.0, 0.015);       // x1, x2 uncorrelated; SE 0.0032
}

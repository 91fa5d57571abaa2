// Arithmetic expressions in config values.
#include <gtest/gtest.h>

#include <cmath>

#include "balnet/core/error.hpp"
#include "balnet/core/expression.hpp"

using namespace balnet;

namespace {
double eval(const std::string& s) {
  return evaluate_expression(s, [](std::string_view n) -> std::optional<double> {
    if (n == "N") return 5000.0;
    if (n == "g") return 4.5;
    return std::nullopt;
  });
}
}  // namespace

TEST(expression, precedence_and_associativity) {
  EXPECT_DOUBLE_EQ(eval("1 + 2 * 3"), 7);
  EXPECT_DOUBLE_EQ(eval("(1 + 2) * 3"), 9);
  EXPECT_DOUBLE_EQ(eval("2 ^ 3 ^ 2"), 512);
  EXPECT_DOUBLE_EQ(eval("2 ** 10"), 1024);
  EXPECT_DOUBLE_EQ(eval("-2 ^ 2"), -4);
  EXPECT_DOUBLE_EQ(eval("8 / 4 / 2"), 1);
  EXPECT_DOUBLE_EQ(eval("1e-3 * 2"), 0.002);
  EXPECT_DOUBLE_EQ(eval("-.5"), -0.5);
}

TEST(expression, variables_and_functions) {
  EXPECT_DOUBLE_EQ(eval("25 / sqrt(N)"), 25 / std::sqrt(5000.0));
  EXPECT_DOUBLE_EQ(eval("-g * 0.1"), -0.45);
  EXPECT_DOUBLE_EQ(eval("0.8 * N"), 4000);
  EXPECT_DOUBLE_EQ(eval("max(1, min(3, 2))"), 2);
  EXPECT_DOUBLE_EQ(eval("round(2.5) + floor(1.7) + ceil(0.2)"), 3 + 1 + 1);
  EXPECT_DOUBLE_EQ(eval("exp(0) + log(1) + abs(-2)"), 3);
  EXPECT_NEAR(eval("pi"), 3.141592653589793, 1e-15);
}

TEST(expression, errors_say_what_is_wrong) {
  auto msg = [](const std::string& s) {
    try {
      eval(s);
    } catch (const config_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(msg("abc").find("unknown name 'abc'"), std::string::npos);
  EXPECT_NE(msg("1 +").find("ends early"), std::string::npos);
  EXPECT_NE(msg("(1 + 2").find("missing ')'"), std::string::npos);
  EXPECT_NE(msg("2 3").find("unexpected '3'"), std::string::npos);
  EXPECT_NE(msg("foo(1)").find("unknown function"), std::string::npos);
  EXPECT_NE(msg("sqrt(1, 2)").find("takes 1 argument"), std::string::npos);
}

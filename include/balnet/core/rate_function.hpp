// A firing rate (Hz) as a function of time (ms): a constant, an expression in t written in
// the configuration (e.g. "4 + 4*exp(-(t-1000)^2/(2*100^2))"), or a piecewise-constant
// table (rate[k] from times[k] until times[k+1]). Negative values count as 0.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace balnet {

class rate_function {
 public:
  rate_function() = default;
  static rate_function constant(double hz);
  // `params` are the [params] values the expression may use besides t. Throws
  // config_error if the expression cannot be evaluated at t = 0.
  static rate_function expression(std::string text, std::map<std::string, double> params);
  // times ascending (ms); before times[0] the rate is 0, after the last time it keeps the
  // last value.
  static rate_function table(std::vector<double> times, std::vector<double> rates);

  double at(double t_ms) const;
  bool is_constant() const { return kind_ == kind::constant; }
  std::string describe() const;

 private:
  enum class kind { constant, expression, table };
  kind kind_ = kind::constant;
  double value_ = 0.0;
  std::string text_;
  std::map<std::string, double> params_;
  std::vector<double> times_, rates_;
};

}  // namespace balnet

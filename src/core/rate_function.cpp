#include "balnet/core/rate_function.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "balnet/core/expression.hpp"

namespace balnet {

rate_function rate_function::constant(double hz) {
  rate_function r;
  r.kind_ = kind::constant;
  r.value_ = hz;
  return r;
}

rate_function rate_function::expression(std::string text, std::map<std::string, double> params) {
  rate_function r;
  r.kind_ = kind::expression;
  r.text_ = std::move(text);
  r.params_ = std::move(params);
  r.at(0.0);  // throws on unknown names or syntax errors
  return r;
}

rate_function rate_function::table(std::vector<double> times, std::vector<double> rates) {
  rate_function r;
  r.kind_ = kind::table;
  r.times_ = std::move(times);
  r.rates_ = std::move(rates);
  return r;
}

double rate_function::at(double t) const {
  double v = 0.0;
  switch (kind_) {
    case kind::constant:
      v = value_;
      break;
    case kind::expression:
      v = evaluate_expression(text_, [&](std::string_view name) -> std::optional<double> {
        if (name == "t") return t;
        std::string n(name);
        if (n.rfind("params.", 0) == 0) n = n.substr(7);
        const auto it = params_.find(n);
        if (it == params_.end()) return std::nullopt;
        return it->second;
      });
      break;
    case kind::table: {
      const auto it = std::upper_bound(times_.begin(), times_.end(), t);
      v = it == times_.begin() ? 0.0 : rates_[static_cast<std::size_t>(it - times_.begin()) - 1];
      break;
    }
  }
  return v > 0.0 ? v : 0.0;  // also maps NaN to 0
}

std::string rate_function::describe() const {
  switch (kind_) {
    case kind::constant: {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%g Hz", value_);
      return buf;
    }
    case kind::expression: return "rate(t) = " + text_ + " Hz";
    case kind::table: return "rate table of " + std::to_string(times_.size()) + " values";
  }
  return "";
}

}  // namespace balnet

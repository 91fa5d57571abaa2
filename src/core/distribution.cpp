#include "balnet/core/distribution.hpp"

#include <cmath>
#include <sstream>


namespace balnet {

distribution distribution::lognormal_mean_var(double mean, double var) {
  distribution d;
  d.type = kind::lognormal;
  d.sign = mean < 0 ? -1.0 : 1.0;
  const double m = std::fabs(mean);
  const double s2 = std::log1p(var / (m * m));
  d.b = std::sqrt(s2);
  d.a = std::log(m) - 0.5 * s2;
  return d;
}

double distribution::sample(random_stream& rs) const {
  switch (type) {
    case kind::constant:
      return a;
    case kind::uniform:
      return rs.uniform(a, b);
    case kind::normal: {
      for (int attempt = 0; attempt < 1000000; ++attempt) {
        const double v = rs.normal(a, b);
        if (v >= lo && v <= hi) return v;
      }
      return std::fmin(std::fmax(a, lo), hi);
    }
    case kind::lognormal:
      return sign * std::exp(a + b * rs.normal());
  }
  return a;
}

double distribution::mean() const {
  switch (type) {
    case kind::constant: return a;
    case kind::uniform: return 0.5 * (a + b);
    case kind::normal: return a;  // truncation ignored: used only for planning
    case kind::lognormal: return sign * std::exp(a + 0.5 * b * b);
  }
  return a;
}

double distribution::variance() const {
  switch (type) {
    case kind::constant: return 0.0;
    case kind::uniform: return (b - a) * (b - a) / 12.0;
    case kind::normal: return b * b;
    case kind::lognormal: return (std::exp(b * b) - 1.0) * std::exp(2.0 * a + b * b);
  }
  return 0.0;
}

double distribution::support_min() const {
  switch (type) {
    case kind::constant: return a;
    case kind::uniform: return a;
    case kind::normal: return lo;
    case kind::lognormal: return sign > 0 ? 0.0 : -std::numeric_limits<double>::infinity();
  }
  return a;
}

double distribution::support_max() const {
  switch (type) {
    case kind::constant: return a;
    case kind::uniform: return b;
    case kind::normal: return hi;
    case kind::lognormal: return sign > 0 ? std::numeric_limits<double>::infinity() : 0.0;
  }
  return a;
}

std::string distribution::describe() const {
  std::ostringstream s;
  s.precision(6);
  switch (type) {
    case kind::constant: s << a; break;
    case kind::uniform: s << "uniform(" << a << ", " << b << ")"; break;
    case kind::normal:
      s << "normal(" << a << ", " << b;
      if (std::isfinite(lo) || std::isfinite(hi)) s << ", " << lo << ", " << hi;
      s << ")";
      break;
    case kind::lognormal: s << "lognormal(" << mean() << ", " << variance() << ")"; break;
  }
  return s.str();
}

}  // namespace balnet

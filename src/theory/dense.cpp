#include "balnet/theory/dense.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace balnet::theory {

matrix matrix::identity(std::size_t n) {
  matrix m(n, n);
  for (std::size_t i = 0; i < n; ++i) m(i, i) = 1.0;
  return m;
}

matrix operator*(const matrix& x, const matrix& y) {
  matrix z(x.rows, y.cols);
  for (std::size_t i = 0; i < x.rows; ++i) {
    for (std::size_t k = 0; k < x.cols; ++k) {
      const double v = x(i, k);
      for (std::size_t j = 0; j < y.cols; ++j) z(i, j) += v * y(k, j);
    }
  }
  return z;
}

std::vector<double> operator*(const matrix& x, const std::vector<double>& v) {
  std::vector<double> out(x.rows, 0.0);
  for (std::size_t i = 0; i < x.rows; ++i) {
    for (std::size_t j = 0; j < x.cols; ++j) out[i] += x(i, j) * v[j];
  }
  return out;
}

namespace {

struct lu {
  matrix m;
  std::vector<std::size_t> perm;
  bool singular = false;
  int sign = 1;
};

lu decompose(const matrix& A) {
  lu f{A, {}, false, 1};
  const std::size_t n = A.rows;
  f.perm.resize(n);
  for (std::size_t i = 0; i < n; ++i) f.perm[i] = i;
  double scale = 0.0;
  for (double v : A.a) scale = std::max(scale, std::fabs(v));
  if (scale == 0.0) {
    f.singular = n > 0;
    return f;
  }
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t p = k;
    for (std::size_t i = k + 1; i < n; ++i) {
      if (std::fabs(f.m(i, k)) > std::fabs(f.m(p, k))) p = i;
    }
    if (std::fabs(f.m(p, k)) <= 1e-14 * scale) {
      f.singular = true;
      return f;
    }
    if (p != k) {
      for (std::size_t j = 0; j < n; ++j) std::swap(f.m(k, j), f.m(p, j));
      std::swap(f.perm[k], f.perm[p]);
      f.sign = -f.sign;
    }
    for (std::size_t i = k + 1; i < n; ++i) {
      const double l = f.m(i, k) / f.m(k, k);
      f.m(i, k) = l;
      for (std::size_t j = k + 1; j < n; ++j) f.m(i, j) -= l * f.m(k, j);
    }
  }
  return f;
}

std::vector<double> back_substitute(const lu& f, const std::vector<double>& b) {
  const std::size_t n = f.m.rows;
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = b[f.perm[i]];
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < i; ++j) x[i] -= f.m(i, j) * x[j];
  }
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = i + 1; j < n; ++j) x[i] -= f.m(i, j) * x[j];
    x[i] /= f.m(i, i);
  }
  return x;
}

double norm1(const matrix& A) {
  double best = 0.0;
  for (std::size_t j = 0; j < A.cols; ++j) {
    double s = 0.0;
    for (std::size_t i = 0; i < A.rows; ++i) s += std::fabs(A(i, j));
    best = std::max(best, s);
  }
  return best;
}

}  // namespace

std::optional<std::vector<double>> solve(const matrix& A, const std::vector<double>& b) {
  const lu f = decompose(A);
  if (f.singular) return std::nullopt;
  return back_substitute(f, b);
}

std::optional<matrix> inverse(const matrix& A) {
  const lu f = decompose(A);
  if (f.singular) return std::nullopt;
  const std::size_t n = A.rows;
  matrix inv(n, n);
  for (std::size_t j = 0; j < n; ++j) {
    std::vector<double> e(n, 0.0);
    e[j] = 1.0;
    const auto x = back_substitute(f, e);
    for (std::size_t i = 0; i < n; ++i) inv(i, j) = x[i];
  }
  return inv;
}

double condition_number(const matrix& A) {
  const auto inv = inverse(A);
  if (!inv) return std::numeric_limits<double>::infinity();
  return norm1(A) * norm1(*inv);
}

double determinant(const matrix& A) {
  const lu f = decompose(A);
  if (f.singular) return 0.0;
  double d = f.sign;
  for (std::size_t i = 0; i < A.rows; ++i) d *= f.m(i, i);
  return d;
}

stability hurwitz_stability(const matrix& A_in, double tolerance) {
  const std::size_t n = A_in.rows;
  if (n == 0) return stability::stable;
  // Stability does not change under positive scaling: work with entries of order 1.
  double amax = 0.0;
  for (double v : A_in.a) amax = std::max(amax, std::fabs(v));
  if (amax == 0.0) return stability::marginal;
  matrix A = A_in;
  for (double& v : A.a) v /= amax;
  // Faddeev-LeVerrier: p(l) = l^n + c[n-1] l^(n-1) + ... + c[0].
  std::vector<double> c(n + 1, 0.0);
  c[n] = 1.0;
  matrix M = matrix::identity(n);
  for (std::size_t k = 1; k <= n; ++k) {
    matrix AM = A * M;
    double tr = 0.0;
    for (std::size_t i = 0; i < n; ++i) tr += AM(i, i);
    c[n - k] = -tr / static_cast<double>(k);
    for (std::size_t i = 0; i < n; ++i) AM(i, i) += c[n - k];
    M = std::move(AM);
  }
  // Coefficients a_0 = 1, a_k = c[n-k]; Hurwitz matrix H_ij = a_{2j-i} (1-based).
  auto a = [&](long k) -> double {
    if (k < 0 || k > static_cast<long>(n)) return 0.0;
    return c[n - static_cast<std::size_t>(k)];
  };
  // Scale for the "vanishes" test: the size of the coefficients.
  double scale = 0.0;
  for (double v : c) scale = std::max(scale, std::fabs(v));
  bool marginal = false;
  for (std::size_t m = 1; m <= n; ++m) {
    matrix H(m, m);
    for (std::size_t i = 1; i <= m; ++i) {
      for (std::size_t j = 1; j <= m; ++j) {
        H(i - 1, j - 1) = a(2 * static_cast<long>(j) - static_cast<long>(i));
      }
    }
    const double d = determinant(H);
    const double ref = std::pow(std::max(scale, 1e-300), static_cast<double>(m));
    if (std::fabs(d) <= tolerance * ref) {
      marginal = true;
    } else if (d < 0) {
      return stability::unstable;
    }
  }
  return marginal ? stability::marginal : stability::stable;
}

const char* to_string(stability s) {
  switch (s) {
    case stability::stable: return "stable";
    case stability::unstable: return "unstable";
    case stability::marginal: return "marginal";
  }
  return "?";
}

}  // namespace balnet::theory

// Small dense matrices for the mean-field theory (a handful of populations): LU solve,
// condition number and the Routh-Hurwitz stability test. Not for large systems.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace balnet::theory {

struct matrix {
  std::size_t rows = 0, cols = 0;
  std::vector<double> a;  // row-major

  matrix() = default;
  matrix(std::size_t r, std::size_t c) : rows(r), cols(c), a(r * c, 0.0) {}
  static matrix identity(std::size_t n);
  double& operator()(std::size_t i, std::size_t j) { return a[i * cols + j]; }
  double operator()(std::size_t i, std::size_t j) const { return a[i * cols + j]; }
};

matrix operator*(const matrix& x, const matrix& y);
std::vector<double> operator*(const matrix& x, const std::vector<double>& v);

// Solves A x = b by LU with partial pivoting; nullopt if A is singular to working precision
// (a pivot below 1e-14 times the largest entry).
std::optional<std::vector<double>> solve(const matrix& A, const std::vector<double>& b);

// The inverse, or nullopt if A is singular.
std::optional<matrix> inverse(const matrix& A);

// 1-norm condition number ||A|| ||A^-1|| (infinity when singular).
double condition_number(const matrix& A);

double determinant(const matrix& A);

enum class stability { stable, unstable, marginal };

// Whether every eigenvalue of A has a negative real part (Routh-Hurwitz on the
// characteristic polynomial from the Faddeev-LeVerrier recursion; fine for n <= 10).
// `marginal` when a Hurwitz minor vanishes to within `tolerance` (relative).
stability hurwitz_stability(const matrix& A, double tolerance = 1e-9);

const char* to_string(stability s);

}  // namespace balnet::theory

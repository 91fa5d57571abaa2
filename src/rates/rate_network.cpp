#include "balnet/rates/rate_network.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstring>
#include <cmath>
#include <numeric>
#include <span>

#include "balnet/core/error.hpp"
#include "balnet/core/rng.hpp"

// The 16-wide vector helpers below pass and return vectors by value; they have internal
// linkage, so the ABI note GCC gives for builds without AVX-512 does not concern them.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace balnet::rates {

namespace {

constexpr double pi = 3.14159265358979323846;

// k = round(p * n) with numpy's round-half-to-even.
int in_degree(double p, int n) { return static_cast<int>(std::nearbyint(p * n)); }

// Fixed in-degree lognormal block: every post cell gets exactly k distinct presynaptic cells
// (uniform without replacement) with weights of mean j = total / k and log-sd sigma.
void lognormal_block(const rate_params& p, const char* name, int n_post, int n_pre, double prob, double total,
                     std::vector<float>& w, std::vector<float>* z) {
  const int k = in_degree(prob, n_pre);
  const double j = total / k;
  const double sigma = p.lognormal_sigma;
  const double mu = std::log(j) - 0.5 * sigma * sigma;
  w.assign(static_cast<std::size_t>(n_post) * n_pre, 0.0f);
  if (z) z->assign(w.size(), 0.0f);
  std::vector<int> idx(static_cast<std::size_t>(n_pre));
  const std::uint32_t object = name_hash24(name);
  for (int post = 0; post < n_post; ++post) {
    random_stream pick(p.seed, rng_domain::connectivity, object, static_cast<std::uint32_t>(post));
    random_stream draw(p.seed, rng_domain::weight, object, static_cast<std::uint32_t>(post));
    std::iota(idx.begin(), idx.end(), 0);
    for (int m = 0; m < k; ++m) {  // partial Fisher-Yates: idx[0..k) is a uniform k-subset
      const auto r = m + static_cast<int>(pick.below(static_cast<std::uint64_t>(n_pre - m)));
      std::swap(idx[static_cast<std::size_t>(m)], idx[static_cast<std::size_t>(r)]);
    }
    std::sort(idx.begin(), idx.begin() + k);
    for (int m = 0; m < k; ++m) {
      const auto at = static_cast<std::size_t>(post) * n_pre + idx[static_cast<std::size_t>(m)];
      w[at] = static_cast<float>(std::exp(mu + sigma * draw.normal()));
      if (z) (*z)[at] = 1.0f;
    }
  }
}

// acc = sum over active columns k (in index order) of col_k * r[k], for the `NV * 16` rows of
// one row block, stored column after column (one contiguous stream). The block's sums stay in
// NV 16-wide vector registers and every row's sum keeps the same order whatever the block
// height, so the result does not depend on it.
using vec16 = float __attribute__((vector_size(64)));

template <int NV>
void accumulate_block(const float* blk, const float* r, const std::vector<std::uint32_t>& active, float* acc) {
  constexpr std::size_t height = 16 * NV;
  vec16 a[NV] = {};
  for (const auto k : active) {
    const float* col = blk + static_cast<std::size_t>(k) * height;
    const float x = r[k];
    const vec16 xv = x - vec16{};
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) {
      vec16 c;
      std::memcpy(&c, col + 16 * v, sizeof c);
      a[v] += c * xv;
    }
  }
#pragma GCC unroll 16
  for (int v = 0; v < NV; ++v) std::memcpy(acc + 16 * v, &a[v], sizeof a[v]);
}


using idx16 = int __attribute__((vector_size(64)));

// Level 1 of a transposing sum: lanes 0-7 hold a's lanes i + i+8, lanes 8-15 b's.
inline vec16 pair_sums(vec16 a, vec16 b) {
  const idx16 lo = {0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23};
  const idx16 hi = {8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31};
  return __builtin_shuffle(a, b, lo) + __builtin_shuffle(a, b, hi);
}

// Levels 2-4: from e[m] = pair_sums(d_m, d_m'), with the pairs ordered as below, lane j of
// the result is the full sum of the 16 lanes of column j's vector.
inline vec16 finish_sums(const vec16* e) {
  const idx16 l2a = {0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27};
  const idx16 l2b = {4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31};
  const idx16 l3a = {0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29};
  const idx16 l3b = {2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31};
  const idx16 l4a = {0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30};
  const idx16 l4b = {1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31};
  vec16 f[4], g[2];
#pragma GCC unroll 4
  for (int m = 0; m < 4; ++m) f[m] = __builtin_shuffle(e[2 * m], e[2 * m + 1], l2a) + __builtin_shuffle(e[2 * m], e[2 * m + 1], l2b);
#pragma GCC unroll 2
  for (int m = 0; m < 2; ++m) g[m] = __builtin_shuffle(f[2 * m], f[2 * m + 1], l3a) + __builtin_shuffle(f[2 * m], f[2 * m + 1], l3b);
  return __builtin_shuffle(g[0], g[1], l4a) + __builtin_shuffle(g[0], g[1], l4b);
}

// The columns of pair m: q and q + 8 with q = bitrev3(m) (0, 4, 2, 6, 1, 5, 3, 7), which puts
// column j's sum in lane j of finish_sums.
constexpr int pair_column(int m) { return ((m & 1) << 2) | (m & 2) | ((m & 4) >> 2); }

inline vec16 load16(const float* p) {
  vec16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// a + b * c for the symmetric path's products: fused (one rounding, as std::fma, the same
// bits on every machine with FMA instructions; one instruction instead of two) where the build
// targets FMA, else a multiply and an add. The build never contracts on its own
// (-ffp-contract=off); this is the one place balnet asks for fused operations.
inline vec16 fmadd16(vec16 b, vec16 c, vec16 a) {
#if defined(__FMA__)
  float x[16], y[16], z[16];
  std::memcpy(x, &b, sizeof x);
  std::memcpy(y, &c, sizeof y);
  std::memcpy(z, &a, sizeof z);
  for (int l = 0; l < 16; ++l) z[l] = __builtin_fmaf(x[l], y[l], z[l]);
  vec16 out;
  std::memcpy(&out, z, sizeof out);
  return out;
#else
  return a + b * c;
#endif
}

inline void add_store16(float* p, vec16 v) {
  const vec16 s = load16(p) + v;
  std::memcpy(p, &s, sizeof s);
}

// y = C r for the symmetric C stored as its upper triangle of 64 x 64 tiles (eb blocks; tile
// (I, J), I <= J, column-major). Diagonal tiles are stored whole and only give y_I += T r_I;
// an off-diagonal tile gives y_I += T r_J (column by column) and y_J += T^T r_I (a dot
// product per column, 16 columns summed across lanes at once). Each of y_I's four vectors
// has two sums (columns q and q + 8 of each group of 16), so no chain of dependent adds is
// longer than half the columns. Fixed order throughout: block J's entries collect the
// transposed parts of tiles (0, J), (1, J), ... as they come, then block J's own row sums.
// `backward` visits the tiles in the reverse order (last block first, each row of tiles from
// its end): alternating the direction step by step, the tiles read last by one step are the
// first of the next and still in the cache. Each direction has its own fixed order.
void symmetric_product(const float* tiles, const float* r, std::size_t eb, float* y, bool backward) {
  std::memset(y, 0, eb * 64 * sizeof(float));
  for (std::size_t qi = 0; qi < eb; ++qi) {
    const std::size_t bi = backward ? eb - 1 - qi : qi;
    const float* row = tiles + (bi * eb - bi * (bi - 1) / 2) * 64 * 64;  // tile (bi, bi), then (bi, bi + 1) ...
    const float* ri = r + bi * 64;
    const vec16 r0 = load16(ri), r1 = load16(ri + 16), r2 = load16(ri + 32), r3 = load16(ri + 48);
    vec16 a0 = {}, a1 = {}, a2 = {}, a3 = {}, b0 = {}, b1 = {}, b2 = {}, b3 = {};
    for (std::size_t qj = 0; qj < eb - bi; ++qj) {
      const std::size_t bj = backward ? eb - 1 - qj : bi + qj;
      const float* t = row + (bj - bi) * 64 * 64;
      if (bj == bi) {  // diagonal tile
        for (int j = 0; j < 64; j += 2, t += 128) {
          const vec16 x = ri[j] - vec16{}, z = ri[j + 1] - vec16{};
          a0 = fmadd16(load16(t), x, a0);
          a1 = fmadd16(load16(t + 16), x, a1);
          a2 = fmadd16(load16(t + 32), x, a2);
          a3 = fmadd16(load16(t + 48), x, a3);
          b0 = fmadd16(load16(t + 64), z, b0);
          b1 = fmadd16(load16(t + 80), z, b1);
          b2 = fmadd16(load16(t + 96), z, b2);
          b3 = fmadd16(load16(t + 112), z, b3);
        }
        continue;
      }
      const float* rj = r + bj * 64;
      for (int g = 0; g < 4; ++g, t += 16 * 64) {
        vec16 e[8];
#pragma GCC unroll 8
        for (int m = 0; m < 8; ++m) {
          const int q = pair_column(m);
          const float* ca = t + q * 64;
          const float* cb = ca + 8 * 64;
          const vec16 c0 = load16(ca), c1 = load16(ca + 16), c2 = load16(ca + 32), c3 = load16(ca + 48);
          const vec16 d0 = load16(cb), d1 = load16(cb + 16), d2 = load16(cb + 32), d3 = load16(cb + 48);
          const vec16 x = rj[g * 16 + q] - vec16{}, z = rj[g * 16 + q + 8] - vec16{};
          a0 = fmadd16(c0, x, a0);
          a1 = fmadd16(c1, x, a1);
          a2 = fmadd16(c2, x, a2);
          a3 = fmadd16(c3, x, a3);
          b0 = fmadd16(d0, z, b0);
          b1 = fmadd16(d1, z, b1);
          b2 = fmadd16(d2, z, b2);
          b3 = fmadd16(d3, z, b3);
          e[m] = pair_sums(fmadd16(c3, r3, fmadd16(c2, r2, fmadd16(c1, r1, c0 * r0))),
                           fmadd16(d3, r3, fmadd16(d2, r2, fmadd16(d1, r1, d0 * r0))));
        }
        add_store16(y + bj * 64 + g * 16, finish_sums(e));
      }
    }
    float* yi = y + bi * 64;
    add_store16(yi, a0 + b0);
    add_store16(yi + 16, a1 + b1);
    add_store16(yi + 32, a2 + b2);
    add_store16(yi + 48, a3 + b3);
  }
}

// As accumulate_block<4> for one block of 64 rows, with two sums per row (alternate active
// columns), for the short column lists of the symmetric path.
void accumulate_block64x2(const float* blk, const float* r, std::span<const std::uint32_t> active, float* acc,
                          std::size_t first_col) {
  vec16 a0 = {}, a1 = {}, a2 = {}, a3 = {}, b0 = {}, b1 = {}, b2 = {}, b3 = {};
  const std::size_t n = active.size();
  std::size_t q = 0;
  for (; q + 1 < n; q += 2) {
    const std::size_t k = active[q], l = active[q + 1];
    const float* ca = blk + (k - first_col) * 64;
    const float* cb = blk + (l - first_col) * 64;
    const vec16 x = r[k] - vec16{}, z = r[l] - vec16{};
    a0 = fmadd16(load16(ca), x, a0);
    a1 = fmadd16(load16(ca + 16), x, a1);
    a2 = fmadd16(load16(ca + 32), x, a2);
    a3 = fmadd16(load16(ca + 48), x, a3);
    b0 = fmadd16(load16(cb), z, b0);
    b1 = fmadd16(load16(cb + 16), z, b1);
    b2 = fmadd16(load16(cb + 32), z, b2);
    b3 = fmadd16(load16(cb + 48), z, b3);
  }
  if (q < n) {
    const std::size_t k = active[q];
    const float* ca = blk + (k - first_col) * 64;
    const vec16 x = r[k] - vec16{};
    a0 = fmadd16(load16(ca), x, a0);
    a1 = fmadd16(load16(ca + 16), x, a1);
    a2 = fmadd16(load16(ca + 32), x, a2);
    a3 = fmadd16(load16(ca + 48), x, a3);
  }
  const vec16 s0 = a0 + b0, s1 = a1 + b1, s2 = a2 + b2, s3 = a3 + b3;
  std::memcpy(acc, &s0, sizeof s0);
  std::memcpy(acc + 16, &s1, sizeof s1);
  std::memcpy(acc + 32, &s2, sizeof s2);
  std::memcpy(acc + 48, &s3, sizeof s3);
}

}  // namespace

void steady_state_solver::accumulate_sym(const float* r, std::size_t first_i) {
  const auto ne = static_cast<std::size_t>(n_e_), n = static_cast<std::size_t>(n_);
  std::memcpy(rpad_.data(), r, ne * sizeof(float));
  symmetric_product(tiles_.data(), rpad_.data(), eb_, ysym_.data(), backward_);
  for (const auto& f : fixups_) ysym_[f.row] += f.value * rpad_[f.col];
  const auto ni = static_cast<std::size_t>(n_i_);
  // The active I cells: the tail of the active list from first_i (it is in index order).
  const std::span<const std::uint32_t> active_i(active_.begin() + static_cast<std::ptrdiff_t>(first_i), active_.end());
  for (std::size_t q = 0; q < eb_; ++q) {
    const std::size_t b = backward_ ? eb_ - 1 - q : q;
    accumulate_block64x2(rest_e_.data() + b * 64 * ni, r, active_i, acc_ei_.data() + b * 64, ne);
  }
  const float* __restrict s = scale_.data();
  const float* __restrict ys = ysym_.data();
  const float* __restrict ae = acc_ei_.data();
  float* __restrict acc = acc_.data();
  for (std::size_t i = 0; i < ne; ++i) acc[i] = s[i] * ys[i] + ae[i];
  for (std::size_t q = 0; q < ib_; ++q) {
    const std::size_t b = backward_ ? ib_ - 1 - q : q;
    accumulate_block64x2(rest_i_.data() + b * 64 * n, r, active_, acc + ne + b * 64, 0);
  }
  backward_ = !backward_;
}

// The row blocks are visited forwards and backwards on alternate calls: the matrix (1.3 MB at
// the default size) does not fit this core's 1 MB L2 cache, but the blocks read last by one
// call are the first of the next, so most of them still come from L2 (measured: about a
// quarter off the time of a forward-only sweep; docs/rates.md). Each row's sum is the same.
void steady_state_solver::accumulate(const float* r) {
  const auto n = static_cast<std::size_t>(n_);
  const std::size_t big = big_rows_ / big_block;
  const std::size_t blocks = big + (static_cast<std::size_t>(ld_) - big_rows_) / 64;
  for (std::size_t q = 0; q < blocks; ++q) {
    const std::size_t b = backward_ ? blocks - 1 - q : q;
    if (b < big) {
      const std::size_t row = b * big_block;
      accumulate_block<big_block / 16>(packed_.data() + row * n, r, active_, acc_.data() + row);
    } else {
      const std::size_t row = big_rows_ + (b - big) * 64;
      accumulate_block<4>(packed_.data() + row * n, r, active_, acc_.data() + row);
    }
  }
  backward_ = !backward_;
}

namespace {

// `rounds` rounds of a[v] += b[v] * x over twelve 16-wide sums, all in registers (no call
// inside, which would spill them: every vector register is caller-saved).
__attribute__((noinline)) void multiply_add_rounds(vec16* acc, const vec16* mul, vec16 x, int rounds) {
  constexpr int NV = 12;
  vec16 a[NV], b[NV];
  for (int v = 0; v < NV; ++v) {
    a[v] = acc[v];
    b[v] = mul[v];
  }
  for (int k = 0; k < rounds; ++k) {
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) a[v] += b[v] * x;
#if defined(__AVX512F__)
    asm volatile("" : "+v"(x));  // x may have changed: the products stay in the loop
#else
    asm volatile("" : "+m"(x));
#endif
  }
  for (int v = 0; v < NV; ++v) acc[v] = a[v];
}

}  // namespace

// Sums `passes` sweeps over n vectors with twelve independent sums (a read-only stream).
__attribute__((noinline)) void read_sweeps(const vec16* buf, std::size_t n, int passes, vec16* out) {
  constexpr int NV = 12;
  vec16 a[NV] = {};
  for (int p = 0; p < passes; ++p) {
    for (std::size_t k = 0; k + NV <= n; k += NV) {
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v) a[v] += buf[k + static_cast<std::size_t>(v)];
    }
  }
  for (int v = 0; v < NV; ++v) out[v] = a[v];
}

double cache_read_rate(std::size_t bytes, double seconds) {
  const std::size_t n = std::max<std::size_t>(bytes / sizeof(vec16) / 12 * 12, 12);
  std::vector<vec16> buf(n, vec16{} + 1.0f);
  vec16 out[12];
  read_sweeps(buf.data(), n, 2, out);  // warm the cache
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t sweeps = 0;
  double elapsed = 0;
  do {
    read_sweeps(buf.data(), n, 8, out);
    sweeps += 8;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  } while (elapsed < seconds);
  asm volatile("" : : "m"(out));
  return static_cast<double>(sweeps) * static_cast<double>(n * sizeof(vec16)) / elapsed;
}

double register_multiply_add_rate(double seconds) {
  constexpr int NV = 12;
  vec16 a[NV], b[NV];
  for (int v = 0; v < NV; ++v) {
    a[v] = vec16{} + 1.0f;
    b[v] = vec16{} + 1e-6f * static_cast<float>(v + 1);
  }
  const vec16 x = vec16{} + 0.999f;
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t rounds = 0;
  double elapsed = 0;
  do {
    multiply_add_rounds(a, b, x, 1 << 14);
    rounds += 1 << 14;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  } while (elapsed < seconds);
  vec16 sum = a[0];
  for (int v = 1; v < NV; ++v) sum += a[v];
  float lane[16];
  std::memcpy(lane, &sum, sizeof lane);
  asm volatile("" : : "m"(lane));
  return static_cast<double>(rounds) * NV * 16 / elapsed;
}

std::vector<double> afferent_table(const rate_params& p, double kappa) {
  const int n_e = p.n_e(), n_s = p.n_stimuli(), S = p.n_stimuli_per_axis, P = p.n_per_axis, D = p.n_d;
  // Per feature: g(theta_k, phi_m) min-max normalised over the (value x neuron) table; the
  // table only depends on the neuron's preferred value m along that feature.
  std::vector<double> g(static_cast<std::size_t>(S) * P);
  double lo = INFINITY, hi = -INFINITY;
  for (int k = 0; k < S; ++k) {
    const double theta = -pi + 2 * pi * k / S;
    for (int m = 0; m < P; ++m) {
      const double phi = -pi + 2 * pi * m / P;
      const double v = std::exp(kappa * (std::cos(theta - phi) - 1.0));
      g[static_cast<std::size_t>(k) * P + m] = v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  for (auto& v : g) v = hi > lo ? (v - lo) / (hi - lo) : 1.0;
  std::vector<double> out(static_cast<std::size_t>(n_s) * n_e);
  std::vector<int> ks(static_cast<std::size_t>(D)), ms(static_cast<std::size_t>(D));
  for (int s = 0; s < n_s; ++s) {
    for (int d = D - 1, r = s; d >= 0; --d, r /= S) ks[static_cast<std::size_t>(d)] = r % S;
    for (int n = 0; n < n_e; ++n) {
      for (int d = D - 1, r = n; d >= 0; --d, r /= P) ms[static_cast<std::size_t>(d)] = r % P;
      double prod = 1.0;
      for (int d = 0; d < D; ++d) prod *= g[static_cast<std::size_t>(ks[static_cast<std::size_t>(d)]) * P + ms[static_cast<std::size_t>(d)]];
      out[static_cast<std::size_t>(s) * n_e + n] = prod;
    }
  }
  return out;
}

std::vector<float> ee_from_correlations(const rate_params& p, std::vector<float>* corr, std::vector<float>* row_scale) {
  const int n_e = p.n_e(), n_s = p.n_stimuli();
  const auto ne = static_cast<std::size_t>(n_e);
  std::vector<float> w(ne * ne, 0.0f);
  if (corr) corr->assign(ne * ne, 0.0f);
  if (row_scale) row_scale->assign(ne, 0.0f);
  if (p.ee_total <= 0) return w;
  auto x = afferent_table(p, p.kappa * p.ee_kappa);
  // Centre and normalise each cell's response over stimuli: C = X^T X is then Pearson's r.
  for (std::size_t n = 0; n < ne; ++n) {
    double mean = 0;
    for (int s = 0; s < n_s; ++s) mean += x[static_cast<std::size_t>(s) * ne + n];
    mean /= n_s;
    double ss = 0;
    for (int s = 0; s < n_s; ++s) {
      double& v = x[static_cast<std::size_t>(s) * ne + n];
      v -= mean;
      ss += v * v;
    }
    const double inv = ss > 0 ? 1.0 / std::sqrt(ss) : 0.0;
    for (int s = 0; s < n_s; ++s) x[static_cast<std::size_t>(s) * ne + n] *= inv;
  }
  std::vector<double> c(ne * ne, 0.0);
  for (int s = 0; s < n_s; ++s) {
    const double* xs = &x[static_cast<std::size_t>(s) * ne];
    for (std::size_t a = 0; a < ne; ++a) {
      const double xa = xs[a];
      double* row = &c[a * ne];
      for (std::size_t b = 0; b < ne; ++b) row[b] += xa * xs[b];
    }
  }
  for (std::size_t a = 0; a < ne; ++a) c[a * ne + a] = 0.0;
  // Rank order: zero the lowest (1 - p) of all entries after subtracting the minimum.
  // Ties are broken by position (a stable order), so the result does not depend on a sort's whims.
  const double lo = *std::min_element(c.begin(), c.end());
  std::vector<std::uint32_t> order(c.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return c[a] < c[b]; });
  const auto to_zero = static_cast<std::size_t>((1.0 - p.ee_p) * static_cast<double>(c.size()));
  for (auto& v : c) v -= lo;
  for (std::size_t i = 0; i < to_zero; ++i) c[order[i]] = 0.0;
  for (std::size_t a = 0; a < ne; ++a) {
    c[a * ne + a] = 0.0;
    double sum = 0;
    for (std::size_t b = 0; b < ne; ++b) sum += c[a * ne + b];
    const double scale = sum > 0 ? p.ee_total / sum : 0.0;
    for (std::size_t b = 0; b < ne; ++b) w[a * ne + b] = static_cast<float>(c[a * ne + b] * scale);
    if (row_scale) (*row_scale)[a] = static_cast<float>(scale);
  }
  if (corr) {
    for (std::size_t i = 0; i < c.size(); ++i) (*corr)[i] = static_cast<float>(c[i]);
  }
  return w;
}

void weights_from_parameters(const std::vector<float>& v, const std::vector<float>& z, float alpha, float cap,
                             std::vector<float>& w) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    w[i] = z[i] != 0.0f ? std::min(static_cast<float>(softplus(v[i], alpha)), cap) * z[i] : 0.0f;
  }
}

rate_network build_rate_network(const rate_params& p) {
  rate_network net;
  net.n_e = p.n_e();
  net.n_i = p.n_i;
  net.n_stimuli = p.n_stimuli();
  net.n_d = p.n_d;
  net.n_axis = p.n_stimuli_per_axis;
  for (int k = 0; k < p.n_stimuli_per_axis; ++k) {
    net.locations.push_back(static_cast<float>(-pi + 2 * pi * k / p.n_stimuli_per_axis));
  }
  for (int n = 0; n < net.n_e; ++n) {
    std::vector<float> pref(static_cast<std::size_t>(p.n_d));
    for (int d = p.n_d - 1, r = n; d >= 0; --d, r /= p.n_per_axis) {
      pref[static_cast<std::size_t>(d)] = static_cast<float>(-pi + 2 * pi * (r % p.n_per_axis) / p.n_per_axis);
    }
    net.preference.insert(net.preference.end(), pref.begin(), pref.end());
  }
  const auto table = afferent_table(p, p.kappa);
  net.afferents.resize(table.size());
  for (std::size_t i = 0; i < table.size(); ++i) {
    net.afferents[i] = static_cast<float>(p.e_peak * table[i] + p.e_background);
  }
  net.w_ee = ee_from_correlations(p, &net.ee_corr, &net.ee_row_scale);
  lognormal_block(p, "rates.ei", net.n_e, net.n_i, p.ei_p, p.ei_total, net.w_ei, &net.z_ei);
  lognormal_block(p, "rates.ie", net.n_i, net.n_e, p.ie_p, p.ie_total, net.w_ie, &net.z_ie);
  lognormal_block(p, "rates.ii", net.n_i, net.n_i, p.ii_p, p.ii_total, net.w_ii, nullptr);
  const double j_ei = p.ei_total / in_degree(p.ei_p, net.n_i);
  const double j_ie = p.ie_total / in_degree(p.ie_p, net.n_e);
  net.alpha_ei = static_cast<float>(p.softplus_slope / j_ei);
  net.alpha_ie = static_cast<float>(p.softplus_slope / j_ie);
  net.cap_ei = static_cast<float>(p.w_max * j_ei);
  net.cap_ie = static_cast<float>(p.w_max * j_ie);
  net.b_i = static_cast<float>(p.i_background);
  net.v_ei.assign(net.w_ei.size(), 0.0f);
  net.v_ie.assign(net.w_ie.size(), 0.0f);
  for (std::size_t i = 0; i < net.w_ei.size(); ++i) {
    if (net.w_ei[i] > 0) net.v_ei[i] = static_cast<float>(softplus_inverse(net.w_ei[i], net.alpha_ei));
  }
  for (std::size_t i = 0; i < net.w_ie.size(); ++i) {
    if (net.w_ie[i] > 0) net.v_ie[i] = static_cast<float>(softplus_inverse(net.w_ie[i], net.alpha_ie));
  }
  return net;
}

// ---------------------------------------------------------------------------------------

steady_state_solver::steady_state_solver(const rate_network& net, const rate_params& p)
    : n_e_(net.n_e),
      n_i_(net.n_i),
      n_(net.n_e + net.n_i),
      ld_((net.n_e + net.n_i + 63) / 64 * 64),
      big_rows_(static_cast<std::size_t>(ld_) / big_block * big_block),
      rho0_(static_cast<float>(p.rho0)),
      b_i_(net.b_i),
      r_max_(static_cast<float>(p.r_max)),
      dt_tau_e_(static_cast<float>(p.dt / p.tau_e)),
      dt_tau_i_(static_cast<float>(p.dt / p.tau_i)),
      max_dr_(p.max_dr),
      max_steps_(p.max_steps) {
  packed_.assign(static_cast<std::size_t>(ld_) * n_, 0.0f);
  const auto ne = static_cast<std::size_t>(n_e_), ni = static_cast<std::size_t>(n_i_);
  for (std::size_t k = 0; k < ne; ++k) {
    for (std::size_t i = 0; i < ne; ++i) packed_[at(i, k)] = net.w_ee[i * ne + k];
  }
  for (std::size_t k = 0; k < ni; ++k) {
    for (std::size_t i = 0; i < ni; ++i) packed_[at(ne + i, ne + k)] = -net.w_ii[i * ni + k];
  }
  // The symmetric path when W_EE comes with its factors. The rank-order cut of MODELS.md §3.3
  // may zero one entry of a tied pair and keep the other: such pairs (in different blocks)
  // are left out of the tiles and added from a short list instead.
  sym_ = net.ee_corr.size() == ne * ne && net.ee_row_scale.size() == ne;
  if (sym_) {
    packed_.clear();
    packed_.shrink_to_fit();
    eb_ = (ne + 63) / 64;
    ib_ = (ni + 63) / 64;
    tiles_.assign(eb_ * (eb_ + 1) / 2 * 64 * 64, 0.0f);
    float* t = tiles_.data();
    for (std::size_t bi = 0; bi < eb_; ++bi) {
      for (std::size_t bj = bi; bj < eb_; ++bj) {
        for (std::size_t j = 0; j < 64; ++j) {
          for (std::size_t i = 0; i < 64; ++i, ++t) {
            const std::size_t a = bi * 64 + i, b = bj * 64 + j;
            if (a >= ne || b >= ne) continue;
            const float ab = net.ee_corr[a * ne + b], ba = net.ee_corr[b * ne + a];
            if (bi == bj || ab == ba) {
              *t = ab;
            } else {
              if (ab != 0.0f) fixups_.push_back({static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b), ab});
              if (ba != 0.0f) fixups_.push_back({static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(a), ba});
            }
          }
        }
      }
    }
    std::sort(fixups_.begin(), fixups_.end(),
              [](const fixup& x, const fixup& y) { return x.row != y.row ? x.row < y.row : x.col < y.col; });
    scale_.assign(eb_ * 64, 0.0f);
    std::copy(net.ee_row_scale.begin(), net.ee_row_scale.end(), scale_.begin());
    rest_e_.assign(eb_ * 64 * ni, 0.0f);
    rest_i_.assign(ib_ * 64 * static_cast<std::size_t>(n_), 0.0f);
    for (std::size_t k = 0; k < ni; ++k) {
      for (std::size_t i = 0; i < ni; ++i) rest_i_[(i / 64) * 64 * n_ + (ne + k) * 64 + i % 64] = -net.w_ii[i * ni + k];
    }
    rpad_.assign(eb_ * 64, 0.0f);
    ysym_.assign(eb_ * 64, 0.0f);
    acc_ei_.assign(eb_ * 64, 0.0f);
  }
  update_plastic(net);
  acc_.assign(std::max(static_cast<std::size_t>(ld_), ne + ib_ * 64), 0.0f);
  r_.assign(static_cast<std::size_t>(n_), 0.0f);
  dh_.assign(static_cast<std::size_t>(n_), 0.0f);
  active_.reserve(static_cast<std::size_t>(n_));
}

void steady_state_solver::update_plastic(const rate_network& net) {
  const auto ne = static_cast<std::size_t>(n_e_), ni = static_cast<std::size_t>(n_i_);
  if (sym_) {
    const auto n = static_cast<std::size_t>(n_);
    for (std::size_t j = 0; j < ni; ++j) {  // E->I: I rows of the E columns
      float* row = &rest_i_[(j / 64) * 64 * n + j % 64];
      for (std::size_t k = 0; k < ne; ++k) row[k * 64] = net.w_ie[j * ne + k];
    }
    for (std::size_t i = 0; i < ne; ++i) {  // I->E, negated: E rows of the I columns
      float* row = &rest_e_[(i / 64) * 64 * ni + i % 64];
      for (std::size_t k = 0; k < ni; ++k) row[k * 64] = -net.w_ei[i * ni + k];
    }
    return;
  }
  for (std::size_t j = 0; j < ni; ++j) {  // E->I: rows N_E.. of the E columns
    for (std::size_t k = 0; k < ne; ++k) packed_[at(ne + j, k)] = net.w_ie[j * ne + k];
  }
  for (std::size_t i = 0; i < ne; ++i) {  // I->E: rows 0..N_E of the I columns, negated
    for (std::size_t k = 0; k < ni; ++k) packed_[at(i, ne + k)] = -net.w_ei[i * ni + k];
  }
}

void steady_state_solver::solve(const float* input_e, double max_dr, steady_state& out) {
  const auto ne = static_cast<std::size_t>(n_e_), ni = static_cast<std::size_t>(n_i_);
  // Every solve starts forwards: the symmetric path's sums depend on the direction, and a
  // solve's result must not depend on the solves before it (PERTURB spreads them over ranks).
  backward_ = false;
  out.h_e.assign(ne, rho0_);
  out.r_e.assign(ne, rho0_);
  out.h_i.assign(ni, b_i_);
  out.r_i.assign(ni, b_i_);
  const float tol_e = static_cast<float>(max_dr) * dt_tau_e_;
  const float tol_i = static_cast<float>(max_dr) * dt_tau_i_;
  float* r = r_.data();
  for (std::size_t i = 0; i < ne; ++i) r[i] = out.r_e[i];
  for (std::size_t j = 0; j < ni; ++j) r[ne + j] = out.r_i[j];
  float* h_e = out.h_e.data();
  float* h_i = out.h_i.data();
  bool converged = false;
  int t = 0;
  while (!converged && t < max_steps_) {
    // acc = W_EE r_E - W_EI r_I (rows < N_E) and W_IE r_E - W_II r_I (rows >= N_E), summed
    // over presynaptic cells in index order; silent cells (r = 0) contribute nothing.
    // Branch-free list of the active columns (the sizes of a vector are not touched in the
    // loop: a count and one resize).
    active_.resize(static_cast<std::size_t>(n_));
    std::uint32_t* act = active_.data();
    std::size_t count = 0;
    for (std::size_t k = 0; k < static_cast<std::size_t>(n_); ++k) {
      act[count] = static_cast<std::uint32_t>(k);
      count += r[k] != 0.0f ? 1 : 0;
    }
    active_.resize(count);
    if (sym_) {
      const auto first_i = static_cast<std::size_t>(std::lower_bound(active_.begin(), active_.end(), n_e_) - active_.begin());
      accumulate_sym(r, first_i);
      const std::size_t n_active_i = count - first_i;
      // Each stored C entry off the diagonal tiles serves two multiply-adds.
      multiply_adds_ += eb_ * eb_ * 64 * 64 + n_active_i * eb_ * 64 + count * ib_ * 64;
      bytes_read_ += sizeof(float) * (tiles_.size() + n_active_i * eb_ * 64 + count * ib_ * 64);
    } else {
      accumulate(r);
      multiply_adds_ += count * static_cast<std::uint64_t>(ld_);
      bytes_read_ += sizeof(float) * count * static_cast<std::uint64_t>(ld_);
    }
    // New h and r = clip(h, 0, r_max); the convergence measure max |dh| runs over the cells
    // inside [0, r_max]. Written without branches, on local copies of the members and
    // restrict pointers, so the loops vectorise: |dh| (or 0 outside the range) goes to a
    // scratch row, and its maximum is taken on the bit patterns in a second loop (|dh| is never
    // NaN nor negative, and non-negative floats order as their bits; GCC vectorises neither
    // a float max reduction without -ffast-math nor a reduction fed by a float compare).
    const float* __restrict acc = acc_.data();
    const float* __restrict in_e = input_e;
    float* __restrict re = r;
    float* __restrict he = h_e;
    float* __restrict hi_ = h_i;
    float* __restrict dh = dh_.data();
    const float r_max = r_max_, dte = dt_tau_e_, dti = dt_tau_i_, b_i = b_i_;
    for (std::size_t i = 0; i < ne; ++i) {
      const float d = dte * (in_e[i] + acc[i] - re[i]);
      const float h = he[i] + d;
      he[i] = h;
      re[i] = std::min(std::max(h, 0.0f), r_max);
      const float a0 = h >= 0.0f ? std::fabs(d) : 0.0f;
      dh[i] = h <= r_max ? a0 : 0.0f;
    }
    for (std::size_t j = 0; j < ni; ++j) {
      const float d = dti * (acc[ne + j] - re[ne + j] + b_i);
      const float h = hi_[j] + d;
      hi_[j] = h;
      re[ne + j] = std::min(std::max(h, 0.0f), r_max);
      const float a0 = h >= 0.0f ? std::fabs(d) : 0.0f;
      dh[ne + j] = h <= r_max ? a0 : 0.0f;
    }
    std::uint32_t max_e = 0, max_i = 0;
    for (std::size_t i = 0; i < ne; ++i) max_e = std::max(max_e, std::bit_cast<std::uint32_t>(dh[i]));
    for (std::size_t j = 0; j < ni; ++j) max_i = std::max(max_i, std::bit_cast<std::uint32_t>(dh[ne + j]));
    ++t;
    converged = std::bit_cast<float>(max_e) < tol_e && std::bit_cast<float>(max_i) < tol_i;
  }
  for (std::size_t i = 0; i < ne; ++i) out.r_e[i] = r[i];
  for (std::size_t j = 0; j < ni; ++j) out.r_i[j] = r[ne + j];
  out.converged = converged;
  out.steps = t;
}

}  // namespace balnet::rates

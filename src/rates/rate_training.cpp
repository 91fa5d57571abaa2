#include "balnet/rates/rate_training.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <numeric>

#include "balnet/core/rng.hpp"

namespace balnet::rates {

namespace {

using clock_type = std::chrono::steady_clock;
double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

void shuffle(std::vector<std::int32_t>& v, random_stream& rs) {
  for (std::size_t i = v.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(rs.below(i));
    std::swap(v[i - 1], v[j]);
  }
}

void mean_var(const std::vector<float>& x, float* out) {
  double s = 0, ss = 0;
  for (float v : x) s += v;
  const double m = s / static_cast<double>(x.size());
  for (float v : x) ss += (v - m) * (v - m);
  out[0] = static_cast<float>(m);
  out[1] = static_cast<float>(ss / static_cast<double>(x.size()));
}

}  // namespace

std::vector<std::int32_t> trial_order(const rate_params& p, int trial) {
  random_stream rs(p.seed, rng_domain::user, name_hash24("rates.order"), static_cast<std::uint32_t>(trial));
  const int S = p.n_stimuli_per_axis, D = p.n_d;
  std::vector<std::int32_t> out;
  out.reserve(static_cast<std::size_t>(p.n_stimuli()));
  std::vector<std::int32_t> base(static_cast<std::size_t>(S));
  std::iota(base.begin(), base.end(), 0);
  // Depth-first: reshuffle an axis each time its loop starts, as nested for-loops would.
  std::function<void(int, std::int32_t)> visit = [&](int d, std::int32_t prefix) {
    auto axis = base;
    shuffle(axis, rs);
    for (auto k : axis) {
      const std::int32_t idx = prefix * S + k;
      if (d + 1 == D) {
        out.push_back(idx);
      } else {
        visit(d + 1, idx);
      }
    }
  };
  visit(0, 0);
  return out;
}

condition_result run_condition(const rate_network& initial, const rate_params& p, condition c,
                               const progress_fn& progress) {
  const auto t0 = clock_type::now();
  condition_result res;
  res.cond = c;
  res.net = initial;
  rate_network& net = res.net;
  steady_state_solver solver(net, p);
  res.before = estimate_responses(net, solver, p.max_dr);
  res.m_before = compute_measures(net, res.before, p.rho0);
  const std::string name = condition_name(c);
  if (progress) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "[%s] before training: cc %.3f, OSI(I) %.3f, OSI(E) %.3f, E rms error %.3f, %d not converged",
                  name.c_str(), res.m_before.cc_mean, res.m_before.osi_i_mean, res.m_before.osi_e_mean,
                  res.m_before.e_error_rms, res.before.non_converged);
    progress(buf);
  }
  plasticity pl(net, p, c);
  const bool learns = pl.ei_plastic() || pl.ie_plastic();
  const auto n_s = static_cast<std::size_t>(net.n_stimuli);
  const std::size_t total = static_cast<std::size_t>(p.n_trials) * n_s;
  auto& d = res.diag;
  d.recording_mu.resize(total * 8);
  d.steps.resize(total);
  d.converged.resize(total);
  d.angle_ei.resize(total);
  d.angle_ie.resize(total);
  d.stimulus.resize(total);
  const auto ne = static_cast<std::size_t>(net.n_e);
  steady_state s;
  float wstat[4] = {};
  auto take_stats = [&] {
    for (int k = 0; k < 4; ++k) wstat[k] = static_cast<float>(pl.weight_stats()[k]);
  };
  take_stats();
  const auto t_train = clock_type::now();
  std::size_t mu = 0;
  for (int trial = 0; trial < p.n_trials; ++trial) {
    const auto tt = clock_type::now();
    const auto order = trial_order(p, trial);
    int not_converged = 0;
    std::int64_t step_sum = 0;
    int step_min = std::numeric_limits<int>::max(), step_max = 0;
    for (const auto st : order) {
      solver.solve(&net.afferents[static_cast<std::size_t>(st) * ne], s);
      plasticity::angles a{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
      if (s.converged) {
        if (learns) {
          const bool want = p.rule == learning_rule::gradient || (p.angle_every > 0 && mu % static_cast<std::size_t>(p.angle_every) == 0);
          a = pl.update(net, s, want);
          solver.update_plastic(net);
          take_stats();
        }
      } else {
        ++not_converged;
      }
      float* rec = &d.recording_mu[mu * 8];
      mean_var(s.r_e, rec);
      mean_var(s.r_i, rec + 2);
      std::copy(wstat, wstat + 4, rec + 4);
      d.steps[mu] = s.steps;
      d.converged[mu] = s.converged ? 1 : 0;
      d.angle_ei[mu] = static_cast<float>(a.ei);
      d.angle_ie[mu] = static_cast<float>(a.ie);
      d.stimulus[mu] = st;
      step_sum += s.steps;
      step_min = std::min(step_min, s.steps);
      step_max = std::max(step_max, s.steps);
      ++mu;
    }
    d.non_converged_per_trial.push_back(not_converged);
    if (progress) {
      char buf[256];
      std::snprintf(buf, sizeof buf, "[%s] trial %d of %d: steps %d-%d (mean %.0f), %d of %zu not converged, %.2f s",
                    name.c_str(), trial + 1, p.n_trials, step_min, step_max,
                    static_cast<double>(step_sum) / static_cast<double>(order.size()), not_converged, order.size(),
                    seconds_since(tt));
      progress(buf);
    }
  }
  res.wall_train = seconds_since(t_train);
  res.after = estimate_responses(net, solver, p.max_dr);
  res.m_after = compute_measures(net, res.after, p.rho0);
  res.wall_total = seconds_since(t0);
  if (progress) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "[%s] after training: cc %.3f (%.1f %% p > 1e-3), OSI(I) %.3f, OSI(E) %.3f, E rms error %.3f, %d not converged",
                  name.c_str(), res.m_after.cc_mean, res.m_after.cp_percent, res.m_after.osi_i_mean,
                  res.m_after.osi_e_mean, res.m_after.e_error_rms, res.after.non_converged);
    progress(buf);
  }
  return res;
}

std::vector<std::int32_t> perturb_cells(const rate_params& p, int n_e) {
  random_stream rs(p.seed, rng_domain::user, name_hash24("rates.perturb"), 0);
  std::vector<std::int32_t> idx(static_cast<std::size_t>(n_e));
  std::iota(idx.begin(), idx.end(), 0);
  const int k = std::min(p.perturb_cells, n_e);
  for (int m = 0; m < k; ++m) {
    const auto r = m + static_cast<int>(rs.below(static_cast<std::uint64_t>(n_e - m)));
    std::swap(idx[static_cast<std::size_t>(m)], idx[static_cast<std::size_t>(r)]);
  }
  idx.resize(static_cast<std::size_t>(k));
  return idx;
}

perturb_rows perturb_network(const rate_network& net, const rate_params& p, int offset, int stride,
                             const progress_fn& progress) {
  perturb_rows out;
  steady_state_solver solver(net, p);
  const auto ne = static_cast<std::size_t>(net.n_e);
  const auto ns = static_cast<std::size_t>(net.n_stimuli);
  const auto base = estimate_responses(net, solver, p.perturb_max_dr);
  out.base_non_converged = base.non_converged;
  std::vector<double> x(base.r_e.begin(), base.r_e.end());
  const auto corr = column_correlations(x, ns, ne);
  const auto all = perturb_cells(p, net.n_e);
  std::vector<float> input(ne);
  steady_state s;
  for (std::size_t c = 0; c < all.size(); ++c) {
    if (static_cast<int>(c % static_cast<std::size_t>(stride)) != offset) continue;
    const auto cell = static_cast<std::size_t>(all[c]);
    const auto tc = clock_type::now();
    out.cells.push_back(all[c]);
    std::vector<double> change(ne, 0.0);
    for (std::size_t st = 0; st < ns; ++st) {
      std::copy(&net.afferents[st * ne], &net.afferents[st * ne] + ne, input.begin());
      input[cell] += static_cast<float>(p.perturb_delta);
      solver.solve(input.data(), p.perturb_max_dr, s);
      if (!s.converged) ++out.non_converged;
      const float* r0 = &base.r_e[st * ne];
      for (std::size_t n = 0; n < ne; ++n) change[n] += (static_cast<double>(s.r_e[n]) - r0[n]) / p.perturb_delta;
    }
    for (std::size_t n = 0; n < ne; ++n) {
      out.change.push_back(change[n] / static_cast<double>(ns));
      out.correlation.push_back(corr[cell * ne + n]);
    }
    if (progress) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "[PERTURB] cell %d (%zu of %zu): %.2f s", all[c], c + 1, all.size(), seconds_since(tc));
      progress(buf);
    }
  }
  return out;
}

perturb_curve bin_perturbation(const perturb_rows& rows, int n_e, int bins) {
  perturb_curve out;
  const auto ne = static_cast<std::size_t>(n_e);
  double lo = INFINITY, hi = -INFINITY;
  for (std::size_t c = 0; c < rows.cells.size(); ++c) {
    for (std::size_t n = 0; n < ne; ++n) {
      if (n == static_cast<std::size_t>(rows.cells[c])) continue;
      const double v = rows.correlation[c * ne + n];
      if (std::isnan(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  const auto B = static_cast<std::size_t>(bins);
  std::vector<double> sum(B, 0.0), sumsq(B, 0.0);
  out.count.assign(B, 0);
  for (std::size_t b = 0; b <= B; ++b) out.edges.push_back(lo + (hi - lo) * static_cast<double>(b) / static_cast<double>(B));
  for (std::size_t c = 0; c < rows.cells.size(); ++c) {
    for (std::size_t n = 0; n < ne; ++n) {
      if (n == static_cast<std::size_t>(rows.cells[c])) continue;
      const double v = rows.correlation[c * ne + n];
      if (std::isnan(v)) continue;
      auto b = hi > lo ? static_cast<std::size_t>((v - lo) / (hi - lo) * static_cast<double>(B)) : 0;
      b = std::min(b, B - 1);
      const double dr = rows.change[c * ne + n];
      sum[b] += dr;
      sumsq[b] += dr * dr;
      ++out.count[b];
    }
  }
  for (std::size_t b = 0; b < B; ++b) {
    out.centre.push_back(0.5 * (out.edges[b] + out.edges[b + 1]));
    const auto n = static_cast<double>(out.count[b]);
    const double m = n > 0 ? sum[b] / n : std::numeric_limits<double>::quiet_NaN();
    out.mean.push_back(m);
    const double var = n > 1 ? std::max(0.0, (sumsq[b] - n * m * m) / (n - 1)) : std::numeric_limits<double>::quiet_NaN();
    out.sem.push_back(n > 1 ? std::sqrt(var / n) : std::numeric_limits<double>::quiet_NaN());
  }
  return out;
}

bench_result bench_presentations(const rate_network& initial, const rate_params& p, condition c, int n) {
  bench_result out;
  rate_network net = initial;
  steady_state_solver solver(net, p);
  plasticity pl(net, p, c);
  const auto ne = static_cast<std::size_t>(net.n_e);
  steady_state s;
  double t_solve = 0, t_update = 0;
  std::int64_t steps = 0;
  int done = 0;
  const std::clock_t c0 = std::clock();
  const auto t0 = clock_type::now();
  for (int trial = 0; done < n; ++trial) {
    for (const auto st : trial_order(p, trial)) {
      if (done >= n) break;
      const auto a = clock_type::now();
      solver.solve(&net.afferents[static_cast<std::size_t>(st) * ne], s);
      const auto b = clock_type::now();
      if (s.converged) {
        const bool want = p.rule == learning_rule::gradient ||
                          (p.angle_every > 0 && static_cast<std::size_t>(done) % static_cast<std::size_t>(p.angle_every) == 0);
        pl.update(net, s, want);
        solver.update_plastic(net);
      }
      t_solve += std::chrono::duration<double>(b - a).count();
      t_update += std::chrono::duration<double>(clock_type::now() - b).count();
      steps += s.steps;
      ++done;
    }
  }
  out.presentations = done;
  out.per_presentation = seconds_since(t0) / done;
  out.cpu_per_presentation = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC / done;
  out.per_solve = t_solve / done;
  out.per_update = t_update / done;
  out.mean_steps = static_cast<double>(steps) / done;
  out.multiply_adds_per_solve = static_cast<double>(solver.multiply_adds()) / done;
  out.bytes_per_solve = static_cast<double>(solver.matrix_bytes_read()) / done;
  out.symmetric = solver.symmetric();
  return out;
}

}  // namespace balnet::rates

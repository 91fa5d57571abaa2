#include "balnet/model/correlated_source.hpp"

#include <algorithm>
#include <cmath>

#include "balnet/core/distributions.hpp"
#include "balnet/core/error.hpp"
#include "balnet/core/rng.hpp"
#include "balnet/io/config.hpp"

namespace balnet {

namespace {
constexpr std::uint32_t mother_index = 0xFFFFFFFFu;  // never a gid (gids < 4e9)
constexpr double truncation = 8.0;                  // jitter SDs
}  // namespace

correlated_source_params correlated_source_params::read(section_reader& s, double, double t_stop) {
  correlated_source_params p;
  if (!s.has("rate")) s.fail("rate", "missing key rate (Hz per source)");
  p.rate = s.non_negative("rate", p.rate);
  if (!s.has("c")) s.fail("c", "missing key c: the correlation (thinning probability) in [0, 1]");
  p.c = s.number("c");
  if (!(p.c >= 0 && p.c <= 1)) s.fail("c", "must be in [0, 1] (0: independent Poisson trains)");
  p.jitter = s.non_negative("jitter", p.jitter);
  p.chunk = s.positive("chunk", p.chunk);
  p.start = s.non_negative("start", 0.0);
  p.stop = s.number("stop", t_stop);
  if (!(p.stop > p.start)) s.fail("stop", "must be above start = " + std::to_string(p.start) + " ms");
  return p;
}

correlated_source_group::correlated_source_group(const correlated_source_params& p,
                                                 const std::vector<gid_t>& gids, double dt,
                                                 double t_stop, std::uint64_t seed,
                                                 std::uint32_t population_hash)
    : p_(p), gids_(gids), dt_(dt), t_end_(t_stop), seed_(seed), hash_(population_hash) {
  margin_ = p_.c > 0 ? truncation * p_.jitter : 0.0;
  chunks_ = static_cast<std::uint64_t>(std::ceil(t_end_ / p_.chunk));
  if (p_.stop < 0 || p_.stop > t_end_) p_.stop = t_end_;
}

std::vector<double> correlated_source_group::mother_chunk(std::uint64_t k) const {
  const double t0 = static_cast<double>(k) * p_.chunk;
  const double len = std::min(p_.chunk, t_end_ - t0);
  std::vector<double> m;
  if (len <= 0 || p_.rate <= 0 || p_.c <= 0) return m;
  random_stream rs(seed_, rng_domain::poisson_source, hash_, mother_index, k << 32);
  const double mother_rate = p_.rate / p_.c;  // Hz
  const std::uint64_t n = poisson(rs, mother_rate * len * 1e-3);
  m.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) m.push_back(t0 + rs.uniform() * len);
  std::sort(m.begin(), m.end());
  return m;
}

void correlated_source_group::generate(std::uint64_t k) {
  const double t0 = static_cast<double>(k) * p_.chunk;
  // Spikes of this chunk fall in [t0 - margin, t0 + chunk + margin].
  if (t0 + p_.chunk + margin_ <= p_.start || t0 - margin_ >= p_.stop) return;
  if (p_.c == 0) {
    // Independent Poisson trains in continuous time (MATLAB's uncorrelated branch).
    const double len = std::min(p_.chunk, t_end_ - t0);
    for (std::size_t i = 0; i < gids_.size(); ++i) {
      random_stream rs(seed_, rng_domain::poisson_source, hash_, gids_[i], k << 32);
      const std::uint64_t n = poisson(rs, p_.rate * len * 1e-3);
      for (std::uint64_t j = 0; j < n; ++j) {
        const double t = t0 + rs.uniform() * len;
        if (t > p_.start && t < p_.stop) {
          pending_.push_back({static_cast<step_t>(std::floor(t / dt_)), static_cast<index_t>(i)});
        }
      }
    }
    std::sort(pending_.begin() + static_cast<std::ptrdiff_t>(cursor_), pending_.end());
    return;
  }
  const auto mother = mother_chunk(k);
  const auto nm = static_cast<std::uint64_t>(mother.size());
  if (nm == 0) return;
  std::vector<std::uint64_t> chosen;
  for (std::size_t i = 0; i < gids_.size(); ++i) {
    random_stream rs(seed_, rng_domain::poisson_source, hash_, gids_[i], k << 32);
    const std::uint64_t n = binomial(rs, nm, p_.c);
    // n distinct mother spikes, uniformly (Floyd's algorithm).
    chosen.clear();
    for (std::uint64_t j = nm - n; j < nm; ++j) {
      const std::uint64_t t = rs.below(j + 1);
      chosen.push_back(std::find(chosen.begin(), chosen.end(), t) == chosen.end() ? t : j);
    }
    for (std::uint64_t m : chosen) {
      double z = 0.0;
      if (p_.jitter > 0) {
        do {
          z = rs.normal();
        } while (std::fabs(z) > truncation);
      }
      const double t = mother[m] + p_.jitter * z;
      if (!(t > p_.start && t < p_.stop)) continue;
      pending_.push_back({static_cast<step_t>(std::floor(t / dt_)), static_cast<index_t>(i)});
    }
  }
  std::sort(pending_.begin() + static_cast<std::ptrdiff_t>(cursor_), pending_.end());
}

void correlated_source_group::update(step_t t, std::vector<index_t>& spiked) {
  // One step of slack guards against rounding in floor(t / dt) at the margin's edge.
  const double t_next = static_cast<double>(t + 2) * dt_;
  while (next_chunk_ < chunks_ && static_cast<double>(next_chunk_) * p_.chunk - margin_ < t_next) {
    generate(next_chunk_++);
  }
  while (cursor_ < pending_.size() && pending_[cursor_].step <= t) {
    if (pending_[cursor_].step < t) throw error("internal: a correlated source spike was generated too late");
    spiked.push_back(pending_[cursor_].index);
    ++cursor_;
  }
  if (cursor_ > 4096 && cursor_ * 2 > pending_.size()) {
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(cursor_));
    cursor_ = 0;
  }
}

}  // namespace balnet

#include "balnet/input/poisson_input.hpp"

#include <algorithm>
#include <cmath>

#include "balnet/core/distributions.hpp"
#include "balnet/core/philox_batch.hpp"
#include "balnet/core/rng.hpp"
#include "balnet/io/config.hpp"
#include "balnet/network/partition.hpp"

namespace balnet {

std::shared_ptr<input_spec> read_poisson_input(section_reader& s, const network_spec& net) {
  auto in = std::make_shared<poisson_input_spec>();
  in->receptor = s.text("receptor");
  for (const auto& t : s.list("target")) {
    const int i = net.population_index(t);
    if (i < 0) s.fail("target", "no population named '" + t + "'");
    const auto& pop = net.populations[static_cast<std::size_t>(i)];
    const int r = pop.receptor_index(in->receptor);
    if (r < 0) {
      s.fail("receptor", "population '" + t + "' has no receptor '" + in->receptor + "'");
    }
    in->targets.push_back(static_cast<std::size_t>(i));
    in->receptor_indices.push_back(static_cast<std::size_t>(r));
  }
  const auto n = s.count("sources", 1);
  if (n < 1) s.fail("sources", "must be a whole number >= 1");
  in->sources = static_cast<std::uint64_t>(n);
  if (!s.has("rate")) s.fail("rate", "missing key rate (Hz per source)");
  in->rate = s.non_negative("rate", 0.0);
  in->weight = s.number("weight");
  return in;
}

std::unique_ptr<input_driver> make_poisson_input(const input_spec& spec, const input_context& ctx) {
  const auto& ps = static_cast<const poisson_input_spec&>(spec);
  std::vector<poisson_input::target> targets;
  for (std::size_t k = 0; k < ps.targets.size(); ++k) {
    targets.push_back({ctx.groups[ps.targets[k]], ps.receptor_indices[k], ctx.gids[ps.targets[k]]});
  }
  return std::make_unique<poisson_input>(ps, std::move(targets), ctx.net.run.dt, ctx.net.run.seed,
                                         ctx.start);
}

poisson_input::poisson_input(const poisson_input_spec& spec, std::vector<target> targets,
                             double dt, std::uint64_t seed, step_t start)
    : spec_(spec), targets_(std::move(targets)), seed_(seed) {
  p_ = std::min(1.0, spec_.rate * dt * 1e-3);
  const double n = static_cast<double>(spec_.sources);
  const double mean = n * p_;
  q_ = p_ <= 0.0 ? 0.0 : (p_ >= 1.0 ? 1.0 : -std::expm1(n * std::log1p(-p_)));
  mode_ = q_ < 0.25 ? mode::sparse : (mean <= 50.0 && p_ < 1.0 ? mode::table : mode::dense);
  if (mode_ != mode::dense && q_ > 0.0) {
    // pmf(k) = C(n,k) p^k (1-p)^(n-k), built upwards from pmf(0).
    double pmf = std::exp(n * std::log1p(-p_));
    double cum = mode_ == mode::table ? pmf : 0.0;
    if (mode_ == mode::table) cdf_.push_back(cum);
    for (std::uint64_t k = 1; k <= spec_.sources; ++k) {
      pmf *= (n - static_cast<double>(k) + 1.0) / static_cast<double>(k) * p_ / (1.0 - p_);
      cum += pmf;
      cdf_.push_back(cum);
      if (static_cast<double>(k) > mean && pmf < 1e-17 * cum) break;
    }
    const double total = cdf_.back();
    for (auto& c : cdf_) c /= total;
    cdf_.back() = 1.0;
  }
  std::size_t largest = 0;
  for (const auto& tg : targets_) {
    state st;
    largest = std::max(largest, tg.gids.size());
    if (mode_ == mode::sparse && q_ > 0.0) {
      st.next.assign(tg.gids.size(), -1);
      st.position.assign(tg.gids.size(), 0);
      for (std::size_t i = 0; i < tg.gids.size(); ++i) {
        random_stream rs(seed_, rng_domain::poisson_input, spec_.hash, tg.gids[i]);
        st.next[i] = start + static_cast<step_t>(geometric(rs, q_));
        st.position[i] = rs.position();
      }
    }
    if (mode_ == mode::sparse && q_ > 0.0) index_sparse(tg, st);
    states_.push_back(std::move(st));
  }
  log_q_ = std::log1p(-q_);
  if (mode_ == mode::table) {
    u_.resize(largest);
    counts_.resize(largest);
    // Entries equal to 1 can never be exceeded by u < 1: drop them but the last.
    while (cdf_.size() > 1 && cdf_[cdf_.size() - 2] >= 1.0) cdf_.pop_back();
  }
}

template <class T>
void poisson_input::apply_to(step_t t, target& tg, state& st, T* __restrict in, T w) {
  const std::size_t n = tg.gids.size();
  switch (mode_) {
    case mode::sparse: {
      // Only the neurons whose next event is at t (the calendar), and one Philox block per
      // event computed for all of them in one vectorised loop: the draws of geometric()
      // and uniform() on the neuron's stream, bit for bit, without scanning every neuron.
      if (st.next.empty()) break;
      due_.clear();
      st.calendar.take(t, st.next.data(), due_);
      const std::size_t m = due_.size();
      if (m == 0) break;
      lane_gid_.resize(m);
      lane_block_.resize(m);
      lane_words_.resize(4 * m);
      for (std::size_t j = 0; j < m; ++j) {
        const index_t i = due_[j];
        lane_gid_[j] = tg.gids[i];
        lane_block_[j] = (st.position[i] >> 2) + 1;  // the block after the pending words
      }
      philox_blocks(seed_, rng_domain::poisson_input, spec_.hash, lane_gid_.data(), lane_block_.data(), m,
                    lane_words_.data());
      step_t* next = st.next.data();
      const double* cdf = cdf_.data();
      for (std::size_t j = 0; j < m; ++j) {
        const index_t i = due_[j];
        if ((st.position[i] & 3) != 2) {  // not at the usual offset (never, in practice)
          sparse_event(t, tg, st, i, in, w);
          continue;
        }
        // uniform(): the pending words; the count is 1 + the number of entries <= u, as
        // upper_bound finds (the table ends at 1 > u).
        const double u = static_cast<double>(st.pending[i] >> 11) * 0x1p-53;
        std::size_t k = 0;
        while (!(u < cdf[k])) ++k;
        in[i] += w * static_cast<T>(k + 1);
        // geometric(rs, q): uniform_pos() from words 0 and 1 of the next block.
        const std::uint32_t* c = lane_words_.data() + 4 * j;
        const std::uint64_t x = (static_cast<std::uint64_t>(c[0]) << 32) | c[1];
        const std::uint64_t gap = geometric_gap(static_cast<double>((x >> 11) + 1) * 0x1p-53, log_q_);
        next[i] = t + 1 + static_cast<step_t>(gap);
        st.pending[i] = (static_cast<std::uint64_t>(c[2]) << 32) | c[3];
        st.position[i] += 4;
        st.calendar.insert(i, next[i]);
      }
      break;
    }
    case mode::table: {
      // Stateless: the draw of neuron g at step t is block t of g's stream.
      keyed_uniforms(seed_, rng_domain::poisson_input, spec_.hash, static_cast<std::uint64_t>(t),
                     tg.gids.data(), n, u_.data());
      // count = number of table entries at or below u; branch-free, one pass per entry
      // (vectorised over neurons). The table ends at 1 > u.
      std::uint32_t* __restrict k = counts_.data();
      const double* __restrict u = u_.data();
      std::fill(k, k + n, 0u);
      for (std::size_t j = 0; j + 1 < cdf_.size(); ++j) {
        const double c = cdf_[j];
        for (std::size_t i = 0; i < n; ++i) k[i] += u[i] >= c ? 1u : 0u;
      }
      for (std::size_t i = 0; i < n; ++i) in[i] += w * static_cast<T>(k[i]);
      break;
    }
    case mode::dense: {
      // Stateless: step t owns positions [t * 2^20, (t + 1) * 2^20) of g's stream.
      const std::uint64_t pos = static_cast<std::uint64_t>(t) << 20;
      for (std::size_t i = 0; i < n; ++i) {
        random_stream rs(seed_, rng_domain::poisson_input, spec_.hash, tg.gids[i], pos);
        in[i] += w * static_cast<T>(binomial(rs, spec_.sources, p_));
      }
      break;
    }
  }
}

void poisson_input::index_sparse(const target& tg, state& st) {
  // A ring of about 4 mean gaps: most neurons come round once per lap.
  const double gaps = 4.0 / q_;
  st.calendar = step_calendar(gaps < 64.0 ? 64 : (gaps > 65536.0 ? 65536 : static_cast<std::size_t>(gaps)));
  st.pending.assign(st.next.size(), 0);
  for (std::size_t i = 0; i < st.next.size(); ++i) {
    if ((st.position[i] & 3) == 2) {
      random_stream rs(seed_, rng_domain::poisson_input, spec_.hash, tg.gids[i], st.position[i]);
      st.pending[i] = rs.next_u64();
    }
    st.calendar.insert(static_cast<index_t>(i), st.next[i]);
  }
}

template <class T>
void poisson_input::sparse_event(step_t t, target& tg, state& st, std::size_t i, T* in, T w) {
  random_stream rs(seed_, rng_domain::poisson_input, spec_.hash, tg.gids[i], st.position[i]);
  const double u = rs.uniform();
  const auto k = static_cast<std::size_t>(std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin()) + 1;
  in[i] += w * static_cast<T>(k);
  st.next[i] = t + 1 + static_cast<step_t>(geometric(rs, q_));
  st.position[i] = rs.position();
  if ((st.position[i] & 3) == 2) {
    random_stream ahead(seed_, rng_domain::poisson_input, spec_.hash, tg.gids[i], st.position[i]);
    st.pending[i] = ahead.next_u64();
  }
  st.calendar.insert(static_cast<index_t>(i), st.next[i]);
}

void poisson_input::apply(step_t t) {
  if (q_ <= 0.0) return;
  for (std::size_t k = 0; k < targets_.size(); ++k) {
    auto& tg = targets_[k];
    const double w = spec_.weight * tg.group->receptor_scale(tg.receptor);
    if (double* in = tg.group->receptor_input(tg.receptor)) {
      apply_to(t, tg, states_[k], in, w);
    } else {
      apply_to(t, tg, states_[k], tg.group->receptor_input_single(tg.receptor), static_cast<float>(w));
    }
  }
}

}  // namespace balnet

#include "balnet/input/poisson_input.hpp"

#include <algorithm>
#include <cmath>

#include "balnet/core/distributions.hpp"
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
    states_.push_back(std::move(st));
  }
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
      step_t* next = st.next.data();
      for (std::size_t i = 0; i < n; ++i) {
        if (next[i] != t) continue;
        random_stream rs(seed_, rng_domain::poisson_input, spec_.hash, tg.gids[i], st.position[i]);
        const double u = rs.uniform();
        const auto k = static_cast<std::size_t>(std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin()) + 1;
        in[i] += w * static_cast<T>(k);
        next[i] = t + 1 + static_cast<step_t>(geometric(rs, q_));
        st.position[i] = rs.position();
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

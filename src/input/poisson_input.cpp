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
  dense_ = n * p_ >= 5.0 || p_ >= 1.0;
  q_ = p_ <= 0.0 ? 0.0 : -std::expm1(n * std::log1p(-p_));
  if (!dense_ && q_ > 0.0) {
    // pmf(k) = C(n,k) p^k (1-p)^(n-k), built upwards from pmf(0).
    double pmf = std::exp(n * std::log1p(-p_));
    double cum = 0.0;
    for (std::uint64_t k = 1; k <= spec_.sources; ++k) {
      pmf *= (n - static_cast<double>(k) + 1.0) / static_cast<double>(k) * p_ / (1.0 - p_);
      cum += pmf;
      cdf_.push_back(cum);
      if (pmf < 1e-18 * cum && cum > 0.5 * q_) break;
    }
    const double total = cdf_.back();
    for (auto& c : cdf_) c /= total;
    cdf_.back() = 1.0;
  }
  for (const auto& tg : targets_) {
    state st;
    st.next.assign(tg.gids.size(), -1);
    st.position.assign(tg.gids.size(), 0);
    if (!dense_ && q_ > 0.0) {
      for (std::size_t i = 0; i < tg.gids.size(); ++i) {
        random_stream rs(seed_, rng_domain::poisson_input, spec_.hash, tg.gids[i]);
        st.next[i] = start + static_cast<step_t>(geometric(rs, q_));
        st.position[i] = rs.position();
      }
    }
    states_.push_back(std::move(st));
  }
}

std::uint64_t poisson_input::draw_count(random_stream& rs) const {
  const double u = rs.uniform();
  const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
  return static_cast<std::uint64_t>(it - cdf_.begin()) + 1;
}

void poisson_input::apply(step_t t) {
  if (q_ <= 0.0) return;
  const double w = spec_.weight;
  for (std::size_t k = 0; k < targets_.size(); ++k) {
    auto& tg = targets_[k];
    auto& st = states_[k];
    double* in = tg.group->receptor_input(tg.receptor);
    const std::size_t n = tg.gids.size();
    if (dense_) {
      for (std::size_t i = 0; i < n; ++i) {
        random_stream rs(seed_, rng_domain::poisson_input, spec_.hash, tg.gids[i], st.position[i]);
        in[i] += w * static_cast<double>(binomial(rs, spec_.sources, p_));
        st.position[i] = rs.position();
      }
      continue;
    }
    step_t* next = st.next.data();
    for (std::size_t i = 0; i < n; ++i) {
      if (next[i] != t) continue;
      random_stream rs(seed_, rng_domain::poisson_input, spec_.hash, tg.gids[i], st.position[i]);
      in[i] += w * static_cast<double>(draw_count(rs));
      next[i] = t + 1 + static_cast<step_t>(geometric(rs, q_));
      st.position[i] = rs.position();
    }
  }
}

}  // namespace balnet

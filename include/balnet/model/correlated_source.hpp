// Correlated Poisson spike sources from a shared mother process (MODELS.md 1.5, Akil et al.
// 2021): the mother train is Poisson at rate/c; each source keeps Binomial(n_mother, c)
// distinct mother spikes chosen uniformly (thinning without replacement), jitters each by a
// Gaussian of SD `jitter`, and drops spikes outside (start, stop). Each train is Poisson at
// `rate`; pairs have spike-count correlation ~c in windows much longer than the jitter.
//
// Generated without communication and independently of the rank count: the mother train
// in chunks of `chunk` ms from a stream keyed by (seed, population) only, the same on every
// rank; each source's thinning and jitter from a stream keyed by its gid and the chunk.
// Chunks are generated ahead of time by the largest jitter, so spikes jittered into an
// earlier chunk still fire on time; the jitter is a normal truncated at 8 SD (redrawn
// beyond) so that this margin is exact. With c = 0 the trains are independent Poisson
// processes in continuous time (no mother process, no jitter).
#pragma once

#include <cstdint>
#include <vector>

#include "balnet/model/model_registry.hpp"
#include "balnet/model/neuron_group.hpp"

namespace balnet {

struct correlated_source_params final : model_params {
  double rate = 10.0;    // Hz per train
  double c = 0.1;        // thinning probability (pairwise count correlation); 0: independent
  double jitter = 5.0;   // ms, SD of the Gaussian jitter
  double chunk = 100.0;  // ms of mother process generated at a time
  double start = 0.0;    // ms: spikes at times <= start are dropped
  double stop = -1.0;    // ms: spikes at times >= stop are dropped (-1: run.t_stop)

  static correlated_source_params read(section_reader& s, double dt, double t_stop);
};

class correlated_source_group final : public neuron_group {
 public:
  correlated_source_group(const correlated_source_params& p, const std::vector<gid_t>& gids,
                          double dt, double t_stop, std::uint64_t seed,
                          std::uint32_t population_hash);

  std::size_t size() const override { return gids_.size(); }
  std::size_t receptor_count() const override { return 0; }
  double* receptor_input(std::size_t) override { return nullptr; }
  double* current_input() override { return nullptr; }
  // Local sources that fire at step t (a source may appear twice when two of its spikes
  // fall into the same step; each is delivered).
  void update(step_t t, std::vector<index_t>& spiked) override;
  std::vector<std::string> state_variables() const override { return {}; }
  bool get_state(const std::string&, std::span<double>) const override { return false; }
  bool set_state(const std::string&, std::span<const double>) override { return false; }
  std::size_t bytes_per_neuron() const override { return sizeof(gid_t); }
  void save_state(state_set& out, const std::string& prefix, const std::vector<gid_t>& gids) const override;
  void load_state(const state_set& in, const std::string& prefix, const std::vector<gid_t>& gids) override;

  // The mother spike times (ms, ascending) of chunk k: the same on every rank.
  std::vector<double> mother_chunk(std::uint64_t k) const;

 private:
  struct pending {
    step_t step;
    index_t index;
    bool operator<(const pending& o) const { return step != o.step ? step < o.step : index < o.index; }
  };
  correlated_source_params p_;
  std::vector<gid_t> gids_;
  double dt_, t_end_;
  std::uint64_t seed_;
  std::uint32_t hash_;
  std::uint64_t next_chunk_ = 0, chunks_ = 0;
  double margin_;  // ms: 8 jitter SDs
  std::vector<pending> pending_;
  std::size_t cursor_ = 0;

  void generate(std::uint64_t k);
};

}  // namespace balnet

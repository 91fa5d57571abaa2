#include "balnet/sim/simulation.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "balnet/core/error.hpp"
#include "balnet/core/leading_key_sort.hpp"
#include "balnet/core/version.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/h5.hpp"
#include "balnet/io/output_file.hpp"
#include "balnet/model/model_registry.hpp"
#include "balnet/network/connectivity.hpp"
#include "balnet/plasticity/plasticity_engine.hpp"
#include "balnet/plasticity/plasticity_spec.hpp"
#include "balnet/network/release.hpp"
#include "balnet/sim/resources.hpp"
#include "balnet/sim/signals.hpp"
#include "balnet/sim/network_builder.hpp"
#include "balnet/io/connectivity_file.hpp"
#include "balnet/network/patterns.hpp"

namespace balnet {

simulation::simulation(const network_spec& spec, communicator& comm)
    : spec_(spec), comm_(comm), part_(comm.rank(), comm.size()) {}

simulation::~simulation() = default;

std::uint64_t simulation::local_synapses() const {
  std::uint64_t n = 0;
  for (const auto& p : projections_) n += p.store.size();
  return n;
}

int simulation::population_of(gid_t g) const {
  // Populations are few and contiguous in gid space.
  for (std::size_t i = 0; i < spec_.populations.size(); ++i) {
    if (g < spec_.populations[i].first_gid + spec_.populations[i].size) return static_cast<int>(i);
  }
  return -1;
}

void simulation::build() {
  const double t0 = timers::now();
  const auto& run = spec_.run;
  const std::uint64_t total = spec_.total_neurons();
  if (static_cast<std::uint64_t>(comm_.size()) > total) {
    throw config_error("the job has " + std::to_string(comm_.size()) + " ranks but the network has only " +
                       std::to_string(total) + " neurons; run it on at most " + std::to_string(total) +
                       " ranks");
  }
  // Neurons.
  for (const auto& pop : spec_.populations) {
    gids_.push_back(part_.local_gids(pop));
    groups_.push_back(find_model(pop.model)->create(pop, gids_.back(), run));
  }
  // Synapses: each rank generates the incoming synapses of its own neurons.
  patterns_ = make_patterns(spec_, comm_);
  by_source_.resize(spec_.populations.size());
  std::int64_t dmin = 65535, dmax = 1;
  for (std::uint32_t i = 0; i < spec_.projections.size(); ++i) {
    const auto& pr = spec_.projections[i];
    projection_state ps;
    ps.spec = &pr;
    ps.store = synapse_store(spec_.populations[pr.source].size, make_synapses(pr, spec_, part_, comm_, patterns_.get()));
    ps.input = groups_[pr.target]->receptor_input(pr.receptor_index);
    ps.input_single = groups_[pr.target]->receptor_input_single(pr.receptor_index);
    ps.scale = groups_[pr.target]->receptor_scale(pr.receptor_index);
    if (ps.store.size() > 0) {
      dmin = std::min<std::int64_t>(dmin, ps.store.min_delay());
      dmax = std::max<std::int64_t>(dmax, ps.store.max_delay());
    }
    by_source_[pr.source].push_back(i);
    projections_.push_back(std::move(ps));
  }
  {
    std::int64_t v[2] = {dmin, -dmax};
    comm_.allreduce_min(std::span<std::int64_t>(v, 2));
    min_delay_ = static_cast<std::uint16_t>(v[0] == 65535 ? 1 : v[0]);
    max_delay_ = static_cast<std::uint16_t>(-v[1]);
    if (spec_.projections.empty() || v[0] == 65535) {
      // No synapse anywhere: exchange every 10 ms of simulated time for progress and checks.
      min_delay_ = static_cast<std::uint16_t>(std::clamp<double>(std::round(10.0 / run.dt), 1, 65535));
    }
  }
  // Plasticity: post-major indices, traces and global-rate gates of plastic projections.
  {
    std::vector<synapse_store*> stores;
    for (auto& ps : projections_) stores.push_back(&ps.store);
    plasticity_ = std::make_unique<plasticity_engine>(spec_, stores, gids_);
    if (plasticity_->any()) {
      for (std::size_t i = 0; i < projections_.size(); ++i) projections_[i].plastic = plasticity_->projection(i);
    } else {
      plasticity_.reset();
    }
  }
  // Static projections keep their targets as uint16 where they fit.
  for (auto& ps : projections_) {
    if (!ps.plastic && ps.spec->p_release >= 1.0) ps.store.make_compact();
  }
  // Routing: which presynaptic gids this rank needs.
  {
    std::vector<gid_t> needed;
    for (std::size_t p = 0; p < spec_.populations.size(); ++p) {
      const auto& pop = spec_.populations[p];
      for (std::uint64_t j = 0; j < pop.size; ++j) {
        for (auto pi : by_source_[p]) {
          const auto& st = projections_[pi].store;
          if (st.seg_end(static_cast<std::uint32_t>(j)) > st.seg_begin(static_cast<std::uint32_t>(j))) {
            needed.push_back(static_cast<gid_t>(pop.first_gid + j));
            break;
          }
        }
      }
    }
    routing_ = routing_table::build(needed, part_, total, comm_);
    routing_bytes_ = routing_.memory_bytes();
  }
  // Inputs.
  {
    input_context ctx{spec_, part_, {}, gids_, 0};
    for (auto& g : groups_) ctx.groups.push_back(g.get());
    for (const auto& in : spec_.inputs) inputs_.push_back(find_input(in->type)->create(*in, ctx));
  }
  // A power of two above the largest delay: a step's bucket is a mask, not a division.
  buckets_.resize(std::bit_ceil(static_cast<std::size_t>(max_delay_) + 1));
  max_gid_ = static_cast<gid_t>(total > 0 ? total - 1 : 0);
  exchange_ = std::make_unique<spike_exchange>(comm_);
  sync_counts_.assign(spec_.populations.size(), 0);
  {
    std::uint64_t n = local_synapses();
    comm_.allreduce_sum(std::span<std::uint64_t>(&n, 1));
    global_synapses_ = n;
  }
  timers_.add(phase::build, timers::now() - t0);
}

namespace {

// in[target] += weight (* scale): the innermost loop of spike delivery.
template <class T, class Index>
inline void add_weights(T* __restrict in, const Index* __restrict tgt, const float* __restrict w,
                        std::uint32_t b, std::uint32_t e, double scale) {
  if (scale == 1.0) {
    for (std::uint32_t k = b; k < e; ++k) in[tgt[k]] += static_cast<T>(w[k]);
  } else {
    const T s = static_cast<T>(scale);
    for (std::uint32_t k = b; k < e; ++k) in[tgt[k]] += static_cast<T>(w[k]) * s;
  }
}

// in[target] += weight (* scale) for a segment whose synapses all have the same weight:
// the same sums as add_weights, without reading the weights.
template <class T, class Index>
inline void add_uniform(T* __restrict in, const Index* __restrict tgt, float w, std::uint32_t b,
                        std::uint32_t e, double scale) {
  const T x = scale == 1.0 ? static_cast<T>(w) : static_cast<T>(w) * static_cast<T>(scale);
  for (std::uint32_t k = b; k < e; ++k) in[tgt[k]] += x;
}

}  // namespace

void simulation::prefetch_arrival(const arrival& a) const {
  // The first lines of the segment's targets and weights (the rest follow in sequence) and
  // the presynaptic trace record of a plastic segment.
  constexpr std::uint32_t max_lines = 4;
  const auto& ps = projections_[a.projection];
  const auto lines = [](const void* p, std::size_t bytes) {
    const char* c = static_cast<const char*>(p);
    for (std::size_t o = 0; o < bytes && o < max_lines * 64; o += 64) __builtin_prefetch(c + o);
  };
  const std::uint32_t n = a.end - a.begin;
  if (n == 0) return;
  if (ps.store.compact()) {
    lines(ps.store.targets16() + a.begin, n * sizeof(std::uint16_t));
  } else {
    lines(ps.store.targets() + a.begin, n * sizeof(index_t));
  }
  if (!ps.store.uniform()) lines(ps.store.weights() + a.begin, n * sizeof(float));
  if (ps.plastic) ps.plastic->prefetch(a.segment);
}

void simulation::deliver(step_t t) {
  auto& bucket = buckets_[static_cast<std::size_t>(t) & (buckets_.size() - 1)];
  if (bucket.empty()) return;
  // (arrival step, source gid) order: the sum into each neuron never depends on the partition.
  // On one rank with one delay per projection the bucket is scheduled in this order already.
  const auto order = [](const arrival& a, const arrival& b) {
    if (a.src != b.src) return a.src < b.src;
    if (a.projection != b.projection) return a.projection < b.projection;
    return a.segment < b.segment;
  };
  // With several delays per projection the bucket is a concatenation of sorted runs (one per
  // emission step): a radix sort on the source gid, then the few equal sources by the rest.
  if (!std::is_sorted(bucket.begin(), bucket.end(), order)) {
    sort_by_leading_key(bucket, arrival_scratch_, max_gid_, [](const arrival& a) { return a.src; }, order);
  }
  // The segments lie scattered in CSRs larger than the cache: ask for the synapses of the
  // arrival `ahead` places on while this one is added, so several misses overlap.
  constexpr std::size_t ahead = 8;
  const std::size_t n = bucket.size();
  for (std::size_t i = 0; i < std::min(ahead, n); ++i) prefetch_arrival(bucket[i]);
  for (std::size_t i = 0; i < n; ++i) {
    if (i + ahead < n) prefetch_arrival(bucket[i + ahead]);
    const auto& a = bucket[i];
    const auto& ps = projections_[a.projection];
    if (ps.spec->p_release < 1.0) {
      // Stochastic release: one keyed draw per synapse and spike (network/release.hpp).
      deliver_with_release(ps.store, a.segment, ps.input, ps.input_single, ps.scale, gids_[ps.spec->target],
                           a.src, t - ps.store.delay(a.segment), spec_.run.seed, ps.spec->hash,
                           release_threshold(ps.spec->p_release));
    } else {
      const std::uint32_t b = a.begin, e = a.end;
      const auto add = [&](auto* in) {  // double or single-precision receptor inputs
        if (ps.store.compact()) {
          if (ps.store.uniform()) {
            add_uniform(in, ps.store.targets16(), ps.store.uniform_weight(), b, e, ps.scale);
          } else {
            add_weights(in, ps.store.targets16(), ps.store.weights(), b, e, ps.scale);
          }
        } else if (ps.store.uniform()) {
          add_uniform(in, ps.store.targets(), ps.store.uniform_weight(), b, e, ps.scale);
        } else {
          add_weights(in, ps.store.targets(), ps.store.weights(), b, e, ps.scale);
        }
      };
      if (ps.input) {
        add(ps.input);
      } else {
        add(ps.input_single);
      }
    }
    // Presynaptic updates and trace jumps, after transmission with the old weights (on every
    // arriving spike, released or not).
    if (ps.plastic) ps.plastic->arrive(a.segment, t);
  }
  bucket.clear();
}

void simulation::schedule(step_t interval_start, const std::vector<spike_msg>& msgs) {
  const std::size_t mask = buckets_.size() - 1;
  for (const auto& m : msgs) {
    const int p = population_of(m.gid);
    const auto row = static_cast<std::uint32_t>(m.gid - spec_.populations[static_cast<std::size_t>(p)].first_gid);
    const step_t emitted = interval_start + m.lag;
    for (auto pi : by_source_[static_cast<std::size_t>(p)]) {
      const auto& st = projections_[pi].store;
      for (std::uint32_t s = st.seg_begin(row); s < st.seg_end(row); ++s) {
        buckets_[static_cast<std::size_t>(emitted + st.delay(s)) & mask].push_back(
            {m.gid, pi, s, st.syn_begin(s), st.syn_end(s)});
      }
    }
  }
}

void simulation::step(step_t t, step_t interval_start, spike_recorder* spikes,
                      rate_recorder* rates, std::vector<std::pair<step_t, gid_t>>* capture) {
  // Two clock reads per step: the previous step's end starts this one.
  deliver(t);
  double t1 = timers::now();
  timers_.add(phase::deliver, t1 - clock_);
  for (auto& in : inputs_) in->apply(t);
  const auto lag = static_cast<std::uint32_t>(t - interval_start);
  for (std::size_t p = 0; p < groups_.size(); ++p) {
    spiked_.clear();
    groups_[p]->update(t, spiked_);
    if (plasticity_) {  // postsynaptic updates, then the postsynaptic traces jump and decay
      const double p0 = timers::now();
      plasticity_->after_update(p, t, spiked_);
      const double p1 = timers::now();
      timers_.add(phase::plasticity, p1 - p0);
      t1 += p1 - p0;  // keep the plasticity time out of the update phase
    }
    if (spiked_.empty()) continue;
    const auto& gids = gids_[p];
    const bool rec = spikes && spikes->records(p);
    for (index_t i : spiked_) {
      const gid_t g = gids[i];
      for (const int* d = routing_.begin(g); d != routing_.end(g); ++d) {
        exchange_->outbox(*d).push_back({g, lag});
      }
      if (rec) spikes->record(t, g);
      if (capture) capture->emplace_back(t, g);
    }
    if (rates) rates->add(t, p, spiked_.size());
    sync_counts_[p] += spiked_.size();
  }
  clock_ = timers::now();
  timers_.add(phase::update, clock_ - t1);
  if (!recorders_.empty()) {
    for (auto& r : recorders_) r->sample(t);
    const double t3 = timers::now();
    timers_.add(phase::write, t3 - clock_);
    clock_ = t3;
  }
}

namespace {

std::string format_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  const auto total = static_cast<long long>(s + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%lld:%02lld:%02lld", total / 3600, (total / 60) % 60, total % 60);
  return buf;
}

}  // namespace

run_result simulation::run(output_file* out, const config* cfg, const run_options& opt) {
  const auto& run = spec_.run;
  run_result r;
  r.wall_build = timers_.get(phase::build);
  const step_t t_end = run.steps();
  const step_t D = min_delay_;
  const step_t sync_steps =
      std::max<step_t>(1, static_cast<step_t>(std::ceil(run.sync_interval / run.dt / static_cast<double>(D)))) * D;
  std::unique_ptr<spike_recorder> spikes;
  std::unique_ptr<rate_recorder> rates;
  if (out) {
    scoped_timer w(timers_, phase::write);
    spikes = std::make_unique<spike_recorder>(*out, spec_);
    rates = std::make_unique<rate_recorder>(*out, spec_, 0);
    for (const auto& rs : spec_.recorders) {
      recorders_.push_back(find_recorder(rs->type)->create(*rs, *this, *out));
    }
  }
  const std::size_t npop = spec_.populations.size();
  r.spikes.assign(npop, 0);
  const bool show = !opt.quiet && run.progress && comm_.rank() == 0;
  const double wall0 = timers::now();
  double last_print = wall0;
  step_t t = 0;
  step_t last_sync = 0;
  if (opt.restart) restore_run(*opt.restart, spikes.get(), rates.get(), r, t, last_sync);
  r.t_begin = static_cast<double>(t) * run.dt;
  step_t next_sync = std::min(last_sync + sync_steps, t_end);
  if (rates) rates->reserve_until(next_sync);
  int syncs_since_flush = 0;
  // Checkpoints at interval ends: on a simulated-time period, a wall-clock period (rank 0's
  // clock decides, the exchange flags tell every rank), --stop-at, or a signal on any rank.
  std::uint32_t flags_all = 0;
  const step_t stop_at = opt.stop_at >= 0 ? ((opt.stop_at + D - 1) / D) * D : -1;
  step_t next_checkpoint = opt.checkpoint_every > 0 ? (t / opt.checkpoint_every + 1) * opt.checkpoint_every : -1;
  double last_checkpoint_wall = timers::now();
  const auto at_checkpoint = [&]() {
    if (opt.checkpoint_file.empty() || t >= t_end) return false;
    const bool signalled = (flags_all & 1u) != 0;
    const bool stop = signalled || (stop_at >= 0 && t >= stop_at);
    const bool periodic = (next_checkpoint >= 0 && t >= next_checkpoint) || (flags_all & 2u) != 0;
    if (!stop && !periodic) return false;
    try {
      write_checkpoint_at(t, last_sync, out, spikes.get(), rates.get(), r, opt);
    } catch (const std::exception& e) {  // the same error on every rank (write_checkpoint agrees)
      r.checkpoint_error = e.what();
      return true;
    }
    ++r.checkpoints;
    last_checkpoint_wall = timers::now();
    if (next_checkpoint >= 0) next_checkpoint = (t / opt.checkpoint_every + 1) * opt.checkpoint_every;
    if (!stop) return false;
    r.checkpointed = true;
    r.checkpoint_reason = signalled ? "signal" : "stop-at";
    return true;
  };
  while (t < t_end) {
    const step_t iv_end = std::min(t + D, t_end);
    clock_ = timers::now();
    for (step_t s = t; s < iv_end; ++s) step(s, t, spikes.get(), rates.get(), opt.capture);
    {
      const double e0 = clock_;
      const double w0 = exchange_->wait_seconds();
      std::uint32_t flags = 0;
      if (opt.signals && pending_signal() != 0) flags |= 1u;
      if (opt.checkpoint_every_wall > 0 && comm_.rank() == 0 &&
          timers::now() - last_checkpoint_wall >= opt.checkpoint_every_wall) {
        flags |= 2u;
      }
      const auto& msgs = exchange_->exchange(flags, flags_all);
      const double e1 = timers::now();
      schedule(t, msgs);
      const double e2 = timers::now();
      const double waited = exchange_->wait_seconds() - w0;
      timers_.add(phase::wait, waited);
      timers_.add(phase::exchange, (e1 - e0 - waited) + (e2 - e1));
      if (plasticity_) {  // global rates of GHP rules (an allreduce only if there are any)
        plasticity_->after_interval(iv_end - t, comm_);
        timers_.add(phase::plasticity, timers::now() - e2);
      }
    }
    t = iv_end;
    if (t < next_sync && t < t_end) {
      if (at_checkpoint()) break;
      continue;
    }
    // Sync point: global counts for progress, the rate checker and flushing.
    const double s0 = timers::now();
    std::vector<std::uint64_t> counts(sync_counts_);
    comm_.allreduce_sum(counts);
    std::fill(sync_counts_.begin(), sync_counts_.end(), 0);
    std::uint64_t buffered = spikes ? spikes->buffered() : 0;
    comm_.allreduce_max(std::span<std::uint64_t>(&buffered, 1));
    timers_.add(phase::wait, timers::now() - s0);
    const double window_ms = static_cast<double>(t - last_sync) * run.dt;
    std::string stop;
    for (std::size_t p = 0; p < npop; ++p) {
      r.spikes[p] += counts[p];
      const auto& pop = spec_.populations[p];
      if (pop.is_source || window_ms <= 0) continue;
      const double rate = static_cast<double>(counts[p]) * 1000.0 / (static_cast<double>(pop.size) * window_ms);
      const double now_ms = static_cast<double>(t) * run.dt;
      if (stop.empty() && now_ms > run.check_after) {
        char buf[256];
        if (rate > run.check_rate_max) {
          std::snprintf(buf, sizeof(buf),
                        "population %s fired at %.1f Hz over the last %.1f ms, above check.rate_max = %g Hz (runaway activity)",
                        pop.name.c_str(), rate, window_ms, run.check_rate_max);
          stop = buf;
        } else if (run.check_rate_min > 0 && rate < run.check_rate_min) {
          std::snprintf(buf, sizeof(buf),
                        "population %s fired at %.3f Hz over the last %.1f ms, below check.rate_min = %g Hz (silent network)",
                        pop.name.c_str(), rate, window_ms, run.check_rate_min);
          stop = buf;
        }
      }
    }
    last_sync = t;
    next_sync = std::min(t + sync_steps, t_end);
    const double now = timers::now();
    if (show && (now - last_print >= run.progress_interval || t == t_end)) {
      last_print = now;
      const double sim_s = static_cast<double>(t) * run.dt * 1e-3 - r.t_begin * 1e-3;  // since this run began
      const double wall = now - wall0;
      const double per = sim_s > 0 ? wall / sim_s : 0;
      const double left = static_cast<double>(t_end - t) * run.dt * 1e-3 * per;
      std::ostringstream line;
      line.setf(std::ios::fixed);
      line.precision(1);
      line << "balnet: " << 100.0 * static_cast<double>(t) / static_cast<double>(t_end) << "%  t = "
           << static_cast<double>(t) * run.dt << " / " << run.t_stop << " ms";
      line.precision(3);
      line << "  " << per << " s wall per simulated s  ETA " << format_duration(left) << "  rates";
      line.precision(2);
      for (std::size_t p = 0; p < npop; ++p) {
        const auto& pop = spec_.populations[p];
        line << " " << pop.name << " "
             << (window_ms > 0 ? static_cast<double>(counts[p]) * 1000.0 / (static_cast<double>(pop.size) * window_ms) : 0.0)
             << " Hz";
      }
      std::fprintf(stderr, "%s\n", line.str().c_str());
    }
    ++syncs_since_flush;
    const bool finishing = t == t_end || !stop.empty();
    if (out && (finishing || buffered >= run.flush_spikes || syncs_since_flush >= 100)) {
      scoped_timer w(timers_, phase::write);
      spikes->flush(t);
      rates->flush(t);
      for (auto& rc : recorders_) rc->flush(t);
      syncs_since_flush = 0;
    }
    if (rates) rates->reserve_until(next_sync);
    if (!stop.empty()) {
      r.stopped = true;
      r.stop_reason = stop;
      break;
    }
    if (at_checkpoint()) break;
  }
  r.steps_done = t;
  r.t_end = static_cast<double>(t) * run.dt;
  r.wall_run = timers::now() - wall0;
  if (r.checkpointed || !r.checkpoint_error.empty()) {
    recorders_.clear();  // the output stays incomplete (NAME.part) for the restart
    return r;
  }
  if (!run.save_connectivity.empty()) {
    // The final (e.g. trained) connectivity for later protocols (docs/assemblies.md).
    scoped_timer w(timers_, phase::write);
    std::vector<const synapse_store*> stores;
    for (const auto& ps : projections_) stores.push_back(&ps.store);
    save_connectivity(run.save_connectivity, comm_, spec_, stores, gids_, patterns_.get());
  }
  if (out) {
    scoped_timer w(timers_, phase::write);
    write_metadata(*out, cfg, opt, r);
    recorders_.clear();  // close their HDF5 objects before the file is closed
  }
  return r;
}

void simulation::write_metadata(output_file& out, const config* cfg, const run_options& opt,
                                const run_result& r) {
  const auto& run = spec_.run;
  const hid_t f = out.file();
  const std::uint32_t sonata_version[2] = {0, 1};
  h5::attr(f, "version", std::span<const std::uint32_t>(sonata_version, 2));
  h5::attr(f, "balnet_version", std::string(version_string()));
  h5::attr(f, "git_revision", std::string(git_revision()));
  h5::attr(f, "build", std::string(build_flags()));
  h5::attr(f, "ranks", static_cast<std::int64_t>(comm_.size()));
  h5::attr(f, "seed", run.seed);
  h5::attr(f, "dt", run.dt);
  h5::attr(f, "t_stop", run.t_stop);
  h5::attr(f, "t_end", r.t_end);
  h5::attr(f, "min_delay_steps", static_cast<std::int64_t>(min_delay_));
  h5::attr(f, "status", std::string(r.stopped ? "stopped: " + r.stop_reason : "complete"));
  if (!opt.restart_history.empty()) {  // a run continued from checkpoints (docs/checkpoint.md)
    h5::attr(f, "restarts", opt.restart_history);
  }
  h5::attr(f, "created", iso_time_now());
  h5::attr(f, "host", host_name());
  h5::attr(f, "command", opt.command_line);
  h5::attr(f, "neurons", spec_.total_neurons());
  h5::attr(f, "synapses", global_synapses_);
  // Memory per synapse, summed over ranks with exact integers.
  std::uint64_t mem[3] = {0, 0, routing_bytes_};
  for (const auto& p : projections_) {
    mem[0] += p.store.synapse_bytes();
    mem[1] += p.store.index_bytes();
  }
  comm_.allreduce_sum(std::span<std::uint64_t>(mem, 3));
  const double nsyn = static_cast<double>(std::max<std::uint64_t>(1, global_synapses_));
  h5::attr(f, "bytes_per_synapse", static_cast<double>(mem[0]) / nsyn);
  h5::attr(f, "connectivity_bytes_per_synapse",
           static_cast<double>(mem[0] + mem[1] + mem[2]) / nsyn);
  {
    // Plastic synapses: per-synapse arrays (CSR target + weight + post-major entry) and
    // the rest of the plastic state (post-major row pointers, segment hints, traces).
    std::uint64_t pm[3] = {0, 0, 0};
    if (plasticity_) {
      pm[0] = plasticity_->plastic_synapses();
      pm[1] = plasticity_->plastic_synapse_bytes();
      pm[2] = plasticity_->plastic_state_bytes();
    }
    comm_.allreduce_sum(std::span<std::uint64_t>(pm, 3));
    h5::attr(f, "plastic_synapses", pm[0]);
    h5::attr(f, "plastic_bytes_per_synapse", pm[0] ? static_cast<double>(pm[1]) / static_cast<double>(pm[0]) : 0.0);
    h5::attr(f, "plastic_state_bytes_per_synapse",
             pm[0] ? static_cast<double>(pm[2]) / static_cast<double>(pm[0]) : 0.0);
  }
  h5::attr(f, "wall_build", r.wall_build);
  h5::attr(f, "wall_run", r.wall_run);
  // Of this run: a restarted run's wall time covers t_begin .. t_end only.
  h5::attr(f, "t_begin", r.t_begin);
  h5::attr(f, "wall_per_simulated_second", r.wall_per_simulated_second());
  {
    h5::handle g = h5::create_group(f, "config");
    if (cfg) {
      h5::attr(g, "file", cfg->file_name());
      h5::attr(g, "variant", cfg->variant());
      std::string ov;
      for (const auto& o : cfg->overrides()) ov += (ov.empty() ? "" : "\n") + o;
      h5::attr(g, "overrides", ov);
      h5::write_text(comm_, g, "resolved", cfg->resolved_text());
      h5::write_text(comm_, g, "source", cfg->source_text());
    }
  }
  {
    h5::handle g = h5::create_group(f, "populations");
    for (std::size_t p = 0; p < spec_.populations.size(); ++p) {
      const auto& pop = spec_.populations[p];
      h5::handle pg = h5::create_group(g, pop.name);
      h5::attr(pg, "size", pop.size);
      h5::attr(pg, "first_gid", static_cast<std::uint64_t>(pop.first_gid));
      h5::attr(pg, "model", pop.model);
      h5::attr(pg, "spikes", r.spikes[p]);
      h5::attr(pg, "mean_rate", r.t_end > 0 ? static_cast<double>(r.spikes[p]) * 1000.0 /
                                                   (static_cast<double>(pop.size) * r.t_end)
                                             : 0.0);
    }
  }
  {
    h5::handle g = h5::create_group(f, "projections");
    for (std::size_t i = 0; i < projections_.size(); ++i) {
      const auto& pr = *projections_[i].spec;
      std::uint64_t n = projections_[i].store.size();
      comm_.allreduce_sum(std::span<std::uint64_t>(&n, 1));
      h5::handle pg = h5::create_group(g, pr.name);
      h5::attr(pg, "source", spec_.populations[pr.source].name);
      h5::attr(pg, "target", spec_.populations[pr.target].name);
      h5::attr(pg, "receptor", pr.receptor);
      h5::attr(pg, "rule", std::string(to_string(pr.rule)));
      h5::attr(pg, "synapses", n);
      if (pr.plasticity) {
        std::string rules, text;
        for (const auto& rule : pr.plasticity->rules) {
          rules += (rules.empty() ? "" : ", ") + rule.type;
          text += (text.empty() ? "" : "\n") + rule.type + ": " + rule.summary;
        }
        h5::attr(pg, "plasticity", rules);
        h5::attr(pg, "plasticity_rules", text);
      }
    }
  }
  if (patterns_) write_patterns(comm_, f, spec_.populations[spec_.patterns->population].name, *patterns_);
  {
    h5::handle g = h5::create_group(f, "timers");
    h5::attr(g, "units", std::string("s"));
    for (int p = 0; p < static_cast<int>(phase::count_); ++p) {
      h5::write_per_rank(comm_, g, phase_name(static_cast<phase>(p)), timers_.get(static_cast<phase>(p)));
    }
  }
  {
    h5::handle g = h5::create_group(f, "ranks");
    std::uint64_t neurons = 0;
    for (const auto& v : gids_) neurons += v.size();
    h5::write_per_rank(comm_, g, "neurons", static_cast<double>(neurons));
    h5::write_per_rank(comm_, g, "synapses", static_cast<double>(local_synapses()));
    h5::write_per_rank(comm_, g, "spikes_sent", static_cast<double>(exchange_->messages_sent()));
    h5::write_per_rank(comm_, g, "bytes_sent", static_cast<double>(exchange_->bytes_sent()));
    h5::write_per_rank(comm_, g, "peak_rss_bytes", static_cast<double>(peak_rss_bytes()));
  }
}

}  // namespace balnet

// The simulation: builds the rank's share of the network and runs the step loop,
// exchanging spikes once per min-delay interval.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "balnet/comm/communicator.hpp"
#include "balnet/comm/spike_exchange.hpp"
#include "balnet/input/input_driver.hpp"
#include "balnet/sim/recorder.hpp"
#include "balnet/model/neuron_group.hpp"
#include "balnet/network/partition.hpp"
#include "balnet/network/routing.hpp"
#include "balnet/network/spec.hpp"
#include "balnet/network/synapse_store.hpp"
#include "balnet/sim/timers.hpp"

namespace balnet {

class config;
class output_file;
struct pattern_set;
class spike_recorder;
class rate_recorder;
class plasticity_engine;
class plastic_projection;
struct state_set;

struct run_options {
  bool quiet = false;              // no progress lines
  std::string command_line;        // recorded in the output file
  // If set, every local spike is appended here as (step, gid) (tests, in-process analysis).
  std::vector<std::pair<step_t, gid_t>>* capture = nullptr;
  // Checkpoints (docs/checkpoint.md, sim/simulation_state.cpp).
  std::string checkpoint_file;         // empty: no checkpoints
  step_t checkpoint_every = 0;         // simulated steps between checkpoints (0: none)
  double checkpoint_every_wall = 0.0;  // wall-clock seconds between checkpoints (0: none)
  step_t stop_at = -1;                 // checkpoint at the first interval end >= this step, return
  bool signals = false;                // SIGTERM/SIGUSR1 (signals.hpp): checkpoint and return
  const state_set* restart = nullptr;  // continue this checkpoint (after load_state)
  std::map<std::string, std::string> checkpoint_texts;  // stored in every checkpoint
  std::string restart_history;         // one line per restart, for the output's provenance
};

struct run_result {
  step_t steps_done = 0;
  double t_begin = 0.0;            // ms: where this run started (0, or its checkpoint's time)
  double t_end = 0.0;              // ms
  bool stopped = false;            // by the rate checker
  std::string stop_reason;
  std::vector<std::uint64_t> spikes;  // per population, all ranks
  double wall_build = 0.0;
  double wall_run = 0.0;           // s, of this run (from t_begin), not of earlier segments
  bool checkpointed = false;       // stopped after writing a checkpoint (stop_at or a signal)
  std::string checkpoint_reason;   // why
  int checkpoints = 0;             // checkpoints written
  std::string checkpoint_error;    // a checkpoint could not be written (the run stopped)

  // Simulated time of this run (t_begin .. t_end), in s, and its wall time per simulated s.
  double simulated_seconds() const { return (t_end - t_begin) * 1e-3; }
  double wall_per_simulated_second() const { return t_end > t_begin ? wall_run / simulated_seconds() : 0.0; }
};

class simulation {
 public:
  simulation(const network_spec& spec, communicator& comm);
  ~simulation();

  // Collective: creates neurons, synapses, inputs and the routing table.
  void build();
  // Collective: runs from step 0 to t_stop, writing into `out` if given.
  run_result run(output_file* out, const config* cfg, const run_options& opt);

  const network_spec& spec() const { return spec_; }
  const partition& part() const { return part_; }
  neuron_group& group(std::size_t population) { return *groups_[population]; }
  const std::vector<gid_t>& local_gids(std::size_t population) const { return gids_[population]; }
  const synapse_store& store(std::size_t projection) const { return projections_[projection].store; }
  // Plasticity (nullptr when every projection is static).
  plasticity_engine* plasticity() { return plasticity_.get(); }
  const plasticity_engine* plasticity() const { return plasticity_.get(); }
  std::uint64_t local_synapses() const;
  std::uint64_t global_synapses() const { return global_synapses_; }
  std::uint16_t min_delay() const { return min_delay_; }
  const timers& phase_timers() const { return timers_; }
  // The [patterns] (nullptr without the section).
  const pattern_set* patterns() const { return patterns_.get(); }

  // Checkpoints (sim/simulation_state.cpp). "" if every neuron model and input of the
  // network supports checkpoints, otherwise the reason (local, no communication).
  std::string checkpoint_support() const;
  // Collective: the network's structure (populations, projections with a connectivity
  // checksum, inputs, recorders) as text lines; a restart must find the same.
  const std::string& structure_fingerprint();
  // Local: neurons, inputs, plasticity and spikes in flight at step t (an interval end).
  void save_state(state_set& out, step_t t) const;
  // Collective: checks the checkpoint's structure against this network (config_error
  // naming the first difference), then loads the state.
  void load_state(const state_set& in);

 private:
  struct projection_state {
    const projection_spec* spec;
    synapse_store store;
    double* input = nullptr;   // receptor input of the target group (double precision)
    float* input_single = nullptr;  // ... or of a single-precision group
    double scale = 1.0;       // receptor_scale of that receptor
    plastic_projection* plastic = nullptr;  // set for plastic projections
  };
  struct arrival {
    gid_t src;
    std::uint32_t projection;
    std::uint32_t segment;
    std::uint32_t begin, end;  // the segment's synapses (read when scheduled, for prefetching)
  };

  network_spec spec_;
  communicator& comm_;
  std::shared_ptr<const pattern_set> patterns_;
  partition part_;
  timers timers_;
  std::vector<std::unique_ptr<neuron_group>> groups_;
  std::vector<std::vector<gid_t>> gids_;
  std::vector<projection_state> projections_;
  std::vector<std::vector<std::uint32_t>> by_source_;  // projections per source population
  std::vector<std::unique_ptr<input_driver>> inputs_;
  std::vector<std::unique_ptr<recorder>> recorders_;
  std::unique_ptr<plasticity_engine> plasticity_;
  routing_table routing_;
  std::unique_ptr<spike_exchange> exchange_;
  std::vector<std::vector<arrival>> buckets_;  // ring over arrival steps
  std::vector<arrival> arrival_scratch_;       // for sorting a bucket
  gid_t max_gid_ = 0;
  std::uint16_t min_delay_ = 1, max_delay_ = 1;
  std::uint64_t global_synapses_ = 0;
  std::uint64_t routing_bytes_ = 0;
  std::vector<index_t> spiked_;
  double clock_ = 0.0;  // wall clock at the end of the last timed region
  std::vector<std::uint64_t> sync_counts_;  // local spikes per population since last sync

  void deliver(step_t t);
  void prefetch_arrival(const arrival& a) const;
  void schedule(step_t interval_start, const std::vector<spike_msg>& msgs);
  void step(step_t t, step_t interval_start, spike_recorder* spikes, rate_recorder* rates,
            std::vector<std::pair<step_t, gid_t>>* capture);
  int population_of(gid_t g) const;
  std::string fingerprint_;
  step_t restored_step_ = 0;
  // Flushes the output, saves everything at step t and writes opt.checkpoint_file (collective).
  void write_checkpoint_at(step_t t, step_t last_sync, output_file* out, spike_recorder* spikes,
                           rate_recorder* rates, const run_result& r, const run_options& opt);
  // Loop state of a restart: step, sync position, spike totals, recorders (collective).
  void restore_run(const state_set& in, spike_recorder* spikes, rate_recorder* rates, run_result& r,
                   step_t& t, step_t& last_sync);
  void write_metadata(output_file& out, const config* cfg, const run_options& opt,
                      const run_result& r);
};

}  // namespace balnet

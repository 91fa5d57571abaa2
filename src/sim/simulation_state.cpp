// Checkpoint and restart of a simulation: what the simulation itself holds (spikes in
// flight, loop position, recorders) and the calls into each component's state (neuron
// groups, inputs, plasticity). Layout in docs/output.md, use in docs/checkpoint.md.
#include <algorithm>
#include <sstream>

#include "balnet/core/error.hpp"
#include "balnet/io/checkpoint.hpp"
#include "balnet/io/output_file.hpp"
#include "balnet/io/state_io.hpp"
#include "balnet/plasticity/plasticity_engine.hpp"
#include "balnet/sim/simulation.hpp"
#include "balnet/sim/timers.hpp"

namespace balnet {

namespace {

std::uint64_t mix64(std::uint64_t x) {  // splitmix64 finaliser
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Recorder types whose save_state/load_state are implemented.
bool recorder_checkpointable(const std::string& type) {
  return type == "state" || type == "weight_snapshot" || type == "weights" || type == "weight_stats" ||
         type == "synaptic";
}

}  // namespace

std::string simulation::checkpoint_support() const {
  for (std::size_t p = 0; p < groups_.size(); ++p) {
    state_set probe;
    try {
      groups_[p]->save_state(probe, "probe", gids_[p]);
    } catch (const std::exception& e) {
      return std::string(e.what()) + " (population " + spec_.populations[p].name + ")";
    }
  }
  for (std::size_t i = 0; i < inputs_.size(); ++i) {
    state_set probe;
    if (!inputs_[i]->save_state(probe, "probe")) {
      return "input type " + spec_.inputs[i]->type + " ([input." + spec_.inputs[i]->name +
             "]) does not support checkpoints yet";
    }
  }
  for (const auto& rs : spec_.recorders) {
    if (!recorder_checkpointable(rs->type)) {
      return "recorder type " + rs->type + " ([recorder." + rs->name + "]) does not support checkpoints yet";
    }
  }
  return "";
}

const std::string& simulation::structure_fingerprint() {
  if (!fingerprint_.empty()) return fingerprint_;
  std::ostringstream o;
  o.precision(17);
  o << "dt " << spec_.run.dt << "\n";
  for (const auto& pop : spec_.populations) {
    o << "population " << pop.name << " size " << pop.size << " first_gid " << pop.first_gid << " model " << pop.model
      << "\n";
  }
  std::vector<std::uint64_t> sums;
  for (const auto& ps : projections_) {
    const auto& pr = *ps.spec;
    const gid_t first = spec_.populations[pr.source].first_gid;
    const auto& post = gids_[pr.target];
    const auto& st = ps.store;
    std::uint64_t n = st.size(), h = 0;
    for (std::uint32_t row = 0; row < st.rows(); ++row) {
      for (std::uint32_t s = st.seg_begin(row); s < st.seg_end(row); ++s) {
        for (std::uint32_t k = st.syn_begin(s); k < st.syn_end(s); ++k) {
          h += mix64(mix64(first + row) ^ (post[st.target(k)] * 0x100000001B3ull) ^ (std::uint64_t{st.delay(s)} << 48));
        }
      }
    }
    sums.push_back(n);
    sums.push_back(h);
  }
  comm_.allreduce_sum(sums);
  for (std::size_t i = 0; i < projections_.size(); ++i) {
    const auto& pr = *projections_[i].spec;
    o << "projection " << pr.name << " " << spec_.populations[pr.source].name << " -> "
      << spec_.populations[pr.target].name << " receptor " << pr.receptor << " synapses " << sums[2 * i]
      << " connectivity checksum " << std::hex << sums[2 * i + 1] << std::dec << " plastic "
      << (projections_[i].plastic ? "yes" : "no") << "\n";
  }
  for (const auto& in : spec_.inputs) o << "input " << in->name << " type " << in->type << "\n";
  o << "spikes recorded:";
  for (auto p : spec_.run.record_spikes) o << " " << spec_.populations[p].name;
  o << "\nrate bin " << spec_.run.rate_bin << " ms\n";
  for (const auto& rs : spec_.recorders) o << "recorder " << rs->name << " type " << rs->type << "\n";
  fingerprint_ = o.str();
  return fingerprint_;
}

void simulation::save_state(state_set& out, step_t t) const {
  for (std::size_t p = 0; p < groups_.size(); ++p) {
    groups_[p]->save_state(out, "populations/" + spec_.populations[p].name, gids_[p]);
  }
  for (std::size_t i = 0; i < inputs_.size(); ++i) {
    if (!inputs_[i]->save_state(out, "inputs/" + spec_.inputs[i]->name)) {
      throw config_error("input type " + spec_.inputs[i]->type + " does not support checkpoints yet");
    }
  }
  if (plasticity_) plasticity_->save_state(out, "plasticity", gids_);
  // Spikes in flight: each bucket entry is one arrival (source, projection, segment) at a
  // step in [t, t + max delay]; (source gid, emission step) pairs are rank-independent.
  std::vector<std::pair<gid_t, step_t>> sent;
  const auto ring = static_cast<step_t>(buckets_.size());
  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    if (buckets_[b].empty()) continue;
    const step_t arrival = t + ((static_cast<step_t>(b) - t % ring) + ring) % ring;
    for (const auto& a : buckets_[b]) {
      sent.emplace_back(a.src, arrival - projections_[a.projection].store.delay(a.segment));
    }
  }
  std::sort(sent.begin(), sent.end());
  sent.erase(std::unique(sent.begin(), sent.end()), sent.end());
  auto& f = out.table("in_flight");
  auto& g = f.column("gid");
  auto& e = f.column("step");
  for (const auto& [gid, step] : sent) {
    g.push_back(static_cast<double>(gid));
    e.push_back(static_cast<double>(step));
  }
}

void simulation::load_state(const state_set& in) {
  // Structure first: a checkpoint of another network must not be half loaded.
  const std::string& now = structure_fingerprint();
  const std::string& then = in.text("structure");
  if (now != then) {
    std::istringstream a(then), b(now);
    std::string la, lb;
    while (true) {
      const bool ga = static_cast<bool>(std::getline(a, la));
      const bool gb = static_cast<bool>(std::getline(b, lb));
      if (!ga && !gb) break;
      if (!ga) la = "(nothing)";
      if (!gb) lb = "(nothing)";
      if (la != lb) {
        throw config_error("cannot restart: the network differs from the checkpointed one: the checkpoint has '" + la +
                           "', the configuration now gives '" + lb +
                           "' (populations, sizes, projections, connectivity, inputs and recorders cannot change)");
      }
    }
  }
  const auto t = static_cast<step_t>(in.at("run").scalar("step"));
  restored_step_ = t;
  for (std::size_t p = 0; p < groups_.size(); ++p) {
    groups_[p]->load_state(in, "populations/" + spec_.populations[p].name, gids_[p]);
  }
  for (std::size_t i = 0; i < inputs_.size(); ++i) inputs_[i]->load_state(in, "inputs/" + spec_.inputs[i]->name);
  if (plasticity_) plasticity_->load_state(in, "plasticity", gids_);
  // Spikes in flight: every rank schedules the arrivals at steps >= t over its own synapses.
  const auto& f = in.at("in_flight");
  const auto& g = f.at("gid");
  const auto& e = f.at("step");
  std::vector<std::pair<gid_t, step_t>> sent;
  for (std::size_t r = 0; r < g.size(); ++r) sent.emplace_back(static_cast<gid_t>(g[r]), static_cast<step_t>(e[r]));
  std::sort(sent.begin(), sent.end());
  sent.erase(std::unique(sent.begin(), sent.end()), sent.end());  // written by several ranks
  for (auto& b : buckets_) b.clear();
  const auto ring = static_cast<step_t>(buckets_.size());
  for (const auto& [gid, emitted] : sent) {
    const int p = population_of(gid);
    if (p < 0) throw config_error("the checkpoint has a spike of neuron " + std::to_string(gid) + ", not in this network");
    const auto row = static_cast<std::uint32_t>(gid - spec_.populations[static_cast<std::size_t>(p)].first_gid);
    for (auto pi : by_source_[static_cast<std::size_t>(p)]) {
      const auto& st = projections_[pi].store;
      for (std::uint32_t s = st.seg_begin(row); s < st.seg_end(row); ++s) {
        const step_t arrival = emitted + st.delay(s);
        if (arrival < t) continue;  // delivered before the checkpoint
        buckets_[static_cast<std::size_t>(arrival % ring)].push_back({gid, pi, s, st.syn_begin(s), st.syn_end(s)});
      }
    }
  }
}

void simulation::write_checkpoint_at(step_t t, step_t last_sync, output_file* out, spike_recorder* spikes,
                                     rate_recorder* rates, const run_result& r, const run_options& opt) {
  scoped_timer w(timers_, phase::write);
  // The output holds everything before t, so that a restart can append from there.
  if (out) {
    spikes->flush(t);
    rates->flush(t);
    for (auto& rc : recorders_) rc->flush(t);
    H5Fflush(out->file(), H5F_SCOPE_GLOBAL);
  }
  state_set s;
  save_state(s, t);
  auto& run = s.table("run");
  run.scalars["step"] = static_cast<double>(t);
  run.scalars["last_sync"] = static_cast<double>(last_sync);
  run.scalars["ranks"] = comm_.size();
  run.scalars["dt"] = spec_.run.dt;
  for (std::size_t p = 0; p < r.spikes.size(); ++p) run.scalars[indexed_name("spikes_", p)] = static_cast<double>(r.spikes[p]);
  auto& sc = s.table("run/sync_counts");  // spikes since the last sync point, per rank
  for (std::size_t p = 0; p < sync_counts_.size(); ++p) {
    sc.column("population").push_back(static_cast<double>(p));
    sc.column("count").push_back(static_cast<double>(sync_counts_[p]));
  }
  if (out) {
    spikes->save_state(s, t);
    rates->save_state(s);
    for (std::size_t i = 0; i < recorders_.size(); ++i) {
      if (!recorders_[i]->save_state(s, "recorders/" + spec_.recorders[i]->name)) {
        throw config_error("recorder type " + spec_.recorders[i]->type + " does not support checkpoints yet");
      }
    }
  }
  s.texts = opt.checkpoint_texts;
  s.texts["structure"] = structure_fingerprint();
  s.texts["output"] = out ? out->path() : std::string();
  write_checkpoint(opt.checkpoint_file, comm_, s);
}

void simulation::restore_run(const state_set& in, spike_recorder* spikes, rate_recorder* rates, run_result& r,
                             step_t& t, step_t& last_sync) {
  const auto& run = in.at("run");
  t = static_cast<step_t>(run.scalar("step"));
  last_sync = static_cast<step_t>(run.scalar("last_sync"));
  for (std::size_t p = 0; p < r.spikes.size(); ++p) {
    r.spikes[p] = static_cast<std::uint64_t>(run.scalar(indexed_name("spikes_", p)));
  }
  std::fill(sync_counts_.begin(), sync_counts_.end(), 0);
  if (comm_.rank() == 0) {  // summed over ranks at the next sync point: one rank holds them
    const auto& sc = in.at("run/sync_counts");
    const auto& pop = sc.at("population");
    const auto& n = sc.at("count");
    for (std::size_t i = 0; i < pop.size(); ++i) sync_counts_[static_cast<std::size_t>(pop[i])] += static_cast<std::uint64_t>(n[i]);
  }
  if (spikes) spikes->load_state(in, t);
  if (rates) rates->load_state(in, comm_.rank());
  for (std::size_t i = 0; i < recorders_.size(); ++i) recorders_[i]->load_state(in, "recorders/" + spec_.recorders[i]->name);
}

}  // namespace balnet

// The run's one HDF5 file (layout in docs/output.md): created under a temporary name,
// written collectively by all ranks, renamed to its final name only when complete.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "balnet/comm/communicator.hpp"
#include "balnet/core/types.hpp"
#include "balnet/io/h5.hpp"
#include "balnet/network/spec.hpp"

namespace balnet {

struct state_set;

class output_file {
 public:
  // Collective: creates `path` + ".part" (truncating it).
  output_file(std::string path, communicator& comm);
  // Collective: reopens `path` + ".part", the incomplete file of a checkpointed run, to append
  // to it (a restart); throws io_error when there is none.
  struct reopen_tag {};
  output_file(std::string path, communicator& comm, reopen_tag);
  ~output_file();
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;

  hid_t file() const { return file_.get(); }
  const std::string& path() const { return path_; }
  std::string temp_path() const { return path_ + ".part"; }
  communicator& comm() { return comm_; }

  // Collective: closes the file and renames it to its final name.
  void finish();
  // Collective: closes the file and deletes it (used when a run fails); a reopened file is
  // kept (it still belongs to its checkpoint).
  void abandon();
  // Collective: closes the file and keeps it under its temporary name (a run that stopped
  // after a checkpoint; a restart appends to it).
  void suspend();

 private:
  std::string path_;
  communicator& comm_;
  h5::handle file_;
  bool done_ = false;
  bool reopened_ = false;  // a checkpointed run's file: abandon() keeps it for another restart
};

// Buffers spikes of the recorded populations and writes them, sorted by time then node id
// (SONATA sorting = by_time), so the file is identical at any number of ranks.
class spike_recorder {
 public:
  spike_recorder(output_file& out, const network_spec& net);

  void record(step_t t, gid_t g) { buffer_.push_back({t, g}); }
  bool records(std::size_t population) const { return recorded_[population]; }
  std::uint64_t buffered() const { return buffer_.size(); }
  // Collective: writes every buffered spike with step < end (all of them), then clears.
  void flush(step_t end);
  std::uint64_t written(std::size_t population) const;
  // Checkpoints (after flush(t)): datasets' lengths; load_state truncates the datasets to them
  // (a run may have written past its last checkpoint) and continues from step t.
  void save_state(state_set& out, step_t t) const;
  void load_state(const state_set& in, step_t t);

 private:
  struct entry {
    step_t step;
    gid_t gid;
  };
  output_file& out_;
  const network_spec& net_;
  std::vector<bool> recorded_;
  std::vector<h5::appendable> times_, ids_;
  std::vector<entry> buffer_;
  // Scratch of flush(), kept between flushes (see flush()).
  std::vector<std::vector<entry>> per_dest_;
  std::vector<entry> mine_;
  std::vector<double> t_;
  std::vector<std::uint64_t> id_;
  step_t window_start_ = 0;
};

// Population rates in fixed bins (Hz), summed over ranks with exact integer counts.
class rate_recorder {
 public:
  rate_recorder(output_file& out, const network_spec& net, step_t start);

  void add(step_t t, std::size_t population, std::uint64_t spikes) {
    counts_[population][static_cast<std::size_t>((t / bin_steps_) - first_bin_)] += spikes;
  }
  // Makes room for the bins up to step `end` (call before a batch of add()).
  void reserve_until(step_t end);
  // Collective: writes the complete bins before step `end`.
  void flush(step_t end);
  // Checkpoints (after flush): dataset lengths and the counts of the incomplete bins.
  void save_state(state_set& out) const;
  void load_state(const state_set& in, int rank);

 private:
  output_file& out_;
  const network_spec& net_;
  step_t bin_steps_;
  step_t first_bin_;  // bin index of counts_[p][0]
  std::vector<std::vector<std::uint64_t>> counts_;
  std::vector<h5::appendable> rates_;
};

}  // namespace balnet

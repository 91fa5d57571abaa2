// Checkpoint state of the spike and rate recorders (what a restart needs to append to the
// same output file as if the run had not stopped).
#include "balnet/core/error.hpp"
#include "balnet/io/output_file.hpp"
#include "balnet/io/state_io.hpp"

namespace balnet {

void spike_recorder::save_state(state_set& out, step_t t) const {
  auto& s = out.table("output/spikes");
  s.scalars["window_start"] = static_cast<double>(t);
  for (std::size_t p = 0; p < net_.populations.size(); ++p) {
    if (recorded_[p]) s.scalars["written_" + net_.populations[p].name] = static_cast<double>(times_[p].size());
  }
}

void spike_recorder::load_state(const state_set& in, step_t t) {
  const auto& s = in.at("output/spikes");
  for (std::size_t p = 0; p < net_.populations.size(); ++p) {
    if (!recorded_[p]) continue;
    const auto n = static_cast<std::uint64_t>(s.scalar("written_" + net_.populations[p].name));
    if (times_[p].size() < n || ids_[p].size() < n) {
      throw io_error(out_.temp_path() + ": holds fewer spikes of " + net_.populations[p].name +
                     " than the checkpoint says were written (a different or damaged output file)");
    }
    times_[p].truncate(n);
    ids_[p].truncate(n);
  }
  buffer_.clear();
  window_start_ = t;
}

void rate_recorder::save_state(state_set& out) const {
  auto& s = out.table("output/rates");
  s.scalars["first_bin"] = static_cast<double>(first_bin_);
  for (std::size_t p = 0; p < net_.populations.size(); ++p) {
    s.scalars["written_" + net_.populations[p].name] = static_cast<double>(rates_[p].size());
  }
  // Each rank's counts of the incomplete bins; a restart sums them on one rank.
  auto& c = out.table("output/rates/pending");
  auto& pop = c.column("population");
  auto& bin = c.column("bin");
  auto& n = c.column("count");
  for (std::size_t p = 0; p < counts_.size(); ++p) {
    for (std::size_t b = 0; b < counts_[p].size(); ++b) {
      if (counts_[p][b] == 0) continue;
      pop.push_back(static_cast<double>(p));
      bin.push_back(static_cast<double>(first_bin_ + static_cast<step_t>(b)));
      n.push_back(static_cast<double>(counts_[p][b]));
    }
  }
}

void rate_recorder::load_state(const state_set& in, int rank) {
  const auto& s = in.at("output/rates");
  first_bin_ = static_cast<step_t>(s.scalar("first_bin"));
  for (std::size_t p = 0; p < net_.populations.size(); ++p) {
    const auto n = static_cast<std::uint64_t>(s.scalar("written_" + net_.populations[p].name));
    if (rates_[p].size() < n) {
      throw io_error(out_.temp_path() + ": holds fewer rate bins than the checkpoint says were written");
    }
    rates_[p].truncate(n);
  }
  for (auto& c : counts_) c.clear();
  if (rank != 0) return;  // the counts are summed over ranks when written: one rank holds them
  const auto& c = in.at("output/rates/pending");
  const auto& pop = c.at("population");
  const auto& bin = c.at("bin");
  const auto& n = c.at("count");
  for (std::size_t r = 0; r < pop.size(); ++r) {
    auto& v = counts_[static_cast<std::size_t>(pop[r])];
    const auto b = static_cast<std::size_t>(static_cast<step_t>(bin[r]) - first_bin_);
    if (v.size() <= b) v.resize(b + 1, 0);
    v[b] += static_cast<std::uint64_t>(n[r]);
  }
}

}  // namespace balnet

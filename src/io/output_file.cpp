#include "balnet/io/output_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "balnet/core/error.hpp"

namespace balnet {

output_file::output_file(std::string path, communicator& comm)
    : path_(std::move(path)), comm_(comm) {
  file_ = h5::create_file(temp_path(), comm_);
  h5::attr(file_, "magic", static_cast<std::uint64_t>(0x0A7A));
}

output_file::output_file(std::string path, communicator& comm, reopen_tag)
    : path_(std::move(path)), comm_(comm) {
  file_ = h5::open_file(temp_path(), comm_, true);
  reopened_ = true;
}

void output_file::suspend() {
  H5Fflush(file_, H5F_SCOPE_GLOBAL);
  file_.reset();
  comm_.barrier();
  done_ = true;
}

output_file::~output_file() {
  if (!done_) {
    // Unwinding from an error that every rank saw: drop the incomplete file.
    try {
      abandon();
    } catch (...) {
    }
  }
}

void output_file::finish() {
  H5Fflush(file_, H5F_SCOPE_GLOBAL);
  file_.reset();
  comm_.barrier();
  bool ok = true;
  std::string msg;
  if (comm_.rank() == 0 && std::rename(temp_path().c_str(), path_.c_str()) != 0) {
    ok = false;
    msg = path_ + ": cannot rename " + temp_path() + " to the final name";
  }
  done_ = true;
  if (!comm_.all_ok(ok)) throw io_error(msg.empty() ? path_ + ": rename failed on rank 0" : msg);
}

void output_file::abandon() {
  done_ = true;
  file_.reset();
  if (comm_.rank() == 0 && !reopened_) std::remove(temp_path().c_str());
}

// ---------------------------------------------------------------------------------------

spike_recorder::spike_recorder(output_file& out, const network_spec& net)
    : out_(out), net_(net), recorded_(net.populations.size(), false) {
  const bool reopen = h5::exists(out_.file(), "spikes");  // a restart appends
  h5::handle spikes = reopen ? h5::open_group(out_.file(), "spikes") : h5::create_group(out_.file(), "spikes");
  times_.resize(net.populations.size());
  ids_.resize(net.populations.size());
  for (std::size_t p : net.run.record_spikes) {
    recorded_[p] = true;
    const auto& pop = net.populations[p];
    if (reopen) {
      h5::handle g = h5::open_group(spikes, pop.name);
      times_[p] = h5::appendable::open(g, "timestamps", H5T_NATIVE_DOUBLE);
      ids_[p] = h5::appendable::open(g, "node_ids", H5T_NATIVE_UINT64);
      continue;
    }
    h5::handle g = h5::create_group(spikes, pop.name);
    h5::attr_sorting(g, 2);
    times_[p] = h5::appendable(g, "timestamps", H5T_NATIVE_DOUBLE, 1 << 16);
    h5::attr(times_[p].id(), "units", std::string("ms"));
    ids_[p] = h5::appendable(g, "node_ids", H5T_NATIVE_UINT64, 1 << 16);
  }
  buffer_.reserve(std::min<std::uint64_t>(net.run.flush_spikes, 1u << 20));
}

std::uint64_t spike_recorder::written(std::size_t p) const {
  return recorded_[p] ? times_[p].size() : 0;
}

void spike_recorder::flush(step_t end) {
  auto& comm = out_.comm();
  const int ranks = comm.size();
  const auto less = [](const entry& a, const entry& b) {
    return a.step != b.step ? a.step < b.step : a.gid < b.gid;
  };
  // The scratch vectors are members: they keep their capacity from flush to flush, so a
  // flush touches memory that is already mapped (fresh pages cost a fault each).
  const std::vector<entry>* window = &buffer_;
  if (ranks == 1) {
    // One rank holds the whole window, recorded in (step, gid) order already.
    if (!std::is_sorted(buffer_.begin(), buffer_.end(), less)) std::stable_sort(buffer_.begin(), buffer_.end(), less);
  } else {
    // Rank k gathers the spikes of the k-th slice of [window_start_, end) and writes them
    // after the slices of ranks < k: the file is sorted by (time, gid) for any rank count.
    const step_t start = window_start_;
    const step_t span = std::max<step_t>(1, end - start);
    per_dest_.resize(static_cast<std::size_t>(ranks));
    for (auto& v : per_dest_) v.clear();
    for (const auto& e : buffer_) {
      const auto k = static_cast<std::size_t>(((e.step - start) * ranks) / span);
      per_dest_[std::min<std::size_t>(k, static_cast<std::size_t>(ranks - 1))].push_back(e);
    }
    std::vector<int> counts;
    mine_ = comm.exchange(per_dest_, &counts);
    // Each rank's block is sorted by (step, gid): merge the runs pairwise.
    std::vector<std::size_t> bounds = {0};
    for (int c : counts) bounds.push_back(bounds.back() + static_cast<std::size_t>(c));
    while (bounds.size() > 2) {
      std::vector<std::size_t> next = {0};
      for (std::size_t k = 0; k + 2 < bounds.size(); k += 2) {
        std::inplace_merge(mine_.begin() + static_cast<std::ptrdiff_t>(bounds[k]),
                           mine_.begin() + static_cast<std::ptrdiff_t>(bounds[k + 1]),
                           mine_.begin() + static_cast<std::ptrdiff_t>(bounds[k + 2]), less);
        next.push_back(bounds[k + 2]);
      }
      if (bounds.size() % 2 == 0) next.push_back(bounds.back());
      bounds.swap(next);
    }
    window = &mine_;
  }
  for (std::size_t p = 0; p < net_.populations.size(); ++p) {
    if (!recorded_[p]) continue;
    const auto& pop = net_.populations[p];
    t_.clear();
    id_.clear();
    for (const auto& e : *window) {
      if (pop.contains(e.gid)) {
        t_.push_back(static_cast<double>(e.step) * net_.run.dt);
        id_.push_back(e.gid - pop.first_gid);
      }
    }
    times_[p].append(comm, t_.data(), t_.size());
    ids_[p].append(comm, id_.data(), id_.size());
  }
  buffer_.clear();
  window_start_ = end;
}

// ---------------------------------------------------------------------------------------

rate_recorder::rate_recorder(output_file& out, const network_spec& net, step_t start)
    : out_(out), net_(net) {
  bin_steps_ = std::max<step_t>(1, static_cast<step_t>(std::llround(net.run.rate_bin / net.run.dt)));
  first_bin_ = start / bin_steps_;
  counts_.resize(net.populations.size());
  if (h5::exists(out_.file(), "rates")) {  // a restart appends
    h5::handle g = h5::open_group(out_.file(), "rates");
    for (const auto& pop : net.populations) rates_.push_back(h5::appendable::open(g, pop.name, H5T_NATIVE_DOUBLE));
    return;
  }
  h5::handle g = h5::create_group(out_.file(), "rates");
  h5::attr(g, "bin", net.run.rate_bin);
  h5::attr(g, "units", std::string("Hz"));
  h5::attr(g, "t_start", static_cast<double>(first_bin_ * bin_steps_) * net.run.dt);
  for (const auto& pop : net.populations) {
    rates_.emplace_back(g, pop.name, H5T_NATIVE_DOUBLE, 1 << 14);
  }
}

void rate_recorder::reserve_until(step_t end) {
  const auto need = static_cast<std::size_t>((end + bin_steps_ - 1) / bin_steps_ - first_bin_ + 1);
  for (auto& c : counts_) {
    if (c.size() < need) c.resize(need, 0);
  }
}

void rate_recorder::flush(step_t end) {
  auto& comm = out_.comm();
  const step_t complete = end / bin_steps_ - first_bin_;  // bins finished before `end`
  if (complete <= 0) {
    // Still collective: every rank takes part in the (empty) appends.
    for (auto& r : rates_) r.append(comm, nullptr, 0);
    return;
  }
  const auto n = static_cast<std::size_t>(complete);
  std::vector<double> rate(n);
  for (std::size_t p = 0; p < counts_.size(); ++p) {
    auto& c = counts_[p];
    if (c.size() < n) c.resize(n, 0);
    std::vector<std::uint64_t> sum(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(n));
    comm.allreduce_sum(sum);
    const double norm = 1000.0 / (static_cast<double>(net_.populations[p].size) *
                                  static_cast<double>(bin_steps_) * net_.run.dt);
    for (std::size_t b = 0; b < n; ++b) rate[b] = static_cast<double>(sum[b]) * norm;
    rates_[p].append(comm, rate.data(), comm.rank() == 0 ? n : 0);
    c.erase(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(n));
  }
  first_bin_ += complete;
}

}  // namespace balnet

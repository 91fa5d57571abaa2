// Spike exchange once per min-delay interval: counts with MPI_Alltoall, payload with
// MPI_Alltoallv. A few control bits ride along with the counts, so every rank learns at
// each exchange whether any rank asked to stop (signals, errors) without an extra collective.
#pragma once

#include <cstdint>
#include <vector>

#include "balnet/comm/communicator.hpp"
#include "balnet/core/types.hpp"

namespace balnet {

struct spike_msg {
  gid_t gid;
  std::uint32_t lag;  // step of the spike minus the first step of the interval
};

class spike_exchange {
 public:
  explicit spike_exchange(communicator& comm);

  // Messages for each destination rank; filled during an interval, emptied by exchange().
  std::vector<spike_msg>& outbox(int rank) { return outbox_[static_cast<std::size_t>(rank)]; }

  // Collective. Sends the outboxes and returns every message received, sorted by
  // (lag, gid). `flags` (lower 16 bits) are OR-ed over all ranks into `flags_all`.
  const std::vector<spike_msg>& exchange(std::uint32_t flags, std::uint32_t& flags_all);

  double wait_seconds() const { return wait_; }     // time inside MPI calls
  double pack_seconds() const { return pack_; }     // packing and sorting
  std::uint64_t messages_sent() const { return sent_; }
  std::uint64_t bytes_sent() const { return sent_ * sizeof(spike_msg); }

 private:
  communicator& comm_;
  std::vector<std::vector<spike_msg>> outbox_;
  std::vector<spike_msg> sendbuf_, recvbuf_;
  std::vector<std::uint64_t> scount_, rcount_;
  std::vector<int> sc_, sd_, rc_, rd_;
  double wait_ = 0, pack_ = 0;
  std::uint64_t sent_ = 0;
};

}  // namespace balnet

#include "balnet/comm/spike_exchange.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "balnet/core/error.hpp"

namespace balnet {

namespace {
double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
constexpr std::uint64_t count_mask = (std::uint64_t{1} << 48) - 1;
}  // namespace

spike_exchange::spike_exchange(communicator& comm) : comm_(comm) {
  const auto n = static_cast<std::size_t>(comm.size());
  outbox_.resize(n);
  scount_.resize(n);
  rcount_.resize(n);
  sc_.resize(n);
  sd_.resize(n);
  rc_.resize(n);
  rd_.resize(n);
}

const std::vector<spike_msg>& spike_exchange::exchange(std::uint32_t flags,
                                                       std::uint32_t& flags_all) {
  const double t0 = now();
  const std::size_t n = outbox_.size();
  std::size_t total = 0;
  for (std::size_t r = 0; r < n; ++r) {
    scount_[r] = outbox_[r].size() | (static_cast<std::uint64_t>(flags & 0xFFFF) << 48);
    sc_[r] = static_cast<int>(outbox_[r].size() * sizeof(spike_msg));
    sd_[r] = static_cast<int>(total * sizeof(spike_msg));
    total += outbox_[r].size();
  }
  sendbuf_.resize(total);
  std::size_t off = 0;
  for (auto& box : outbox_) {
    if (!box.empty()) std::memcpy(sendbuf_.data() + off, box.data(), box.size() * sizeof(spike_msg));
    off += box.size();
    box.clear();
  }
  sent_ += total;
  const double t1 = now();
  comm_.alltoall(scount_, rcount_);
  const double t2 = now();
  std::size_t rtotal = 0;
  flags_all = 0;
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint64_t c = rcount_[r] & count_mask;
    flags_all |= static_cast<std::uint32_t>(rcount_[r] >> 48);
    rc_[r] = static_cast<int>(c * sizeof(spike_msg));
    rd_[r] = static_cast<int>(rtotal * sizeof(spike_msg));
    rtotal += c;
  }
  if (rtotal * sizeof(spike_msg) > static_cast<std::size_t>(2147483647)) {
    throw comm_error("more than 2 GB of spikes arrive at one rank in one interval");
  }
  recvbuf_.resize(rtotal);
  const double t3 = now();
  comm_.alltoallv(sendbuf_.data(), sc_, sd_, recvbuf_.data(), rc_, rd_);
  const double t4 = now();
  // Each source's block is sorted already; one sort restores the global (lag, gid) order.
  std::sort(recvbuf_.begin(), recvbuf_.end(), [](const spike_msg& a, const spike_msg& b) {
    return a.lag != b.lag ? a.lag < b.lag : a.gid < b.gid;
  });
  const double t5 = now();
  wait_ += (t2 - t1) + (t4 - t3);
  pack_ += (t1 - t0) + (t3 - t2) + (t5 - t4);
  return recvbuf_;
}

}  // namespace balnet

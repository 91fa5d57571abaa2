#include "balnet/comm/communicator.hpp"

#include <algorithm>

#include "balnet/comm/serial_communicator.hpp"

namespace balnet {

bool communicator::all_ok(bool ok) {
  std::uint64_t bad = ok ? 0 : 1;
  allreduce_max(std::span<std::uint64_t>(&bad, 1));
  return bad == 0;
}

void serial_communicator::alltoall(std::span<const std::uint64_t> send,
                                   std::span<std::uint64_t> recv) {
  std::copy(send.begin(), send.end(), recv.begin());
}

void serial_communicator::alltoallv(const void* send, std::span<const int> send_counts,
                                    std::span<const int> send_displs, void* recv,
                                    std::span<const int>, std::span<const int> recv_displs) {
  if (send_counts[0] > 0) {
    std::memcpy(static_cast<char*>(recv) + recv_displs[0],
                static_cast<const char*>(send) + send_displs[0],
                static_cast<std::size_t>(send_counts[0]));
  }
}

}  // namespace balnet

// The one interface through which balnet communicates between ranks. An MPI
// implementation runs real jobs; a serial one (one rank) serves unit tests.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace balnet {

class communicator {
 public:
  virtual ~communicator() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;

  // One 64-bit word to every rank, one from every rank (counts and control flags).
  virtual void alltoall(std::span<const std::uint64_t> send, std::span<std::uint64_t> recv) = 0;
  // Variable-sized byte blocks to and from every rank; counts and displacements in bytes.
  virtual void alltoallv(const void* send, std::span<const int> send_counts,
                         std::span<const int> send_displs, void* recv,
                         std::span<const int> recv_counts, std::span<const int> recv_displs) = 0;

  // Element-wise reductions in place over all ranks. Integer sums and min/max are exact and
  // therefore independent of the number of ranks; there is deliberately no floating sum.
  virtual void allreduce_sum(std::span<std::uint64_t> values) = 0;
  virtual void allreduce_max(std::span<std::uint64_t> values) = 0;
  virtual void allreduce_min(std::span<std::int64_t> values) = 0;
  virtual void allreduce_max(std::span<double> values) = 0;
  virtual void allreduce_min(std::span<double> values) = 0;

  // Sum of `value` over ranks below this one (0 on rank 0).
  virtual std::uint64_t exscan_sum(std::uint64_t value) = 0;

  // All ranks receive root's string.
  virtual void broadcast(std::string& text, int root) = 0;
  // Every rank's doubles gathered on all ranks, rank-major (same count on every rank).
  virtual std::vector<double> allgather(std::span<const double> values) = 0;

  virtual void barrier() = 0;

  // The communicator for parallel HDF5 (MPI_COMM_SELF for the serial implementation).
  virtual MPI_Comm native() const = 0;

  // --- helpers built on the primitives ---

  // True on every rank if `ok` is true on every rank.
  bool all_ok(bool ok);

  // Sends per_dest[r] to rank r; returns what every rank sent here, in rank order.
  template <class T>
  std::vector<T> exchange(const std::vector<std::vector<T>>& per_dest,
                          std::vector<int>* recv_counts_out = nullptr);
};

template <class T>
std::vector<T> communicator::exchange(const std::vector<std::vector<T>>& per_dest,
                                      std::vector<int>* recv_counts_out) {
  static_assert(std::is_trivially_copyable_v<T>);
  const int n = size();
  std::vector<std::uint64_t> scount(static_cast<std::size_t>(n)), rcount(static_cast<std::size_t>(n));
  for (int r = 0; r < n; ++r) scount[static_cast<std::size_t>(r)] = per_dest[static_cast<std::size_t>(r)].size();
  alltoall(scount, rcount);
  std::vector<int> sc(static_cast<std::size_t>(n)), sd(static_cast<std::size_t>(n)),
      rc(static_cast<std::size_t>(n)), rd(static_cast<std::size_t>(n));
  std::size_t stotal = 0, rtotal = 0;
  for (int r = 0; r < n; ++r) {
    const auto i = static_cast<std::size_t>(r);
    sc[i] = static_cast<int>(scount[i] * sizeof(T));
    sd[i] = static_cast<int>(stotal * sizeof(T));
    stotal += scount[i];
    rc[i] = static_cast<int>(rcount[i] * sizeof(T));
    rd[i] = static_cast<int>(rtotal * sizeof(T));
    rtotal += rcount[i];
  }
  std::vector<T> sendbuf(stotal);
  std::size_t off = 0;
  for (const auto& v : per_dest) {
    if (!v.empty()) std::memcpy(sendbuf.data() + off, v.data(), v.size() * sizeof(T));
    off += v.size();
  }
  std::vector<T> recvbuf(rtotal);
  alltoallv(sendbuf.data(), sc, sd, recvbuf.data(), rc, rd);
  if (recv_counts_out) {
    recv_counts_out->resize(static_cast<std::size_t>(n));
    for (int r = 0; r < n; ++r)
      (*recv_counts_out)[static_cast<std::size_t>(r)] = static_cast<int>(rcount[static_cast<std::size_t>(r)]);
  }
  return recvbuf;
}

}  // namespace balnet

// A communicator of exactly one rank, for unit tests and for `balnet check`.
#pragma once

#include "balnet/comm/communicator.hpp"

namespace balnet {

class serial_communicator final : public communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void alltoall(std::span<const std::uint64_t> send, std::span<std::uint64_t> recv) override;
  void alltoallv(const void* send, std::span<const int> send_counts,
                 std::span<const int> send_displs, void* recv, std::span<const int> recv_counts,
                 std::span<const int> recv_displs) override;
  void allreduce_sum(std::span<std::uint64_t>) override {}
  void allreduce_max(std::span<std::uint64_t>) override {}
  void allreduce_min(std::span<std::int64_t>) override {}
  void allreduce_max(std::span<double>) override {}
  void allreduce_min(std::span<double>) override {}
  std::uint64_t exscan_sum(std::uint64_t) override { return 0; }
  void broadcast(std::string&, int) override {}
  std::vector<double> allgather(std::span<const double> values) override {
    return {values.begin(), values.end()};
  }
  void barrier() override {}
  MPI_Comm native() const override { return MPI_COMM_SELF; }
};

}  // namespace balnet

// The MPI communicator: Boost.MPI owns the communicator and serves the collectives it has;
// MPI_Alltoall/MPI_Alltoallv (absent from Boost 1.74) are called on its MPI_Comm.
#pragma once

#include <boost/mpi/communicator.hpp>

#include "balnet/comm/communicator.hpp"

namespace balnet {

class mpi_communicator final : public communicator {
 public:
  explicit mpi_communicator(boost::mpi::communicator comm);

  int rank() const override { return comm_.rank(); }
  int size() const override { return comm_.size(); }
  void alltoall(std::span<const std::uint64_t> send, std::span<std::uint64_t> recv) override;
  void alltoallv(const void* send, std::span<const int> send_counts,
                 std::span<const int> send_displs, void* recv, std::span<const int> recv_counts,
                 std::span<const int> recv_displs) override;
  void allreduce_sum(std::span<std::uint64_t> values) override;
  void allreduce_max(std::span<std::uint64_t> values) override;
  void allreduce_min(std::span<std::int64_t> values) override;
  void allreduce_max(std::span<double> values) override;
  void allreduce_min(std::span<double> values) override;
  std::uint64_t exscan_sum(std::uint64_t value) override;
  void broadcast(std::string& text, int root) override;
  std::vector<double> allgather(std::span<const double> values) override;
  void barrier() override;
  MPI_Comm native() const override { return static_cast<MPI_Comm>(comm_); }

 private:
  boost::mpi::communicator comm_;
};

}  // namespace balnet

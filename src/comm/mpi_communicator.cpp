#include "balnet/comm/mpi_communicator.hpp"

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/operations.hpp>

#include "balnet/core/error.hpp"

namespace balnet {

namespace {

void check(int rc, const char* call) {
  if (rc != MPI_SUCCESS) {
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, msg, &len);
    throw comm_error(std::string(call) + " failed: " + std::string(msg, static_cast<std::size_t>(len)));
  }
}

}  // namespace

mpi_communicator::mpi_communicator(boost::mpi::communicator comm) : comm_(std::move(comm)) {
  // Errors come back as return codes and become comm_error, instead of aborting silently.
  MPI_Comm_set_errhandler(static_cast<MPI_Comm>(comm_), MPI_ERRORS_RETURN);
}

void mpi_communicator::alltoall(std::span<const std::uint64_t> send,
                                std::span<std::uint64_t> recv) {
  check(MPI_Alltoall(send.data(), 1, MPI_UINT64_T, recv.data(), 1, MPI_UINT64_T, native()),
        "MPI_Alltoall");
}

void mpi_communicator::alltoallv(const void* send, std::span<const int> send_counts,
                                 std::span<const int> send_displs, void* recv,
                                 std::span<const int> recv_counts,
                                 std::span<const int> recv_displs) {
  check(MPI_Alltoallv(send, send_counts.data(), send_displs.data(), MPI_BYTE, recv,
                      recv_counts.data(), recv_displs.data(), MPI_BYTE, native()),
        "MPI_Alltoallv");
}

void mpi_communicator::allreduce_sum(std::span<std::uint64_t> v) {
  if (v.empty()) return;
  std::vector<std::uint64_t> in(v.begin(), v.end());
  boost::mpi::all_reduce(comm_, in.data(), static_cast<int>(in.size()), v.data(),
                         std::plus<std::uint64_t>());
}

void mpi_communicator::allreduce_max(std::span<std::uint64_t> v) {
  if (v.empty()) return;
  std::vector<std::uint64_t> in(v.begin(), v.end());
  boost::mpi::all_reduce(comm_, in.data(), static_cast<int>(in.size()), v.data(),
                         boost::mpi::maximum<std::uint64_t>());
}

void mpi_communicator::allreduce_min(std::span<std::int64_t> v) {
  if (v.empty()) return;
  std::vector<std::int64_t> in(v.begin(), v.end());
  boost::mpi::all_reduce(comm_, in.data(), static_cast<int>(in.size()), v.data(),
                         boost::mpi::minimum<std::int64_t>());
}

void mpi_communicator::allreduce_max(std::span<double> v) {
  if (v.empty()) return;
  std::vector<double> in(v.begin(), v.end());
  boost::mpi::all_reduce(comm_, in.data(), static_cast<int>(in.size()), v.data(),
                         boost::mpi::maximum<double>());
}

void mpi_communicator::allreduce_min(std::span<double> v) {
  if (v.empty()) return;
  std::vector<double> in(v.begin(), v.end());
  boost::mpi::all_reduce(comm_, in.data(), static_cast<int>(in.size()), v.data(),
                         boost::mpi::minimum<double>());
}

std::uint64_t mpi_communicator::exscan_sum(std::uint64_t value) {
  std::uint64_t out = 0;
  check(MPI_Exscan(&value, &out, 1, MPI_UINT64_T, MPI_SUM, native()), "MPI_Exscan");
  return rank() == 0 ? 0 : out;  // rank 0's result is undefined in MPI
}

void mpi_communicator::broadcast(std::string& text, int root) {
  boost::mpi::broadcast(comm_, text, root);
}

std::vector<double> mpi_communicator::allgather(std::span<const double> values) {
  std::vector<double> out(values.size() * static_cast<std::size_t>(size()));
  check(MPI_Allgather(values.data(), static_cast<int>(values.size()), MPI_DOUBLE, out.data(),
                      static_cast<int>(values.size()), MPI_DOUBLE, native()),
        "MPI_Allgather");
  return out;
}

void mpi_communicator::barrier() { comm_.barrier(); }

}  // namespace balnet

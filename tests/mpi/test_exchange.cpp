// The spike exchange at the job's rank count: completeness, order and control flags.
#include <gtest/gtest.h>

#include <boost/mpi/communicator.hpp>

#include "balnet/comm/mpi_communicator.hpp"
#include "balnet/comm/spike_exchange.hpp"

using namespace balnet;

TEST(spike_exchange, delivers_everything_sorted_with_flags) {
  mpi_communicator comm{boost::mpi::communicator()};
  const int R = comm.size(), me = comm.rank();
  spike_exchange ex(comm);
  for (int round = 0; round < 3; ++round) {
    // rank r sends to rank d the gids r*1000 + d*10 + k for k < (r + d + round) % 4, lag k
    for (int d = 0; d < R; ++d) {
      for (int k = 0; k < (me + d + round) % 4; ++k) {
        ex.outbox(d).push_back({static_cast<gid_t>(me * 1000 + d * 10 + k), static_cast<std::uint32_t>(k)});
      }
    }
    std::uint32_t flags = 0;
    const auto& got = ex.exchange(me == R - 1 && round == 1 ? 4u : 0u, flags);
    std::size_t expect = 0;
    for (int s = 0; s < R; ++s) expect += static_cast<std::size_t>((s + me + round) % 4);
    ASSERT_EQ(got.size(), expect);
    for (std::size_t i = 1; i < got.size(); ++i) {
      ASSERT_TRUE(got[i - 1].lag < got[i].lag || (got[i - 1].lag == got[i].lag && got[i - 1].gid < got[i].gid));
    }
    for (const auto& m : got) EXPECT_EQ((m.gid / 10) % 100, static_cast<gid_t>(me));
    EXPECT_EQ(flags, round == 1 ? 4u : 0u);
  }
}

TEST(communicator, reductions_and_scan) {
  mpi_communicator comm{boost::mpi::communicator()};
  const auto r = static_cast<std::uint64_t>(comm.rank());
  std::vector<std::uint64_t> v = {r, 1};
  comm.allreduce_sum(v);
  const auto R = static_cast<std::uint64_t>(comm.size());
  EXPECT_EQ(v[0], R * (R - 1) / 2);
  EXPECT_EQ(v[1], R);
  EXPECT_EQ(comm.exscan_sum(r + 1), r * (r + 1) / 2);
  std::string s = comm.rank() == 0 ? "hello" : "";
  comm.broadcast(s, 0);
  EXPECT_EQ(s, "hello");
  EXPECT_TRUE(comm.all_ok(true));
  EXPECT_FALSE(comm.all_ok(comm.rank() != static_cast<int>(R - 1)));
}

// The whole engine at the job's rank count against a one-rank reference computed in the
// same process: spikes must agree bit for bit (times and ids).
#include <gtest/gtest.h>

#include <boost/mpi/communicator.hpp>

#include <algorithm>

#include "balnet/comm/mpi_communicator.hpp"
#include "balnet/comm/serial_communicator.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/spec_reader.hpp"
#include "balnet/sim/simulation.hpp"
#include "test_configs.hpp"

using namespace balnet;

namespace {

struct spike {
  step_t step;
  gid_t gid;
  bool operator<(const spike& o) const { return step != o.step ? step < o.step : gid < o.gid; }
  bool operator==(const spike& o) const { return step == o.step && gid == o.gid; }
};

std::vector<spike> run(communicator& comm, const network_spec& net) {
  simulation sim(net, comm);
  sim.build();
  std::vector<std::pair<step_t, gid_t>> captured;
  run_options opt;
  opt.quiet = true;
  opt.capture = &captured;
  sim.run(nullptr, nullptr, opt);
  std::vector<spike> local;
  for (const auto& [t, g] : captured) local.push_back({t, g});
  // gather everything on every rank
  std::vector<std::vector<spike>> to_all(static_cast<std::size_t>(comm.size()), local);
  auto all = comm.exchange(to_all);
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace

TEST(rank_invariance, small_network_matches_one_rank_reference) {
  mpi_communicator comm{boost::mpi::communicator()};
  const auto net = read_network_spec(config::parse(test::small_network_ini(200, 300.0), "small.ini"));
  const auto spikes = run(comm, net);
  serial_communicator one;
  const auto reference = run(one, net);
  ASSERT_GT(reference.size(), 500u);  // the network is active
  EXPECT_EQ(spikes.size(), reference.size());
  EXPECT_TRUE(spikes == reference);
}

TEST(rank_invariance, every_population_is_active) {
  mpi_communicator comm{boost::mpi::communicator()};
  const auto net = read_network_spec(config::parse(test::small_network_ini(200, 300.0), "small.ini"));
  const auto spikes = run(comm, net);
  for (const auto& pop : net.populations) {
    const auto n = std::count_if(spikes.begin(), spikes.end(), [&](const spike& s) { return pop.contains(s.gid); });
    EXPECT_GT(n, 10) << pop.name;
  }
}

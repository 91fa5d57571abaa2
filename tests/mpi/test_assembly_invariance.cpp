// Assembly connectivity and the connectivity file at the job's rank count against a
// one-rank reference computed in the same process: identical synapses, weights and delays.
#include <gtest/gtest.h>

#include <boost/mpi/communicator.hpp>

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

#include "assembly_configs.hpp"
#include "balnet/comm/mpi_communicator.hpp"
#include "balnet/comm/serial_communicator.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/spec_reader.hpp"
#include "balnet/network/assemblies.hpp"
#include "balnet/network/patterns.hpp"

using namespace balnet;

namespace {

struct edge {
  std::uint64_t pre, post;  // population index, gid
  float w;
  std::uint16_t d;
  auto key() const { return std::tie(pre, post, w, d); }
  bool operator<(const edge& o) const { return key() < o.key(); }
  bool operator==(const edge& o) const { return key() == o.key(); }
};

std::vector<edge> edges(communicator& comm, const network_spec& net, const pattern_set& ps, bool gather) {
  const auto& pr = net.projections[0];
  partition part(comm.rank(), comm.size());
  const auto gids = part.local_gids(net.populations[pr.target]);
  std::vector<edge> local;
  for (const auto& s : generate_assembly_synapses(pr, net, part, comm, ps)) {
    local.push_back({s.pre, gids[s.post], s.weight, s.delay});
  }
  if (!gather) return local;
  std::vector<std::vector<edge>> to_all(static_cast<std::size_t>(comm.size()), local);
  auto all = comm.exchange(to_all);
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace

TEST(assembly_invariance, synapses_match_one_rank_reference) {
  mpi_communicator comm{boost::mpi::communicator()};
  // Cut among co-members (40 patterns) and at level 0 (4 patterns: dense noise selection),
  // with whole scores and with genconn's spread and circular couplings (fractional scores).
  for (const auto& [np, extra] : {std::pair<int, const char*>{40, ""}, {4, ""},
                                  {40, "spread = 0.4\ncircular = true\n"}, {4, "spread = -0.6\ncircular = true\n"}}) {
    std::string ini = test::assembly_network_ini(300, 60, np, 0.05);
    ini.insert(ini.find("density = 0.05\n") + 15, extra);
    const auto net = read_network_spec(config::parse(ini, "a.ini"));
    ASSERT_EQ(net.projections[0].circular, *extra != '\0');
    const auto ps = generate_patterns(*net.patterns, 300, net.run.seed);
    const auto all = edges(comm, net, ps, true);
    serial_communicator one;
    auto ref = edges(one, net, ps, false);
    std::sort(ref.begin(), ref.end());
    ASSERT_EQ(all.size(), 4500u);
    EXPECT_TRUE(all == ref) << "P = " << np << " " << extra << " at " << comm.size() << " ranks";
  }
}

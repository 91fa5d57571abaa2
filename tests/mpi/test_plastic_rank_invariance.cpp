// Plastic networks at the job's rank count against a one-rank reference computed in the
// same process: spikes and every final weight must agree bit for bit.
#include <gtest/gtest.h>

#include <boost/mpi/communicator.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "balnet/comm/mpi_communicator.hpp"
#include "balnet/comm/serial_communicator.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/spec_reader.hpp"
#include "balnet/plasticity/plasticity_engine.hpp"
#include "balnet/sim/simulation.hpp"
#include "plastic_configs.hpp"

using namespace balnet;

namespace {

struct spike {
  step_t step;
  gid_t gid;
  bool operator<(const spike& o) const { return step != o.step ? step < o.step : gid < o.gid; }
  bool operator==(const spike& o) const { return step == o.step && gid == o.gid; }
};

struct weight {
  std::uint32_t projection;
  gid_t pre, post;
  std::uint32_t occ;
  std::uint32_t bits;  // the float's bits: equality means identical
  bool operator<(const weight& o) const {
    if (projection != o.projection) return projection < o.projection;
    if (post != o.post) return post < o.post;
    if (pre != o.pre) return pre < o.pre;
    return occ < o.occ;
  }
  bool operator==(const weight& o) const {
    return projection == o.projection && pre == o.pre && post == o.post && occ == o.occ && bits == o.bits;
  }
};

struct outcome {
  std::vector<spike> spikes;
  std::vector<weight> weights;
  std::vector<std::pair<std::size_t, double>> rates;
};

template <class T>
std::vector<T> gather_all(communicator& comm, const std::vector<T>& local) {
  std::vector<std::vector<T>> to_all(static_cast<std::size_t>(comm.size()), local);
  auto all = comm.exchange(to_all);
  std::sort(all.begin(), all.end());
  return all;
}

outcome run(communicator& comm, const network_spec& net) {
  simulation sim(net, comm);
  sim.build();
  std::vector<std::pair<step_t, gid_t>> captured;
  run_options opt;
  opt.quiet = true;
  opt.capture = &captured;
  sim.run(nullptr, nullptr, opt);
  outcome o;
  std::vector<spike> local;
  for (const auto& [t, g] : captured) local.push_back({t, g});
  o.spikes = gather_all(comm, local);
  std::vector<weight> w;
  for (std::uint32_t p = 0; p < net.projections.size(); ++p) {
    const auto& pr = net.projections[p];
    const auto& st = sim.store(p);
    const auto& post_gids = sim.local_gids(pr.target);
    for (std::uint32_t row = 0; row < st.rows(); ++row) {
      std::map<gid_t, std::uint32_t> seen;
      for (std::uint32_t s = st.seg_begin(row); s < st.seg_end(row); ++s) {
        for (std::uint32_t k = st.syn_begin(s); k < st.syn_end(s); ++k) {
          const gid_t post = post_gids[st.target(k)];
          std::uint32_t bits;
          std::memcpy(&bits, st.weights() + k, sizeof bits);
          w.push_back({p, static_cast<gid_t>(net.populations[pr.source].first_gid + row), post, seen[post]++, bits});
        }
      }
    }
  }
  o.weights = gather_all(comm, w);
  if (sim.plasticity()) o.rates = sim.plasticity()->global_rates();
  return o;
}

std::string rho_file() {
  // Written by rank 0 only would need a barrier; every rank writes its own copy instead.
  boost::mpi::communicator world;
  const std::string name = "plastic_rho." + std::to_string(world.size()) + "." + std::to_string(world.rank()) + ".txt";
  std::ofstream f(name);
  for (int i = 0; i < 60; ++i) f << (i % 3 == 0 ? 4.0 : 6.5) << (i % 10 == 9 ? "\n" : " ");
  return name;
}

}  // namespace

TEST(plastic_rank_invariance, spikes_and_weights_match_one_rank_reference) {
  mpi_communicator comm{boost::mpi::communicator()};
  const auto net = read_network_spec(config::parse(test::plastic_network_ini(400.0, rho_file()), "plastic.ini"));
  const auto got = run(comm, net);
  serial_communicator one;
  const auto ref = run(one, net);
  ASSERT_GT(ref.spikes.size(), 2000u);
  EXPECT_EQ(got.spikes.size(), ref.spikes.size());
  EXPECT_TRUE(got.spikes == ref.spikes);
  ASSERT_EQ(got.weights.size(), ref.weights.size());
  std::size_t differ = 0;
  for (std::size_t i = 0; i < ref.weights.size(); ++i) differ += got.weights[i] == ref.weights[i] ? 0 : 1;
  EXPECT_EQ(differ, 0u) << "of " << ref.weights.size() << " weights";
  ASSERT_EQ(got.rates.size(), 1u);
  EXPECT_EQ(got.rates, ref.rates);
}

TEST(plastic_rank_invariance, every_rule_changed_its_weights) {
  // Guards the test above against comparing networks in which nothing was plastic.
  mpi_communicator comm{boost::mpi::communicator()};
  const std::string text = test::plastic_network_ini(400.0, rho_file());
  const auto net = read_network_spec(config::parse(text, "plastic.ini"));
  // The same network with every learning rate set to zero.
  std::string zero;
  {
    std::istringstream in(text);
    std::string line;
    const std::vector<std::string> keys = {"plasticity.eta", "plasticity.triplet.A2_plus",
                                           "plasticity.triplet.A3_plus", "plasticity.triplet.A2_minus",
                                           "plasticity.triplet.A3_minus", "plasticity.vogels.eta"};
    while (std::getline(in, line)) {
      for (const auto& k : keys) {
        if (line.rfind(k + " =", 0) == 0) line = k + " = 0";
      }
      zero += line + "\n";
    }
  }
  const auto frozen = read_network_spec(config::parse(zero, "frozen.ini"));
  const auto a = run(comm, net);
  const auto b = run(comm, frozen);
  ASSERT_EQ(a.weights.size(), b.weights.size());
  std::map<std::uint32_t, std::size_t> changed;
  for (std::size_t i = 0; i < a.weights.size(); ++i) {
    if (a.weights[i].bits != b.weights[i].bits) ++changed[a.weights[i].projection];
  }
  for (std::uint32_t p = 0; p < net.projections.size(); ++p) {
    if (!net.projections[p].plasticity) {
      EXPECT_EQ(changed[p], 0u) << net.projections[p].name;
    } else {
      EXPECT_GT(changed[p], 0u) << net.projections[p].name;
    }
  }
}

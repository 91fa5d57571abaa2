// Connectivity files: what run.save_connectivity writes, connect = file reads back exactly;
// shuffle_weights permutes the weights over the same synapses; mismatches are errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "assembly_configs.hpp"
#include "balnet/comm/serial_communicator.hpp"
#include "balnet/core/error.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/connectivity_file.hpp"
#include "balnet/io/spec_reader.hpp"
#include "balnet/network/patterns.hpp"
#include "balnet/sim/network_builder.hpp"

using namespace balnet;

namespace {

using edge = std::tuple<std::uint32_t, index_t, float, std::uint16_t>;

std::vector<edge> edges(std::vector<raw_synapse> v) {
  std::vector<edge> out;
  for (const auto& s : v) out.emplace_back(s.pre, s.post, s.weight, s.delay);
  std::sort(out.begin(), out.end());
  return out;
}

network_spec spec(const std::string& ini, const std::vector<std::string>& sets = {}) {
  auto cfg = config::parse(ini, "/tmp/cf.ini");
  cfg.apply_overrides(sets);
  return read_network_spec(cfg);
}

struct saved {
  std::string path;
  network_spec net;
  std::vector<synapse_store> stores;
  std::vector<std::vector<raw_synapse>> raw;
};

saved build_and_save(const std::string& path) {
  serial_communicator one;
  saved s{path, spec(test::assembly_network_ini(120, 30, 12, 0.1)), {}, {}};
  partition part(0, 1);
  auto patterns = make_patterns(s.net, one);
  std::vector<const synapse_store*> ptrs;
  for (const auto& pr : s.net.projections) {
    s.raw.push_back(make_synapses(pr, s.net, part, one, patterns.get()));
    auto copy = s.raw.back();
    s.stores.emplace_back(s.net.populations[pr.source].size, std::move(copy));
  }
  for (const auto& st : s.stores) ptrs.push_back(&st);
  std::vector<std::vector<gid_t>> gids;
  for (const auto& p : s.net.populations) gids.push_back(part.local_gids(p));
  save_connectivity(path, one, s.net, ptrs, gids, patterns.get());
  return s;
}

std::string file_ini(const std::string& path) {
  std::string ini = test::assembly_network_ini(120, 30, 12, 0.1);
  // every projection from the file
  for (const char* name : {"EE", "EI", "IE", "II"}) {
    const std::string head = std::string("[projection.") + name + "]\n";
    const auto a = ini.find(head);
    const auto b = ini.find("[", a + head.size());
    std::string body = ini.substr(a, b - a);
    const std::string keep_src = body.substr(body.find("source"), body.find("connect") - body.find("source"));
    std::string repl = head + keep_src + "connect = file\nfile = " + path + "\n";
    ini.replace(a, b - a, repl);
  }
  const auto p = ini.find("count = ");
  ini.replace(p, ini.find("\n[population.E]") - p, "file = " + path);
  return ini;
}

}  // namespace

TEST(connectivity_file, round_trip_and_shuffle) {
  const std::string path = "/tmp/balnet_test_connectivity_file.h5";
  const auto s = build_and_save(path);
  serial_communicator one;
  partition part(0, 1);
  const auto net = spec(file_ini(path));
  const auto patterns = make_patterns(net, one);
  const auto ref_patterns = generate_patterns(*s.net.patterns, 120, s.net.run.seed);
  EXPECT_EQ(patterns->indices, ref_patterns.indices);
  EXPECT_EQ(patterns->splits, ref_patterns.splits);
  for (std::size_t i = 0; i < net.projections.size(); ++i) {
    const auto back = make_synapses(net.projections[i], net, part, one, patterns.get());
    EXPECT_EQ(edges(back), edges(s.raw[i])) << net.projections[i].name;
  }
  // shuffled control (on EE, whose weights all differ): the same synapses and the same
  // multiset of weights, most of them on other synapses
  std::size_t moved = 0;
  const auto ee_shuf_net = spec(file_ini(path), {"projection.EE.shuffle_weights=true"});
  const auto ee = make_synapses(ee_shuf_net.projections[0], ee_shuf_net, part, one, nullptr);
  const auto ee_ref = s.raw[0];
  ASSERT_EQ(ee.size(), ee_ref.size());
  std::vector<std::pair<std::uint32_t, index_t>> pairs1, pairs2;
  std::vector<float> ew1, ew2;
  for (const auto& x : ee_ref) { pairs1.push_back({x.pre, x.post}); ew1.push_back(x.weight); }
  for (const auto& x : ee) { pairs2.push_back({x.pre, x.post}); ew2.push_back(x.weight); }
  std::sort(pairs1.begin(), pairs1.end());
  std::sort(pairs2.begin(), pairs2.end());
  EXPECT_EQ(pairs1, pairs2);
  auto sorted1 = ew1, sorted2 = ew2;
  std::sort(sorted1.begin(), sorted1.end());
  std::sort(sorted2.begin(), sorted2.end());
  EXPECT_EQ(sorted1, sorted2);
  const auto e1 = edges(ee_ref), e2 = edges(ee);
  for (std::size_t k = 0; k < e1.size(); ++k) moved += std::get<2>(e1[k]) != std::get<2>(e2[k]) ? 1 : 0;
  EXPECT_GT(moved, e1.size() / 2);
  // a projection read into populations of other sizes is an error
  const auto wrong = spec(file_ini(path), {"projection.EE.file_projection=IE"});
  EXPECT_THROW(make_synapses(wrong.projections[0], wrong, part, one, nullptr), config_error);
  const auto missing = spec(file_ini(path), {"projection.EE.file=/tmp/no_such_balnet_file.h5"});
  EXPECT_THROW(make_synapses(missing.projections[0], missing, part, one, nullptr), config_error);
  std::remove(path.c_str());
}

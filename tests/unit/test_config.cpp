// Reading configurations: values, params, variants, overrides and every kind of bad input.
#include <gtest/gtest.h>

#include "balnet/core/error.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/spec_reader.hpp"
#include "test_configs.hpp"

using namespace balnet;

namespace {

network_spec spec_of(const std::string& ini, const std::vector<std::string>& sets = {}) {
  auto cfg = config::parse(ini, "test.ini");
  cfg.apply_overrides(sets);
  return read_network_spec(cfg);
}

// The message of the config_error thrown by reading `ini`, or "" if none.
std::string error_of(const std::string& ini, const std::vector<std::string>& sets = {}) {
  try {
    spec_of(ini, sets);
  } catch (const config_error& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST(config, reads_the_small_network) {
  const auto net = spec_of(test::small_network_ini());
  ASSERT_EQ(net.populations.size(), 3u);
  EXPECT_EQ(net.populations[0].size, 160u);
  EXPECT_EQ(net.populations[1].first_gid, 160u);
  EXPECT_EQ(net.populations[2].model, "poisson");
  EXPECT_TRUE(net.populations[2].is_source);
  EXPECT_EQ(net.projections.size(), 5u);
  EXPECT_EQ(net.projections[1].rule, connection_rule::fixed_indegree);
  EXPECT_EQ(net.projections[1].degree, 20u);
  EXPECT_EQ(net.projections[0].weight.type, distribution::kind::lognormal);
  EXPECT_EQ(net.inputs.size(), 1u);
  EXPECT_EQ(net.run.steps(), 3000);
}

TEST(config, overrides_params_and_variants) {
  const std::string ini = test::small_network_ini() + R"(
[variant.big]
params.N = 400
projection.EE.p = 0.2
)";
  auto net = spec_of(ini, {"run.variant=big"});
  EXPECT_EQ(net.populations[0].size, 320u);
  EXPECT_DOUBLE_EQ(net.projections[0].p, 0.2);
  // --set wins over the variant
  net = spec_of(ini, {"run.variant=big", "params.N=100"});
  EXPECT_EQ(net.populations[0].size, 80u);
  EXPECT_TRUE(contains(error_of(ini, {"run.variant=huge"}), "no section [variant.huge]"));
}

TEST(config, resolved_text_holds_the_overrides) {
  auto cfg = config::parse(test::small_network_ini(), "t.ini");
  cfg.apply_overrides({"run.t_stop=50"});
  const auto text = cfg.resolved_text();
  EXPECT_TRUE(contains(text, "t_stop = 50"));
  EXPECT_TRUE(contains(text, "# --set run.t_stop=50"));
  // and it reads back to the same network
  const auto again = read_network_spec(config::parse(text, "resolved.ini"));
  EXPECT_DOUBLE_EQ(again.run.t_stop, 50);
}

TEST(config_errors, unknown_section_and_key) {
  auto ini = test::small_network_ini();
  EXPECT_TRUE(contains(error_of(ini + "\n[popluation.Z]\nsize = 3\n"), "unknown section [popluation.Z]"));
  const auto e = error_of(ini, {"population.E.tau_mem=10"});
  EXPECT_TRUE(contains(e, "unknown key 'tau_mem' in [population.E]")) << e;
  EXPECT_TRUE(contains(e, "allowed here:")) << e;
  EXPECT_TRUE(contains(e, "--set population.E.tau_mem=10")) << e;
}

TEST(config_errors, name_the_file_line_and_key) {
  const auto e = error_of(test::small_network_ini() + "\n[projection.XE]\nsource = X\ntarget = E\nreceptor = exc\n"
                                                      "connect = bernoulli\np = 1.5\nweight = 1\n");
  EXPECT_TRUE(contains(e, "test.ini:")) << e;
  EXPECT_TRUE(contains(e, "key projection.XE.p = 1.5")) << e;
  EXPECT_TRUE(contains(e, "probability in [0, 1]")) << e;
}

TEST(config_errors, each_bad_value_is_reported) {
  const auto ini = test::small_network_ini();
  EXPECT_TRUE(contains(error_of(ini, {"population.E.size=-5"}), "whole number >= 1"));
  EXPECT_TRUE(contains(error_of(ini, {"population.E.size=abc"}), "unknown name 'abc'"));
  EXPECT_TRUE(contains(error_of(ini, {"population.E.size=2.5"}), "whole number"));
  EXPECT_TRUE(contains(error_of(ini, {"projection.EE.source=Q"}), "no population named 'Q'"));
  EXPECT_TRUE(contains(error_of(ini, {"projection.IE.delay=0.05"}), "shorter than dt"));
  EXPECT_TRUE(contains(error_of(ini, {"population.E.C=-1"}), "capacitance"));
  EXPECT_TRUE(contains(error_of(ini, {"population.I.t_ref=0.05"}), "shorter than dt"));
  EXPECT_TRUE(contains(error_of(ini, {"projection.EE.receptor=nmda"}), "has no receptor 'nmda'"));
  EXPECT_TRUE(contains(error_of(ini, {"projection.EE.connect=random"}), "must be one of"));
  EXPECT_TRUE(contains(error_of(ini, {"projection.EI.indegree=1000"}), "candidate partners"));
  EXPECT_TRUE(contains(error_of(ini, {"population.E.autapses=true"}), "unknown key"));
  EXPECT_TRUE(contains(error_of(ini, {"run.t_stop=10.05"}), "whole number of steps"));
  EXPECT_TRUE(contains(error_of(ini, {"run.dt=0"}), "> 0"));
  EXPECT_TRUE(contains(error_of(ini, {"population.E.model=hh_typo"}), "must be one of"));
  EXPECT_TRUE(contains(error_of(ini, {"projection.EE.target=X"}), "spike source"));
  EXPECT_TRUE(contains(error_of(ini, {"projection.EE.weight=lognormal(1)"}), "lognormal(mean, variance)"));
  EXPECT_TRUE(contains(error_of(ini, {"input.drive.target=E, Q"}), "no population named 'Q'"));
  EXPECT_TRUE(contains(error_of(ini, {"params.N=N+1"}), "refers to itself"));
  EXPECT_TRUE(contains(error_of(ini, {"run.seed=-1"}), "whole number"));
  EXPECT_TRUE(contains(error_of(ini, {"nosection=1"}), "expected section.key=value"));
}

TEST(config_errors, syntax_and_duplicates) {
  EXPECT_TRUE(contains(error_of("[run]\ndt = 0.1\ndt = 0.2\n"), "given twice"));
  EXPECT_TRUE(contains(error_of("[run]\nthis line has no equals sign\n"), "test.ini"));
  EXPECT_TRUE(contains(error_of("[run]\ndt = 0.1\n"), "no [population.NAME] section"));
}

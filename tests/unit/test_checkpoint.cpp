// Checkpoint files and options: the table round trip, the errors, the period syntax.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "balnet/comm/serial_communicator.hpp"
#include "balnet/core/error.hpp"
#include "balnet/io/checkpoint.hpp"
#include "balnet/io/state_io.hpp"
#include "balnet/sim/checkpoint_options.hpp"

using namespace balnet;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

state_set sample_state() {
  state_set s;
  auto& t = s.table("populations/E");
  t.column("gid") = {4, 0, 2};
  t.column("V") = {-65.25, -70.0, 1e-300};
  t.scalars["next_chunk"] = 7;
  s.table("empty").column("x");
  s.texts["config_source"] = "[run]\ndt = 0.1\n";
  s.texts["history"] = "";
  return s;
}

}  // namespace

TEST(Checkpoint, RoundTripIsExact) {
  serial_communicator comm;
  const std::string path = "test_checkpoint_roundtrip.ckpt.h5";
  write_checkpoint(path, comm, sample_state());
  EXPECT_FALSE(std::ifstream(path + ".tmp").good()) << "the temporary file must be renamed";
  const state_set r = read_checkpoint(path);
  const auto& t = r.at("populations/E");
  EXPECT_EQ(t.at("gid"), (std::vector<double>{4, 0, 2}));
  EXPECT_EQ(t.at("V"), (std::vector<double>{-65.25, -70.0, 1e-300}));
  EXPECT_EQ(t.scalar("next_chunk"), 7.0);
  EXPECT_EQ(r.at("empty").rows(), 0u);
  EXPECT_EQ(r.text("config_source"), "[run]\ndt = 0.1\n");
  EXPECT_EQ(r.text("history"), "");
  EXPECT_THROW(r.at("populations/I"), io_error);
  EXPECT_THROW(t.at("w"), io_error);
  EXPECT_THROW(t.scalar("nothing"), io_error);
  std::remove(path.c_str());
}

TEST(Checkpoint, FailedWriteLeavesThePreviousFile) {
  serial_communicator comm;
  const std::string path = "test_checkpoint_previous.ckpt.h5";
  write_checkpoint(path, comm, sample_state());
  const std::string before = slurp(path);
  // A directory where the temporary file would go: the write fails, nothing changes.
  ASSERT_EQ(std::system(("mkdir -p " + path + ".tmp").c_str()), 0);
  state_set other = sample_state();
  other.table("populations/E").column("V")[0] = 0.0;
  EXPECT_THROW(write_checkpoint(path, comm, other), io_error);
  EXPECT_EQ(slurp(path), before);
  ASSERT_EQ(std::system(("rmdir " + path + ".tmp").c_str()), 0);
  EXPECT_THROW(write_checkpoint("no_such_directory/x.ckpt.h5", comm, other), io_error);
  std::remove(path.c_str());
}

TEST(Checkpoint, BadFilesAreClearErrors) {
  EXPECT_THROW(read_checkpoint("test_checkpoint_missing.h5"), io_error);
  {
    std::ofstream("test_checkpoint_text.h5") << "not an HDF5 file";
  }
  try {
    read_checkpoint("test_checkpoint_text.h5");
    ADD_FAILURE() << "a text file was read as a checkpoint";
  } catch (const io_error& e) {
    EXPECT_NE(std::string(e.what()).find("not an HDF5 file"), std::string::npos) << e.what();
  }
  std::remove("test_checkpoint_text.h5");
  // Truncated: the first half of a valid checkpoint.
  serial_communicator comm;
  write_checkpoint("test_checkpoint_full.h5", comm, sample_state());
  const std::string bytes = slurp("test_checkpoint_full.h5");
  {
    std::ofstream out("test_checkpoint_cut.h5", std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  }
  EXPECT_THROW(read_checkpoint("test_checkpoint_cut.h5"), io_error);
  std::remove("test_checkpoint_full.h5");
  std::remove("test_checkpoint_cut.h5");
}

TEST(Checkpoint, FindRowsByKey) {
  const std::vector<double> keys = {10, 3, 7};
  EXPECT_EQ(find_rows(keys, {7, 10, 3}), (std::vector<std::size_t>{2, 0, 1}));
  EXPECT_THROW(find_rows(keys, {4}, "neuron"), io_error);
}

TEST(Checkpoint, DefaultPath) {
  EXPECT_EQ(default_checkpoint_path("run.h5"), "run.ckpt.h5");
  EXPECT_EQ(default_checkpoint_path("dir/run.h5"), "dir/run.ckpt.h5");
  EXPECT_EQ(default_checkpoint_path("run.hdf5"), "run.hdf5.ckpt.h5");
}

TEST(CheckpointOptions, Periods) {
  EXPECT_EQ(parse_checkpoint_period("500ms", 0.1).steps, 5000);
  EXPECT_EQ(parse_checkpoint_period("2s", 0.1).steps, 20000);
  EXPECT_EQ(parse_checkpoint_period("2s", 0.1).wall_seconds, 0.0);
  EXPECT_EQ(parse_checkpoint_period("10min", 0.1).wall_seconds, 600.0);
  EXPECT_EQ(parse_checkpoint_period("2h", 0.1).wall_seconds, 7200.0);
  EXPECT_EQ(parse_checkpoint_period("1.5h", 0.1).steps, 0);
  for (const char* bad : {"5", "5sec", "-1s", "0ms", "ms", "0.01ms", "10 min"}) {
    EXPECT_THROW(parse_checkpoint_period(bad, 0.1), config_error) << bad;
  }
  EXPECT_EQ(parse_stop_at("120", 0.1), 1200);
  EXPECT_EQ(parse_stop_at("120ms", 0.1), 1200);
  EXPECT_THROW(parse_stop_at("2s", 0.1), config_error);
  EXPECT_THROW(parse_stop_at("soon", 0.1), config_error);
}

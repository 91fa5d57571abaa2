// The CSR synapse store: rows by presynaptic neuron, segments by delay, stable order.
#include <gtest/gtest.h>

#include <bit>

#include "balnet/core/error.hpp"
#include "balnet/network/synapse_store.hpp"

using namespace balnet;

TEST(synapse_store, rows_and_delay_segments) {
  std::vector<raw_synapse> s = {
      {2, 0, 1.0f, 3}, {0, 1, 2.0f, 1}, {2, 1, 3.0f, 1}, {2, 2, 4.0f, 3}, {0, 0, 5.0f, 1}, {2, 3, 6.0f, 2},
  };
  synapse_store st(4, std::move(s));
  ASSERT_EQ(st.size(), 6u);
  EXPECT_EQ(st.min_delay(), 1);
  EXPECT_EQ(st.max_delay(), 3);
  // row 0: one segment (delay 1) with targets 1, 0 in generation order
  ASSERT_EQ(st.seg_end(0) - st.seg_begin(0), 1u);
  auto s0 = st.seg_begin(0);
  EXPECT_EQ(st.delay(s0), 1);
  EXPECT_EQ(st.targets()[st.syn_begin(s0)], 1u);
  EXPECT_EQ(st.targets()[st.syn_begin(s0) + 1], 0u);
  // rows 1 and 3 are empty
  EXPECT_EQ(st.seg_begin(1), st.seg_end(1));
  EXPECT_EQ(st.seg_begin(3), st.seg_end(3));
  // row 2: delays 1, 2, 3 -> three segments, the delay-3 one keeps order 0 then 2
  ASSERT_EQ(st.seg_end(2) - st.seg_begin(2), 3u);
  const auto s3 = st.seg_begin(2) + 2;
  EXPECT_EQ(st.delay(s3), 3);
  EXPECT_EQ(st.syn_end(s3) - st.syn_begin(s3), 2u);
  EXPECT_EQ(st.weights()[st.syn_begin(s3)], 1.0f);
  EXPECT_EQ(st.weights()[st.syn_begin(s3) + 1], 4.0f);
  EXPECT_EQ(st.synapse_bytes(), 6u * 8u);
}

TEST(synapse_store, uniform_weights_and_compact_targets) {
  // Uniform weights: compact uint16 targets, 6 bytes per synapse, the same targets.
  std::vector<raw_synapse> s = {{1, 7, 2.5f, 1}, {0, 65535, 2.5f, 2}, {1, 3, 2.5f, 1}, {0, 0, 2.5f, 1}};
  synapse_store st(2, std::move(s));
  ASSERT_TRUE(st.uniform());
  EXPECT_EQ(st.uniform_weight(), 2.5f);
  std::vector<index_t> before(st.targets(), st.targets() + st.size());
  ASSERT_TRUE(st.make_compact());
  EXPECT_TRUE(st.compact());
  EXPECT_EQ(st.synapse_bytes(), 4u * 6u);
  EXPECT_THROW(st.targets(), balnet::error);  // no uint32 targets while compact
  for (std::uint64_t k = 0; k < st.size(); ++k) {
    EXPECT_EQ(st.target(k), before[k]);
    EXPECT_EQ(st.targets16()[k], before[k]);
  }
  // Mutable weights end both the uniform path and the compact form.
  st.weights()[0] = 1.0f;
  EXPECT_FALSE(st.uniform());
  EXPECT_FALSE(st.compact());
  EXPECT_EQ(st.synapse_bytes(), 4u * 8u);
  EXPECT_EQ(std::vector<index_t>(st.targets(), st.targets() + st.size()), before);
}

TEST(synapse_store, compact_targets_with_drawn_weights_keep_every_weight) {
  // Different weights (+0 and -0 count as different: they add differently to a -0 state):
  // compact targets, the weights read as before.
  synapse_store a(2, {{0, 0, 0.0f, 1}, {0, 1, -0.0f, 1}, {1, 65535, 3.5f, 2}, {1, 9, 1.25f, 1}});
  EXPECT_FALSE(a.uniform());
  const synapse_store& ca = a;  // const access: the mutable weights() would end the compact form
  const std::vector<float> w(ca.weights(), ca.weights() + a.size());
  std::vector<index_t> before(a.targets(), a.targets() + a.size());
  ASSERT_TRUE(a.make_compact());
  EXPECT_TRUE(a.compact());
  EXPECT_FALSE(a.uniform());
  EXPECT_EQ(a.synapse_bytes(), 4u * 6u);
  for (std::uint64_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a.targets16()[k], before[k]);
    EXPECT_EQ(std::bit_cast<std::uint32_t>(ca.weights()[k]), std::bit_cast<std::uint32_t>(w[k]));
  }
}

TEST(synapse_store, not_compact_unless_small) {
  // A target beyond uint16.
  synapse_store b(1, {{0, 65536, 1.0f, 1}, {0, 1, 1.0f, 1}});
  EXPECT_TRUE(b.uniform());
  EXPECT_FALSE(b.make_compact());
  EXPECT_EQ(b.synapse_bytes(), 2u * 8u);
  // Empty store.
  synapse_store c(3, {});
  EXPECT_FALSE(c.make_compact());
}

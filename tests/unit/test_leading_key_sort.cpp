// sort_by_leading_key against std::sort on arrival-like records.
#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>
#include <vector>

#include "balnet/core/leading_key_sort.hpp"
#include "balnet/core/rng.hpp"

using namespace balnet;

namespace {
struct rec {
  std::uint32_t src, proj, seg;
  bool operator==(const rec& o) const { return src == o.src && proj == o.proj && seg == o.seg; }
};
bool less(const rec& a, const rec& b) { return std::tie(a.src, a.proj, a.seg) < std::tie(b.src, b.proj, b.seg); }
}  // namespace

TEST(sort_by_leading_key, equals_std_sort_for_small_and_large_inputs_and_key_ranges) {
  random_stream rs(3, rng_domain::user, 5, 0);
  std::vector<rec> scratch;
  for (std::uint32_t max_key : {1u, 100u, 10000u, 3000000u, 0xFFFFFFFFu}) {
    for (std::size_t n : {0u, 1u, 10u, 63u, 64u, 65u, 1000u, 5000u}) {
      // Concatenated sorted runs with repeated sources (as a bucket of spike arrivals).
      std::vector<rec> v;
      while (v.size() < n) {
        std::vector<rec> run;
        const std::size_t len = std::min<std::size_t>(n - v.size(), 1 + rs.below(60));
        for (std::size_t i = 0; i < len; ++i) {
          run.push_back({static_cast<std::uint32_t>(rs.below(std::uint64_t{max_key} + 1)),
                         static_cast<std::uint32_t>(rs.below(3)), static_cast<std::uint32_t>(rs.below(1000))});
        }
        std::sort(run.begin(), run.end(), less);
        v.insert(v.end(), run.begin(), run.end());
      }
      auto expect = v;
      std::stable_sort(expect.begin(), expect.end(), less);
      sort_by_leading_key(v, scratch, max_key, [](const rec& r) { return r.src; }, less);
      ASSERT_EQ(v.size(), expect.size());
      for (std::size_t i = 0; i < v.size(); ++i) {
        ASSERT_TRUE(v[i] == expect[i]) << "max_key " << max_key << " n " << n << " at " << i;
      }
    }
  }
}

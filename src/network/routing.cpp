#include "balnet/network/routing.hpp"

#include <algorithm>

namespace balnet {

routing_table routing_table::build(const std::vector<gid_t>& needed, const partition& part,
                                   std::uint64_t total_neurons, communicator& comm) {
  routing_table t;
  t.ranks_ = static_cast<std::uint32_t>(part.ranks());
  std::vector<std::vector<gid_t>> per_owner(static_cast<std::size_t>(part.ranks()));
  for (gid_t g : needed) per_owner[static_cast<std::size_t>(part.owner(g))].push_back(g);
  std::vector<int> counts;
  const auto received = comm.exchange(per_owner, &counts);
  // slots: local neurons are gids rank, rank + R, ...; slot = gid / R
  const std::uint64_t slots = total_neurons / t.ranks_ + 1;
  std::vector<std::uint32_t> n(slots + 1, 0);
  for (gid_t g : received) ++n[g / t.ranks_ + 1];
  for (std::uint64_t i = 0; i < slots; ++i) n[i + 1] += n[i];
  t.ptr_ = n;
  t.dest_.resize(received.size());
  std::vector<std::uint32_t> fill(n.begin(), n.end() - 1);
  std::size_t k = 0;
  for (int r = 0; r < part.ranks(); ++r) {  // ranks in ascending order: lists come out sorted
    for (int c = 0; c < counts[static_cast<std::size_t>(r)]; ++c, ++k) {
      const gid_t g = received[k];
      t.dest_[fill[g / t.ranks_]++] = r;
    }
  }
  return t;
}

}  // namespace balnet

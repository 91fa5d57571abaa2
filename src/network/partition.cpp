#include "balnet/network/partition.hpp"

namespace balnet {

std::vector<gid_t> partition::local_gids(const population_spec& p) const {
  std::vector<gid_t> out;
  const gid_t r = static_cast<gid_t>(ranks_);
  const gid_t first = p.first_gid;
  const gid_t end = static_cast<gid_t>(p.first_gid + p.size);
  gid_t g = first + (static_cast<gid_t>(rank_) + r - first % r) % r;
  for (; g < end; g += r) out.push_back(g);
  return out;
}

index_t partition::local_index(const population_spec& p, gid_t g) const {
  const gid_t r = static_cast<gid_t>(ranks_);
  const gid_t first_local = p.first_gid + (static_cast<gid_t>(rank_) + r - p.first_gid % r) % r;
  return (g - first_local) / r;
}

std::uint64_t partition::count_on(const population_spec& p, int rank) const {
  const std::uint64_t r = static_cast<std::uint64_t>(ranks_);
  const std::uint64_t first = p.first_gid;
  const std::uint64_t first_local = first + (static_cast<std::uint64_t>(rank) + r - first % r) % r;
  const std::uint64_t end = first + p.size;
  return first_local >= end ? 0 : (end - first_local + r - 1) / r;
}

}  // namespace balnet

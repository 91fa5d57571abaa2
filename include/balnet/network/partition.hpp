// Which rank owns which neuron: round robin over gids (gid % ranks). The partition never
// changes results; it only decides where work happens.
#pragma once

#include <vector>

#include "balnet/core/types.hpp"
#include "balnet/network/spec.hpp"

namespace balnet {

class partition {
 public:
  partition(int rank, int ranks) : rank_(rank), ranks_(ranks) {}

  int rank() const { return rank_; }
  int ranks() const { return ranks_; }
  int owner(gid_t g) const { return static_cast<int>(g % static_cast<gid_t>(ranks_)); }
  bool is_local(gid_t g) const { return owner(g) == rank_; }

  // Global ids of this rank's neurons in a population, ascending.
  std::vector<gid_t> local_gids(const population_spec& p) const;
  // Population-local index of gid g among this rank's neurons of population p
  // (g must be local and inside p).
  index_t local_index(const population_spec& p, gid_t g) const;
  // Number of neurons of population p owned by `rank`.
  std::uint64_t count_on(const population_spec& p, int rank) const;

 private:
  int rank_;
  int ranks_;
};

}  // namespace balnet

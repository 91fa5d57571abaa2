// Which ranks need the spikes of each local neuron: built once after connectivity, so a
// spike is sent only to ranks that hold at least one of its targets.
#pragma once

#include <cstdint>
#include <vector>

#include "balnet/comm/communicator.hpp"
#include "balnet/core/types.hpp"
#include "balnet/network/partition.hpp"

namespace balnet {

class routing_table {
 public:
  routing_table() = default;

  // Collective. `needed` holds the sorted presynaptic gids this rank has synapses from.
  static routing_table build(const std::vector<gid_t>& needed, const partition& part,
                             std::uint64_t total_neurons, communicator& comm);

  // Destination ranks of local neuron g (ascending).
  const int* begin(gid_t g) const { return dest_.data() + ptr_[slot(g)]; }
  const int* end(gid_t g) const { return dest_.data() + ptr_[slot(g) + 1]; }

  std::uint64_t entries() const { return dest_.size(); }
  std::uint64_t memory_bytes() const {
    return ptr_.size() * sizeof(std::uint32_t) + dest_.size() * sizeof(int);
  }

 private:
  std::uint32_t ranks_ = 1;
  std::vector<std::uint32_t> ptr_;  // per local slot (gid / ranks) + 1
  std::vector<int> dest_;
  std::size_t slot(gid_t g) const { return g / ranks_; }
};

}  // namespace balnet

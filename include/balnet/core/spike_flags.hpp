// Collecting the cells that spiked in a step from a flag per cell (non-zero = spiked), as the
// neuron kernels write them. Spikes are rare (a cell at 10 Hz spikes in one step of 1000 at
// dt = 0.1 ms), so the flags are tested 64 at a time and only blocks with a spike are scanned.
#pragma once

#include <cstddef>
#include <vector>

#include "balnet/core/types.hpp"

namespace balnet {

// Appends, in increasing order, every i < n with flags[i] != 0 to `out`.
template <class Flag>
void append_flagged(const Flag* flags, std::size_t n, std::vector<index_t>& out) {
  const std::size_t full = n - n % 64;
  for (std::size_t i = 0; i < full; i += 64) {
    Flag any = 0;
    for (std::size_t j = 0; j < 64; ++j) any |= flags[i + j];
    if (any == 0) continue;
    for (std::size_t k = i; k < i + 64; ++k) {
      if (flags[k]) out.push_back(static_cast<index_t>(k));
    }
  }
  for (std::size_t k = full; k < n; ++k) {
    if (flags[k]) out.push_back(static_cast<index_t>(k));
  }
}

}  // namespace balnet

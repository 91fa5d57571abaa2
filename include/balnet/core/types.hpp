// Basic integer types shared by every layer: time steps, global neuron ids, indices.
#pragma once

#include <cstdint>

namespace balnet {

using step_t = std::int64_t;   // simulation time in whole steps of dt
using gid_t = std::uint32_t;   // global neuron id, contiguous per population
using index_t = std::uint32_t; // index into rank-local arrays

}  // namespace balnet

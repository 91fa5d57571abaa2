// Checkpoint files (layout in docs/output.md, use in docs/checkpoint.md): one HDF5 file with
// the tables of a state_set. Rank 0 gathers every rank's rows, builds the file in memory and
// writes it alone, under PATH.tmp, renamed to PATH only when it is complete and synced; every
// rank reads the whole file on restart.
#pragma once

#include <cstdint>
#include <string>

#include "balnet/comm/communicator.hpp"
#include "balnet/io/state_io.hpp"

namespace balnet {

// Format version in the root attribute `balnet_checkpoint`.
inline constexpr std::int64_t checkpoint_format = 1;

// Collective. On any failure (unwritable path, full disk) every rank throws the same io_error
// and the file previously at `path`, if any, is left as it was.
void write_checkpoint(const std::string& path, communicator& comm, const state_set& state);

// Reads the whole checkpoint (no communication). Throws io_error when the file is missing,
// is not HDF5, is not a balnet checkpoint or is damaged.
state_set read_checkpoint(const std::string& path);

// The default checkpoint file of an output file: NAME.h5 -> NAME.ckpt.h5.
std::string default_checkpoint_path(const std::string& output);

}  // namespace balnet

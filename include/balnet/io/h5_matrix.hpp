// A 2-D dataset (rows x fixed columns) that grows by rows, written collectively with the
// data of rank 0 (the other ranks take part without data): used by recorders that gather
// their samples on rank 0 before writing.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>

#include "balnet/comm/communicator.hpp"
#include "balnet/io/h5.hpp"

namespace balnet::h5 {

class matrix_appendable {
 public:
  matrix_appendable() = default;
  // Collective: creates `name` under `loc` with `columns` columns of `type`.
  matrix_appendable(hid_t loc, const std::string& name, hid_t type, std::uint64_t columns,
                    std::uint64_t chunk_rows = 64);
  // Collective: appends `rows` rows (row-major) from rank 0's `data`; the other ranks'
  // data is ignored. Every rank passes the same `rows`.
  void append_rows(communicator& comm, const void* data, std::uint64_t rows);
  // Opens an existing dataset (a restarted run appending to its output file).
  static matrix_appendable open(hid_t loc, const std::string& name, hid_t type);
  // Collective: keeps the first `rows` rows (no-op if there are not more).
  void truncate(std::uint64_t rows);
  std::uint64_t rows() const { return rows_; }
  hid_t id() const { return dset_.get(); }

 private:
  handle dset_;
  hid_t type_ = H5I_INVALID_HID;
  std::uint64_t columns_ = 0;
  std::uint64_t rows_ = 0;
};

}  // namespace balnet::h5

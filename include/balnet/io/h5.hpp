// A thin RAII layer over the HDF5 C API for balnet's collective (parallel) writes.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "balnet/comm/communicator.hpp"

namespace balnet::h5 {

// Owns one HDF5 identifier and closes it with the matching H5*close.
class handle {
 public:
  handle() = default;
  handle(hid_t id, herr_t (*closer)(hid_t)) : id_(id), close_(closer) {}
  handle(const handle&) = delete;
  handle& operator=(const handle&) = delete;
  handle(handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = H5I_INVALID_HID; }
  handle& operator=(handle&& o) noexcept;
  ~handle() { reset(); }
  void reset();
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = H5I_INVALID_HID;
  herr_t (*close_)(hid_t) = nullptr;
};

// Throws io_error if `status` is negative, naming what was being done.
void check(herr_t status, const std::string& what);
hid_t check_id(hid_t id, const std::string& what);

// Creates (truncates) a file for collective writing by all ranks of `comm`.
handle create_file(const std::string& path, communicator& comm);
// Opens an existing file collectively, read-write or read-only.
handle open_file(const std::string& path, communicator& comm, bool writable);

handle create_group(hid_t loc, const std::string& name);
handle open_group(hid_t loc, const std::string& name);
bool exists(hid_t loc, const std::string& path);

// Attributes (metadata: every rank calls with the same values).
void attr(hid_t obj, const std::string& name, const std::string& value);
void attr(hid_t obj, const std::string& name, double value);
void attr(hid_t obj, const std::string& name, std::int64_t value);
void attr(hid_t obj, const std::string& name, std::uint64_t value);
void attr(hid_t obj, const std::string& name, std::span<const std::uint32_t> values);
void attr(hid_t obj, const std::string& name, std::span<const double> values);
// SONATA's spike sorting enum (none=0, by_id=1, by_time=2) over uint8.
void attr_sorting(hid_t obj, std::uint8_t value);

// Collective: sets the extent of `dset` to `dims` and replaces the handle by a fresh one
// (with the MPI-IO driver, writes through the handle that shrank a dataset were lost when it
// grew again; HDF5 1.10, measured). Used by the appendable datasets' truncate().
void shrink_and_reopen(handle& dset, const hsize_t* dims);

// A 1-D chunked dataset that grows by collective appends.
class appendable {
 public:
  appendable() = default;
  appendable(hid_t loc, const std::string& name, hid_t type, std::uint64_t chunk);
  // Opens an existing dataset (a restarted run appending to its output file).
  static appendable open(hid_t loc, const std::string& name, hid_t type);
  // Collective: shrinks the dataset to its first `n` elements (no-op if it is not longer).
  void truncate(std::uint64_t n);
  // Collective: every rank appends its `n` elements; rank r's elements follow those of
  // ranks < r. Every rank must call, also with n = 0.
  void append(communicator& comm, const void* data, std::uint64_t n);
  std::uint64_t size() const { return size_; }
  hid_t id() const { return dset_.get(); }

 private:
  handle dset_;
  hid_t type_ = H5I_INVALID_HID;
  std::uint64_t size_ = 0;
};

// A dataset written from rank 0's data only (others pass nothing); collective.
void write_root(communicator& comm, hid_t loc, const std::string& name, hid_t type,
                const void* data, std::uint64_t n);
// A fixed-length string dataset holding `text` (rank 0's copy is written); collective.
void write_text(communicator& comm, hid_t loc, const std::string& name, const std::string& text);
// One value per rank, gathered into a dataset of length ranks; collective.
void write_per_rank(communicator& comm, hid_t loc, const std::string& name, double value);

// Reading helpers (used by tests and restart): whole 1-D datasets.
std::vector<double> read_doubles(hid_t loc, const std::string& name);
std::vector<std::uint64_t> read_u64(hid_t loc, const std::string& name);
std::string read_text(hid_t loc, const std::string& name);

}  // namespace balnet::h5

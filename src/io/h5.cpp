#include "balnet/io/h5.hpp"

#include <algorithm>
#include <cstring>

#include "balnet/core/error.hpp"

namespace balnet::h5 {

handle& handle::operator=(handle&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = H5I_INVALID_HID;
  }
  return *this;
}

void handle::reset() {
  if (id_ >= 0 && close_) close_(id_);
  id_ = H5I_INVALID_HID;
}

void check(herr_t status, const std::string& what) {
  if (status < 0) throw io_error("HDF5: " + what + " failed");
}

hid_t check_id(hid_t id, const std::string& what) {
  if (id < 0) throw io_error("HDF5: " + what + " failed");
  return id;
}

namespace {

handle file_access(communicator& comm) {
  handle fapl(check_id(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate"), H5Pclose);
  check(H5Pset_fapl_mpio(fapl, comm.native(), MPI_INFO_NULL), "H5Pset_fapl_mpio");
  // Collective metadata: every rank issues the same metadata calls.
  check(H5Pset_all_coll_metadata_ops(fapl, true), "H5Pset_all_coll_metadata_ops");
  check(H5Pset_coll_metadata_write(fapl, true), "H5Pset_coll_metadata_write");
  return fapl;
}

handle collective_transfer() {
  handle dxpl(check_id(H5Pcreate(H5P_DATASET_XFER), "H5Pcreate"), H5Pclose);
  check(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), "H5Pset_dxpl_mpio");
  return dxpl;
}

class silence_errors {
 public:
  silence_errors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~silence_errors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

}  // namespace

handle create_file(const std::string& path, communicator& comm) {
  auto fapl = file_access(comm);
  silence_errors quiet;
  const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  if (f < 0) {
    throw io_error(path + ": cannot create the output file (is the directory there and writable?)");
  }
  return handle(f, H5Fclose);
}

handle open_file(const std::string& path, communicator& comm, bool writable) {
  auto fapl = file_access(comm);
  silence_errors quiet;
  const hid_t f = H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl);
  if (f < 0) throw io_error(path + ": cannot open as an HDF5 file");
  return handle(f, H5Fclose);
}

handle create_group(hid_t loc, const std::string& name) {
  return handle(check_id(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                         "creating group " + name),
                H5Gclose);
}

handle open_group(hid_t loc, const std::string& name) {
  return handle(check_id(H5Gopen2(loc, name.c_str(), H5P_DEFAULT), "opening group " + name),
                H5Gclose);
}

bool exists(hid_t loc, const std::string& path) {
  silence_errors quiet;
  std::string prefix;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    const auto next = path.find('/', pos);
    prefix = path.substr(0, next);
    if (!prefix.empty() && H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    pos = next == std::string::npos ? next : next + 1;
  }
  return true;
}

namespace {

void write_attr(hid_t obj, const std::string& name, hid_t type, hid_t space, const void* data) {
  if (H5Aexists(obj, name.c_str()) > 0) check(H5Adelete(obj, name.c_str()), "deleting attribute " + name);
  handle a(check_id(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                    "creating attribute " + name),
           H5Aclose);
  check(H5Awrite(a, type, data), "writing attribute " + name);
}

}  // namespace

void attr(hid_t obj, const std::string& name, const std::string& value) {
  handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  check(H5Tset_size(type, std::max<std::size_t>(1, value.size())), "H5Tset_size");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "H5Tset_cset");
  handle space(H5Screate(H5S_SCALAR), H5Sclose);
  std::string padded = value.empty() ? std::string(1, '\0') : value;
  write_attr(obj, name, type, space, padded.data());
}

void attr(hid_t obj, const std::string& name, double value) {
  handle space(H5Screate(H5S_SCALAR), H5Sclose);
  write_attr(obj, name, H5T_NATIVE_DOUBLE, space, &value);
}

void attr(hid_t obj, const std::string& name, std::int64_t value) {
  handle space(H5Screate(H5S_SCALAR), H5Sclose);
  write_attr(obj, name, H5T_NATIVE_INT64, space, &value);
}

void attr(hid_t obj, const std::string& name, std::uint64_t value) {
  handle space(H5Screate(H5S_SCALAR), H5Sclose);
  write_attr(obj, name, H5T_NATIVE_UINT64, space, &value);
}

void attr(hid_t obj, const std::string& name, std::span<const std::uint32_t> values) {
  const hsize_t n = values.size();
  handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  write_attr(obj, name, H5T_NATIVE_UINT32, space, values.data());
}

void attr(hid_t obj, const std::string& name, std::span<const double> values) {
  const hsize_t n = values.size();
  handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  write_attr(obj, name, H5T_NATIVE_DOUBLE, space, values.data());
}

void attr_sorting(hid_t obj, std::uint8_t value) {
  handle type(H5Tenum_create(H5T_NATIVE_UINT8), H5Tclose);
  const std::uint8_t none = 0, by_id = 1, by_time = 2;
  check(H5Tenum_insert(type, "none", &none), "H5Tenum_insert");
  check(H5Tenum_insert(type, "by_id", &by_id), "H5Tenum_insert");
  check(H5Tenum_insert(type, "by_time", &by_time), "H5Tenum_insert");
  handle space(H5Screate(H5S_SCALAR), H5Sclose);
  write_attr(obj, "sorting", type, space, &value);
}

appendable::appendable(hid_t loc, const std::string& name, hid_t type, std::uint64_t chunk)
    : type_(type) {
  const hsize_t zero = 0, unlimited = H5S_UNLIMITED, ch = std::max<std::uint64_t>(1, chunk);
  handle space(H5Screate_simple(1, &zero, &unlimited), H5Sclose);
  handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  check(H5Pset_chunk(dcpl, 1, &ch), "H5Pset_chunk");
  check(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER), "H5Pset_fill_time");
  dset_ = handle(check_id(H5Dcreate2(loc, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                          "creating dataset " + name),
                 H5Dclose);
}

appendable appendable::open(hid_t loc, const std::string& name, hid_t type) {
  appendable a;
  a.type_ = type;
  a.dset_ = handle(check_id(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "opening dataset " + name), H5Dclose);
  handle space(check_id(H5Dget_space(a.dset_), "H5Dget_space"), H5Sclose);
  a.size_ = static_cast<std::uint64_t>(H5Sget_simple_extent_npoints(space));
  return a;
}

void appendable::truncate(std::uint64_t n) {
  if (n >= size_) return;
  const hsize_t new_size = n;
  shrink_and_reopen(dset_, &new_size);
  size_ = n;
}

void shrink_and_reopen(handle& dset, const hsize_t* dims) {
  check(H5Dset_extent(dset, dims), "truncating a dataset");
  char name[1024];
  const ssize_t len = H5Iget_name(dset, name, sizeof(name));
  if (len <= 0 || static_cast<std::size_t>(len) >= sizeof(name)) throw io_error("cannot name a dataset to reopen it");
  handle file(check_id(H5Iget_file_id(dset), "H5Iget_file_id"), H5Fclose);
  dset.reset();
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flushing after truncating a dataset");
  dset = handle(check_id(H5Dopen2(file, name, H5P_DEFAULT), std::string("reopening ") + name), H5Dclose);
}

void appendable::append(communicator& comm, const void* data, std::uint64_t n) {
  const std::uint64_t offset = comm.exscan_sum(n);
  std::uint64_t total = n;
  comm.allreduce_sum(std::span<std::uint64_t>(&total, 1));
  if (total == 0) return;
  const hsize_t new_size = size_ + total;
  check(H5Dset_extent(dset_, &new_size), "extending a dataset");
  handle fspace(check_id(H5Dget_space(dset_), "H5Dget_space"), H5Sclose);
  const hsize_t start = size_ + offset, count = n, mcount = std::max<hsize_t>(1, n);
  handle mspace(H5Screate_simple(1, &mcount, nullptr), H5Sclose);
  if (n > 0) {
    check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, nullptr, &count, nullptr), "selecting");
  } else {
    check(H5Sselect_none(fspace), "H5Sselect_none");
    check(H5Sselect_none(mspace), "H5Sselect_none");
  }
  auto dxpl = collective_transfer();
  check(H5Dwrite(dset_, type_, mspace, fspace, dxpl, data), "writing a dataset");
  size_ = new_size;
}

void write_root(communicator& comm, hid_t loc, const std::string& name, hid_t type,
                const void* data, std::uint64_t n) {
  std::uint64_t total = comm.rank() == 0 ? n : 0;
  comm.allreduce_max(std::span<std::uint64_t>(&total, 1));
  const hsize_t dims = total;
  handle space(H5Screate_simple(1, &dims, nullptr), H5Sclose);
  handle d(check_id(H5Dcreate2(loc, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                    "creating dataset " + name),
           H5Dclose);
  if (total == 0) return;
  handle fspace(H5Dget_space(d), H5Sclose);
  handle mspace(H5Screate_simple(1, &dims, nullptr), H5Sclose);
  if (comm.rank() != 0) {
    check(H5Sselect_none(fspace), "H5Sselect_none");
    check(H5Sselect_none(mspace), "H5Sselect_none");
  }
  auto dxpl = collective_transfer();
  check(H5Dwrite(d, type, mspace, fspace, dxpl, data), "writing dataset " + name);
}

void write_text(communicator& comm, hid_t loc, const std::string& name, const std::string& text) {
  std::string t = text;
  comm.broadcast(t, 0);
  handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  check(H5Tset_size(type, std::max<std::size_t>(1, t.size())), "H5Tset_size");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "H5Tset_cset");
  handle space(H5Screate(H5S_SCALAR), H5Sclose);
  handle d(check_id(H5Dcreate2(loc, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                    "creating dataset " + name),
           H5Dclose);
  handle fspace(H5Dget_space(d), H5Sclose);
  handle mspace(H5Screate(H5S_SCALAR), H5Sclose);
  if (comm.rank() != 0) {
    check(H5Sselect_none(fspace), "H5Sselect_none");
    check(H5Sselect_none(mspace), "H5Sselect_none");
  }
  if (t.empty()) t.push_back('\0');
  auto dxpl = collective_transfer();
  check(H5Dwrite(d, type, mspace, fspace, dxpl, t.data()), "writing dataset " + name);
}

void write_per_rank(communicator& comm, hid_t loc, const std::string& name, double value) {
  const auto all = comm.allgather(std::span<const double>(&value, 1));
  write_root(comm, loc, name, H5T_NATIVE_DOUBLE, all.data(), all.size());
}

std::vector<double> read_doubles(hid_t loc, const std::string& name) {
  handle d(check_id(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "opening " + name), H5Dclose);
  handle s(H5Dget_space(d), H5Sclose);
  const auto n = H5Sget_simple_extent_npoints(s);
  std::vector<double> out(static_cast<std::size_t>(n));
  if (n > 0) check(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "reading " + name);
  return out;
}

std::vector<std::uint64_t> read_u64(hid_t loc, const std::string& name) {
  handle d(check_id(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "opening " + name), H5Dclose);
  handle s(H5Dget_space(d), H5Sclose);
  const auto n = H5Sget_simple_extent_npoints(s);
  std::vector<std::uint64_t> out(static_cast<std::size_t>(n));
  if (n > 0) check(H5Dread(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "reading " + name);
  return out;
}

std::string read_text(hid_t loc, const std::string& name) {
  handle d(check_id(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "opening " + name), H5Dclose);
  handle type(H5Dget_type(d), H5Tclose);
  handle mtype(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_cset(mtype, H5Tget_cset(type));  // balnet writes UTF-8; HDF5 does not convert charsets
  if (H5Tis_variable_str(type) > 0) {  // e.g. written by h5py from a Python string
    H5Tset_size(mtype, H5T_VARIABLE);
    char* text = nullptr;
    check(H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text), "reading " + name);
    std::string out = text ? text : "";
    handle space(H5Dget_space(d), H5Sclose);
    H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, &text);
    return out;
  }
  const std::size_t n = H5Tget_size(type);
  std::string out(n, '\0');
  H5Tset_size(mtype, n);
  check(H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "reading " + name);
  while (!out.empty() && out.back() == '\0') out.pop_back();
  return out;
}

}  // namespace balnet::h5

#include "balnet/io/h5_matrix.hpp"

#include <algorithm>

#include "balnet/core/error.hpp"

namespace balnet::h5 {

matrix_appendable::matrix_appendable(hid_t loc, const std::string& name, hid_t type,
                                     std::uint64_t columns, std::uint64_t chunk_rows)
    : type_(type), columns_(columns) {
  const hsize_t dims[2] = {0, columns};
  const hsize_t maxdims[2] = {H5S_UNLIMITED, columns > 0 ? columns : H5S_UNLIMITED};
  const hsize_t chunk[2] = {std::max<hsize_t>(1, chunk_rows), std::max<hsize_t>(1, columns)};
  handle space(H5Screate_simple(2, dims, maxdims), H5Sclose);
  handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  check(H5Pset_chunk(dcpl, 2, chunk), "H5Pset_chunk");
  check(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER), "H5Pset_fill_time");
  dset_ = handle(check_id(H5Dcreate2(loc, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                          "creating dataset " + name),
                 H5Dclose);
}

matrix_appendable matrix_appendable::open(hid_t loc, const std::string& name, hid_t type) {
  matrix_appendable m;
  m.type_ = type;
  m.dset_ = handle(check_id(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "opening dataset " + name), H5Dclose);
  handle space(check_id(H5Dget_space(m.dset_), "H5Dget_space"), H5Sclose);
  hsize_t dims[2] = {0, 0};
  H5Sget_simple_extent_dims(space, dims, nullptr);
  m.rows_ = dims[0];
  m.columns_ = dims[1];
  return m;
}

void matrix_appendable::truncate(std::uint64_t rows) {
  if (rows >= rows_) return;
  const hsize_t dims[2] = {rows, columns_};
  h5::shrink_and_reopen(dset_, dims);
  rows_ = rows;
}

void matrix_appendable::append_rows(communicator& comm, const void* data, std::uint64_t rows) {
  if (rows == 0) return;
  const hsize_t dims[2] = {rows_ + rows, columns_};
  check(H5Dset_extent(dset_, dims), "extending a dataset");
  if (columns_ == 0) {
    rows_ += rows;
    return;
  }
  handle fspace(check_id(H5Dget_space(dset_), "H5Dget_space"), H5Sclose);
  const hsize_t start[2] = {rows_, 0}, count[2] = {rows, columns_};
  handle mspace(H5Screate_simple(2, count, nullptr), H5Sclose);
  if (comm.rank() == 0) {
    check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, count, nullptr), "selecting");
  } else {
    check(H5Sselect_none(fspace), "H5Sselect_none");
    check(H5Sselect_none(mspace), "H5Sselect_none");
  }
  handle dxpl(check_id(H5Pcreate(H5P_DATASET_XFER), "H5Pcreate"), H5Pclose);
  check(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), "H5Pset_dxpl_mpio");
  static const double dummy = 0.0;  // ranks without data still pass a valid buffer
  check(H5Dwrite(dset_, type_, mspace, fspace, dxpl, data ? data : &dummy), "writing a dataset");
  rows_ += rows;
}

}  // namespace balnet::h5

#include "balnet/rates/rate_output.hpp"

#include <hdf5.h>

#include <cstring>

#include "balnet/core/error.hpp"
#include "balnet/io/h5.hpp"

namespace balnet::rates {

namespace {

void put_u64(std::string& b, std::uint64_t v) { b.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put_str(std::string& b, const std::string& s) {
  put_u64(b, s.size());
  b += s;
}

struct reader {
  const std::string& b;
  std::size_t at = 0;
  std::uint64_t u64() {
    if (at + 8 > b.size()) throw error("rates: truncated result record");
    std::uint64_t v;
    std::memcpy(&v, b.data() + at, 8);
    at += 8;
    return v;
  }
  std::string str() {
    const auto n = u64();
    if (at + n > b.size()) throw error("rates: truncated result record");
    std::string s = b.substr(at, n);
    at += n;
    return s;
  }
  char ch() {
    if (at >= b.size()) throw error("rates: truncated result record");
    return b[at++];
  }
};

// The object at `path`, creating missing groups along the way.
h5::handle open_or_create_group(hid_t file, const std::string& path) {
  std::string cur;
  h5::handle g;
  std::size_t start = 0;
  while (start < path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    const std::string part = path.substr(start, slash - start);
    start = slash + 1;
    if (part.empty()) continue;
    cur += "/" + part;
    if (H5Lexists(file, cur.c_str(), H5P_DEFAULT) > 0) {
      g = h5::open_group(file, cur);
    } else {
      g = h5::create_group(file, cur);
    }
  }
  if (!g.valid()) g = h5::open_group(file, "/");
  return g;
}

}  // namespace

void result_blob::add_raw(const std::string& path, const std::vector<std::uint64_t>& shape, char type,
                          const void* data, std::size_t elem) {
  bytes_ += 'D';
  put_str(bytes_, path);
  bytes_ += type;
  put_u64(bytes_, shape.size());
  std::uint64_t n = 1;
  for (auto s : shape) {
    put_u64(bytes_, s);
    n *= s;
  }
  put_u64(bytes_, n * elem);
  if (n) bytes_.append(static_cast<const char*>(data), n * elem);
}

void result_blob::add(const std::string& path, const std::vector<std::uint64_t>& shape, const float* data) {
  add_raw(path, shape, 'f', data, 4);
}
void result_blob::add(const std::string& path, const std::vector<std::uint64_t>& shape, const double* data) {
  add_raw(path, shape, 'd', data, 8);
}
void result_blob::add(const std::string& path, const std::vector<std::uint64_t>& shape, const std::int32_t* data) {
  add_raw(path, shape, 'i', data, 4);
}
void result_blob::add(const std::string& path, const std::vector<std::uint64_t>& shape, const std::uint8_t* data) {
  add_raw(path, shape, 'u', data, 1);
}

void result_blob::attr(const std::string& object, const std::string& name, double value) {
  bytes_ += 'A';
  put_str(bytes_, object);
  put_str(bytes_, name);
  bytes_.append(reinterpret_cast<const char*>(&value), sizeof value);
}

void result_blob::attr(const std::string& object, const std::string& name, const std::string& value) {
  bytes_ += 'S';
  put_str(bytes_, object);
  put_str(bytes_, name);
  put_str(bytes_, value);
}

void result_blob::text(const std::string& path, const std::string& value) {
  bytes_ += 'T';
  put_str(bytes_, path);
  put_str(bytes_, value);
}

void result_blob::write(long long file_id, const std::string& bytes) {
  const auto file = static_cast<hid_t>(file_id);
  reader r{bytes};
  while (r.at < bytes.size()) {
    const char kind = r.ch();
    if (kind == 'D' || kind == 'T') {
      const std::string path = r.str();
      const auto slash = path.rfind('/');
      const std::string parent = slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
      const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
      auto group = open_or_create_group(file, parent);
      if (kind == 'T') {
        const std::string value = r.str();
        h5::handle type(h5::check_id(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose);
        h5::check(H5Tset_size(type, value.empty() ? 1 : value.size()), "H5Tset_size");
        h5::handle space(h5::check_id(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose);
        h5::handle d(h5::check_id(H5Dcreate2(group, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                  "creating " + path),
                     H5Dclose);
        const std::string v = value.empty() ? std::string(1, '\0') : value;
        h5::check(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "writing " + path);
        continue;
      }
      const char type = r.ch();
      const auto rank = r.u64();
      std::vector<hsize_t> dims;
      for (std::uint64_t i = 0; i < rank; ++i) dims.push_back(r.u64());
      const auto nbytes = r.u64();
      if (r.at + nbytes > bytes.size()) throw error("rates: truncated dataset " + path);
      hid_t mem = H5T_NATIVE_FLOAT, file_type = H5T_IEEE_F32LE;
      if (type == 'd') mem = H5T_NATIVE_DOUBLE, file_type = H5T_IEEE_F64LE;
      if (type == 'i') mem = H5T_NATIVE_INT32, file_type = H5T_STD_I32LE;
      if (type == 'u') mem = H5T_NATIVE_UINT8, file_type = H5T_STD_U8LE;
      h5::handle space(h5::check_id(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "H5Screate_simple"),
                       H5Sclose);
      h5::handle d(h5::check_id(H5Dcreate2(group, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                "creating " + path),
                   H5Dclose);
      if (nbytes) h5::check(H5Dwrite(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data() + r.at), "writing " + path);
      r.at += nbytes;
    } else if (kind == 'A' || kind == 'S') {
      const std::string object = r.str();
      const std::string name = r.str();
      auto group = open_or_create_group(file, object);
      if (kind == 'A') {
        double v;
        if (r.at + 8 > bytes.size()) throw error("rates: truncated attribute");
        std::memcpy(&v, bytes.data() + r.at, 8);
        r.at += 8;
        h5::attr(group, name, v);
      } else {
        h5::attr(group, name, r.str());
      }
    } else {
      throw error("rates: corrupt result record");
    }
  }
}

}  // namespace balnet::rates

#include "balnet/io/checkpoint.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "balnet/core/error.hpp"
#include "balnet/io/h5.hpp"

namespace balnet {

namespace {

// HDF5 prints its error stack by default; balnet reports one line instead.
class quiet_hdf5 {
 public:
  quiet_hdf5() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~quiet_hdf5() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

// The table layout, identical on every rank (checked before rows are gathered).
std::string schema_of(const state_set& s) {
  std::ostringstream o;
  for (const auto& [path, t] : s.tables) {
    o << path << '\t';
    for (const auto& [name, col] : t.columns) o << name << ',';
    o << '\t';
    for (const auto& [name, v] : t.scalars) o << name << ',';
    o << '\n';
  }
  return o.str();
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

void put_text(hid_t loc, const std::string& name, const std::string& text) {
  h5::handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  h5::check(H5Tset_size(type, std::max<std::size_t>(1, text.size())), "H5Tset_size");
  h5::handle space(H5Screate(H5S_SCALAR), H5Sclose);
  h5::handle d(h5::check_id(H5Dcreate2(loc, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                            "creating " + name),
               H5Dclose);
  std::string buf = text.empty() ? std::string(1, '\0') : text;
  h5::check(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "writing " + name);
}

// Rank 0: the merged tables as an HDF5 file image in memory (core driver, no backing
// store), so that every file-system error comes from the plain writes below.
std::vector<char> file_image(const state_set& all) {
  quiet_hdf5 quiet;
  h5::handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  // Grow the image in one step: the columns' bytes plus room for the metadata.
  std::size_t bytes = 1 << 20;
  for (const auto& [path, t] : all.tables) {
    for (const auto& [name, col] : t.columns) bytes += col.size() * sizeof(double) + 4096;
  }
  h5::check(H5Pset_fapl_core(fapl, bytes, 0), "H5Pset_fapl_core");
  h5::handle f(h5::check_id(H5Fcreate("checkpoint", H5F_ACC_TRUNC, H5P_DEFAULT, fapl), "creating the checkpoint image"),
               H5Fclose);
  h5::attr(f, "balnet_checkpoint", checkpoint_format);
  h5::handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  h5::check(H5Pset_create_intermediate_group(lcpl, 1), "H5Pset_create_intermediate_group");
  std::string index;
  for (const auto& [path, t] : all.tables) {
    h5::handle g(h5::check_id(H5Gcreate2(f, ("state/" + path).c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT),
                              "creating group state/" + path),
                 H5Gclose);
    index += path + '\t';
    for (const auto& [name, col] : t.columns) {
      const hsize_t n = col.size();
      h5::handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
      h5::handle d(h5::check_id(H5Dcreate2(g, name.c_str(), H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT,
                                           H5P_DEFAULT),
                                "creating dataset state/" + path + "/" + name),
                   H5Dclose);
      if (n > 0) {
        h5::check(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, col.data()),
                  "writing state/" + path + "/" + name);
      }
      index += name + ',';
    }
    index += '\t';
    for (const auto& [name, v] : t.scalars) {
      h5::attr(g, name, v);
      index += name + ',';
    }
    index += '\n';
  }
  {
    h5::handle tg = h5::create_group(f, "text");
    std::string names;
    for (const auto& [name, text] : all.texts) {
      put_text(tg, name, text);
      names += name + '\n';
    }
    put_text(f, "index", index);
    put_text(f, "text_index", names);
  }
  h5::check(H5Fflush(f, H5F_SCOPE_GLOBAL), "flushing the checkpoint image");
  const ssize_t size = H5Fget_file_image(f, nullptr, 0);
  if (size <= 0) throw error("internal: cannot size the checkpoint image");
  std::vector<char> image(static_cast<std::size_t>(size));
  if (H5Fget_file_image(f, image.data(), image.size()) != size) throw error("internal: cannot copy the checkpoint image");
  return image;
}

// Writes `image` to `tmp` and syncs it to disk, so the rename that follows publishes a
// complete file; errors name the file and the system's reason (e.g. no space left).
void write_image(const std::string& tmp, const std::vector<char>& image) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    throw io_error(tmp + ": cannot create the checkpoint file: " + std::strerror(errno) +
                   " (is the directory there and writable?)");
  }
  std::size_t done = 0;
  while (done < image.size()) {
    const ssize_t n = ::write(fd, image.data() + done, image.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = n < 0 ? std::strerror(errno) : "nothing written";
      ::close(fd);
      throw io_error(tmp + ": cannot write the checkpoint: " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 && errno != EINVAL) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    throw io_error(tmp + ": cannot sync the checkpoint to disk: " + why);
  }
  if (::close(fd) != 0) throw io_error(tmp + ": cannot close the checkpoint: " + std::strerror(errno));
}

std::string get_text(hid_t loc, const std::string& name) {
  h5::handle d(h5::check_id(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "opening " + name), H5Dclose);
  h5::handle type(h5::check_id(H5Dget_type(d), "H5Dget_type"), H5Tclose);
  const std::size_t n = H5Tget_size(type);
  std::string s(n, '\0');
  h5::handle mtype(H5Tcopy(H5T_C_S1), H5Tclose);
  h5::check(H5Tset_size(mtype, n), "H5Tset_size");
  h5::check(H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.data()), "reading " + name);
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

}  // namespace

std::string default_checkpoint_path(const std::string& output) {
  const std::string ext = ".h5";
  if (output.size() > ext.size() && output.compare(output.size() - ext.size(), ext.size(), ext) == 0) {
    return output.substr(0, output.size() - ext.size()) + ".ckpt.h5";
  }
  return output + ".ckpt.h5";
}

void write_checkpoint(const std::string& path, communicator& comm, const state_set& state) {
  // Every rank must contribute the same tables and columns.
  std::string schema = schema_of(state);
  std::string root_schema = schema;
  comm.broadcast(root_schema, 0);
  if (!comm.all_ok(root_schema == schema)) {
    throw error("internal: the ranks disagree on the checkpoint layout (a component wrote different tables)");
  }
  // Gather the rows on rank 0: per table, the row count and then the columns.
  std::vector<double> mine;
  for (const auto& [path_, t] : state.tables) {
    const std::size_t rows = t.rows();
    for (const auto& [name, col] : t.columns) {
      if (col.size() != rows) {
        throw error("internal: checkpoint table " + path_ + " has columns of different lengths");
      }
    }
    mine.push_back(static_cast<double>(rows));
    for (const auto& [name, col] : t.columns) mine.insert(mine.end(), col.begin(), col.end());
  }
  std::vector<std::vector<double>> per_dest(static_cast<std::size_t>(comm.size()));
  per_dest[0] = std::move(mine);
  std::vector<int> counts;
  const auto got = comm.exchange(per_dest, &counts);
  std::string failure;
  if (comm.rank() == 0) {
    state_set all;
    all.texts = state.texts;
    for (const auto& [p, t] : state.tables) {
      auto& a = all.table(p);
      a.scalars = t.scalars;
      for (const auto& [name, col] : t.columns) a.columns[name];
    }
    std::size_t off = 0;
    for (int src = 0; src < comm.size(); ++src) {
      for (auto& [p, a] : all.tables) {
        const auto rows = static_cast<std::size_t>(got[off++]);
        for (auto& [name, col] : a.columns) {
          col.insert(col.end(), got.begin() + static_cast<std::ptrdiff_t>(off),
                     got.begin() + static_cast<std::ptrdiff_t>(off + rows));
          off += rows;
        }
      }
    }
    const std::string tmp = path + ".tmp";
    try {
      write_image(tmp, file_image(all));
      if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        throw io_error(path + ": cannot rename " + tmp + " to the checkpoint's name");
      }
    } catch (const std::exception& e) {
      failure = std::string(e.what()) + " (checkpoint not written; the previous checkpoint, if any, is unchanged)";
      ::unlink(tmp.c_str());  // a partial file (never a directory in the way)
    }
  }
  comm.broadcast(failure, 0);
  if (!failure.empty()) throw io_error(failure);
}

state_set read_checkpoint(const std::string& path) {
  quiet_hdf5 quiet;
  if (::access(path.c_str(), R_OK) != 0) throw io_error(path + ": no such checkpoint file (or it is not readable)");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw io_error(path + ": not an HDF5 file, or a damaged one (truncated?); cannot restart from it");
  }
  const hid_t fid = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (fid < 0) throw io_error(path + ": cannot open the checkpoint (damaged or truncated HDF5 file)");
  h5::handle f(fid, H5Fclose);
  if (H5Aexists(f, "balnet_checkpoint") <= 0) {
    throw io_error(path + ": an HDF5 file but not a balnet checkpoint (no attribute balnet_checkpoint)");
  }
  state_set s;
  try {
    std::int64_t format = 0;
    {
      h5::handle a(h5::check_id(H5Aopen(f, "balnet_checkpoint", H5P_DEFAULT), "opening balnet_checkpoint"), H5Aclose);
      h5::check(H5Aread(a, H5T_NATIVE_INT64, &format), "reading balnet_checkpoint");
    }
    if (format != checkpoint_format) {
      throw io_error("checkpoint format " + std::to_string(format) + ", this balnet reads format " +
                     std::to_string(checkpoint_format));
    }
    for (const auto& line : split(get_text(f, "index"), '\n')) {
      const auto parts = split(line, '\t');
      if (parts.empty()) continue;
      const std::string& p = parts[0];
      auto& t = s.table(p);
      h5::handle g(h5::check_id(H5Gopen2(f, ("state/" + p).c_str(), H5P_DEFAULT), "opening state/" + p), H5Gclose);
      if (parts.size() > 1) {
        for (const auto& name : split(parts[1], ',')) t.columns[name] = h5::read_doubles(g, name);
      }
      if (parts.size() > 2) {
        for (const auto& name : split(parts[2], ',')) {
          h5::handle a(h5::check_id(H5Aopen(g, name.c_str(), H5P_DEFAULT), "opening attribute " + name), H5Aclose);
          double v = 0;
          h5::check(H5Aread(a, H5T_NATIVE_DOUBLE, &v), "reading attribute " + name);
          t.scalars[name] = v;
        }
      }
      for (const auto& [name, col] : t.columns) {
        if (col.size() != t.rows()) throw io_error("table " + p + " has columns of different lengths");
      }
    }
    h5::handle tg(h5::check_id(H5Gopen2(f, "text", H5P_DEFAULT), "opening text"), H5Gclose);
    for (const auto& name : split(get_text(f, "text_index"), '\n')) s.texts[name] = get_text(tg, name);
  } catch (const std::exception& e) {
    throw io_error(path + ": damaged checkpoint: " + e.what());
  }
  return s;
}

}  // namespace balnet

// Results of the rate-network mode as a flat list of datasets and attributes that can be
// sent between ranks as bytes and written to one HDF5 file by rank 0 (docs/output.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace balnet::rates {

class result_blob {
 public:
  void add(const std::string& path, const std::vector<std::uint64_t>& shape, const float* data);
  void add(const std::string& path, const std::vector<std::uint64_t>& shape, const double* data);
  void add(const std::string& path, const std::vector<std::uint64_t>& shape, const std::int32_t* data);
  void add(const std::string& path, const std::vector<std::uint64_t>& shape, const std::uint8_t* data);
  void attr(const std::string& object, const std::string& name, double value);
  void attr(const std::string& object, const std::string& name, const std::string& value);
  void text(const std::string& path, const std::string& value);  // a string dataset
  const std::string& bytes() const { return bytes_; }
  void append(const std::string& more) { bytes_ += more; }

  // Writes every record of `bytes` into the open file (groups are created as needed).
  static void write(long long file_id, const std::string& bytes);

 private:
  std::string bytes_;
  void add_raw(const std::string& path, const std::vector<std::uint64_t>& shape, char type, const void* data,
               std::size_t elem);
};

}  // namespace balnet::rates

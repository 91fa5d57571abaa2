// Sorting records whose order is "by a small unsigned key first, then by the rest" (spike
// arrivals: source gid, then projection and segment) in linear time: a stable LSD radix
// sort on the key, then an insertion sort inside each run of equal keys. With distinct
// records the result is exactly std::sort's; it is worth it for hundreds of records and more.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace balnet {

// Sorts v by `less`, where key(x) (a uint32) must be the first criterion of less:
// key(a) < key(b) implies less(a, b). `max_key` bounds every key; `scratch` is reused.
template <class T, class Key, class Less>
void sort_by_leading_key(std::vector<T>& v, std::vector<T>& scratch, std::uint32_t max_key, Key key, Less less) {
  const std::size_t n = v.size();
  if (n < 64) {  // small: a comparison sort is cheaper than the passes
    std::sort(v.begin(), v.end(), less);
    return;
  }
  int bits = 1;
  while (bits < 32 && (max_key >> bits) != 0) ++bits;
  const int passes = (bits + 10) / 11;  // digits of at most 11 bits
  const int digit = (bits + passes - 1) / passes;
  const std::uint32_t mask = (std::uint32_t{1} << digit) - 1;
  scratch.resize(n);
  std::array<std::uint32_t, 2048> storage;  // digits of at most 11 bits: no allocation per call
  const std::span<std::uint32_t> count(storage.data(), std::size_t{1} << digit);
  T* from = v.data();
  T* to = scratch.data();
  for (int p = 0; p < passes; ++p) {
    const int shift = p * digit;
    std::fill(count.begin(), count.end(), 0u);
    for (std::size_t i = 0; i < n; ++i) ++count[(key(from[i]) >> shift) & mask];
    std::uint32_t sum = 0;
    for (auto& c : count) {
      const std::uint32_t x = c;
      c = sum;
      sum += x;
    }
    for (std::size_t i = 0; i < n; ++i) to[count[(key(from[i]) >> shift) & mask]++] = from[i];
    std::swap(from, to);
  }
  if (from != v.data()) std::copy(from, from + n, v.data());
  // Runs of equal keys (one or a few records each): insertion sort by the full order.
  for (std::size_t i = 1; i < n; ++i) {
    if (key(v[i]) != key(v[i - 1]) || !less(v[i], v[i - 1])) continue;
    T x = v[i];
    std::size_t j = i;
    while (j > 0 && key(v[j - 1]) == key(x) && less(x, v[j - 1])) {
      v[j] = v[j - 1];
      --j;
    }
    v[j] = x;
  }
}

}  // namespace balnet

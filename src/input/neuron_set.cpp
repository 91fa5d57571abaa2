#include "balnet/input/neuron_set.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "balnet/io/config.hpp"
#include "balnet/network/partition.hpp"
#include "balnet/network/spec.hpp"

namespace balnet {

namespace {

bool parse_index(const std::string& text, std::uint64_t& out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 12) {
    return false;
  }
  out = std::stoull(text);
  return true;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

std::vector<std::uint64_t> parse_neuron_set(section_reader& s, const std::string& key,
                                            const std::string& text, std::uint64_t size) {
  std::vector<std::uint64_t> out;
  if (trim(text) == "all") {
    out.resize(size);
    for (std::uint64_t i = 0; i < size; ++i) out[i] = i;
    return out;
  }
  const std::string allowed = " (a neuron set is all, or comma-separated indices i and ranges a:b or a:b:step, "
                              "0 <= index < " + std::to_string(size) + ")";
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = text.find(',', pos);
    const std::string item = trim(text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    pos = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (item.empty()) s.fail(key, "empty item in the neuron set" + allowed);
    std::vector<std::string> parts;
    std::size_t p = 0;
    while (true) {
      const auto colon = item.find(':', p);
      parts.push_back(trim(item.substr(p, colon == std::string::npos ? std::string::npos : colon - p)));
      if (colon == std::string::npos) break;
      p = colon + 1;
    }
    std::uint64_t v[3] = {0, 0, 1};
    if (parts.size() > 3) s.fail(key, "'" + item + "' is not an index or a range" + allowed);
    for (std::size_t k = 0; k < parts.size(); ++k) {
      if (!parse_index(parts[k], v[k])) s.fail(key, "'" + item + "' is not an index or a range" + allowed);
    }
    if (parts.size() == 1) {
      if (v[0] >= size) s.fail(key, "index " + parts[0] + " is out of range" + allowed);
      out.push_back(v[0]);
      continue;
    }
    if (v[1] > size || v[0] >= v[1] || v[2] == 0) s.fail(key, "bad range '" + item + "'" + allowed);
    for (std::uint64_t i = v[0]; i < v[1]; i += v[2]) out.push_back(i);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::uint64_t> read_neuron_set(section_reader& s, const std::string& key,
                                           std::uint64_t size) {
  return parse_neuron_set(s, key, s.text(key, "all"), size);
}

std::vector<local_neuron> local_members(const std::vector<std::uint64_t>& set,
                                        const population_spec& pop, const partition& part) {
  std::vector<local_neuron> out;
  for (std::size_t k = 0; k < set.size(); ++k) {
    const auto g = static_cast<gid_t>(pop.first_gid + set[k]);
    if (part.is_local(g)) out.push_back({part.local_index(pop, g), g, k});
  }
  return out;
}

}  // namespace balnet

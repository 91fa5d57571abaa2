#include "balnet/io/state_io.hpp"

#include <algorithm>
#include <numeric>

#include "balnet/core/error.hpp"
#include "balnet/core/hazard_trains.hpp"

namespace balnet {

const std::vector<double>& state_table::at(const std::string& name) const {
  auto it = columns.find(name);
  if (it == columns.end()) throw io_error("checkpoint table '" + path + "' has no column '" + name + "'");
  return it->second;
}

double state_table::scalar(const std::string& name) const {
  auto it = scalars.find(name);
  if (it == scalars.end()) throw io_error("checkpoint table '" + path + "' has no value '" + name + "'");
  return it->second;
}

const state_table& state_set::at(const std::string& path) const {
  auto it = tables.find(path);
  if (it == tables.end()) {
    throw io_error("the checkpoint has no table '" + path + "' (written by another network or balnet version?)");
  }
  return it->second;
}

const std::string& state_set::text(const std::string& name) const {
  auto it = texts.find(name);
  if (it == texts.end()) throw io_error("the checkpoint has no text '" + name + "'");
  return it->second;
}

void save_trains(state_table& out, const hazard_trains& trains) {
  out.column("id").assign(trains.ids().begin(), trains.ids().end());
  out.column("budget") = trains.budgets();
  out.column("position").assign(trains.positions().begin(), trains.positions().end());
}

void load_trains(const state_table& in, hazard_trains& trains) {
  const auto rows = find_rows(in.at("id"), std::vector<std::uint64_t>(trains.ids().begin(), trains.ids().end()), "train");
  const auto& budget = in.at("budget");
  const auto& position = in.at("position");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    trains.budgets()[i] = budget[rows[i]];
    trains.positions()[i] = static_cast<std::uint64_t>(position[rows[i]]);
  }
}

std::string indexed_name(const std::string& prefix, std::size_t i) {
  std::string s = prefix;
  s += std::to_string(i);
  return s;
}

std::vector<std::size_t> find_rows(const std::vector<double>& keys, const std::vector<std::uint64_t>& wanted,
                                   const std::string& what) {
  std::vector<std::size_t> order(keys.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  std::vector<std::size_t> out(wanted.size());
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    const double k = static_cast<double>(wanted[i]);
    auto it = std::lower_bound(order.begin(), order.end(), k, [&](std::size_t r, double v) { return keys[r] < v; });
    if (it == order.end() || keys[*it] != k) {
      throw io_error("the checkpoint has no state for " + what + " " + std::to_string(wanted[i]) +
                     " (it was written for another network)");
    }
    out[i] = *it;
  }
  return out;
}

}  // namespace balnet

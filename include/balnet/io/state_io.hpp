// The state of a simulation as named tables of rank-independent rows: what a checkpoint
// holds (docs/checkpoint.md). Each component writes rows for its own rank-local part, keyed by
// gid or another key that does not depend on the partition; a reader sees the rows of every
// writing rank and picks those it needs, so a checkpoint loads on any number of ranks.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace balnet {

// Columns of equal length (values as float64: gids, steps and stream positions stay exact
// below 2^53) and scalars that hold the same value on every rank.
struct state_table {
  std::map<std::string, std::vector<double>> columns;
  std::map<std::string, double> scalars;

  std::vector<double>& column(const std::string& name) { return columns[name]; }
  // Throws io_error naming the table and column when it is missing.
  const std::vector<double>& at(const std::string& name) const;
  double scalar(const std::string& name) const;
  std::size_t rows() const { return columns.empty() ? 0 : columns.begin()->second.size(); }

  std::string path;  // set by state_set (for error messages)
};

struct state_set {
  std::map<std::string, state_table> tables;
  std::map<std::string, std::string> texts;  // rank 0's copy is written

  state_table& table(const std::string& path) {
    auto& t = tables[path];
    t.path = path;
    return t;
  }
  bool has(const std::string& path) const { return tables.count(path) > 0; }
  // Throws io_error naming the table when the checkpoint has none of that name.
  const state_table& at(const std::string& path) const;
  const std::string& text(const std::string& name) const;
};

class hazard_trains;

// Time-varying Poisson trains (core/hazard_trains.hpp) as columns id (the trains' keys, gids),
// budget and position; load_trains fills the trains of `trains` from the rows with their ids.
void save_trains(state_table& out, const hazard_trains& trains);
void load_trains(const state_table& in, hazard_trains& trains);

// prefix + i ("x0", "x1", ...): names of numbered columns and scalars.
std::string indexed_name(const std::string& prefix, std::size_t i);

// Rows of `keys` (one per row, any order) located for the wanted keys: out[i] is the row of
// wanted[i]. Throws io_error (naming `what`) when a wanted key has no row.
std::vector<std::size_t> find_rows(const std::vector<double>& keys, const std::vector<std::uint64_t>& wanted,
                                   const std::string& what = "key");

}  // namespace balnet

// Small whitespace-separated text tables that configurations point to (per-neuron
// parameters, rate arrays, stimulus schedules): '#' starts a comment, blank lines are
// skipped. Relative paths are taken from the configuration file's folder.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "balnet/core/rate_function.hpp"

namespace balnet {

class section_reader;

struct table_row {
  int line = 0;                      // line number in the file
  std::vector<std::string> fields;   // raw fields
};

struct text_table {
  std::string path;  // as resolved
  std::vector<table_row> rows;

  // The field as a number; throws config_error naming file, line and column otherwise.
  double number(std::size_t row, std::size_t column) const;
  [[noreturn]] void fail(std::size_t row, const std::string& what) const;
};

// Reads the file named by key `key` of the section (required). Errors name the key.
text_table read_table(section_reader& s, const std::string& key);

// The path of the file named by `key`, resolved against the config file's folder.
std::string resolve_path(section_reader& s, const std::string& key);

// Every [params] value, evaluated (for expressions evaluated later, e.g. in t).
std::map<std::string, double> params_map(const section_reader& s);

// A rate (Hz) given either as `rate_key` (a number, or an expression in t in ms) or as
// `file_key` (a table: two columns "t_ms rate_Hz", or one column of rates every `dt_key`
// ms, default `dt`). Exactly one of the two keys must be present.
rate_function read_rate(section_reader& s, const std::string& rate_key, const std::string& file_key,
                        const std::string& dt_key, double dt);

}  // namespace balnet

#include "balnet/io/table_file.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "balnet/core/error.hpp"
#include "balnet/core/expression.hpp"
#include "balnet/io/config.hpp"

namespace balnet {

std::string resolve_path(section_reader& s, const std::string& key) {
  const std::string path = s.text(key);
  if (path.front() == '/') return path;
  const std::string& cfg = s.config_file();
  const auto slash = cfg.rfind('/');
  return slash == std::string::npos ? path : cfg.substr(0, slash + 1) + path;
}

text_table read_table(section_reader& s, const std::string& key) {
  text_table t;
  t.path = resolve_path(s, key);
  std::ifstream in(t.path);
  if (!in) s.fail(key, "cannot open the file " + t.path + " (paths are relative to the config file's folder)");
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    table_row row;
    row.line = n;
    std::string f;
    while (fields >> f) row.fields.push_back(f);
    if (!row.fields.empty()) t.rows.push_back(std::move(row));
  }
  if (t.rows.empty()) s.fail(key, "the file " + t.path + " holds no data");
  return t;
}

double text_table::number(std::size_t row, std::size_t column) const {
  const auto& r = rows[row];
  if (column >= r.fields.size()) {
    fail(row, "expected at least " + std::to_string(column + 1) + " columns, found " +
                  std::to_string(r.fields.size()));
  }
  const std::string& f = r.fields[column];
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(f.c_str(), &end);
  if (end == f.c_str() || *end != '\0' || errno == ERANGE) {
    fail(row, "column " + std::to_string(column + 1) + ": '" + f + "' is not a number");
  }
  return v;
}

void text_table::fail(std::size_t row, const std::string& what) const {
  throw config_error(path + ":" + std::to_string(rows[row].line) + ": " + what);
}

std::map<std::string, double> params_map(const section_reader& s) {
  std::map<std::string, double> m;
  for (const auto& k : s.source().keys("params")) {
    if (auto v = s.source().param(k)) m[k] = *v;
  }
  return m;
}

rate_function read_rate(section_reader& s, const std::string& rate_key, const std::string& file_key,
                        const std::string& dt_key, double dt) {
  const bool has_rate = s.has(rate_key), has_file = s.has(file_key);
  const bool has_dt = s.has(dt_key);
  if (has_rate == has_file) {
    s.fail(has_rate ? file_key : rate_key,
           "give the rate either as " + rate_key + " (Hz: a number or an expression in t, in ms) or as " +
               file_key + " (a file), not " + (has_rate ? "both" : "neither"));
  }
  if (has_rate) {
    if (has_dt) s.fail(dt_key, dt_key + " goes with " + file_key);
    const std::string text = s.text(rate_key);
    const auto params = params_map(s);
    rate_function r;
    try {
      r = rate_function::expression(text, params);
    } catch (const config_error& e) {
      s.fail(rate_key, std::string(e.what()) + " (the rate may use t in ms and the names in [params])");
    }
    // A value without t is a constant.
    bool uses_t = false;
    try {
      evaluate_expression(text, [&](std::string_view n) -> std::optional<double> {
        if (n == "t") uses_t = true;
        std::string name(n);
        if (name.rfind("params.", 0) == 0) name = name.substr(7);
        const auto it = params.find(name);
        return it == params.end() ? std::optional<double>(0.0) : std::optional<double>(it->second);
      });
    } catch (const config_error&) {
    }
    if (!uses_t) {
      const double v = r.at(0.0);
      if (s.source().evaluate(text, s.full(rate_key)) < 0) s.fail(rate_key, "must be a rate >= 0 Hz");
      return rate_function::constant(v);
    }
    return r;
  }
  const double step = s.positive(dt_key, dt);
  const text_table t = read_table(s, file_key);
  std::vector<double> times, rates;
  const std::size_t cols = t.rows.front().fields.size();
  if (cols != 1 && cols != 2) t.fail(0, "expected one column (rate, Hz) or two (t in ms, rate in Hz)");
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    if (t.rows[i].fields.size() != cols) {
      t.fail(i, "expected " + std::to_string(cols) + " columns like the first row");
    }
    const double time = cols == 2 ? t.number(i, 0) : static_cast<double>(i) * step;
    const double rate = t.number(i, cols - 1);
    if (!(rate >= 0)) t.fail(i, "a rate must be >= 0 Hz");
    if (!times.empty() && !(time > times.back())) t.fail(i, "times must increase from row to row");
    times.push_back(time);
    rates.push_back(rate);
  }
  if (cols == 2 && has_dt) s.fail(dt_key, dt_key + " applies to one-column files only");
  return rate_function::table(std::move(times), std::move(rates));
}

}  // namespace balnet

#include "balnet/io/config.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "balnet/core/error.hpp"
#include "balnet/core/expression.hpp"

namespace balnet {

namespace po = boost::program_options;

namespace {

// Section kinds without a name: [run], [params], ... Every other kind carries a name:
// [population.E], [projection.EE], [input.drive], [unknownkind.X] (reported as unknown).
const std::set<std::string>& plain_kinds() {
  static const std::set<std::string> kinds = {"run", "params", "record", "check"};
  return kinds;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Line numbers of "key = value" lines, by full key (Boost.PO does not report them).
std::map<std::string, int> key_lines(const std::string& text) {
  std::map<std::string, int> lines;
  std::istringstream in(text);
  std::string line, section;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto hash = line.find('#');
    if (hash != std::string::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    if (line.front() == '[' && line.back() == ']') {
      section = trim(line.substr(1, line.size() - 2));
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = trim(line.substr(0, eq));
    const std::string full = section.empty() ? key : section + "." + key;
    if (!lines.count(full)) lines[full] = n;
  }
  return lines;
}

std::vector<std::string> split_args(const std::string& s) {
  std::vector<std::string> out;
  int depth = 0;
  std::string cur;
  for (char c : s) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!trim(cur).empty() || !out.empty()) out.push_back(trim(cur));
  return out;
}

}  // namespace

std::pair<std::string, std::string> config::split_key(const std::string& full_key) {
  const auto d1 = full_key.find('.');
  if (d1 == std::string::npos) return {"", full_key};
  const std::string kind = full_key.substr(0, d1);
  if (!plain_kinds().count(kind)) {
    const auto d2 = full_key.find('.', d1 + 1);
    if (d2 == std::string::npos) return {kind, full_key.substr(d1 + 1)};
    return {full_key.substr(0, d2), full_key.substr(d2 + 1)};
  }
  return {kind, full_key.substr(d1 + 1)};
}

config config::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io_error(path + ": cannot open the configuration file (does it exist and is it readable?)");
  std::ostringstream s;
  s << in.rdbuf();
  return parse(s.str(), path);
}

config config::parse(const std::string& text, const std::string& file_name) {
  config c;
  c.file_name_ = file_name;
  c.text_ = text;
  const auto lines = key_lines(text);
  po::options_description none;
  po::parsed_options parsed(&none);
  try {
    std::istringstream in(text);
    parsed = po::parse_config_file(in, none, true);
  } catch (const po::error& e) {
    throw config_error(file_name + ": " + e.what());
  }
  for (const auto& opt : parsed.options) {
    const std::string& key = opt.string_key;
    const std::string value = opt.value.empty() ? "" : trim(opt.value.front());
    const auto it = lines.find(key);
    std::string origin = file_name;
    if (it != lines.end()) origin.append(":").append(std::to_string(it->second));
    if (key.find('.') == std::string::npos) {
      throw config_error(origin + ": key '" + key +
                         "' stands outside any [section]; put it under [run], [population.NAME], ...");
    }
    if (c.index_.count(key)) {
      throw config_error(origin + ": key " + key + " is given twice (first at " +
                         c.entries_[c.index_[key]].origin + ")");
    }
    c.set(key, value, origin);
  }
  // The variant named in the file (a --set of run.variant is applied in apply_overrides).
  if (const auto* v = c.find("run.variant")) c.variant_ = v->value;
  return c;
}

void config::set(const std::string& key, const std::string& value, const std::string& origin) {
  auto it = index_.find(key);
  if (it == index_.end()) {
    index_[key] = entries_.size();
    entries_.push_back({key, value, origin});
  } else {
    entries_[it->second].value = value;
    entries_[it->second].origin = origin;
  }
  param_cache_.clear();
}

std::vector<std::string> config::command_line_overrides(std::vector<std::string> sets, const std::string& section,
                                                        const std::optional<std::string>& seed,
                                                        const std::optional<std::string>& output) {
  if (seed) sets.push_back(section + ".seed=" + *seed);
  if (output) sets.push_back(section + ".output=" + *output);
  return sets;
}

void config::apply_overrides(const std::vector<std::string>& assignments) {
  std::vector<std::pair<std::string, std::string>> parsed;
  for (const auto& a : assignments) {
    const auto eq = a.find('=');
    const std::string key = eq == std::string::npos ? "" : trim(a.substr(0, eq));
    if (eq == std::string::npos || key.empty() || key.find('.') == std::string::npos) {
      throw config_error("--set " + a + ": expected section.key=value, e.g. --set run.t_stop=500");
    }
    parsed.emplace_back(key, trim(a.substr(eq + 1)));
    if (key == "run.variant") variant_ = parsed.back().second;
  }
  if (!variant_.empty()) {
    const std::string prefix = "variant." + variant_ + ".";
    bool any = false;
    std::vector<entry> chosen;
    for (const auto& e : entries_) {
      if (e.key.rfind(prefix, 0) == 0) chosen.push_back(e);
    }
    for (const auto& e : chosen) {
      any = true;
      set(e.key.substr(prefix.size()), e.value, "[variant." + variant_ + "] " + e.origin);
    }
    if (!any) {
      const auto vs = names("variant");
      std::string list;
      for (const auto& v : vs) list += (list.empty() ? "" : ", ") + v;
      throw config_error(file_name_ + ", key run.variant = " + variant_ + ": no section [variant." +
                         variant_ + "] in the file (variants defined: " +
                         (list.empty() ? "none" : list) + ")");
    }
  }
  for (const auto& [k, v] : parsed) {
    set(k, v, "--set " + k + "=" + v);
    overrides_.push_back(k + "=" + v);
  }
}

const config::entry* config::find(const std::string& full_key) const {
  const auto it = index_.find(full_key);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

std::vector<std::string> config::sections() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) {
    const auto s = split_key(e.key).first;
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

std::vector<std::string> config::names(const std::string& kind) const {
  std::vector<std::string> out;
  const std::string prefix = kind + ".";
  for (const auto& s : sections()) {
    if (s.rfind(prefix, 0) == 0) out.push_back(s.substr(prefix.size()));
  }
  return out;
}

std::vector<std::string> config::keys(const std::string& section) const {
  std::vector<std::string> out;
  for (const auto& e : entries_) {
    const auto [s, k] = split_key(e.key);
    if (s == section) out.push_back(k);
  }
  return out;
}

std::string config::where(const std::string& full_key) const {
  const auto* e = find(full_key);
  if (!e) return file_name_ + ", key " + full_key;
  if (e->origin.rfind("--set", 0) == 0) return e->origin;
  return e->origin + ", key " + full_key;
}

std::string config::describe(const std::string& full_key) const {
  const auto* e = find(full_key);
  if (!e) return where(full_key);
  if (e->origin.rfind("--set", 0) == 0) return e->origin;
  return e->origin + ", key " + full_key + " = " + e->value;
}

std::optional<double> config::param(const std::string& name) const {
  const auto cached = param_cache_.find(name);
  if (cached != param_cache_.end()) return cached->second;
  const auto* e = find("params." + name);
  if (!e) return std::nullopt;
  if (param_busy_.count(name)) {
    throw config_error(where("params." + name) + ": parameter '" + name + "' refers to itself");
  }
  param_busy_.insert(name);
  double v = 0;
  try {
    v = evaluate(e->value, "params." + name);
  } catch (...) {
    param_busy_.erase(name);
    throw;
  }
  param_busy_.erase(name);
  param_cache_[name] = v;
  return v;
}

double config::evaluate(const std::string& text, const std::string& full_key) const {
  try {
    return evaluate_expression(text, [this](std::string_view n) {
      std::string name(n);
      if (name.rfind("params.", 0) == 0) name = name.substr(7);
      return param(name);
    });
  } catch (const config_error& e) {
    const std::string msg = e.what();
    if (msg.find(file_name_) != std::string::npos || msg.rfind("--set", 0) == 0) throw;
    throw config_error(describe(full_key) + ": " + msg);
  }
}

std::string config::resolved_text() const {
  std::ostringstream out;
  out << "# resolved configuration of " << file_name_;
  if (!variant_.empty()) out << ", variant " << variant_;
  out << "\n";
  for (const auto& o : overrides_) out << "# --set " << o << "\n";
  for (const auto& s : sections()) {
    if (s.rfind("variant.", 0) == 0) continue;
    out << "\n[" << s << "]\n";
    for (const auto& e : entries_) {
      const auto [sec, k] = split_key(e.key);
      if (sec == s) out << k << " = " << e.value << "\n";
    }
  }
  return out.str();
}

// ---------------------------------------------------------------------------------------

section_reader::section_reader(const config& cfg, std::string section)
    : cfg_(cfg), section_(std::move(section)) {}

const config::entry* section_reader::get(const std::string& key) {
  known_.insert(key);
  return cfg_.find(full(key));
}

bool section_reader::has(const std::string& key) { return get(key) != nullptr; }

void section_reader::fail(const std::string& key, const std::string& what) const {
  const auto* e = cfg_.find(full(key));
  if (e) throw config_error(cfg_.describe(full(key)) + ": " + what);
  throw config_error(cfg_.file_name() + ", section [" + section_ + "]: " + what);
}

double section_reader::number(const std::string& key) {
  const auto* e = get(key);
  if (!e) fail(key, "missing key " + key + " (required in [" + section_ + "])");
  const double v = cfg_.evaluate(e->value, full(key));
  if (!std::isfinite(v) && !std::isinf(v)) fail(key, "not a number");
  return v;
}

double section_reader::number(const std::string& key, double fallback) {
  return has(key) ? number(key) : fallback;
}

double section_reader::positive(const std::string& key) {
  const double v = number(key);
  if (!(v > 0)) fail(key, "must be a number > 0");
  return v;
}

double section_reader::positive(const std::string& key, double fallback) {
  return has(key) ? positive(key) : fallback;
}

double section_reader::non_negative(const std::string& key, double fallback) {
  if (!has(key)) return fallback;
  const double v = number(key);
  if (!(v >= 0)) fail(key, "must be a number >= 0");
  return v;
}

double section_reader::probability(const std::string& key) {
  const double v = number(key);
  if (!(v >= 0 && v <= 1)) fail(key, "must be a probability in [0, 1]");
  return v;
}

std::int64_t section_reader::count(const std::string& key) {
  const double v = number(key);
  if (!(v >= 0) || v != std::floor(v) || v > 9.0e15) fail(key, "must be a whole number >= 0");
  return static_cast<std::int64_t>(v);
}

std::int64_t section_reader::count(const std::string& key, std::int64_t fallback) {
  return has(key) ? count(key) : fallback;
}

std::uint64_t section_reader::seed(const std::string& key, std::uint64_t fallback) {
  const auto* e = get(key);
  if (!e) return fallback;
  const std::string& s = e->value;
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 19) {
    fail(key, "must be a whole number from 0 to 18446744073709551615 written in digits");
  }
  return std::stoull(s);
}

bool section_reader::boolean(const std::string& key, bool fallback) {
  const auto* e = get(key);
  if (!e) return fallback;
  std::string v = e->value;
  std::transform(v.begin(), v.end(), v.begin(), ::tolower);
  if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
  if (v == "false" || v == "no" || v == "off" || v == "0") return false;
  fail(key, "must be true or false");
}

std::string section_reader::text(const std::string& key) {
  const auto* e = get(key);
  if (!e || e->value.empty()) fail(key, "missing key " + key + " (required in [" + section_ + "])");
  return e->value;
}

std::string section_reader::text(const std::string& key, const std::string& fallback) {
  const auto* e = get(key);
  return e ? e->value : fallback;
}

std::string section_reader::choice(const std::string& key, const std::vector<std::string>& allowed,
                                   const std::string& fallback) {
  return has(key) ? choice(key, allowed) : fallback;
}

std::string section_reader::choice(const std::string& key,
                                   const std::vector<std::string>& allowed) {
  const std::string v = text(key);
  if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    fail(key, "must be one of: " + list);
  }
  return v;
}

std::vector<std::string> section_reader::list(const std::string& key) {
  const std::string v = text(key);
  std::vector<std::string> out;
  for (const auto& item : split_args(v)) {
    if (item.empty()) fail(key, "empty item in a comma-separated list");
    out.push_back(item);
  }
  return out;
}

std::vector<std::string> section_reader::list(const std::string& key,
                                              const std::vector<std::string>& fallback) {
  return has(key) ? list(key) : fallback;
}

distribution section_reader::dist(const std::string& key) {
  const auto* e = get(key);
  if (!e) fail(key, "missing key " + key + " (required in [" + section_ + "])");
  const std::string v = trim(e->value);
  const auto paren = v.find('(');
  const std::string head = paren == std::string::npos ? "" : trim(v.substr(0, paren));
  if ((head == "uniform" || head == "normal" || head == "lognormal") && v.back() == ')') {
    const auto args = split_args(v.substr(paren + 1, v.size() - paren - 2));
    std::vector<double> x;
    for (const auto& a : args) x.push_back(cfg_.evaluate(a, full(key)));
    distribution d;
    if (head == "uniform") {
      if (x.size() != 2 || !(x[0] <= x[1])) fail(key, "uniform(lo, hi) needs two numbers with lo <= hi");
      d.type = distribution::kind::uniform;
      d.a = x[0];
      d.b = x[1];
    } else if (head == "normal") {
      if ((x.size() != 2 && x.size() != 4) || !(x[1] >= 0)) {
        fail(key, "normal(mean, sd) or normal(mean, sd, lo, hi) needs sd >= 0");
      }
      d.type = distribution::kind::normal;
      d.a = x[0];
      d.b = x[1];
      if (x.size() == 4) {
        if (!(x[2] < x[3]) || x[0] < x[2] || x[0] > x[3]) {
          fail(key, "normal(mean, sd, lo, hi) needs lo < hi with the mean inside [lo, hi]");
        }
        d.lo = x[2];
        d.hi = x[3];
      }
    } else {
      if (x.size() != 2 || x[0] == 0 || !(x[1] >= 0)) {
        fail(key, "lognormal(mean, variance) needs mean != 0 and variance >= 0");
      }
      d = distribution::lognormal_mean_var(x[0], x[1]);
    }
    return d;
  }
  return distribution::constant(number(key));
}

distribution section_reader::dist(const std::string& key, const distribution& fallback) {
  return has(key) ? dist(key) : fallback;
}

void section_reader::finish() const {
  for (const auto& k : cfg_.keys(section_)) {
    if (!known_.count(k)) {
      std::string list;
      for (const auto& a : known_) list += (list.empty() ? "" : ", ") + a;
      throw config_error(cfg_.where(full(k)) + ": unknown key '" + k + "' in [" + section_ +
                         "] (allowed here: " + list + ")");
    }
  }
}

}  // namespace balnet

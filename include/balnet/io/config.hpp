// The experiment configuration: an INI file read with Boost.Program_options, plus
// [variant.NAME] sections and --set overrides, with [params] usable in every numeric value.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "balnet/core/distribution.hpp"

namespace balnet {

class config {
 public:
  struct entry {
    std::string key;     // full key, e.g. "population.E.size"
    std::string value;
    std::string origin;  // "file.ini:12", "--set", or "[variant.A] file.ini:40"
  };

  // Parses INI text; `file_name` is used in every message.
  static config parse(const std::string& text, const std::string& file_name);
  static config from_file(const std::string& path);

  // Applies overrides "section.key=value" (in order) after the selected variant.
  void apply_overrides(const std::vector<std::string>& assignments);
  // The overrides of a command line, in the order they apply: the --set assignments, then
  // --seed and --output as `section`.seed and `section`.output.
  static std::vector<std::string> command_line_overrides(std::vector<std::string> sets, const std::string& section,
                                                         const std::optional<std::string>& seed,
                                                         const std::optional<std::string>& output);

  const std::string& file_name() const { return file_name_; }
  const std::string& source_text() const { return text_; }
  const std::vector<std::string>& overrides() const { return overrides_; }
  const std::string& variant() const { return variant_; }

  // Section names in order of first appearance ("run", "population.E", ...).
  std::vector<std::string> sections() const;
  // Sections of a kind, e.g. names("population") -> {"E", "I"}, in file order.
  std::vector<std::string> names(const std::string& kind) const;
  // Keys (without the section prefix) present in a section, in order.
  std::vector<std::string> keys(const std::string& section) const;

  const entry* find(const std::string& full_key) const;
  bool has(const std::string& full_key) const { return find(full_key) != nullptr; }

  // Where a key came from, for messages: "quickstart.ini:12, key population.E.size".
  std::string where(const std::string& full_key) const;
  // The key and its value as the user wrote it: "quickstart.ini:12, key population.E.size
  // = -5" or "--set population.E.size=-5".
  std::string describe(const std::string& full_key) const;

  // Value of a [params] variable, evaluated (params may use earlier params).
  std::optional<double> param(const std::string& name) const;
  // Evaluates an expression in the context of [params]; `full_key` names it in errors.
  double evaluate(const std::string& text, const std::string& full_key) const;

  // The configuration after variant and overrides, as INI text (stored in each output).
  std::string resolved_text() const;

  // Splits a full key into section and key: "population.E.V_th" -> {"population.E", "V_th"}.
  static std::pair<std::string, std::string> split_key(const std::string& full_key);

 private:
  std::string file_name_;
  std::string text_;
  std::vector<entry> entries_;
  std::map<std::string, std::size_t> index_;
  std::vector<std::string> overrides_;
  std::string variant_;
  mutable std::map<std::string, double> param_cache_;
  mutable std::set<std::string> param_busy_;

  void set(const std::string& key, const std::string& value, const std::string& origin);
};

// Reads one section with typed, validated getters. Every key asked for becomes a known key
// of the section; finish() rejects any key present but never asked for, naming the keys
// that are allowed there. All errors are config_error naming file, key and what is allowed.
class section_reader {
 public:
  section_reader(const config& cfg, std::string section);

  const std::string& section() const { return section_; }
  const config& cfg() const { return cfg_; }  // e.g. to evaluate list items, find files
  const config& source() const { return cfg_; }
  const std::string& config_file() const { return cfg_.file_name(); }
  bool has(const std::string& key);  // registers the key as known

  double number(const std::string& key);                   // required
  double number(const std::string& key, double fallback);  // optional
  double positive(const std::string& key);
  double positive(const std::string& key, double fallback);
  double non_negative(const std::string& key, double fallback);
  double probability(const std::string& key);
  std::int64_t count(const std::string& key);  // whole number >= 0
  std::int64_t count(const std::string& key, std::int64_t fallback);
  std::uint64_t seed(const std::string& key, std::uint64_t fallback);
  bool boolean(const std::string& key, bool fallback);
  std::string text(const std::string& key);
  std::string text(const std::string& key, const std::string& fallback);
  // One of `allowed`.
  std::string choice(const std::string& key, const std::vector<std::string>& allowed,
                     const std::string& fallback);
  std::string choice(const std::string& key, const std::vector<std::string>& allowed);
  // Comma-separated list of words.
  std::vector<std::string> list(const std::string& key);
  std::vector<std::string> list(const std::string& key, const std::vector<std::string>& fallback);
  // A constant expression or uniform(a,b), normal(mean,sd[,lo,hi]), lognormal(mean,var).
  distribution dist(const std::string& key);
  distribution dist(const std::string& key, const distribution& fallback);

  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
  void finish() const;  // throws on unknown keys

  std::string full(const std::string& key) const { return section_ + "." + key; }

 private:
  const config& cfg_;
  std::string section_;
  std::set<std::string> known_;
  const config::entry* get(const std::string& key);
};

}  // namespace balnet

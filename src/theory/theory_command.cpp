#include "balnet/theory/theory_command.hpp"

#include <hdf5.h>

#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "balnet/comm/serial_communicator.hpp"
#include "balnet/core/error.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/h5.hpp"
#include "balnet/io/spec_reader.hpp"
#include "balnet/network/spec.hpp"

namespace po = boost::program_options;

namespace balnet::theory {

namespace {

const char* theory_usage =
    "usage: balnet theory CONFIG|RUN.h5 [--set SECTION.KEY=VALUE ...] [--burn-in MS] [--time MS] [--json]\n";

const char* theory_help =
    "Prints the leading-order balanced-state prediction of a network (MODELS.md 1.8):\n"
    "the mean-field matrix W (in-degree x mean weight x charge per unit weight), the\n"
    "external drive h, the rates r = -W^-1 h and, for plastic projections, the fixed points\n"
    "of rates and weights under each rule. Given a run file, it takes the run's resolved\n"
    "config and prints the simulated population rates beside the prediction.\n"
    "\n"
    "Options:\n"
    "  --set S.K=V    override a config key (repeatable)\n"
    "  --burn-in MS   (run file) average the simulated rates from this time (default: 10 % of the run)\n"
    "  --time MS      evaluate time-dependent input rates at this time (default 0)\n"
    "  --json         machine-readable output\n"
    "Documentation: docs/analysis.md.\n";

std::string num(double v, int precision = 6) {
  std::ostringstream s;
  s.precision(precision);
  s << v;
  return s.str();
}

std::string json_string(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    switch (c) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\t': o += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          o += buf;
        } else {
          o += c;
        }
    }
  }
  return o + "\"";
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

double read_double_attr(hid_t obj, const std::string& name) {
  h5::handle a(h5::check_id(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "opening attribute " + name), H5Aclose);
  double v = 0.0;
  h5::check(H5Aread(a, H5T_NATIVE_DOUBLE, &v), "reading attribute " + name);
  return v;
}

}  // namespace

bool is_hdf5_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char sig[8] = {};
  in.read(sig, 8);
  return in.gcount() == 8 && std::string(sig, 8) == std::string("\x89HDF\r\n\x1a\n", 8);
}

std::string read_resolved_config(const std::string& run_file) {
  serial_communicator self;
  auto f = h5::open_file(run_file, self, false);
  if (!h5::exists(f, "config/resolved")) {
    throw io_error(run_file + ": no /config/resolved dataset (is it a balnet run file?)");
  }
  h5::handle g = h5::open_group(f, "config");
  return h5::read_text(g, "resolved");
}

simulated_rates read_simulated_rates(const std::string& run_file, std::optional<double> burn_in) {
  serial_communicator self;
  auto f = h5::open_file(run_file, self, false);
  simulated_rates out;
  out.t_end = read_double_attr(f, "t_end");
  out.burn_in = burn_in ? *burn_in : 0.1 * out.t_end;
  if (out.burn_in < 0 || out.burn_in >= out.t_end) {
    throw config_error("--burn-in " + num(out.burn_in) + " ms: must be in [0, t_end = " + num(out.t_end) +
                       " ms) of " + run_file);
  }
  if (!h5::exists(f, "rates")) return out;
  h5::handle g = h5::open_group(f, "rates");
  const double bin = read_double_attr(g, "bin");
  const double t0 = read_double_attr(g, "t_start");
  H5G_info_t info;
  h5::check(H5Gget_info(g, &info), "listing /rates");
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    char name[512];
    const auto len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT);
    if (len < 0) continue;
    const auto r = h5::read_doubles(g, name);
    double sum = 0.0;
    std::size_t count = 0;
    for (std::size_t k = 0; k < r.size(); ++k) {
      const double start = t0 + static_cast<double>(k) * bin;
      if (start + 1e-9 >= out.burn_in) {
        sum += r[k];
        ++count;
      }
    }
    if (count > 0) out.rates[name] = sum / static_cast<double>(count);
  }
  return out;
}

theory_report make_theory_report(const theory_options& opt) {
  theory_report rep;
  rep.source = opt.input;
  std::string text;
  std::string name = opt.input;
  const bool run_file = is_hdf5_file(opt.input);
  if (run_file) {
    text = read_resolved_config(opt.input);
    name = opt.input + ":/config/resolved";
  } else {
    std::ifstream in(opt.input, std::ios::binary);
    if (!in) throw io_error(opt.input + ": cannot open the configuration file (does it exist and is it readable?)");
    std::ostringstream s;
    s << in.rdbuf();
    text = s.str();
  }
  config cfg = config::parse(text, name);
  cfg.apply_overrides(opt.sets);
  const network_spec net = read_network_spec(cfg);
  rep.mf = build_mean_field(net, cfg, opt.time);
  rep.solution = solve_balanced(rep.mf);
  for (const auto& p : net.projections) rep.weight_scale[p.name] = p.weight_scale;
  if (cfg.has("params.N")) rep.param_N = cfg.param("N");
  if (run_file) rep.simulated = read_simulated_rates(opt.input, opt.burn_in);
  return rep;
}

namespace {

void print_matrix(std::ostream& os, const mean_field& mf, const matrix& W, double scale) {
  os << std::setw(14) << "";
  for (const auto& p : mf.populations) os << std::setw(13) << p;
  os << "\n";
  for (std::size_t i = 0; i < W.rows; ++i) {
    os << "  " << std::left << std::setw(12) << mf.populations[i] << std::right;
    for (std::size_t j = 0; j < W.cols; ++j) os << std::setw(13) << num(W(i, j) * scale, 6);
    os << "\n";
  }
}

}  // namespace

void print_text(std::ostream& os, const theory_report& r) {
  const auto& mf = r.mf;
  const auto& s = r.solution;
  os << "balnet theory: " << r.source << "\n";
  os << "leading-order balanced state (MODELS.md 1.8): the mean input of every population vanishes,\n"
        "W r + h = 0, so r = -W^-1 h\n\n";
  os << "W[target, source] = in-degree x mean weight x charge per unit weight (per presynaptic spike;\n"
        "times a rate in kHz it is a mean input current):\n";
  print_matrix(os, mf, s.W, 1.0);
  if (r.param_N && *r.param_N > 0) {
    os << "W / sqrt(N), N = " << num(*r.param_N) << " (params.N):\n";
    print_matrix(os, mf, s.W, 1.0 / std::sqrt(*r.param_N));
  }
  os << "external drive h (mean input current at the sources' rates):\n";
  for (std::size_t i = 0; i < mf.populations.size(); ++i) {
    os << "  " << std::left << std::setw(12) << mf.populations[i] << std::right << std::setw(13) << num(s.h[i]);
    std::string from;
    for (const auto& b : mf.blocks) {
      if (b.external && b.target == i) {
        from += (from.empty() ? "" : "; ") + b.projection + ": " + num(b.indegree, 4) + " x " + num(b.weight, 4) +
                " at " + num(mf.source_rates[b.source], 4) + " Hz";
      }
    }
    for (const auto& d : mf.drives) {
      if (d.target == i) from += (from.empty() ? "" : "; ") + ("input " + d.name + ": " + d.what);
    }
    os << "   " << (from.empty() ? "(none)" : from) << "\n";
  }
  os << "condition number of W: " << num(s.condition, 4) << "\n";
  if (!mf.rules.empty()) {
    os << "\nplasticity (fixed points of each rule's mean drift for uncorrelated trains, MODELS.md 1.6):\n";
    for (const auto& rule : mf.rules) {
      os << "  " << std::left << std::setw(14) << rule.projection << std::setw(13) << rule.rule << std::right
         << (rule.formula.empty() ? "(no fixed point)" : rule.formula) << "\n";
    }
  }
  for (const auto& n : mf.notes) os << "note: " << n << "\n";
  for (const auto& n : s.notes) os << "note: " << n << "\n";
  os << "\n";
  if (!s.ok) {
    os << "no balanced state: " << s.message << "\n";
    return;
  }
  if (r.simulated) {
    os << "simulated rates: mean over [" << num(r.simulated->burn_in) << ", " << num(r.simulated->t_end)
       << ") ms of the run\n";
  }
  for (std::size_t k = 0; k < s.points.size(); ++k) {
    const auto& fp = s.points[k];
    if (s.points.size() > 1 || fp.has_stability) {
      os << "fixed point " << k + 1;
      if (fp.has_stability) os << " (weights " << to_string(fp.weights_stability) << ")";
      os << ":\n";
    } else {
      os << "balanced-state rates:\n";
    }
    os << "  " << std::left << std::setw(12) << "population" << std::right << std::setw(14) << "theory (Hz)";
    if (r.simulated) os << std::setw(16) << "simulated (Hz)" << std::setw(12) << "sim/theory";
    os << "\n";
    for (std::size_t i = 0; i < mf.populations.size(); ++i) {
      os << "  " << std::left << std::setw(12) << mf.populations[i] << std::right << std::setw(14)
         << num(fp.rates[i], 5);
      if (r.simulated) {
        const auto it = r.simulated->rates.find(mf.populations[i]);
        if (it != r.simulated->rates.end()) {
          os << std::setw(16) << num(it->second, 5) << std::setw(12)
             << (fp.rates[i] > 0 ? num(it->second / fp.rates[i], 4) : "-");
        }
      }
      os << "\n";
    }
    if (!mf.rules.empty()) {
      os << "  " << std::left << std::setw(14) << "projection" << std::setw(13) << "rule" << std::right
         << std::setw(14) << "mean weight" << std::setw(22) << "/ weight_scale" << "\n";
      for (std::size_t q = 0; q < mf.rules.size(); ++q) {
        const auto& rule = mf.rules[q];
        const auto it = r.weight_scale.find(rule.projection);
        const double ws = it == r.weight_scale.end() ? 1.0 : it->second;
        os << "  " << std::left << std::setw(14) << rule.projection << std::setw(13) << rule.rule << std::right
           << std::setw(14) << num(fp.weights[q], 5) << std::setw(22) << num(ws != 0 ? fp.weights[q] / ws : 0.0, 5)
           << (rule.kind == fixed_point_kind::none ? "   (initial)" : "") << "\n";
      }
    }
  }
}

void print_json(std::ostream& os, const theory_report& r) {
  const auto& mf = r.mf;
  const auto& s = r.solution;
  auto list = [&](const std::vector<double>& v) {
    std::string o = "[";
    for (std::size_t i = 0; i < v.size(); ++i) o += (i ? ", " : "") + json_number(v[i]);
    return o + "]";
  };
  auto point = [&](const fixed_point& fp) {
    std::string o = "{\"rates\": {";
    for (std::size_t i = 0; i < mf.populations.size(); ++i) {
      o += (i ? ", " : "") + json_string(mf.populations[i]) + ": " + json_number(fp.rates[i]);
    }
    o += "}, \"weights\": {";
    for (std::size_t q = 0; q < mf.rules.size() && q < fp.weights.size(); ++q) {
      o += (q ? ", " : "") + json_string(mf.rules[q].projection + "/" + mf.rules[q].rule) + ": " +
           json_number(fp.weights[q]);
    }
    o += "}, \"stability\": " + (fp.has_stability ? json_string(to_string(fp.weights_stability)) : "null") + "}";
    return o;
  };
  os << "{\n  \"source\": " << json_string(r.source) << ",\n";
  os << "  \"ok\": " << (s.ok ? "true" : "false") << ",\n";
  os << "  \"message\": " << json_string(s.message) << ",\n";
  os << "  \"populations\": [";
  for (std::size_t i = 0; i < mf.populations.size(); ++i) os << (i ? ", " : "") << json_string(mf.populations[i]);
  os << "],\n  \"W\": [";
  for (std::size_t i = 0; i < s.W.rows; ++i) {
    std::vector<double> row(s.W.a.begin() + static_cast<std::ptrdiff_t>(i * s.W.cols),
                            s.W.a.begin() + static_cast<std::ptrdiff_t>((i + 1) * s.W.cols));
    os << (i ? ", " : "") << list(row);
  }
  os << "],\n  \"h\": " << list(s.h) << ",\n";
  os << "  \"condition\": " << json_number(s.condition) << ",\n";
  os << "  \"N\": " << (r.param_N ? json_number(*r.param_N) : "null") << ",\n";
  os << "  \"rules\": [";
  for (std::size_t q = 0; q < mf.rules.size(); ++q) {
    const auto& rule = mf.rules[q];
    const auto it = r.weight_scale.find(rule.projection);
    os << (q ? ", " : "") << "{\"projection\": " << json_string(rule.projection) << ", \"rule\": "
       << json_string(rule.rule) << ", \"kind\": "
       << json_string(rule.kind == fixed_point_kind::weight ? "weight"
                      : rule.kind == fixed_point_kind::rate ? "rate"
                                                             : "none")
       << ", \"formula\": " << json_string(rule.formula) << ", \"note\": " << json_string(rule.note)
       << ", \"weight_scale\": " << json_number(it == r.weight_scale.end() ? 1.0 : it->second) << "}";
  }
  os << "],\n  \"fixed_points\": [";
  for (std::size_t k = 0; k < s.points.size(); ++k) os << (k ? ", " : "") << point(s.points[k]);
  os << "],\n  \"rejected\": [";
  for (std::size_t k = 0; k < s.rejected.size(); ++k) os << (k ? ", " : "") << point(s.rejected[k]);
  os << "],\n  \"notes\": [";
  bool first = true;
  for (const auto* v : {&mf.notes, &s.notes}) {
    for (const auto& n : *v) {
      os << (first ? "" : ", ") << json_string(n);
      first = false;
    }
  }
  os << "],\n  \"simulated\": ";
  if (r.simulated) {
    os << "{\"burn_in\": " << json_number(r.simulated->burn_in) << ", \"t_end\": " << json_number(r.simulated->t_end)
       << ", \"rates\": {";
    bool f = true;
    for (const auto& [k, v] : r.simulated->rates) {
      os << (f ? "" : ", ") << json_string(k) << ": " << json_number(v);
      f = false;
    }
    os << "}}";
  } else {
    os << "null";
  }
  os << "\n}\n";
}

int theory_main(int argc, char** argv, int rank) {
  auto say_error = [&](const std::string& msg) {
    if (rank == 0) {
      std::fprintf(stderr, "balnet: error: %s\n", msg.c_str());
      std::fflush(stderr);
    }
  };
  theory_options opt;
  try {
    po::options_description desc;
    desc.add_options()("input", po::value<std::string>(), "")(
        "set", po::value<std::vector<std::string>>()->composing(), "")("burn-in", po::value<double>(), "")(
        "time", po::value<double>(), "")("json", po::bool_switch(), "")("help,h", po::bool_switch(), "");
    po::positional_options_description pos;
    pos.add("input", 1);
    po::variables_map vm;
    po::store(po::command_line_parser(argc - 1, argv + 1).options(desc).positional(pos).run(), vm);
    po::notify(vm);
    if (vm["help"].as<bool>()) {
      if (rank == 0) std::printf("%s\n%s", theory_usage, theory_help);
      return exit_ok;
    }
    if (!vm.count("input")) throw config_error(std::string("theory: missing CONFIG or RUN.h5\n") + theory_usage);
    opt.input = vm["input"].as<std::string>();
    if (vm.count("set")) opt.sets = vm["set"].as<std::vector<std::string>>();
    if (vm.count("burn-in")) opt.burn_in = vm["burn-in"].as<double>();
    if (vm.count("time")) opt.time = vm["time"].as<double>();
    opt.json = vm["json"].as<bool>();
  } catch (const po::error& e) {
    say_error(std::string(e.what()) + " (see balnet theory --help)");
    return exit_usage;
  } catch (const balnet::error& e) {
    say_error(e.what());
    return e.code();
  }
  try {
    const auto rep = make_theory_report(opt);
    if (rank == 0) {
      std::ostringstream o;
      if (opt.json) {
        print_json(o, rep);
      } else {
        print_text(o, rep);
      }
      std::fputs(o.str().c_str(), stdout);
      std::fflush(stdout);
    }
    // No balanced state is an answer, not a failure of the command; scripts read `ok` (JSON).
    return exit_ok;
  } catch (const balnet::error& e) {
    say_error(e.what());
    return e.code();
  } catch (const std::exception& e) {
    say_error(std::string("internal error: ") + e.what());
    return exit_internal;
  }
}

}  // namespace balnet::theory

#include "balnet/sim/plan.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "balnet/network/partition.hpp"
#include "balnet/plasticity/plasticity_spec.hpp"
#include "balnet/sim/recorder.hpp"

namespace balnet {

namespace {

std::string human_bytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  std::ostringstream s;
  s << std::fixed << std::setprecision(u == 0 ? 0 : 1) << b << " " << units[u];
  return s.str();
}

std::string group_digits(double v) {
  std::string s = std::to_string(static_cast<long long>(std::llround(v)));
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && (s.size() - i) % 3 == 0 && s[i - 1] != '-') out += ',';
    out += s[i];
  }
  return out;
}

}  // namespace

void print_plan(std::ostream& os, const config& cfg, const network_spec& net, int ranks) {
  const auto& run = net.run;
  os << "balnet check: " << cfg.file_name() << " is valid";
  if (!cfg.variant().empty()) os << " (variant " << cfg.variant() << ")";
  os << "\n";
  os << "run: dt " << run.dt << " ms, t_stop " << run.t_stop << " ms (" << run.steps()
     << " steps), seed " << run.seed << ", output "
     << (run.output.empty() ? "(set run.output or --output)" : run.output) << "\n\n";
  os << std::left << std::setw(14) << "population" << std::setw(9) << "model" << std::right
     << std::setw(12) << "neurons" << "  receptors\n";
  for (const auto& p : net.populations) {
    os << std::left << std::setw(14) << p.name << std::setw(9) << p.model << std::right
       << std::setw(12) << group_digits(static_cast<double>(p.size)) << "  ";
    if (p.is_source) os << "(spike source)";
    for (const auto& r : p.receptors) {
      os << r.name << " (" << to_string(r.kind);
      if (r.kind != receptor_kind::delta && r.kernel != receptor_kernel::exponential) os << " " << to_string(r.kernel);
      if (r.kind != receptor_kind::delta) os << ", tau " << r.tau << " ms";
      if (r.kind == receptor_kind::conductance) os << ", E_rev " << r.E_rev << " mV";
      os << ") ";
    }
    os << "\n";
  }
  os << "\n" << std::left << std::setw(14) << "projection" << std::setw(16) << "source->target"
     << std::setw(17) << "rule" << std::right << std::setw(14) << "synapses" << "  weight, delay\n";
  double total = 0;
  for (const auto& pr : net.projections) {
    const double n = pr.expected_synapses(net.populations);
    total += n;
    std::string st = net.populations[pr.source].name + "->" + net.populations[pr.target].name;
    os << std::left << std::setw(14) << pr.name << std::setw(16) << st << std::setw(17)
       << to_string(pr.rule) << std::right << std::setw(14) << group_digits(n) << "  "
       << pr.weight.describe();
    if (pr.weight_scale != 1.0) os << " x " << pr.weight_scale;
    os << ", " << pr.delay.describe() << " ms";
    if (pr.rule == connection_rule::ring) os << " + " << pr.delay_per_unit << " ms/unit, spatial decay " << pr.spatial_decay;
    if (pr.p_release < 1.0) os << ", p_release " << pr.p_release;
    os << "\n";
  }
  for (const auto& pr : net.projections) {
    if (!pr.plasticity) continue;
    for (const auto& r : pr.plasticity->rules) {
      os << "plasticity " << pr.name << ": " << r.type << " (" << r.summary << ")\n";
    }
  }
  for (const auto& in : net.inputs) os << "input " << in->name << ": " << in->describe(net) << "\n";
  for (const auto& r : net.recorders) os << "recorder " << r->name << ": " << r->type << "\n";
  os << "total: " << group_digits(static_cast<double>(net.total_neurons())) << " neurons, "
     << group_digits(total) << " synapses (expected)\n\n";
  // Per-rank estimates.
  double max_neurons = 0, max_syn = 0, max_mem = 0;
  for (int r = 0; r < ranks; ++r) {
    partition part(r, ranks);
    double neurons = 0, syn = 0, mem = 0;
    for (const auto& p : net.populations) {
      const double n = static_cast<double>(part.count_on(p, r));
      neurons += n;
      // state arrays: V, w, refractory, one state + one accumulator per receptor, scratch
      mem += n * (p.is_source ? 16.0 : 8.0 * (4 + 2 * static_cast<double>(p.receptors.size())));
    }
    for (const auto& pr : net.projections) {
      const auto& post = net.populations[pr.target];
      const double per_post = pr.expected_synapses(net.populations) / static_cast<double>(post.size);
      const double s = per_post * static_cast<double>(part.count_on(post, r));
      syn += s;
      const double rows = static_cast<double>(net.populations[pr.source].size);
      mem += s * 8.0 + 4.0 * (rows + 1) + 6.0 * std::min(rows, s);
      if (pr.plasticity) {
        // post-major index entry + segment hint per synapse; traces per segment and neuron
        const double posts = static_cast<double>(part.count_on(post, r));
        mem += s * 4.25 + 24.0 * std::min(rows, s) + posts * 8.0 * (1 + 2 * static_cast<double>(pr.plasticity->rules.size()));
      }
    }
    mem += 4.0 * static_cast<double>(net.total_neurons()) / ranks * std::min(ranks, 8);  // routing
    max_neurons = std::max(max_neurons, neurons);
    max_syn = std::max(max_syn, syn);
    max_mem = std::max(max_mem, mem);
  }
  os << "plan for " << ranks << " rank" << (ranks == 1 ? "" : "s") << " (round-robin partition):\n"
     << "  neurons per rank      " << group_digits(max_neurons) << " (largest rank)\n"
     << "  synapses per rank     " << group_digits(max_syn) << " (expected, largest rank)\n"
     << "  memory per rank       " << human_bytes(max_mem)
     << " (network state; add about 60 MiB for MPI and HDF5)\n"
     << "  synapse record        8 bytes (uint32 target + float weight) + row/delay index\n";
  for (const auto& pr : net.projections) {
    if (pr.plasticity) {
      os << "  plastic synapse       12 bytes (+ uint32 post-major index entry) + traces per source "
            "segment and per neuron\n";
      break;
    }
  }
}

}  // namespace balnet

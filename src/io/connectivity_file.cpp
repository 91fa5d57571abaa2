#include "balnet/io/connectivity_file.hpp"

#include <algorithm>
#include <cmath>

#include "balnet/core/error.hpp"
#include "balnet/core/rng.hpp"
#include "balnet/io/output_file.hpp"
#include "balnet/network/connectivity.hpp"

namespace balnet {

namespace {

struct record {
  std::uint64_t pre;   // gid
  std::uint64_t post;  // gid
  float weight;
  std::uint16_t delay;  // steps
};

bool by_post_pre(const record& a, const record& b) {
  if (a.post != b.post) return a.post < b.post;
  if (a.pre != b.pre) return a.pre < b.pre;
  if (a.delay != b.delay) return a.delay < b.delay;
  return a.weight < b.weight;
}

}  // namespace

void write_patterns(communicator& comm, hid_t loc, const std::string& population, const pattern_set& ps) {
  h5::handle g = h5::create_group(loc, "patterns");
  h5::attr(g, "population", population);
  h5::attr(g, "count", ps.count());
  h5::attr(g, "neurons", ps.neurons);
  h5::write_root(comm, g, "indices", H5T_NATIVE_UINT32, ps.indices.data(), comm.rank() == 0 ? ps.indices.size() : 0);
  h5::write_root(comm, g, "splits", H5T_NATIVE_UINT64, ps.splits.data(), comm.rank() == 0 ? ps.splits.size() : 0);
}

pattern_set read_patterns(const std::string& path, communicator& comm, const std::string& population,
                          std::uint64_t neurons) {
  h5::handle f;
  try {
    f = h5::open_file(path, comm, false);
  } catch (const io_error& e) {
    throw config_error(std::string("patterns.file: ") + e.what());
  }
  if (!h5::exists(f, "patterns")) throw config_error(path + ": no /patterns group (patterns.file)");
  h5::handle g = h5::open_group(f, "patterns");
  pattern_set ps;
  ps.neurons = neurons;
  ps.splits = h5::read_u64(g, "splits");
  for (auto v : h5::read_u64(g, "indices")) {
    if (v >= neurons) {
      throw config_error(path + ": /patterns/indices holds neuron " + std::to_string(v) + " but population '" +
                         population + "' has " + std::to_string(neurons) + " neurons");
    }
    ps.indices.push_back(static_cast<std::uint32_t>(v));
  }
  if (ps.splits.empty() || ps.splits.front() != 0 || ps.splits.back() != ps.indices.size() ||
      !std::is_sorted(ps.splits.begin(), ps.splits.end())) {
    throw config_error(path + ": /patterns/splits is not a valid CSR index of /patterns/indices");
  }
  return ps;
}

void save_connectivity(const std::string& path, communicator& comm, const network_spec& net,
                       const std::vector<const synapse_store*>& stores,
                       const std::vector<std::vector<gid_t>>& gids, const pattern_set* patterns) {
  output_file out(path, comm);
  h5::attr(out.file(), "dt", net.run.dt);
  h5::attr(out.file(), "seed", net.run.seed);
  {
  h5::handle root = h5::create_group(out.file(), "connectivity");
  const std::uint64_t total = net.total_neurons();
  const auto ranks = static_cast<std::uint64_t>(comm.size());
  for (std::size_t i = 0; i < net.projections.size(); ++i) {
    const auto& pr = net.projections[i];
    const auto& st = *stores[i];
    const auto& tg = gids[pr.target];
    const gid_t pre0 = net.populations[pr.source].first_gid;
    // Send each synapse to the rank that writes its target's block of gids, so that the
    // file is sorted by (target, source) whatever the partition.
    std::vector<std::vector<record>> per_dest(ranks);
    for (std::uint32_t j = 0; j < st.rows(); ++j) {
      for (std::uint32_t s = st.seg_begin(j); s < st.seg_end(j); ++s) {
        for (std::uint32_t k = st.syn_begin(s); k < st.syn_end(s); ++k) {
          const record r{pre0 + j, tg[st.targets()[k]], st.weights()[k], st.delay(s)};
          per_dest[std::min<std::uint64_t>(ranks - 1, r.post * ranks / std::max<std::uint64_t>(1, total))].push_back(r);
        }
      }
    }
    auto mine = comm.exchange(per_dest);
    std::sort(mine.begin(), mine.end(), by_post_pre);
    std::vector<std::uint64_t> src(mine.size()), dst(mine.size());
    std::vector<float> w(mine.size());
    std::vector<double> d(mine.size());
    for (std::size_t k = 0; k < mine.size(); ++k) {
      src[k] = mine[k].pre;
      dst[k] = mine[k].post;
      w[k] = mine[k].weight;
      d[k] = static_cast<double>(mine[k].delay) * net.run.dt;
    }
    h5::handle g = h5::create_group(root, pr.name);
    h5::attr(g, "source", net.populations[pr.source].name);
    h5::attr(g, "target", net.populations[pr.target].name);
    h5::attr(g, "receptor", pr.receptor);
    h5::attr(g, "source_first_gid", static_cast<std::uint64_t>(net.populations[pr.source].first_gid));
    h5::attr(g, "target_first_gid", static_cast<std::uint64_t>(net.populations[pr.target].first_gid));
    h5::attr(g, "source_size", net.populations[pr.source].size);
    h5::attr(g, "target_size", net.populations[pr.target].size);
    const std::uint64_t chunk = 1u << 16;
    h5::appendable a(g, "source_gid", H5T_NATIVE_UINT64, chunk), b(g, "target_gid", H5T_NATIVE_UINT64, chunk),
        c(g, "weight", H5T_NATIVE_FLOAT, chunk), e(g, "delay", H5T_NATIVE_DOUBLE, chunk);
    a.append(comm, src.data(), src.size());
    b.append(comm, dst.data(), dst.size());
    c.append(comm, w.data(), w.size());
    e.append(comm, d.data(), d.size());
    h5::attr(g, "synapses", a.size());
  }
  }  // every HDF5 object is closed before the file
  if (patterns) write_patterns(comm, out.file(), net.populations[net.patterns->population].name, *patterns);
  out.finish();
}

std::vector<raw_synapse> read_connectivity_synapses(const projection_spec& proj, const network_spec& net,
                                                    const partition& part, communicator& comm) {
  const auto& pre = net.populations[proj.source];
  const auto& post = net.populations[proj.target];
  const std::string where = "projection." + proj.name + ": " + proj.file;
  h5::handle f;
  try {
    f = h5::open_file(proj.file, comm, false);
  } catch (const io_error& e) {
    throw config_error("projection." + proj.name + ".file: " + e.what());
  }
  const std::string gname = "connectivity/" + proj.file_projection;
  if (!h5::exists(f, "connectivity") || !h5::exists(f, gname)) {
    throw config_error(where + " has no /" + gname + " (file_projection names the projection in the file)");
  }
  h5::handle g = h5::open_group(f, gname);
  const auto src = h5::read_u64(g, "source_gid");
  const auto dst = h5::read_u64(g, "target_gid");
  auto w = h5::read_doubles(g, "weight");
  const auto d = h5::read_doubles(g, "delay");
  if (src.size() != dst.size() || w.size() != src.size() || d.size() != src.size()) {
    throw config_error(where + ": datasets of /" + gname + " differ in length");
  }
  if (proj.shuffle) {
    // Control: the same weights on other synapses. A Fisher-Yates permutation keyed by the
    // seed and projection, done identically by every rank on the whole file.
    random_stream rs(net.run.seed, rng_domain::user3, proj.hash, 0);
    for (std::size_t k = w.size(); k > 1; --k) std::swap(w[k - 1], w[rs.below(k)]);
  }
  std::vector<record> mine;
  for (std::size_t k = 0; k < src.size(); ++k) {
    if (!pre.contains(static_cast<gid_t>(src[k])) || !post.contains(static_cast<gid_t>(dst[k]))) {
      throw config_error(where + ": synapse " + std::to_string(k) + " (" + std::to_string(src[k]) + " -> " +
                         std::to_string(dst[k]) + ") does not connect population '" + pre.name + "' (gids " +
                         std::to_string(pre.first_gid) + "...) to '" + post.name + "' (gids " +
                         std::to_string(post.first_gid) + "...); was the file written for this network?");
    }
    if (!part.is_local(static_cast<gid_t>(dst[k]))) continue;
    if (!(d[k] >= 0) || !std::isfinite(w[k])) throw config_error(where + ": synapse " + std::to_string(k) + " has a bad weight or delay");
    mine.push_back({src[k], dst[k], static_cast<float>(w[k] * proj.weight_scale), delay_steps(d[k], net.run.dt)});
  }
  std::sort(mine.begin(), mine.end(), by_post_pre);
  std::vector<raw_synapse> out;
  out.reserve(mine.size());
  for (const auto& r : mine) {
    out.push_back({static_cast<std::uint32_t>(r.pre - pre.first_gid), part.local_index(post, static_cast<gid_t>(r.post)),
                   r.weight, r.delay});
  }
  return out;
}

}  // namespace balnet

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

// An unsigned integer attribute, or `fallback` when the object has none.
std::uint64_t attr_u64(hid_t obj, const char* name, std::uint64_t fallback) {
  if (H5Aexists(obj, name) <= 0) return fallback;
  h5::handle a(h5::check_id(H5Aopen(obj, name, H5P_DEFAULT), std::string("opening attribute ") + name), H5Aclose);
  std::uint64_t v = fallback;
  h5::check(H5Aread(a, H5T_NATIVE_UINT64, &v), std::string("reading attribute ") + name);
  return v;
}

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
  const std::uint32_t sonata_version[2] = {0, 1};
  h5::attr(out.file(), "version", std::span<const std::uint32_t>(sonata_version, 2));
  h5::attr(out.file(), "dt", net.run.dt);
  h5::attr(out.file(), "seed", net.run.seed);
  {
  // SONATA edge populations, one per projection: /edges/<projection>/{source_node_id,
  // target_node_id, edge_type_id, edge_group_id, edge_group_index} and group 0 with
  // syn_weight and delay.
  h5::handle root = h5::create_group(out.file(), "edges");
  const std::uint64_t total = net.total_neurons();
  const auto ranks = static_cast<std::uint64_t>(comm.size());
  for (std::size_t i = 0; i < net.projections.size(); ++i) {
    const auto& pr = net.projections[i];
    const auto& st = *stores[i];
    const auto& tg = gids[pr.target];
    const auto& spop = net.populations[pr.source];
    const auto& tpop = net.populations[pr.target];
    // Send each synapse to the rank that writes its target's block of gids, so that the
    // file is sorted by (target, source) whatever the partition.
    std::vector<std::vector<record>> per_dest(ranks);
    for (std::uint32_t j = 0; j < st.rows(); ++j) {
      for (std::uint32_t s = st.seg_begin(j); s < st.seg_end(j); ++s) {
        for (std::uint32_t k = st.syn_begin(s); k < st.syn_end(s); ++k) {
          const record r{spop.first_gid + j, tg[st.target(k)], st.weights()[k], st.delay(s)};
          per_dest[std::min<std::uint64_t>(ranks - 1, r.post * ranks / std::max<std::uint64_t>(1, total))].push_back(r);
        }
      }
    }
    auto mine = comm.exchange(per_dest);
    std::sort(mine.begin(), mine.end(), by_post_pre);
    const std::uint64_t first = comm.exscan_sum(mine.size());
    std::vector<std::uint64_t> src(mine.size()), dst(mine.size()), index(mine.size());
    std::vector<std::int64_t> zeros(mine.size(), 0);
    std::vector<float> w(mine.size());
    std::vector<double> d(mine.size());
    for (std::size_t k = 0; k < mine.size(); ++k) {
      src[k] = mine[k].pre - spop.first_gid;
      dst[k] = mine[k].post - tpop.first_gid;
      index[k] = first + k;
      w[k] = mine[k].weight;
      d[k] = static_cast<double>(mine[k].delay) * net.run.dt;
    }
    h5::handle g = h5::create_group(root, pr.name);
    h5::attr(g, "receptor", pr.receptor);
    h5::attr(g, "source_size", spop.size);
    h5::attr(g, "target_size", tpop.size);
    const std::uint64_t chunk = 1u << 16;
    {
      h5::appendable a(g, "source_node_id", H5T_NATIVE_UINT64, chunk), b(g, "target_node_id", H5T_NATIVE_UINT64, chunk);
      a.append(comm, src.data(), src.size());
      b.append(comm, dst.data(), dst.size());
      h5::attr(a.id(), "node_population", spop.name);
      h5::attr(b.id(), "node_population", tpop.name);
      h5::attr(g, "synapses", a.size());
      h5::appendable t(g, "edge_type_id", H5T_NATIVE_INT64, chunk), gi(g, "edge_group_id", H5T_NATIVE_INT64, chunk),
          gx(g, "edge_group_index", H5T_NATIVE_UINT64, chunk);
      t.append(comm, zeros.data(), zeros.size());
      gi.append(comm, zeros.data(), zeros.size());
      gx.append(comm, index.data(), index.size());
    }
    h5::handle g0 = h5::create_group(g, "0");
    h5::appendable c(g0, "syn_weight", H5T_NATIVE_FLOAT, chunk), e(g0, "delay", H5T_NATIVE_DOUBLE, chunk);
    c.append(comm, w.data(), w.size());
    e.append(comm, d.data(), d.size());
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
  const std::string gname = "edges/" + proj.file_projection;
  if (!h5::exists(f, "edges") || !h5::exists(f, gname) || !h5::exists(f, gname + "/0")) {
    throw config_error(where + " has no SONATA edge population /" + gname + " (file_projection names it)");
  }
  h5::handle g = h5::open_group(f, gname);
  auto src = h5::read_u64(g, "source_node_id");
  auto dst = h5::read_u64(g, "target_node_id");
  const std::uint64_t ns = attr_u64(g, "source_size", pre.size), nt = attr_u64(g, "target_size", post.size);
  if (ns != pre.size || nt != post.size) {
    throw config_error(where + ": /" + gname + " connects populations of " + std::to_string(ns) + " and " +
                       std::to_string(nt) + " neurons, but '" + pre.name + "' has " + std::to_string(pre.size) +
                       " and '" + post.name + "' " + std::to_string(post.size) + "; was the file written for this network?");
  }
  h5::handle g0 = h5::open_group(g, "0");
  auto w = h5::read_doubles(g0, "syn_weight");
  auto d = h5::read_doubles(g0, "delay");
  if (h5::exists(g, "edge_group_index")) {
    // SONATA: the attributes of edge k are at edge_group_index[k] of its group (balnet writes
    // one group, in order; other writers may not).
    const auto gx = h5::read_u64(g, "edge_group_index");
    if (gx.size() != src.size()) throw config_error(where + ": /" + gname + "/edge_group_index has the wrong length");
    std::vector<double> w2(gx.size()), d2(gx.size());
    for (std::size_t k = 0; k < gx.size(); ++k) {
      if (gx[k] >= w.size() || gx[k] >= d.size()) throw config_error(where + ": /" + gname + "/edge_group_index out of range");
      w2[k] = w[gx[k]];
      d2[k] = d[gx[k]];
    }
    w.swap(w2);
    d.swap(d2);
  }
  for (auto& v : src) v += pre.first_gid;  // node ids are population-local
  for (auto& v : dst) v += post.first_gid;
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
      throw config_error(where + ": edge " + std::to_string(k) + " (node " + std::to_string(src[k] - pre.first_gid) +
                         " -> " + std::to_string(dst[k] - post.first_gid) + ") is outside population '" + pre.name +
                         "' (" + std::to_string(pre.size) + " neurons) or '" + post.name + "' (" +
                         std::to_string(post.size) + "); was the file written for this network?");
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

#include "balnet/sim/plasticity_recorders.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "balnet/core/error.hpp"
#include "balnet/core/exact_sum.hpp"
#include "balnet/core/rng.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/h5_matrix.hpp"
#include "balnet/io/output_file.hpp"
#include "balnet/io/state_io.hpp"
#include "balnet/network/spec.hpp"
#include "balnet/plasticity/plasticity_spec.hpp"
#include "balnet/sim/simulation.hpp"

namespace balnet {

namespace {

// ---- shared helpers ---------------------------------------------------------------------

std::size_t read_projection_name(section_reader& s, const network_spec& net, const std::string& key,
                                 const std::string& name) {
  for (std::size_t i = 0; i < net.projections.size(); ++i) {
    if (net.projections[i].name == name) return i;
  }
  std::string list;
  for (const auto& p : net.projections) list += (list.empty() ? "" : ", ") + p.name;
  s.fail(key, "no projection named '" + name + "' (projections: " + (list.empty() ? "none" : list) + ")");
}

// Projections listed under `key`, or every plastic projection if the key is absent.
std::vector<std::size_t> read_projection_list(section_reader& s, const network_spec& net, const std::string& key) {
  std::vector<std::size_t> out;
  if (s.has(key)) {
    for (const auto& n : s.list(key)) out.push_back(read_projection_name(s, net, key, n));
  } else {
    for (std::size_t i = 0; i < net.projections.size(); ++i) {
      if (net.projections[i].plasticity) out.push_back(i);
    }
    if (out.empty()) s.fail(key, "the network has no plastic projection; name the projections to record with " + key);
  }
  return out;
}

step_t read_interval(section_reader& s, const network_spec& net, double fallback) {
  const double ms = s.positive("interval", fallback);
  const double steps = ms / net.run.dt;
  if (std::fabs(steps - std::round(steps)) > 1e-6 * std::max(1.0, steps) || std::round(steps) < 1) {
    s.fail("interval", "must be a whole number (>= 1) of steps of dt = " + std::to_string(net.run.dt) + " ms");
  }
  return static_cast<step_t>(std::llround(steps));
}

// One local synapse of a projection with its global identity.
struct synapse_id {
  std::uint32_t k;      // index in the store
  gid_t pre, post;      // global ids
  std::uint32_t occ;    // occurrence of the (pre, post) pair in row order (multapses)
  std::uint16_t delay;  // steps
};

template <class F>
void for_each_synapse(const simulation& sim, std::size_t proj, F&& f) {
  const auto& net = sim.spec();
  const auto& pr = net.projections[proj];
  const auto& st = sim.store(proj);
  const auto& post_gids = sim.local_gids(pr.target);
  const gid_t pre0 = net.populations[pr.source].first_gid;
  std::map<gid_t, std::uint32_t> seen;
  for (std::uint64_t r = 0; r < st.rows(); ++r) {
    const auto row = static_cast<std::uint32_t>(r);
    if (st.seg_end(row) == st.seg_begin(row)) continue;
    seen.clear();
    for (std::uint32_t s = st.seg_begin(row); s < st.seg_end(row); ++s) {
      for (std::uint32_t k = st.syn_begin(s); k < st.syn_end(s); ++k) {
        const gid_t post = post_gids[st.target(k)];
        const std::uint32_t occ = seen[post]++;
        f(synapse_id{k, static_cast<gid_t>(pre0 + row), post, occ, st.delay(s)});
      }
    }
  }
}

std::uint64_t synapse_score(std::uint64_t seed, std::uint32_t hash, const synapse_id& id) {
  random_stream rs(seed, rng_domain::sample, hash, id.post,
                   ((static_cast<std::uint64_t>(id.pre) << 20) | id.occ) * 2);
  return rs.next_u64();
}

h5::handle group_path(hid_t file, const std::string& top, const std::string& name) {
  h5::handle g = h5::exists(file, top) ? h5::open_group(file, top) : h5::create_group(file, top);
  return h5::create_group(g, name);
}

// ---- type = weights: a random sample of synapses as weight time series ------------------

struct weights_spec final : recorder_spec {
  std::size_t projection = 0;
  std::uint64_t synapses = 100;
  step_t every = 1;
};

class weights_recorder final : public recorder {
 public:
  weights_recorder(const weights_spec& sp, simulation& sim, output_file& out)
      : sim_(sim), out_(out), every_(sp.every) {
    auto& comm = out.comm();
    const auto& net = sim.spec();
    const auto& pr = net.projections[sp.projection];
    struct cand {
      std::uint64_t score;
      gid_t pre, post;
      std::uint32_t occ, k;
      std::int32_t rank;
      std::uint16_t delay;
    };
    std::vector<cand> local;
    for_each_synapse(sim, sp.projection, [&](const synapse_id& id) {
      local.push_back({synapse_score(net.run.seed, sp.hash, id), id.pre, id.post, id.occ, id.k, comm.rank(), id.delay});
    });
    auto by_score = [](const cand& a, const cand& b) {
      if (a.score != b.score) return a.score < b.score;
      if (a.post != b.post) return a.post < b.post;
      if (a.pre != b.pre) return a.pre < b.pre;
      return a.occ < b.occ;
    };
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(sp.synapses, local.size()));
    std::partial_sort(local.begin(), local.begin() + static_cast<std::ptrdiff_t>(n), local.end(), by_score);
    local.resize(n);
    std::vector<std::vector<cand>> to_all(static_cast<std::size_t>(comm.size()), local);
    auto all = comm.exchange(to_all);
    std::sort(all.begin(), all.end(), by_score);
    if (all.size() > sp.synapses) all.resize(static_cast<std::size_t>(sp.synapses));
    std::sort(all.begin(), all.end(), [](const cand& a, const cand& b) {
      if (a.pre != b.pre) return a.pre < b.pre;
      if (a.post != b.post) return a.post < b.post;
      return a.occ < b.occ;
    });
    columns_ = all.size();
    std::vector<std::uint64_t> pre, post;
    std::vector<double> delay;
    for (std::size_t c = 0; c < all.size(); ++c) {
      pre.push_back(all[c].pre - net.populations[pr.source].first_gid);
      post.push_back(all[c].post - net.populations[pr.target].first_gid);
      delay.push_back(all[c].delay * net.run.dt);
      if (all[c].rank == comm.rank()) mine_.push_back({static_cast<std::uint32_t>(c), all[c].k});
    }
    weights_ = sim.store(sp.projection).weights();
    if (h5::exists(out.file(), "weights/" + sp.name)) {  // a restart appends
      h5::handle g = h5::open_group(out.file(), "weights/" + sp.name);
      time_ = h5::appendable::open(g, "time", H5T_NATIVE_DOUBLE);
      values_ = h5::matrix_appendable::open(g, "values", H5T_NATIVE_FLOAT);
      return;
    }
    h5::handle g = group_path(out.file(), "weights", sp.name);
    h5::attr(g, "projection", pr.name);
    h5::attr(g, "source", net.populations[pr.source].name);
    h5::attr(g, "target", net.populations[pr.target].name);
    h5::attr(g, "interval", static_cast<double>(every_) * net.run.dt);
    h5::attr(g, "sampling", std::string("value at the end of each interval"));
    h5::write_root(comm, g, "pre", H5T_NATIVE_UINT64, pre.data(), pre.size());
    h5::write_root(comm, g, "post", H5T_NATIVE_UINT64, post.data(), post.size());
    h5::write_root(comm, g, "delay", H5T_NATIVE_DOUBLE, delay.data(), delay.size());
    time_ = h5::appendable(g, "time", H5T_NATIVE_DOUBLE, 1024);
    h5::attr(time_.id(), "units", std::string("ms"));
    values_ = h5::matrix_appendable(g, "values", H5T_NATIVE_FLOAT, columns_, 256);
  }

  void sample(step_t t) override {
    if ((t + 1) % every_ != 0) return;
    for (const auto& m : mine_) buffer_.push_back({rows_, m.col, weights_[m.k]});
    times_.push_back(static_cast<double>(t + 1) * sim_.spec().run.dt);
    ++rows_;
  }

  void flush(step_t) override {
    auto& comm = out_.comm();
    std::vector<std::vector<entry>> to_root(static_cast<std::size_t>(comm.size()));
    to_root[0] = std::move(buffer_);
    buffer_.clear();
    const auto got = comm.exchange(to_root);
    std::vector<float> m;  // assembled on rank 0 only
    if (comm.rank() == 0) {
      m.assign(static_cast<std::size_t>(rows_) * columns_, std::numeric_limits<float>::quiet_NaN());
      for (const auto& e : got) m[static_cast<std::size_t>(e.row) * columns_ + e.col] = e.value;
    }
    values_.append_rows(comm, m.empty() ? nullptr : m.data(), rows_);
    time_.append(comm, times_.data(), comm.rank() == 0 ? times_.size() : 0);
    times_.clear();
    rows_ = 0;
  }

  // After a flush nothing is buffered: the rows written are the whole state.
  bool save_state(state_set& out, const std::string& prefix) const override {
    out.table(prefix).scalars["rows"] = static_cast<double>(time_.size());
    return true;
  }
  void load_state(const state_set& in, const std::string& prefix) override {
    const auto rows = static_cast<std::uint64_t>(in.at(prefix).scalar("rows"));
    time_.truncate(rows);
    values_.truncate(rows);
  }

 private:
  struct entry {
    std::uint32_t row, col;
    float value;
  };
  struct own {
    std::uint32_t col, k;
  };
  simulation& sim_;
  output_file& out_;
  step_t every_;
  std::size_t columns_ = 0;
  std::vector<own> mine_;
  const float* weights_ = nullptr;
  std::vector<entry> buffer_;
  std::vector<double> times_;
  std::uint32_t rows_ = 0;
  h5::appendable time_;
  h5::matrix_appendable values_;
};

// ---- type = weight_stats: mean, SD, min, max of each projection over time -----------------

struct stats_spec final : recorder_spec {
  std::vector<std::size_t> projections;
  step_t every = 1;
};

class weight_stats_recorder final : public recorder {
 public:
  weight_stats_recorder(const stats_spec& sp, simulation& sim, output_file& out)
      : sim_(sim), out_(out), every_(sp.every), projections_(sp.projections) {
    const auto& net = sim.spec();
    if (h5::exists(out.file(), "weight_stats/" + sp.name)) {  // a restart appends
      h5::handle g = h5::open_group(out.file(), "weight_stats/" + sp.name);
      time_ = h5::appendable::open(g, "time", H5T_NATIVE_DOUBLE);
      for (auto p : projections_) {
        h5::handle pg = h5::open_group(g, net.projections[p].name);
        series s;
        s.mean = h5::appendable::open(pg, "mean", H5T_NATIVE_DOUBLE);
        s.sd = h5::appendable::open(pg, "sd", H5T_NATIVE_DOUBLE);
        s.min = h5::appendable::open(pg, "min", H5T_NATIVE_DOUBLE);
        s.max = h5::appendable::open(pg, "max", H5T_NATIVE_DOUBLE);
        series_.push_back(std::move(s));
      }
      return;
    }
    h5::handle g = group_path(out.file(), "weight_stats", sp.name);
    h5::attr(g, "interval", static_cast<double>(every_) * net.run.dt);
    time_ = h5::appendable(g, "time", H5T_NATIVE_DOUBLE, 1024);
    h5::attr(time_.id(), "units", std::string("ms"));
    for (auto p : projections_) {
      h5::handle pg = h5::create_group(g, net.projections[p].name);
      series s;
      s.mean = h5::appendable(pg, "mean", H5T_NATIVE_DOUBLE, 1024);
      s.sd = h5::appendable(pg, "sd", H5T_NATIVE_DOUBLE, 1024);
      s.min = h5::appendable(pg, "min", H5T_NATIVE_DOUBLE, 1024);
      s.max = h5::appendable(pg, "max", H5T_NATIVE_DOUBLE, 1024);
      series_.push_back(std::move(s));
    }
  }

  void sample(step_t t) override {
    if ((t + 1) % every_ != 0) return;
    for (auto p : projections_) {
      const auto& st = sim_.store(p);
      const float* w = st.weights();
      exact_float_sum acc;
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (std::uint64_t k = 0; k < st.size(); ++k) {
        acc.add(w[k]);
        lo = std::min<double>(lo, w[k]);
        hi = std::max<double>(hi, w[k]);
      }
      sums_.insert(sums_.end(), acc.data(), acc.data() + exact_float_sum::words);
      sums_.push_back(st.size());
      mins_.push_back(lo);
      maxs_.push_back(hi);
    }
    times_.push_back(static_cast<double>(t + 1) * sim_.spec().run.dt);
  }

  void flush(step_t) override {
    auto& comm = out_.comm();
    comm.allreduce_sum(sums_);
    comm.allreduce_min(std::span<double>(mins_));
    comm.allreduce_max(std::span<double>(maxs_));
    const std::size_t np = projections_.size(), n = times_.size();
    const std::size_t stride = exact_float_sum::words + 1;
    for (std::size_t pi = 0; pi < np; ++pi) {
      std::vector<double> mean(n), sd(n), mn(n), mx(n);
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t at = (i * np + pi) * stride;
        exact_float_sum acc;
        std::copy(sums_.begin() + static_cast<std::ptrdiff_t>(at),
                  sums_.begin() + static_cast<std::ptrdiff_t>(at + exact_float_sum::words), acc.data());
        const double cnt = static_cast<double>(sums_[at + exact_float_sum::words]);
        mean[i] = cnt > 0 ? acc.sum() / cnt : std::numeric_limits<double>::quiet_NaN();
        const double var = cnt > 0 ? acc.sum_squares() / cnt - mean[i] * mean[i] : 0.0;
        sd[i] = cnt > 0 ? std::sqrt(std::max(0.0, var)) : std::numeric_limits<double>::quiet_NaN();
        mn[i] = mins_[i * np + pi];
        mx[i] = maxs_[i * np + pi];
      }
      const std::uint64_t rows = comm.rank() == 0 ? n : 0;
      series_[pi].mean.append(comm, mean.data(), rows);
      series_[pi].sd.append(comm, sd.data(), rows);
      series_[pi].min.append(comm, mn.data(), rows);
      series_[pi].max.append(comm, mx.data(), rows);
    }
    time_.append(comm, times_.data(), comm.rank() == 0 ? n : 0);
    sums_.clear();
    mins_.clear();
    maxs_.clear();
    times_.clear();
  }

  bool save_state(state_set& out, const std::string& prefix) const override {
    out.table(prefix).scalars["rows"] = static_cast<double>(time_.size());
    return true;
  }
  void load_state(const state_set& in, const std::string& prefix) override {
    const auto rows = static_cast<std::uint64_t>(in.at(prefix).scalar("rows"));
    time_.truncate(rows);
    for (auto& s : series_) {
      for (auto* a : {&s.mean, &s.sd, &s.min, &s.max}) a->truncate(rows);
    }
  }

 private:
  struct series {
    h5::appendable mean, sd, min, max;
  };
  simulation& sim_;
  output_file& out_;
  step_t every_;
  std::vector<std::size_t> projections_;
  std::vector<series> series_;
  h5::appendable time_;
  std::vector<std::uint64_t> sums_;
  std::vector<double> mins_, maxs_, times_;
};

// ---- type = weight_snapshot: every weight (pre, post, weight) at chosen times --------------

struct snapshot_spec final : recorder_spec {
  std::vector<std::size_t> projections;
  std::vector<step_t> steps;  // ascending, unique
};

class weight_snapshot_recorder final : public recorder {
 public:
  weight_snapshot_recorder(const snapshot_spec& sp, simulation& sim, output_file& out)
      : sim_(sim), out_(out), projections_(sp.projections), steps_(sp.steps) {
    if (h5::exists(out.file(), "weight_snapshots/" + sp.name)) {
      // A restart: the snapshots taken so far are in the file; load_state says which. The
      // times are rewritten, as a restart may have changed run.t_stop (and with it "end").
      group_ = h5::open_group(out.file(), "weight_snapshots/" + sp.name);
      H5Ldelete(group_, "time", H5P_DEFAULT);
      std::vector<double> t;
      for (auto s : steps_) t.push_back(static_cast<double>(s) * sim.spec().run.dt);
      h5::write_root(out.comm(), group_, "time", H5T_NATIVE_DOUBLE, t.data(), t.size());
      return;
    }
    group_ = group_path(out.file(), "weight_snapshots", sp.name);
    std::vector<double> t;
    for (auto s : steps_) t.push_back(static_cast<double>(s) * sim.spec().run.dt);
    h5::write_root(out.comm(), group_, "time", H5T_NATIVE_DOUBLE, t.data(), t.size());
    for (auto p : projections_) h5::create_group(group_, sim.spec().projections[p].name);
    if (!steps_.empty() && steps_[0] == 0) take(0);
  }

  void sample(step_t t) override {
    if (next_ < steps_.size() && steps_[next_] == t + 1) take(t + 1);
  }
  void flush(step_t) override {}

  bool save_state(state_set& out, const std::string& prefix) const override {
    out.table(prefix).scalars["next"] = static_cast<double>(next_);
    return true;
  }
  // Snapshots a run took after its last checkpoint (before it died) are dropped.
  void load_state(const state_set& in, const std::string& prefix) override {
    next_ = static_cast<std::size_t>(in.at(prefix).scalar("next"));
    for (auto p : projections_) {
      h5::handle pg = h5::open_group(group_, sim_.spec().projections[p].name);
      for (std::size_t k = next_; k < steps_.size(); ++k) {
        if (h5::exists(pg, std::to_string(k))) H5Ldelete(pg, std::to_string(k).c_str(), H5P_DEFAULT);
      }
    }
  }

 private:
  struct entry {
    gid_t post, pre;
    std::uint32_t occ;
    float w;
  };
  simulation& sim_;
  output_file& out_;
  std::vector<std::size_t> projections_;
  std::vector<step_t> steps_;
  std::size_t next_ = 0;
  h5::handle group_;

  // Collective: every synapse goes to the rank that holds its slice of the target
  // population, which sorts it by (post, pre, occurrence): the file is the same for any
  // number of ranks.
  void take(step_t step) {
    auto& comm = out_.comm();
    const auto& net = sim_.spec();
    const auto ranks = static_cast<std::size_t>(comm.size());
    for (auto p : projections_) {
      const auto& pr = net.projections[p];
      const auto& src = net.populations[pr.source];
      const auto& tgt = net.populations[pr.target];
      const float* w = sim_.store(p).weights();
      std::vector<std::vector<entry>> per_dest(ranks);
      for_each_synapse(sim_, p, [&](const synapse_id& id) {
        const std::uint64_t j = id.post - tgt.first_gid;
        per_dest[static_cast<std::size_t>(j * ranks / tgt.size)].push_back({id.post, id.pre, id.occ, w[id.k]});
      });
      auto mine = comm.exchange(per_dest);
      std::sort(mine.begin(), mine.end(), [](const entry& a, const entry& b) {
        if (a.post != b.post) return a.post < b.post;
        if (a.pre != b.pre) return a.pre < b.pre;
        return a.occ < b.occ;
      });
      std::vector<std::uint64_t> pre(mine.size()), post(mine.size());
      std::vector<float> weight(mine.size());
      for (std::size_t i = 0; i < mine.size(); ++i) {
        pre[i] = mine[i].pre - src.first_gid;
        post[i] = mine[i].post - tgt.first_gid;
        weight[i] = mine[i].w;
      }
      h5::handle pg = h5::open_group(group_, pr.name);
      h5::handle g = h5::create_group(pg, std::to_string(next_));
      h5::attr(g, "time", static_cast<double>(step) * net.run.dt);
      h5::appendable dpre(g, "pre", H5T_NATIVE_UINT64, 1 << 16);
      h5::appendable dpost(g, "post", H5T_NATIVE_UINT64, 1 << 16);
      h5::appendable dw(g, "weight", H5T_NATIVE_FLOAT, 1 << 16);
      dpre.append(comm, pre.data(), pre.size());
      dpost.append(comm, post.data(), post.size());
      dw.append(comm, weight.data(), weight.size());
    }
    ++next_;
  }
};

// ---- type = synaptic: receptor currents/conductances of sampled neurons -------------------

struct synaptic_spec final : recorder_spec {
  std::size_t population = 0;
  std::uint64_t neurons = 100;
  std::vector<std::string> variables;
  step_t every = 10;
  bool average = true;
};

class synaptic_recorder final : public recorder {
 public:
  synaptic_recorder(const synaptic_spec& sp, simulation& sim, output_file& out)
      : sim_(sim), out_(out), pop_(sp.population), vars_(sp.variables), every_(sp.every),
        average_(sp.average) {
    const auto& net = sim.spec();
    const auto& pop = net.populations[pop_];
    // The `neurons` gids with the smallest keyed scores: the same choice on every rank.
    std::vector<std::pair<std::uint64_t, gid_t>> score;
    for (std::uint64_t j = 0; j < pop.size; ++j) {
      const auto g = static_cast<gid_t>(pop.first_gid + j);
      random_stream rs(net.run.seed, rng_domain::sample, sp.hash, g);
      score.emplace_back(rs.next_u64(), g);
    }
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(sp.neurons, pop.size));
    std::partial_sort(score.begin(), score.begin() + static_cast<std::ptrdiff_t>(n), score.end());
    std::vector<gid_t> chosen;
    for (std::size_t i = 0; i < n; ++i) chosen.push_back(score[i].second);
    std::sort(chosen.begin(), chosen.end());
    std::vector<std::uint64_t> ids;
    for (std::size_t c = 0; c < chosen.size(); ++c) {
      ids.push_back(chosen[c] - pop.first_gid);
      if (sim.part().is_local(chosen[c])) {
        mine_.push_back({static_cast<std::uint32_t>(c), sim.part().local_index(pop, chosen[c])});
      }
    }
    columns_ = chosen.size();
    scratch_.resize(sim.local_gids(pop_).size());
    sums_.assign(vars_.size() * mine_.size(), 0.0);
    if (h5::exists(out.file(), "synaptic/" + sp.name)) {  // a restart appends
      h5::handle g = h5::open_group(out.file(), "synaptic/" + sp.name);
      time_ = h5::appendable::open(g, "time", H5T_NATIVE_DOUBLE);
      for (const auto& v : vars_) data_.push_back(h5::matrix_appendable::open(g, v, H5T_NATIVE_DOUBLE));
      return;
    }
    h5::handle g = group_path(out.file(), "synaptic", sp.name);
    h5::attr(g, "population", pop.name);
    h5::attr(g, "interval", static_cast<double>(every_) * net.run.dt);
    h5::attr(g, "sampling", std::string(average_ ? "mean over each interval" : "value at the end of each interval"));
    h5::write_root(out.comm(), g, "node_ids", H5T_NATIVE_UINT64, ids.data(), ids.size());
    time_ = h5::appendable(g, "time", H5T_NATIVE_DOUBLE, 1024);
    h5::attr(time_.id(), "units", std::string("ms"));
    for (const auto& v : vars_) data_.emplace_back(g, v, H5T_NATIVE_DOUBLE, columns_, 256);
  }

  void sample(step_t t) override {
    const bool end = (t + 1) % every_ == 0;
    if (!average_ && !end) return;
    auto& grp = sim_.group(pop_);
    for (std::size_t v = 0; v < vars_.size(); ++v) {
      grp.get_state(vars_[v], scratch_);
      for (std::size_t i = 0; i < mine_.size(); ++i) sums_[v * mine_.size() + i] += scratch_[mine_[i].local];
    }
    if (!end) return;
    const double norm = average_ ? 1.0 / static_cast<double>(every_) : 1.0;
    for (std::size_t v = 0; v < vars_.size(); ++v) {
      for (std::size_t i = 0; i < mine_.size(); ++i) {
        buffer_.push_back({rows_, static_cast<std::uint32_t>(v), mine_[i].col, sums_[v * mine_.size() + i] * norm});
      }
    }
    std::fill(sums_.begin(), sums_.end(), 0.0);
    times_.push_back(static_cast<double>(t + 1) * sim_.spec().run.dt);
    ++rows_;
  }

  void flush(step_t) override {
    auto& comm = out_.comm();
    std::vector<std::vector<entry>> to_root(static_cast<std::size_t>(comm.size()));
    to_root[0] = std::move(buffer_);
    buffer_.clear();
    const auto got = comm.exchange(to_root);
    for (std::size_t v = 0; v < vars_.size(); ++v) {
      std::vector<double> m;  // assembled on rank 0 only
      if (comm.rank() == 0) {
        m.assign(static_cast<std::size_t>(rows_) * columns_, std::numeric_limits<double>::quiet_NaN());
        for (const auto& e : got) {
          if (e.var == v) m[static_cast<std::size_t>(e.row) * columns_ + e.col] = e.value;
        }
      }
      data_[v].append_rows(comm, m.empty() ? nullptr : m.data(), rows_);
    }
    time_.append(comm, times_.data(), comm.rank() == 0 ? times_.size() : 0);
    times_.clear();
    rows_ = 0;
  }

  // After a flush: the rows written and the running sums of the current interval, keyed by
  // column (the sampled neuron's place in the report, the same for any partition).
  bool save_state(state_set& out, const std::string& prefix) const override {
    auto& t = out.table(prefix);
    t.scalars["rows"] = static_cast<double>(time_.size());
    auto& col = t.column("column");
    for (const auto& m : mine_) col.push_back(m.col);
    for (std::size_t v = 0; v < vars_.size(); ++v) {
      auto& c = t.column(indexed_name("sum", v));
      for (std::size_t i = 0; i < mine_.size(); ++i) c.push_back(sums_[v * mine_.size() + i]);
    }
    return true;
  }
  void load_state(const state_set& in, const std::string& prefix) override {
    const auto& t = in.at(prefix);
    const auto rows = static_cast<std::uint64_t>(t.scalar("rows"));
    time_.truncate(rows);
    for (auto& d : data_) d.truncate(rows);
    std::vector<std::uint64_t> cols;
    for (const auto& m : mine_) cols.push_back(m.col);
    const auto idx = find_rows(t.at("column"), cols, "sampled neuron");
    for (std::size_t v = 0; v < vars_.size(); ++v) {
      const auto& c = t.at(indexed_name("sum", v));
      for (std::size_t i = 0; i < mine_.size(); ++i) sums_[v * mine_.size() + i] = c[idx[i]];
    }
  }

 private:
  struct entry {
    std::uint32_t row, var, col;
    double value;
  };
  struct own {
    std::uint32_t col;
    index_t local;
  };
  simulation& sim_;
  output_file& out_;
  std::size_t pop_;
  std::vector<std::string> vars_;
  step_t every_;
  bool average_;
  std::size_t columns_ = 0;
  std::vector<own> mine_;
  std::vector<double> scratch_, sums_, times_;
  std::vector<entry> buffer_;
  std::uint32_t rows_ = 0;
  h5::appendable time_;
  std::vector<h5::matrix_appendable> data_;
};

}  // namespace

recorder_entry weights_recorder_entry() {
  recorder_entry e;
  e.type = "weights";
  e.read = [](section_reader& s, const network_spec& net) {
    auto sp = std::make_shared<weights_spec>();
    sp->projection = read_projection_name(s, net, "projection", s.text("projection"));
    sp->synapses = static_cast<std::uint64_t>(s.count("synapses", 100));
    if (sp->synapses < 1) s.fail("synapses", "must be a whole number >= 1");
    sp->every = read_interval(s, net, 10.0);
    return std::shared_ptr<recorder_spec>(sp);
  };
  e.create = [](const recorder_spec& rs, simulation& sim, output_file& out) {
    return std::unique_ptr<recorder>(new weights_recorder(static_cast<const weights_spec&>(rs), sim, out));
  };
  return e;
}

recorder_entry weight_stats_recorder_entry() {
  recorder_entry e;
  e.type = "weight_stats";
  e.read = [](section_reader& s, const network_spec& net) {
    auto sp = std::make_shared<stats_spec>();
    sp->projections = read_projection_list(s, net, "projections");
    sp->every = read_interval(s, net, 100.0);
    return std::shared_ptr<recorder_spec>(sp);
  };
  e.create = [](const recorder_spec& rs, simulation& sim, output_file& out) {
    return std::unique_ptr<recorder>(new weight_stats_recorder(static_cast<const stats_spec&>(rs), sim, out));
  };
  return e;
}

recorder_entry weight_snapshot_recorder_entry() {
  recorder_entry e;
  e.type = "weight_snapshot";
  e.read = [](section_reader& s, const network_spec& net) {
    auto sp = std::make_shared<snapshot_spec>();
    sp->projections = read_projection_list(s, net, "projections");
    const step_t end = net.run.steps();
    for (const auto& item : s.list("times")) {
      step_t st = end;
      if (item != "end") {
        const double ms = s.cfg().evaluate(item, s.full("times"));
        const double steps = ms / net.run.dt;
        if (!(ms >= 0) || ms > net.run.t_stop * (1 + 1e-12) ||
            std::fabs(steps - std::round(steps)) > 1e-6 * std::max(1.0, steps)) {
          s.fail("times", "'" + item + "' must be a time in ms from 0 to run.t_stop = " +
                              std::to_string(net.run.t_stop) + ", a whole number of steps, or 'end'");
        }
        st = static_cast<step_t>(std::llround(steps));
      }
      sp->steps.push_back(st);
    }
    std::sort(sp->steps.begin(), sp->steps.end());
    sp->steps.erase(std::unique(sp->steps.begin(), sp->steps.end()), sp->steps.end());
    return std::shared_ptr<recorder_spec>(sp);
  };
  e.create = [](const recorder_spec& rs, simulation& sim, output_file& out) {
    return std::unique_ptr<recorder>(new weight_snapshot_recorder(static_cast<const snapshot_spec&>(rs), sim, out));
  };
  return e;
}

recorder_entry synaptic_recorder_entry() {
  recorder_entry e;
  e.type = "synaptic";
  e.read = [](section_reader& s, const network_spec& net) {
    auto sp = std::make_shared<synaptic_spec>();
    const std::string name = s.text("population");
    const int p = net.population_index(name);
    if (p < 0) s.fail("population", "no population named '" + name + "'");
    sp->population = static_cast<std::size_t>(p);
    const auto& pop = net.populations[sp->population];
    std::vector<std::string> available;
    for (const auto& r : pop.receptors) {
      if (r.kind == receptor_kind::current) available.push_back("I_" + r.name);
      if (r.kind == receptor_kind::conductance) available.push_back("g_" + r.name);
    }
    if (available.empty()) s.fail("population", "population '" + name + "' has no current or conductance receptor to record");
    sp->variables = s.list("variables", available);
    for (const auto& v : sp->variables) {
      if (std::find(available.begin(), available.end(), v) == available.end()) {
        std::string list;
        for (const auto& a : available) list += (list.empty() ? "" : ", ") + a;
        s.fail("variables", "population '" + name + "' has no synaptic variable '" + v + "' (it has: " + list + ")");
      }
    }
    sp->neurons = static_cast<std::uint64_t>(s.count("neurons", 100));
    if (sp->neurons < 1) s.fail("neurons", "must be a whole number >= 1");
    sp->every = read_interval(s, net, 1.0);
    sp->average = s.boolean("average", true);
    return std::shared_ptr<recorder_spec>(sp);
  };
  e.create = [](const recorder_spec& rs, simulation& sim, output_file& out) {
    return std::unique_ptr<recorder>(new synaptic_recorder(static_cast<const synaptic_spec&>(rs), sim, out));
  };
  return e;
}

}  // namespace balnet

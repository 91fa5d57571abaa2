#include "balnet/sim/state_recorder.hpp"

#include <algorithm>
#include <cmath>

#include "balnet/core/error.hpp"
#include "balnet/input/neuron_set.hpp"
#include "balnet/io/config.hpp"
#include "balnet/io/h5.hpp"
#include "balnet/io/output_file.hpp"
#include "balnet/io/state_io.hpp"
#include "balnet/model/model_registry.hpp"
#include "balnet/sim/simulation.hpp"

namespace balnet {

std::string state_unit(const std::string& model, const std::string& v) {
  if (v == "V") return "mV";
  if (v == "u") return model == "izhikevich" ? "mV/ms" : "";
  if (v == "w") return "pA";
  if (v == "H1" || v == "H2" || v == "theta" || v == "a1") return "mV";
  if (v == "m" || v == "h" || v == "n") return "1";
  if (v == "refractory_steps") return "steps";
  const bool izh = model == "izhikevich";
  if (v.rfind("g_", 0) == 0) return izh ? "" : "nS";
  if (v.rfind("I_", 0) == 0) return izh ? "mV/ms" : "pA";
  return "";
}

namespace {

step_t whole_steps(section_reader& s, const std::string& key, double ms, double dt) {
  const double steps = ms / dt;
  if (std::fabs(steps - std::round(steps)) > 1e-6 * std::max(1.0, steps)) {
    s.fail(key, "must be a whole number of steps of dt = " + std::to_string(dt) + " ms");
  }
  return static_cast<step_t>(std::llround(steps));
}

class state_recorder final : public recorder {
 public:
  state_recorder(const state_recorder_spec& spec, simulation& sim, output_file& out)
      : spec_(spec), out_(out), comm_(out.comm()) {
    const auto& net = sim.spec();
    const auto& pop = net.populations[spec_.population];
    group_ = &sim.group(spec_.population);
    dt_ = net.run.dt;
    for (const auto& m : local_members(spec_.neurons, pop, sim.part())) {
      local_.push_back(m.local);
      gids_.push_back(sim.local_gids(spec_.population)[m.local]);
      columns_.push_back(static_cast<std::uint32_t>(m.ordinal));
    }
    ncol_ = spec_.neurons.size();
    nvar_ = spec_.variables.size();
    for (const auto& v : spec_.variables) data_.push_back(group_->state_data(v));
    scratch_.resize(group_->size());
    sum_.assign(nvar_ * local_.size(), 0.0);
    // Which report column every rank holds, in its local order.
    {
      std::vector<std::vector<std::uint32_t>> to_all(static_cast<std::size_t>(comm_.size()), columns_);
      std::vector<int> counts;
      const auto all = comm_.exchange(to_all, &counts);
      std::size_t off = 0;
      for (int c : counts) {
        rank_columns_.emplace_back(all.begin() + static_cast<std::ptrdiff_t>(off),
                                   all.begin() + static_cast<std::ptrdiff_t>(off + static_cast<std::size_t>(c)));
        off += static_cast<std::size_t>(c);
      }
    }
    // Rows kept in memory before a collective write: about 8 MiB per variable at most.
    rows_per_flush_ = std::max<std::uint64_t>(1, (std::uint64_t{1} << 20) / std::max<std::uint64_t>(1, ncol_));
    if (h5::exists(out_.file(), "report/" + pop.name + "/" + spec_.variables.front())) {
      // A restart appends to the reports of the checkpointed run (load_state sets the rows);
      // the time mapping is rewritten, as a restart may have changed run.t_stop.
      for (const auto& var : spec_.variables) {
        paths_.push_back("report/" + pop.name + "/" + var + "/data");
        h5::handle mg = h5::open_group(out_.file(), "report/" + pop.name + "/" + var + "/mapping");
        H5Ldelete(mg, "time", H5P_DEFAULT);
        write_time_mapping(mg);
      }
      return;
    }
    create_datasets(pop.name, pop.model);
    // Row 0 may be the initial state (before step 0).
    take(0);
  }

  void sample(step_t t) override {
    take(t + 1);
    if (pending_rows() >= rows_per_flush_) write_pending();
  }

  void flush(step_t) override { write_pending(); }

  // After a flush only the rows done and the running sums of averaged rows remain.
  bool save_state(state_set& out, const std::string& prefix) const override {
    auto& t = out.table(prefix);
    t.scalars["rows"] = static_cast<double>(written_rows_);
    auto& g = t.column("gid");
    for (std::size_t k = 0; k < local_.size(); ++k) g.push_back(static_cast<double>(gids_[k]));
    const std::size_t n = local_.size();
    for (std::size_t v = 0; v < nvar_; ++v) {
      auto& c = t.column("sum_" + spec_.variables[v]);
      c.assign(sum_.begin() + static_cast<std::ptrdiff_t>(v * n), sum_.begin() + static_cast<std::ptrdiff_t>((v + 1) * n));
    }
    return true;
  }

  void load_state(const state_set& in, const std::string& prefix) override {
    const auto& t = in.at(prefix);
    const auto rows = static_cast<std::uint64_t>(t.scalar("rows"));
    buffer_.clear();
    for (const auto& path : paths_) {
      h5::handle d(h5::check_id(H5Dopen2(out_.file(), path.c_str(), H5P_DEFAULT), "opening " + path), H5Dclose);
      h5::handle space(h5::check_id(H5Dget_space(d), "H5Dget_space"), H5Sclose);
      hsize_t dims[2] = {0, 0};
      H5Sget_simple_extent_dims(space, dims, nullptr);
      if (dims[0] < rows) throw io_error(out_.temp_path() + ": " + path + " holds fewer rows than the checkpoint says");
      dims[0] = rows;
      h5::check(H5Dset_extent(d, dims), "truncating " + path);
    }
    written_rows_ = done_rows_ = rows;
    const auto idx = find_rows(t.at("gid"), std::vector<std::uint64_t>(gids_.begin(), gids_.end()), "recorded neuron");
    const std::size_t n = local_.size();
    for (std::size_t v = 0; v < nvar_; ++v) {
      const auto& c = t.at("sum_" + spec_.variables[v]);
      for (std::size_t k = 0; k < n; ++k) sum_[v * n + k] = c[idx[k]];
    }
  }

 private:
  state_recorder_spec spec_;
  output_file& out_;
  communicator& comm_;
  neuron_group* group_ = nullptr;
  double dt_ = 0.1;
  std::vector<index_t> local_;
  std::vector<gid_t> gids_;  // of local_
  std::vector<std::uint32_t> columns_;
  std::vector<std::vector<std::uint32_t>> rank_columns_;
  std::size_t ncol_ = 0, nvar_ = 0;
  std::vector<const double*> data_;
  std::vector<double> scratch_;
  std::vector<double> sum_;         // averaging: per variable, per local neuron
  std::vector<double> buffer_;      // rows x variables x local neurons
  std::uint64_t written_rows_ = 0;  // rows written to the file
  std::uint64_t done_rows_ = 0;     // rows complete (written or buffered)
  std::uint64_t rows_per_flush_ = 1;
  std::vector<std::string> paths_;  // datasets, opened per write (no handle outlives a write)

  std::uint64_t pending_rows() const { return done_rows_ - written_rows_; }

  // Reads variable v of the local recorded neurons into out.
  void read(std::size_t v, double* out) {
    const double* src = data_[v];
    if (!src) {
      group_->get_state(spec_.variables[v], scratch_);
      src = scratch_.data();
    }
    for (std::size_t k = 0; k < local_.size(); ++k) out[k] = src[local_[k]];
  }

  // The state at time `tau` (steps) is available.
  void take(step_t tau) {
    if (tau < spec_.start || done_rows_ >= spec_.rows) return;
    const step_t offset = tau - spec_.start;
    const std::size_t n = local_.size();
    if (!spec_.average) {
      if (offset % spec_.every != 0) return;
      const std::size_t base = buffer_.size();
      buffer_.resize(base + nvar_ * n);
      for (std::size_t v = 0; v < nvar_; ++v) read(v, buffer_.data() + base + v * n);
      ++done_rows_;
      return;
    }
    std::vector<double>& tmp = scratch_row_;
    tmp.resize(n);
    for (std::size_t v = 0; v < nvar_; ++v) {
      read(v, tmp.data());
      for (std::size_t k = 0; k < n; ++k) sum_[v * n + k] += tmp[k];
    }
    if ((offset + 1) % spec_.every != 0) return;
    const std::size_t base = buffer_.size();
    buffer_.resize(base + nvar_ * n);
    const double inv = 1.0 / static_cast<double>(spec_.every);
    for (std::size_t i = 0; i < nvar_ * n; ++i) {
      buffer_[base + i] = sum_[i] * inv;
      sum_[i] = 0.0;
    }
    ++done_rows_;
  }
  std::vector<double> scratch_row_;

  void create_datasets(const std::string& pop_name, const std::string& model) {
    const hid_t f = out_.file();
    h5::handle report = h5::exists(f, "report") ? h5::open_group(f, "report") : h5::create_group(f, "report");
    h5::handle pg = h5::exists(report, pop_name) ? h5::open_group(report, pop_name) : h5::create_group(report, pop_name);
    const hid_t type = spec_.double_precision ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT;
    for (const auto& var : spec_.variables) {
      h5::handle vg = h5::create_group(pg, var);
      {
        h5::handle mg = h5::create_group(vg, "mapping");
        std::vector<std::uint64_t> ids(spec_.neurons.begin(), spec_.neurons.end()), ptr(ncol_ + 1);
        for (std::size_t i = 0; i <= ncol_; ++i) ptr[i] = i;
        std::vector<std::uint32_t> elements(ncol_, 0);
        h5::write_root(comm_, mg, "node_ids", H5T_NATIVE_UINT64, ids.data(), ids.size());
        h5::write_root(comm_, mg, "index_pointers", H5T_NATIVE_UINT64, ptr.data(), ptr.size());
        h5::write_root(comm_, mg, "element_ids", H5T_NATIVE_UINT32, elements.data(), elements.size());
        write_time_mapping(mg);
      }
      const hsize_t dims[2] = {0, static_cast<hsize_t>(ncol_)};
      const hsize_t maxdims[2] = {H5S_UNLIMITED, static_cast<hsize_t>(ncol_)};
      const hsize_t chunk_rows = std::max<hsize_t>(1, std::min<hsize_t>(1024, (1u << 16) / std::max<hsize_t>(1, ncol_)));
      const hsize_t chunk[2] = {chunk_rows, std::max<hsize_t>(1, ncol_)};
      h5::handle space(H5Screate_simple(2, dims, maxdims), H5Sclose);
      h5::handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
      h5::check(H5Pset_chunk(dcpl, 2, chunk), "H5Pset_chunk");
      h5::check(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER), "H5Pset_fill_time");
      h5::handle d(h5::check_id(H5Dcreate2(vg, "data", type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                                "creating dataset report/" + pop_name + "/" + var + "/data"),
                   H5Dclose);
      h5::attr(d, "units", state_unit(model, var));
      h5::attr(d, "average", static_cast<std::int64_t>(spec_.average ? 1 : 0));
      paths_.push_back("report/" + pop_name + "/" + var + "/data");
    }
  }

  static hid_t check_id(hid_t id, const std::string& what) { return h5::check_id(id, what); }

  // mapping/time = [start, stop, interval] (ms) of the report's rows.
  void write_time_mapping(hid_t mg) {
    const double interval = static_cast<double>(spec_.every) * dt_;
    const double start = static_cast<double>(spec_.start) * dt_;
    const double time[3] = {start, start + static_cast<double>(spec_.rows) * interval, interval};
    h5::write_root(comm_, mg, "time", H5T_NATIVE_DOUBLE, time, 3);
    h5::handle td(check_id(H5Dopen2(mg, "time", H5P_DEFAULT), "opening time"), H5Dclose);
    h5::attr(td, "units", std::string("ms"));
  }

  // Collective: writes the complete rows held in memory. Rank k writes the k-th slice of
  // rows, gathered from every rank's columns, so each write is one contiguous block.
  void write_pending() {
    const std::uint64_t rows = pending_rows();
    if (rows == 0) return;  // the same on every rank
    const int P = comm_.size();
    const std::size_t n = local_.size();
    auto slice = [&](int k) { return rows * static_cast<std::uint64_t>(k) / static_cast<std::uint64_t>(P); };
    const std::uint64_t my0 = slice(comm_.rank()), my1 = slice(comm_.rank() + 1);
    const hsize_t new_rows = written_rows_ + rows;
    for (std::size_t v = 0; v < nvar_; ++v) {
      std::vector<std::vector<double>> per_dest(static_cast<std::size_t>(P));
      for (int k = 0; k < P; ++k) {
        auto& out = per_dest[static_cast<std::size_t>(k)];
        for (std::uint64_t r = slice(k); r < slice(k + 1); ++r) {
          const double* row = buffer_.data() + r * nvar_ * n + v * n;
          out.insert(out.end(), row, row + n);
        }
      }
      std::vector<int> counts;
      const auto got = comm_.exchange(per_dest, &counts);
      const std::uint64_t my_rows = my1 - my0;
      std::vector<double> block(my_rows * ncol_, 0.0);
      std::size_t off = 0;
      for (int src = 0; src < P; ++src) {
        const auto& cols = rank_columns_[static_cast<std::size_t>(src)];
        for (std::uint64_t r = 0; r < my_rows; ++r) {
          for (std::size_t c = 0; c < cols.size(); ++c) block[r * ncol_ + cols[c]] = got[off++];
        }
      }
      h5::handle d(h5::check_id(H5Dopen2(out_.file(), paths_[v].c_str(), H5P_DEFAULT), "opening " + paths_[v]),
                   H5Dclose);
      const hsize_t extent[2] = {new_rows, static_cast<hsize_t>(ncol_)};
      h5::check(H5Dset_extent(d, extent), "extending a state report");
      h5::handle fspace(h5::check_id(H5Dget_space(d), "H5Dget_space"), H5Sclose);
      const hsize_t start[2] = {written_rows_ + my0, 0};
      const hsize_t count[2] = {my_rows, static_cast<hsize_t>(ncol_)};
      const hsize_t mcount = std::max<hsize_t>(1, my_rows * ncol_);
      h5::handle mspace(H5Screate_simple(1, &mcount, nullptr), H5Sclose);
      if (my_rows > 0 && ncol_ > 0) {
        h5::check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, count, nullptr), "selecting");
      } else {
        h5::check(H5Sselect_none(fspace), "H5Sselect_none");
        h5::check(H5Sselect_none(mspace), "H5Sselect_none");
      }
      h5::handle dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
      h5::check(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), "H5Pset_dxpl_mpio");
      // HDF5 converts the doubles to the file type (float32 unless precision = double).
      h5::check(H5Dwrite(d, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, block.data()), "writing a state report");
    }
    written_rows_ = new_rows;
    buffer_.clear();
  }
};

}  // namespace

std::shared_ptr<recorder_spec> read_state_recorder(section_reader& s, const network_spec& net) {
  auto r = std::make_shared<state_recorder_spec>();
  const std::string pop_name = s.text("population");
  const int p = net.population_index(pop_name);
  if (p < 0) {
    std::string names;
    for (const auto& x : net.populations) names += (names.empty() ? "" : ", ") + x.name;
    s.fail("population", "no population named '" + pop_name + "' (populations: " + names + ")");
  }
  r->population = static_cast<std::size_t>(p);
  const auto& pop = net.populations[r->population];
  // The model's variables, from a group without neurons.
  const auto known = find_model(pop.model)->create(pop, {}, net.run)->state_variables();
  std::string list;
  for (const auto& v : known) list += (list.empty() ? "" : ", ") + v;
  r->variables = s.list("variables");
  for (const auto& v : r->variables) {
    if (std::find(known.begin(), known.end(), v) == known.end()) {
      s.fail("variables", "population '" + pop.name + "' (model " + pop.model + ") has no state variable '" + v +
                              "' (its variables: " + (list.empty() ? "none" : list) + ")");
    }
    if (std::count(r->variables.begin(), r->variables.end(), v) > 1) s.fail("variables", "'" + v + "' is listed twice");
    for (const auto& other : net.recorders) {
      const auto* o = dynamic_cast<const state_recorder_spec*>(other.get());
      if (o && o->population == r->population &&
          std::find(o->variables.begin(), o->variables.end(), v) != o->variables.end()) {
        s.fail("variables", "variable '" + v + "' of population '" + pop.name + "' is already recorded by [recorder." +
                                o->name + "] (one report per population and variable)");
      }
    }
  }
  r->neurons = read_neuron_set(s, "neurons", pop.size);
  const double dt = net.run.dt;
  r->every = whole_steps(s, "interval", s.positive("interval", dt), dt);
  r->average = s.boolean("average", false);
  r->start = whole_steps(s, "start", s.non_negative("start", 0.0), dt);
  const step_t stop = whole_steps(s, "stop", s.positive("stop", net.run.t_stop), dt);
  if (stop <= r->start) s.fail("stop", "must be after start");
  const auto span = static_cast<std::uint64_t>(stop - r->start);
  const auto every = static_cast<std::uint64_t>(r->every);
  r->rows = r->average ? span / every : (span + every - 1) / every;
  if (r->rows == 0) s.fail("interval", "is longer than the recorded time span");
  r->double_precision = s.choice("precision", {"single", "double"}, "single") == "double";
  return r;
}

std::unique_ptr<recorder> make_state_recorder(const recorder_spec& spec, simulation& sim, output_file& out) {
  return std::make_unique<state_recorder>(static_cast<const state_recorder_spec&>(spec), sim, out);
}

}  // namespace balnet

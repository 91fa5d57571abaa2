"""Read a balnet run file (HDF5) into numpy arrays.

    import sys; sys.path.insert(0, "tools")      # from the balnet repository
    from balnet_reader import Run

    with Run("akil2021_static.h5") as run:
        print(run.status, run.t_end, run.populations["E"].size)
        s = run.spikes("E", t_start=1000)        # s.times (ms), s.ids (0 .. size-1), s.size
        t, r = run.rates("E")                    # bin start (ms), population rate (Hz)
        cfg = run.config                          # resolved config: cfg["population.E"]["size"]
        cfg.value("population.E.size")           # evaluated with [params]: 4000.0

Everything a run file can hold is read defensively: groups written by recorders (SONATA
state reports under /report, synaptic recorders under /synaptic, weight traces under
/weights, /weight_stats and /weight_snapshots) are listed when present and ignored when not.
The layout is documented in docs/output.md; this module in docs/analysis.md.
"""

import ast
import math
import re
from collections import OrderedDict, namedtuple

import h5py
import numpy as np

__all__ = ["Run", "Config", "Spikes", "Report", "WeightTrace", "evaluate", "distribution_mean"]

Spikes = namedtuple("Spikes", "times ids size")
Spikes.__doc__ = "Spike times (ms, float64, sorted), neuron ids within the population (int64) and the population size."

Population = namedtuple("Population", "name size first_gid model spikes mean_rate")


class Report:
    """A sampled state variable of some neurons of one population (time x neurons).

    data: array (time, neurons); node_ids: neuron ids within the population; times: sample
    times (ms); units: string; average: True if each sample is the mean over its interval
    (then `times` are the interval ends for synaptic recorders, the starts for SONATA
    reports, see `time_meaning`); source: the HDF5 path it came from.
    """

    def __init__(self, population, variable, data, node_ids, times, units, average, source, time_meaning):
        self.population = population
        self.variable = variable
        self.data = data
        self.node_ids = node_ids
        self.times = times
        self.units = units
        self.average = average
        self.source = source
        self.time_meaning = time_meaning

    def __repr__(self):
        return "Report(%s/%s, %d samples x %d neurons, %s)" % (
            self.population, self.variable, self.data.shape[0], self.data.shape[1], self.source)


class WeightTrace:
    """Weights of sampled synapses over time: values (time x synapses), time (ms), pre and
    post ids (within the source / target population), delay (ms), projection name."""

    def __init__(self, name, projection, source, target, pre, post, delay, time, values):
        self.name, self.projection, self.source, self.target = name, projection, source, target
        self.pre, self.post, self.delay, self.time, self.values = pre, post, delay, time, values

    def __repr__(self):
        return "WeightTrace(%s: %s, %d synapses x %d times)" % (
            self.name, self.projection, self.values.shape[1] if self.values.ndim == 2 else 0, len(self.time))


def _text(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray) and v.dtype.kind in "SO" and v.shape == ():
        return _text(v[()])
    return v


def _scalar(v):
    v = _text(v)
    if isinstance(v, np.ndarray) and v.shape == ():
        v = v[()]
    if isinstance(v, np.generic):
        v = v.item()
    return v


# ---------------------------------------------------------------------------------------
# Config: the resolved INI text and balnet's expressions

_FUNCS = {
    "sqrt": np.sqrt, "exp": np.exp, "log": np.log, "log10": np.log10, "abs": np.abs,
    "floor": np.floor, "ceil": np.ceil, "round": lambda x: np.sign(x) * np.floor(np.abs(x) + 0.5),
    "min": np.minimum, "max": np.maximum, "pow": np.power,
}


def evaluate(text, names=None):
    """Evaluates a balnet expression (+ - * / ^ ** parentheses, sqrt exp log log10 abs floor
    ceil round min max pow, pi). `names` maps variable names to numbers or numpy arrays (so
    an expression of t can be evaluated on a time grid). Raises ValueError."""
    names = {} if names is None else names
    src = text.strip().replace("^", "**")
    try:
        tree = ast.parse(src, mode="eval")
    except SyntaxError as e:
        raise ValueError("cannot parse expression %r: %s" % (text, e))

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            op = type(node.op)
            if op is ast.Add:
                return a + b
            if op is ast.Sub:
                return a - b
            if op is ast.Mult:
                return a * b
            if op is ast.Div:
                return a / b
            if op is ast.Pow:
                return np.power(a, b)
        if isinstance(node, ast.UnaryOp) and type(node.op) in (ast.USub, ast.UAdd):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.Name):
            if node.id in names:
                return names[node.id]
            if node.id == "pi":
                return math.pi
            raise ValueError("unknown name %r in %r" % (node.id, text))
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "params":
            if node.attr in names:
                return names[node.attr]
            raise ValueError("unknown parameter params.%s in %r" % (node.attr, text))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS:
            return _FUNCS[node.func.id](*[ev(a) for a in node.args])
        raise ValueError("unsupported element in expression %r" % text)

    return ev(tree)


_DIST = re.compile(r"^\s*(uniform|normal|lognormal)\s*\((.*)\)\s*$")


def _split_args(s):
    out, depth, cur = [], 0, ""
    for c in s:
        if c == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += c == "("
        depth -= c == ")"
        cur += c
    out.append(cur)
    return out


def distribution_mean(text, names=None):
    """Mean of a config value that may be a distribution: uniform(lo, hi), normal(mean, sd
    [, lo, hi]) (the mean of the untruncated normal), lognormal(mean, var), or a number."""
    m = _DIST.match(text)
    if not m:
        return float(evaluate(text, names))
    kind, args = m.group(1), [float(evaluate(a, names)) for a in _split_args(m.group(2))]
    if kind == "uniform":
        return 0.5 * (args[0] + args[1])
    return args[0]


# Parameters of the engine's cell presets (`preset = NAME` in a population; issue 4,
# src/model/point_neuron.cpp), for analyses that need a cell parameter the config does not
# spell out. Keep in step with the engine when presets change.
PRESETS = {
    "zerlaut_rs": {"C": 200.0, "g_L": 10.0, "E_L": -70.0, "V_reset": -70.0, "V_T": -50.0, "Delta_T": 2.0,
                   "V_th": -40.0, "t_ref": 5.0, "a": 0.0, "b": 40.0, "tau_w": 500.0},
    "zerlaut_fs": {"C": 200.0, "g_L": 10.0, "E_L": -70.0, "V_reset": -70.0, "V_T": -50.0, "Delta_T": 0.5,
                   "V_th": -47.5, "t_ref": 5.0, "a": 0.0, "b": 0.0, "tau_w": 500.0},
    "brette_gerstner_2005": {"C": 281.0, "g_L": 30.0, "E_L": -70.6, "V_T": -50.4, "Delta_T": 2.0,
                             "V_th": -40.4, "V_reset": -70.6, "a": 4.0, "b": 80.5, "tau_w": 144.0},
}


class Config:
    """The INI text of a run as sections of raw strings, with [params] evaluated on demand.

    cfg["population.E"]["size"] -> "0.8 * N" (raw); cfg.value("population.E.size") -> 4000.0;
    cfg.sections("population") -> ["E", "I", "X"]; cfg.params -> {"N": 5000.0, ...}."""

    def __init__(self, text):
        self.text = text
        self._sections = OrderedDict()
        section = None
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip()
                self._sections.setdefault(section, OrderedDict())
                continue
            if "=" in line and section is not None:
                k, v = line.split("=", 1)
                self._sections[section][k.strip()] = v.strip()
        self._params = None

    def __getitem__(self, section):
        return self._sections[section]

    def __contains__(self, section):
        return section in self._sections

    def get(self, full_key, default=None):
        section, key = self.split(full_key)
        return self._sections.get(section, {}).get(key, default)

    @staticmethod
    def split(full_key):
        # Sections are one word or kind.NAME; keys may contain dots (receptor.e.tau).
        parts = full_key.split(".")
        if parts[0] in ("run", "params", "record", "check"):
            return parts[0], ".".join(parts[1:])
        return ".".join(parts[:2]), ".".join(parts[2:])

    def sections(self, kind=None):
        if kind is None:
            return list(self._sections)
        return [s.split(".", 1)[1] for s in self._sections if s.startswith(kind + ".")]

    @property
    def params(self):
        if self._params is None:
            raw = self._sections.get("params", {})
            values, busy = {}, set()

            def get(name):
                if name in values:
                    return values[name]
                if name in busy:
                    raise ValueError("cycle in [params] at %s" % name)
                busy.add(name)

                class Lazy(dict):
                    def __missing__(self, k):
                        if k in raw:
                            return get(k)
                        raise KeyError(k)

                    def __contains__(self, k):
                        return dict.__contains__(self, k) or k in raw

                values[name] = evaluate(raw[name], Lazy())
                busy.discard(name)
                return values[name]

            for k in raw:
                try:
                    get(k)
                except (ValueError, KeyError):
                    pass
            self._params = values
        return self._params

    def cell_parameter(self, population, key, default=None):
        """A cell parameter of a population: its key, else its preset's value, else default."""
        v = self.value("population.%s.%s" % (population, key))
        if v is not None:
            return v
        preset = (self.get("population.%s.preset" % population) or "").strip()
        return PRESETS.get(preset, {}).get(key, default)

    def value(self, full_key, default=None, **extra):
        """The key's value evaluated as an expression over [params] (and `extra` names such as
        t=array); `default` if the key is absent. Distributions give their mean."""
        raw = self.get(full_key)
        if raw is None:
            return default
        names = dict(self.params)
        names.update(extra)
        return distribution_mean(raw, names)


# ---------------------------------------------------------------------------------------
# The run file


class Run:
    """A balnet run file. Opening is cheap; datasets are read when asked for."""

    def __init__(self, path):
        self.path = str(path)
        self.file = h5py.File(self.path, "r")
        self.attrs = {k: _scalar(v) for k, v in self.file.attrs.items()}
        self._config = None

    # context manager -------------------------------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.file.close()

    # provenance ------------------------------------------------------------------------
    @property
    def dt(self):
        return float(self.attrs.get("dt", 0.1))

    @property
    def t_stop(self):
        return float(self.attrs.get("t_stop", self.t_end))

    @property
    def t_end(self):
        """Time reached (ms): t_stop unless the run was stopped."""
        if "t_end" in self.attrs:
            return float(self.attrs["t_end"])
        return float(self.attrs.get("t_stop", 0.0))

    @property
    def status(self):
        return str(self.attrs.get("status", "unknown"))

    @property
    def provenance(self):
        """Root attributes (version, git revision, ranks, seed, wall times, ...) as a dict."""
        return dict(self.attrs)

    @property
    def config_text(self):
        return _text(self.file["config/resolved"][()]) if "config/resolved" in self.file else ""

    @property
    def config(self):
        if self._config is None:
            self._config = Config(self.config_text)
        return self._config

    @property
    def timers(self):
        """Wall time per rank (s) of each phase: {"update": array(ranks), ...}."""
        g = self.file.get("timers")
        return {k: g[k][:] for k in g} if g is not None else {}

    # network ---------------------------------------------------------------------------
    @property
    def populations(self):
        """{name: Population(name, size, first_gid, model, spikes, mean_rate)} in gid order."""
        out = OrderedDict()
        g = self.file.get("populations")
        if g is None:
            return out
        items = []
        for name in g:
            a = g[name].attrs
            items.append(Population(name, int(a.get("size", 0)), int(a.get("first_gid", 0)),
                                    str(_text(a.get("model", ""))), int(a.get("spikes", 0)),
                                    float(a.get("mean_rate", float("nan")))))
        for p in sorted(items, key=lambda p: p.first_gid):
            out[p.name] = p
        return out

    @property
    def projections(self):
        """{name: {attribute: value}} (source, target, receptor, rule, synapses, ...)."""
        g = self.file.get("projections")
        if g is None:
            return OrderedDict()
        return OrderedDict((n, {k: _scalar(v) for k, v in g[n].attrs.items()}) for n in g)

    def size(self, population):
        p = self.populations.get(population)
        if p is not None:
            return p.size
        v = self.config.value("population.%s.size" % population)
        if v is None:
            raise KeyError("no population %r in %s" % (population, self.path))
        return int(v)

    def neuron_populations(self):
        """Populations that are not spike sources (per the resolved config's model key)."""
        sources = {"poisson", "correlated_poisson", "inhomogeneous_poisson", "spike_source", "rate_source"}
        out = []
        for name, p in self.populations.items():
            model = p.model or self.config.get("population.%s.model" % name, "")
            if model not in sources:
                out.append(name)
        return out

    # spikes ----------------------------------------------------------------------------
    @property
    def spike_populations(self):
        g = self.file.get("spikes")
        return [n for n in self.populations if g is not None and n in g] if g is not None else []

    def spike_count(self, population):
        return self.file["spikes/%s/timestamps" % population].shape[0]

    def _index_of_time(self, dset, t):
        """First index with dset[index] >= t in a sorted dataset, by bisection (few reads)."""
        lo, hi = 0, dset.shape[0]
        while hi - lo > 4096:
            mid = (lo + hi) // 2
            if dset[mid] < t:
                lo = mid + 1
            else:
                hi = mid
        block = dset[lo:hi]
        return lo + int(np.searchsorted(block, t, side="left"))

    def spikes(self, population, t_start=None, t_stop=None):
        """Spikes of one population with t_start <= t < t_stop (ms; default: all), as
        Spikes(times float64 ms, ids int64, size). Reads only that time range."""
        g = self.file["spikes/%s" % population]
        ts, ids = g["timestamps"], g["node_ids"]
        sorting = g.attrs.get("sorting", 2)
        size = self.size(population)
        if int(sorting) == 2 and ts.shape[0] > 0:
            i0 = 0 if t_start is None else self._index_of_time(ts, t_start)
            i1 = ts.shape[0] if t_stop is None else self._index_of_time(ts, t_stop)
            return Spikes(ts[i0:i1].astype(np.float64), ids[i0:i1].astype(np.int64), size)
        t, i = ts[:].astype(np.float64), ids[:].astype(np.int64)
        m = np.ones(t.shape, bool)
        if t_start is not None:
            m &= t >= t_start
        if t_stop is not None:
            m &= t < t_stop
        order = np.argsort(t[m], kind="stable")
        return Spikes(t[m][order], i[m][order], size)

    def iter_spikes(self, population, t_start=None, t_stop=None, chunk=100000.0):
        """Spikes in consecutive time chunks of `chunk` ms (for runs too long to load at once)."""
        t0 = 0.0 if t_start is None else t_start
        t1 = self.t_end if t_stop is None else t_stop
        while t0 < t1:
            t_next = min(t0 + chunk, t1)
            yield self.spikes(population, t0, t_next)
            t0 = t_next

    # rates -----------------------------------------------------------------------------
    @property
    def rate_bin(self):
        g = self.file.get("rates")
        return float(g.attrs.get("bin", 1.0)) if g is not None else None

    def rates(self, population):
        """(bin start times in ms, population rate in Hz) from /rates/<population>."""
        g = self.file["rates"]
        r = g[population][:]
        t0 = float(g.attrs.get("t_start", 0.0))
        return t0 + np.arange(len(r)) * float(g.attrs.get("bin", 1.0)), r

    # reports ---------------------------------------------------------------------------
    def reports(self):
        """[(population, variable, path)] of every recorded state variable: SONATA reports
        (/report/<pop>/<var>/data) and synaptic recorders (/synaptic/<name>/<var>)."""
        out = []
        g = self.file.get("report")
        if g is not None:
            for pop in g:
                for var in g[pop]:
                    if isinstance(g[pop][var], h5py.Group) and "data" in g[pop][var]:
                        out.append((pop, var, "report/%s/%s" % (pop, var)))
        g = self.file.get("synaptic")
        if g is not None:
            for name in g:
                rg = g[name]
                pop = str(_text(rg.attrs.get("population", "")))
                for var in rg:
                    if var in ("node_ids", "time") or not isinstance(rg[var], h5py.Dataset):
                        continue
                    out.append((pop, var, "synaptic/%s/%s" % (name, var)))
        return out

    def report(self, population, variable, path=None):
        """The Report of one variable of one population (the first found if several
        recorders hold it, unless `path` says which)."""
        for pop, var, p in self.reports():
            if pop == population and var == variable and (path is None or p == path):
                return self._read_report(pop, var, p)
        raise KeyError("no recorded %s of population %s in %s" % (variable, population, self.path))

    def _read_report(self, pop, var, path):
        if path.startswith("report/"):
            g = self.file[path]
            d = g["data"]
            m = g["mapping"]
            node_ids = m["node_ids"][:].astype(np.int64)
            start, stop, step = [float(x) for x in m["time"][:3]]
            n = d.shape[0]
            times = start + np.arange(n) * step
            avg = bool(d.attrs.get("average", 0))
            return Report(pop, var, d[:], node_ids, times, str(_text(d.attrs.get("units", ""))), avg, path,
                          "start of each sample interval")
        name = path.split("/")[1]
        rg = self.file["synaptic/%s" % name]
        avg = "mean" in str(_text(rg.attrs.get("sampling", "")))
        return Report(pop, var, rg[var][:], rg["node_ids"][:].astype(np.int64), rg["time"][:].astype(np.float64),
                      str(_text(rg[var].attrs.get("units", ""))), avg, path, "end of each sample interval")

    # weights ---------------------------------------------------------------------------
    def weight_traces(self):
        """{recorder name: WeightTrace} from /weights/<name>/{pre, post, delay, time, values}."""
        out = OrderedDict()
        g = self.file.get("weights")
        if g is None:
            return out
        for name in g:
            w = g[name]
            if not isinstance(w, h5py.Group) or "values" not in w:
                continue
            a = w.attrs
            values = w["values"][:]
            time = w["time"][:] if "time" in w else np.arange(values.shape[0], dtype=float)
            if values.ndim == 1:
                values = values.reshape(len(time), -1)
            out[name] = WeightTrace(name, str(_text(a.get("projection", name))), str(_text(a.get("source", ""))),
                                    str(_text(a.get("target", ""))),
                                    w["pre"][:] if "pre" in w else None, w["post"][:] if "post" in w else None,
                                    w["delay"][:] if "delay" in w else None, time, values)
        return out

    def weight_stats(self):
        """{recorder: {"time": array, projection: {"mean", "sd", "min", "max": arrays}}}."""
        out = OrderedDict()
        g = self.file.get("weight_stats")
        if g is None:
            return out
        for name in g:
            r = g[name]
            entry = {"time": r["time"][:] if "time" in r else None}
            for proj in r:
                if isinstance(r[proj], h5py.Group):
                    entry[proj] = {k: r[proj][k][:] for k in r[proj] if isinstance(r[proj][k], h5py.Dataset)}
            out[name] = entry
        return out

    def weight_snapshots(self):
        """{recorder: {projection: [(time, pre, post, weight), ...]}} in time order."""
        out = OrderedDict()
        g = self.file.get("weight_snapshots")
        if g is None:
            return out
        for name in g:
            r = g[name]
            entry = OrderedDict()
            for proj in r:
                if not isinstance(r[proj], h5py.Group):
                    continue
                snaps = []
                for k in sorted(r[proj], key=lambda s: int(s) if s.isdigit() else s):
                    s = r[proj][k]
                    snaps.append((float(s.attrs.get("time", np.nan)), s["pre"][:] if "pre" in s else None,
                                  s["post"][:] if "post" in s else None, s["weight"][:]))
                entry[proj] = snaps
            out[name] = entry
        return out

    def __repr__(self):
        return "Run(%r: %s, t_end %.1f ms, populations %s)" % (
            self.path, self.status, self.t_end, ", ".join(self.populations))

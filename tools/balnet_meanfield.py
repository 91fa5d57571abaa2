"""Project 5's first-order mean field (MODELS.md 5.7; Zerlaut et al. 2016, 2018) for balnet
networks of conductance-based cells (docs/analysis.md).

1. fit: the transfer function F_p of each neuron population p is measured with balnet itself:
   one run of unconnected cells of p driven by independent Poisson inputs standing for its
   recurrent projections, on a grid of presynaptic rates. From the output rates, the
   effective threshold V_eff = mu_V + sqrt(2) sigma_V erfcinv(2 nu_out tau_V) is fitted by
   Ridge regression as a second-order polynomial of the normalised membrane moments
   (mu_V, sigma_V, tau_V) of shot-noise theory: 10 coefficients per population, then
   refined by least squares of the rates themselves (as project 5's code does).
2. run: T dnu_p/dt = F_p(nu_E, nu_I, drive(t)) - nu_p (T = 5 ms) for the config's drive,
   which may vary in time (an [input] rate written as an expression of t).
3. compare: mean-field rates against the network's population rates (rmse, correlation,
   mean and peak).

    tools/balnet-meanfield fit CONFIG|RUN.h5 --out tf.json
    tools/balnet-meanfield run RUN.h5 --tf tf.json --out DIR     # compares with the run

Only exponential conductance receptors enter the moments (the formalism's assumption);
adaptation is included in the fitted F_p as its stationary effect (the single-cell runs are
long compared with tau_w), not as a dynamical variable; `fit --adaptation` instead fits F_p
without adaptation and adds the mean adaptation current as a mean-field variable.
"""

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from balnet_reader import Config, Run, evaluate  # noqa: E402

try:  # scipy is optional: erfc / erfcinv fall back to the standard library
    from scipy.special import erfc as _erfc, erfcinv as _erfcinv
except ImportError:  # pragma: no cover - depends on the installation
    _erfc = np.vectorize(math.erfc, otypes=[float])
    _erfcinv = None

SOURCE_MODELS = {"poisson", "correlated_poisson", "inhomogeneous_poisson", "spike_source", "rate_source"}

# Normalisation of the polynomial's variables (MODELS.md 5.7)
MU0, DMU0 = -60.0, 10.0     # mV
SIG0, DSIG0 = 4.0, 6.0      # mV
TAU0, DTAU0 = 10.0, 200.0   # ms
T_MF = 5.0                  # ms, time constant of the mean-field equations
NU_MAX_FIT = 50.0           # Hz: points at or above are left out of the fit
RATE_BIN = 10.0             # ms: population-rate bin of the single-cell runs


def erfc(x):
    return _erfc(np.asarray(x, float))


def erfcinv(y):
    y = np.asarray(y, float)
    if _erfcinv is not None:
        return _erfcinv(y)
    # Newton on erfc from a rough start (y in (0, 2))
    x = np.where(y < 1, np.sqrt(-np.log(np.maximum(y / 2, 1e-300))) * 0.8, -np.sqrt(-np.log(np.maximum(1 - y / 2, 1e-300))) * 0.8)
    for _ in range(60):
        err = erfc(x) - y
        x = x + err / (2 / math.sqrt(math.pi) * np.exp(-x * x))
    return x


# ---------------------------------------------------------------------------------------
# The network as the mean field sees it


class Source:
    """One input of a population: K sources of rate nu (Hz) with conductance jumps Q (nS)
    on a receptor (tau ms, E_rev mV). `population` is the presynaptic neuron population
    (recurrent: its rate is a mean-field variable) or None for a drive with `rate(t)`."""

    def __init__(self, name, K, Q, tau, E, population=None, rate_text=None, params=None):
        self.name, self.K, self.Q, self.tau, self.E = name, float(K), float(Q), float(tau), float(E)
        self.population = population
        self.rate_text = rate_text
        self.params = params or {}

    def rate(self, t):
        """Rate (Hz) of a drive at time(s) t (ms)."""
        v = evaluate(self.rate_text, dict(self.params, t=np.asarray(t, float)))
        return np.broadcast_to(np.asarray(v, float), np.shape(t)).copy() if np.ndim(t) else float(v)

    def to_dict(self):
        return {"name": self.name, "K": self.K, "Q": self.Q, "tau": self.tau, "E_rev": self.E,
                "population": self.population, "rate": self.rate_text}


class Cell:
    def __init__(self, name, C, g_L, E_L, I_e, section, a=0.0, b=0.0, tau_w=100.0):
        self.name, self.C, self.g_L, self.E_L, self.I_e, self.section = name, C, g_L, E_L, I_e, section
        self.a, self.b, self.tau_w = a, b, tau_w

    @property
    def adapts(self):
        return self.a != 0.0 or self.b != 0.0

    def to_dict(self):
        return {"name": self.name, "C": self.C, "g_L": self.g_L, "E_L": self.E_L, "I_e": self.I_e,
                "a": self.a, "b": self.b, "tau_w": self.tau_w}


def _indegree(cfg, proj, n_pre, n_post, same):
    p = "projection." + proj
    rule = cfg.get(p + ".connect", "").strip()
    if rule == "fixed_indegree":
        return cfg.value(p + ".indegree")
    if rule == "bernoulli":
        autapses = cfg.get(p + ".autapses", "false").strip() == "true"
        return cfg.value(p + ".p") * (n_pre - 1 if same and not autapses else n_pre)
    if rule == "fixed_outdegree":
        return cfg.value(p + ".outdegree") * n_pre / n_post
    if rule == "all_to_all":
        return n_pre - (1 if same else 0)
    if rule == "one_to_one":
        return 1.0
    raise ValueError("projection %s: unknown connect = %r" % (proj, rule))


def network_model(cfg):
    """(cells {pop: Cell}, sources {pop: [Source]}) of the neuron populations of a config."""
    if isinstance(cfg, str):
        cfg = Config(cfg)
    models = {p: cfg.get("population.%s.model" % p, "").strip() for p in cfg.sections("population")}
    sizes = {p: cfg.value("population.%s.size" % p) for p in models}
    cells, sources = {}, {}
    for p, model in models.items():
        if model in SOURCE_MODELS:
            continue
        sec = "population." + p
        par = lambda key, default: cfg.cell_parameter(p, key, default)  # noqa: E731 (key, else preset)
        C = par("C", 250.0)
        g_L = C / cfg.value(sec + ".tau_m") if cfg.get(sec + ".tau_m") is not None else par("g_L", 10.0)
        adex = model == "adex"
        cells[p] = Cell(p, C, g_L, par("E_L", -70.0), par("I_e", 0.0), sec,
                        a=par("a", 0.0) if adex else 0.0, b=par("b", 0.0) if adex else 0.0,
                        tau_w=par("tau_w", 100.0) if adex else 100.0)
        sources[p] = []

    def receptor(pop, r):
        sec = "population.%s.receptor.%s." % (pop, r)
        kind = (cfg.get(sec + "type") or "").strip()
        kernel = (cfg.get(sec + "kernel") or "exponential").strip()
        norm = (cfg.get(sec + "norm") or "standard").strip()
        if kind != "conductance" or kernel != "exponential" or norm == "area":
            raise ValueError("population %s, receptor %s: the mean field needs exponential conductance receptors "
                             "of unit peak (type = %s, kernel = %s, norm = %s)" % (pop, r, kind, kernel, norm))
        return cfg.value(sec + "tau"), cfg.value(sec + "E_rev")

    for proj in cfg.sections("projection"):
        ps = "projection." + proj
        src, tgt = cfg.get(ps + ".source").strip(), cfg.get(ps + ".target").strip()
        if tgt not in cells:
            continue
        r = cfg.get(ps + ".receptor").strip()
        tau, E = receptor(tgt, r)
        K = _indegree(cfg, proj, sizes[src], sizes[tgt], src == tgt)
        Q = cfg.value(ps + ".weight") * cfg.value(ps + ".weight_scale", 1.0)
        if src in cells:
            sources[tgt].append(Source(proj, K, Q, tau, E, population=src))
        else:
            rate = cfg.get("population.%s.rate" % src)
            if rate is None:
                raise ValueError("spike source %s has no rate key" % src)
            sources[tgt].append(Source(proj, K, Q, tau, E, rate_text=rate, params=cfg.params))
    for inp in cfg.sections("input"):
        s = "input." + inp
        kind = (cfg.get(s + ".type") or "").strip()
        if kind not in ("poisson", "inhomogeneous_poisson"):
            continue
        r = cfg.get(s + ".receptor").strip()
        K = cfg.value(s + ".sources", 1.0)
        Q = cfg.value(s + ".weight")
        for tgt in [x.strip() for x in cfg.get(s + ".target").split(",")]:
            if tgt in cells:
                tau, E = receptor(tgt, r)
                sources[tgt].append(Source("input." + inp, K, Q, tau, E, rate_text=cfg.get(s + ".rate"),
                                           params=cfg.params))
    return cells, sources


# ---------------------------------------------------------------------------------------
# Shot-noise moments and the transfer function


def moments(cell, srcs, rates, w=0.0):
    """mu_V (mV), sigma_V (mV), tau_V (ms) of a cell receiving the sources at `rates` (Hz per
    presynaptic neuron; arrays broadcast), MODELS.md 5.7; `w` is a mean adaptation current
    (pA) subtracted from the bias (the mean field with adaptation)."""
    nus = [np.asarray(r, float) * s.K * 1e-3 for s, r in zip(srcs, rates)]  # events per ms
    muG = [nu * s.tau * s.Q for nu, s in zip(nus, srcs)]
    Gtot = cell.g_L + sum(muG)
    muV = (cell.g_L * cell.E_L + sum(g * s.E for g, s in zip(muG, srcs)) + cell.I_e - w) / Gtot
    tm = cell.C / Gtot
    w, wt = 0.0, 0.0
    for nu, s in zip(nus, srcs):
        U = s.Q * (s.E - muV) / cell.C
        ws = nu * (U * s.tau * tm) ** 2
        w = w + ws
        wt = wt + ws / (s.tau + tm)
    sig2 = 0.5 * wt
    with np.errstate(invalid="ignore", divide="ignore"):
        tauV = np.where(wt > 0, w / np.where(wt > 0, wt, 1.0), tm)
    return muV, np.sqrt(sig2), tauV


def features(muV, sV, tV):
    m = (np.asarray(muV) - MU0) / DMU0
    s = (np.asarray(sV) - SIG0) / DSIG0
    t = (np.asarray(tV) - TAU0) / DTAU0
    one = np.ones_like(m)
    return np.stack([one, m, s, t, m * m, s * s, t * t, m * s, m * t, s * t], axis=-1)


def transfer(P, muV, sV, tV):
    """Output rate (Hz): erfc((V_eff - mu_V) / (sqrt(2) sigma_V)) / (2 tau_V)."""
    veff = features(muV, sV, tV) @ np.asarray(P)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1e3 * erfc((veff - muV) / (np.sqrt(2) * sV)) / (2 * tV)


def fit_coefficients(muV, sV, tV, nu_out, alpha=0.9):
    """Ridge regression (no separate intercept) of V_eff on the polynomial features, over the
    points with 0 < nu_out < 50 Hz. Returns (P, number of points used)."""
    nu = np.asarray(nu_out, float)
    ok = (nu > 0) & (nu < NU_MAX_FIT) & (np.asarray(sV) > 0)
    veff = np.asarray(muV)[ok] + np.sqrt(2) * np.asarray(sV)[ok] * erfcinv(2 * nu[ok] * 1e-3 * np.asarray(tV)[ok])
    X = features(np.asarray(muV)[ok], np.asarray(sV)[ok], np.asarray(tV)[ok])
    P = np.linalg.solve(X.T @ X + alpha * np.eye(X.shape[1]), X.T @ veff)
    return P, int(ok.sum())


def refine_coefficients(P, muV, sV, tV, nu_out, iterations=200):
    """Second stage of the fit (as project 5's code after the linear fit): least squares of
    the rates themselves, F(P) - nu_out over the points below 50 Hz (silent ones included),
    by Levenberg-Marquardt from the Ridge solution. Returns the coefficients."""
    nu = np.asarray(nu_out, float)
    ok = (nu < NU_MAX_FIT) & (np.asarray(sV) > 0)
    m, s, t, y = np.asarray(muV)[ok], np.asarray(sV)[ok], np.asarray(tV)[ok], nu[ok]
    X = features(m, s, t)

    def residual(Q):
        veff = X @ Q
        return 1e3 * erfc((veff - m) / (np.sqrt(2) * s)) / (2 * t) - y

    P = np.array(P, float)
    r = residual(P)
    cost = r @ r
    lam = 1e-3
    for _ in range(iterations):
        # d F / d P_k = d F / d V_eff * X_k, analytic: -1e3 / (2 t) * 2/sqrt(pi) exp(-u^2) / (sqrt(2) s)
        u = (X @ P - m) / (np.sqrt(2) * s)
        dF = -1e3 / (2 * t) * 2 / np.sqrt(np.pi) * np.exp(-u * u) / (np.sqrt(2) * s)
        J = X * dF[:, None]
        A = J.T @ J
        g = J.T @ r
        improved = False
        for _ in range(20):
            step = np.linalg.solve(A + lam * np.diag(np.diag(A) + 1e-12), -g)
            trial = P + step
            rt = residual(trial)
            ct = rt @ rt
            if ct < cost:
                P, r, cost, lam = trial, rt, ct, max(lam / 3, 1e-12)
                improved = True
                break
            lam *= 3
        if not improved or np.linalg.norm(step) < 1e-10 * (1 + np.linalg.norm(P)):
            break
    return P


# ---------------------------------------------------------------------------------------
# Single-cell simulations with balnet


def parse_grid(text):
    """"lo:hi:n" (n values, linear) or a comma-separated list -> array of rates (Hz)."""
    if ":" in text:
        lo, hi, n = text.split(":")
        return np.linspace(float(lo), float(hi), int(n))
    return np.array([float(x) for x in text.split(",")])


def tf_config(cfg, cells, sources, grids, cells_per_point=20, t_stop=6000.0, seed=1, adaptation_off=False):
    """The INI text of one balnet run with, for each neuron population p and each grid point,
    `cells_per_point` unconnected cells of p driven by Poisson inputs for each recurrent
    projection onto p (sources = in-degree, rate = the grid's presynaptic rate). Returns
    (text, [(population name in the run, p, grid rates)])."""
    dt = cfg.value("run.dt", 0.1)
    lines = ["# transfer-function grid for %s (written by balnet-meanfield fit)" % ", ".join(cells),
             "[run]", "dt = %r" % dt, "t_stop = %r" % t_stop, "seed = %d" % seed, "progress = false", ""]
    if "params" in cfg:
        lines.append("[params]")
        lines += ["%s = %s" % kv for kv in cfg["params"].items()]
        lines.append("")
    points = []
    for p, cell in cells.items():
        rec = [s for s in sources[p] if s.population is not None]
        pres = sorted({s.population for s in rec}, key=list(cells).index)
        mesh = np.meshgrid(*[grids[q] for q in pres], indexing="ij")
        flat = [m.ravel() for m in mesh]
        for k in range(len(flat[0]) if flat else 0):
            name = "tf_%s_%d" % (p, k)
            rates = {q: float(flat[j][k]) for j, q in enumerate(pres)}
            lines.append("[population.%s]" % name)
            for key, v in cfg[cell.section].items():
                if key != "size" and not (adaptation_off and key in ("a", "b")):
                    lines.append("%s = %s" % (key, v))
            lines.append("size = %d" % cells_per_point)
            if adaptation_off and cell.adapts:
                lines += ["a = 0", "b = 0"]  # after a preset: explicit keys win
            lines.append("")
            for s in rec:
                r = cfg.get("projection.%s.receptor" % s.name).strip()
                lines += ["[input.%s_%s]" % (name, s.name), "type = poisson", "target = %s" % name,
                          "receptor = %s" % r, "sources = %d" % int(round(s.K)), "rate = %r" % rates[s.population],
                          "weight = %r" % s.Q, ""]
                if abs(s.K - round(s.K)) > 1e-9:
                    raise ValueError("projection %s: in-degree %g is not a whole number of Poisson sources"
                                     % (s.name, s.K))
            points.append((name, p, rates))
    # Output rates come from the population rate series (exact spike counts per bin).
    lines += ["[record]", "spikes = none", "rate_bin = %r" % RATE_BIN, "", "[check]", "rate_max = 2000", ""]
    return "\n".join(lines), points


def find_balnet(explicit=None):
    for c in (explicit, os.environ.get("BALNET"),
              os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "balnet")):
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    return shutil.which("balnet")


def run_balnet(ini_text, workdir, balnet=None, ranks=1, name="tf_grid"):
    exe = find_balnet(balnet)
    if exe is None:
        raise RuntimeError("balnet executable not found (give --balnet PATH or set $BALNET)")
    ini = os.path.join(workdir, name + ".ini")
    out = os.path.join(workdir, name + ".h5")
    with open(ini, "w") as f:
        f.write(ini_text)
    cmd = [exe, "run", ini, "--output", out, "-q"]
    if ranks > 1:
        cmd = [os.environ.get("MPIEXEC", "mpirun"), "-n", str(ranks)] + cmd
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    return out


def fit(config_text, grids=None, cells_per_point=20, t_stop=6000.0, discard=1000.0, alpha=0.9,
        balnet=None, ranks=1, seed=1, workdir=None, log=None, refine=True, adaptation=False):
    """Fits the transfer function of every neuron population of a config from balnet
    single-cell runs. Returns the dict saved by `save` (coefficients, grid, data, cells).
    adaptation=True: the single cells run without adaptation (a = b = 0) and the mean field
    adds the adaptation current as a variable (di Volo et al. 2019) instead of its
    stationary effect inside F."""
    cfg = Config(config_text)
    cells, sources = network_model(cfg)
    pres = sorted({s.population for p in cells for s in sources[p] if s.population}, key=list(cells).index)
    grids = dict(grids or {})
    for q in pres:
        grids.setdefault(q, np.linspace(0.5, 25.0, 14) if _mostly_excitatory(sources, q) else np.linspace(0.5, 40.0, 12))
    if abs(discard / RATE_BIN - round(discard / RATE_BIN)) > 1e-9 or abs(t_stop / RATE_BIN - round(t_stop / RATE_BIN)) > 1e-9:
        raise ValueError("--discard and --t-stop must be multiples of %g ms" % RATE_BIN)
    text, points = tf_config(cfg, cells, sources, grids, cells_per_point, t_stop, seed, adaptation_off=adaptation)
    own = workdir is None
    wd = tempfile.mkdtemp(prefix="balnet_tf_") if own else workdir
    t0 = time.time()
    try:
        out = run_balnet(text, wd, balnet, ranks)
        if log:
            log("single-cell grid: %d points x %d cells, %g ms, ran in %.1f s" % (
                len(points), cells_per_point, t_stop, time.time() - t0))
        with Run(out) as run:
            rates_out = {}
            for n, _, _ in points:
                t, r = run.rates(n)
                rates_out[n] = float(r[t >= discard - 1e-9].mean())
    finally:
        if own:
            shutil.rmtree(wd, ignore_errors=True)
    result = {"kind": "balnet mean-field transfer functions (MODELS.md 5.7)", "normalisation": {
        "mu": [MU0, DMU0], "sigma": [SIG0, DSIG0], "tau": [TAU0, DTAU0]},
        "features": ["1", "m", "s", "t", "m^2", "s^2", "t^2", "m s", "m t", "s t"],
        "alpha": alpha, "refined": refine, "adaptation": adaptation, "T": T_MF, "cells_per_point": cells_per_point, "t_stop": t_stop, "discard": discard,
        "grids": {q: list(map(float, g)) for q, g in grids.items()}, "populations": {}}
    for p, cell in cells.items():
        mine = [(n, r) for n, q, r in points if q == p]
        rec = [s for s in sources[p] if s.population is not None]
        rates_in = [np.array([r[s.population] for _, r in mine]) for s in rec]
        nu_out = np.array([rates_out[n] for n, _ in mine])
        muV, sV, tV = moments(cell, rec, rates_in)
        P_ridge, used = fit_coefficients(muV, sV, tV, nu_out, alpha)
        P = refine_coefficients(P_ridge, muV, sV, tV, nu_out) if refine else P_ridge
        pred = transfer(P, muV, sV, tV)
        ok = (nu_out > 0) & (nu_out < NU_MAX_FIT)
        err = np.abs(pred[ok] - nu_out[ok])
        result["populations"][p] = {
            "cell": cell.to_dict(), "sources": [s.to_dict() for s in rec], "P": list(map(float, P)),
            "P_ridge": list(map(float, P_ridge)),
            "points_used": used, "inputs": {s.population: list(map(float, r)) for s, r in zip(rec, rates_in)},
            "nu_out": list(map(float, nu_out)), "nu_fit": list(map(float, pred)),
            "mean_abs_error_hz": float(err.mean()) if len(err) else None,
            "max_abs_error_hz": float(err.max()) if len(err) else None}
    return result


def _mostly_excitatory(sources, q):
    Es = [s.E for p in sources for s in sources[p] if s.population == q]
    return bool(Es) and np.mean(Es) > -40.0


def save(tf, path):
    with open(path, "w") as f:
        json.dump(tf, f, indent=1)


def load(path):
    with open(path) as f:
        return json.load(f)


# ---------------------------------------------------------------------------------------
# The mean-field dynamics


class MeanField:
    """T dnu_p/dt = F_p(nu, drive(t)) - nu_p for the neuron populations of a config, with the
    transfer functions of a fit. The config gives the sources (it may differ from the fit's:
    the moments carry the change), the fit the coefficients. If the fit was made with
    adaptation=True, adapting populations also carry the mean adaptation current W_p:
    tau_w dW_p/dt = -W_p + b tau_w nu_p + a (mu_V - E_L), which lowers mu_V."""

    def __init__(self, config_text, tf):
        cfg = Config(config_text)
        self.cells, self.sources = network_model(cfg)
        missing = [p for p in self.cells if p not in tf["populations"]]
        if missing:
            raise ValueError("no transfer function for population(s) %s in the fit" % ", ".join(missing))
        self.P = {p: np.array(tf["populations"][p]["P"]) for p in self.cells}
        self.T = float(tf.get("T", T_MF))
        self.names = list(self.cells)
        self.adaptation = bool(tf.get("adaptation", False))
        self.adapting = [p for p in self.names if self.adaptation and self.cells[p].adapts]

    def _mu(self, p, nu, t, w):
        rates = [nu[s.population] if s.population else s.rate(t) for s in self.sources[p]]
        return moments(self.cells[p], self.sources[p], rates, w)

    def F(self, nu, t, W=None):
        """Transfer functions (Hz) at rates nu {pop: Hz}, time t (ms), adaptation W {pop: pA}."""
        out = {}
        for p in self.names:
            m, s, tv = self._mu(p, nu, t, (W or {}).get(p, 0.0))
            out[p] = float(transfer(self.P[p], m, s, tv))
        return out

    def _step(self, nu, W, t, dt):
        f = self.F(nu, t, W)
        new_W = dict(W)
        for p in self.adapting:
            c = self.cells[p]
            mu = float(self._mu(p, nu, t, W[p])[0])
            new_W[p] = W[p] + dt / c.tau_w * (-W[p] + c.b * c.tau_w * nu[p] * 1e-3 + c.a * (mu - c.E_L))
        return {p: nu[p] + dt / self.T * (f[p] - nu[p]) for p in self.names}, new_W

    def integrate(self, t_start, t_stop, dt=0.1, nu0=None, relax=None):
        """Euler integration over [t_start, t_stop] (ms). The initial state is the fixed point
        of the drive at t_start (reached by integrating `relax` ms at that drive, default 500)
        unless nu0 is given. Returns (times, {pop: rates}); with
        adaptation also self.last_W {pop: array}."""
        if nu0:
            nu, W = dict(nu0), {p: 0.0 for p in self.adapting}
        else:
            nu, W = self._relax(t_start, relax)
        n = int(round((t_stop - t_start) / dt)) + 1
        times = t_start + dt * np.arange(n)
        out = {p: np.empty(n) for p in self.names}
        self.last_W = {p: np.empty(n) for p in self.adapting}
        for k, t in enumerate(times):
            for p in self.names:
                out[p][k] = nu[p]
            for p in self.adapting:
                self.last_W[p][k] = W[p]
            nu, W = self._step(nu, W, t, dt)
        return times, out

    def _relax(self, t, relax=None, dt=0.1, nu0=None):
        # At a fixed point W = b tau_w nu + a (mu_V - E_L): relax with W slaved to that value
        # (same fixed point, without waiting for tau_w), then hand back W consistent with it.
        relax = 500.0 if relax is None else relax
        nu = dict(nu0) if nu0 else {p: 1.0 for p in self.names}
        W = {p: 0.0 for p in self.adapting}
        for _ in range(int(relax / dt)):
            for p in self.adapting:
                c = self.cells[p]
                W[p] = c.b * c.tau_w * nu[p] * 1e-3 + c.a * (float(self._mu(p, nu, t, W[p])[0]) - c.E_L)
            f = self.F(nu, t, W)
            nu = {p: nu[p] + dt / self.T * (f[p] - nu[p]) for p in self.names}
        return nu, W

    def fixed_point(self, t, relax=None, dt=0.1, nu0=None):
        """Rates after relaxing at the drive of time t, from nu0 (default 1 Hz each)."""
        return self._relax(t, relax, dt, nu0)[0]


def compare_with_run(run, tf, burn_in=0.0, smooth_sd=5.0, dt=0.1):
    """Mean field for a run's config and drive against its population rates (Gaussian
    smoothing of `smooth_sd` ms). Returns (JSON-ready summary, arrays for the figure)."""
    import balnet_analysis as ba
    if isinstance(tf, str):
        tf = load(tf)
    mf = MeanField(run.config_text, tf)
    t_end = run.t_end
    times, rates = mf.integrate(0.0, t_end, dt=dt)
    summary = {"description": "T dnu/dt = F(nu) - nu, T = %g ms, rates smoothed %g ms, over [%g, %g) ms" % (
        mf.T, smooth_sd, burn_in, t_end), "populations": {}}
    arrays = {"mf": {}, "network": {}}
    for p in mf.names:
        t, r = run.rates(p)
        rs = ba.smooth(r, run.rate_bin, "gauss", smooth_sd)
        centre = t + 0.5 * run.rate_bin
        m = np.interp(centre, times, rates[p])
        keep = centre >= burn_in
        a, b = m[keep], rs[keep]
        summary["populations"][p] = {
            "rmse": float(np.sqrt(np.mean((a - b) ** 2))),
            "correlation": float(np.corrcoef(a, b)[0, 1]) if a.std() > 0 and b.std() > 0 else float("nan"),
            "mean_mf": float(a.mean()), "mean_network": float(b.mean()),
            "peak_mf": float(a.max()), "peak_network": float(b.max()),
            "peak_time_mf": float(centre[keep][np.argmax(a)]), "peak_time_network": float(centre[keep][np.argmax(b)])}
        arrays["mf"][p] = (times, rates[p])
        arrays["network"][p] = (centre, rs)
    return summary, arrays


# ---------------------------------------------------------------------------------------
# Command line


def _config_text(path):
    with open(path, "rb") as f:
        head = f.read(8)
    if head == b"\x89HDF\r\n\x1a\n":
        with Run(path) as run:
            return run.config_text
    with open(path) as f:
        return f.read()


def main(argv=None):
    ap = argparse.ArgumentParser(prog="balnet-meanfield", description=(
        "Project 5's first-order mean field (MODELS.md 5.7) for conductance-based balnet networks: "
        "fit transfer functions from balnet single-cell runs, integrate the mean field for the "
        "config's (time-varying) drive, compare with a run. docs/analysis.md."))
    sub = ap.add_subparsers(dest="command", required=True)
    f = sub.add_parser("fit", help="fit transfer functions on a grid of presynaptic rates")
    f.add_argument("config", help="INI config or run file (its resolved config)")
    f.add_argument("--out", default="tf.json", help="coefficients file (JSON; default tf.json)")
    f.add_argument("--rates", action="append", default=[], metavar="POP=LO:HI:N",
                   help="grid of presynaptic rates (Hz) of population POP (default E-like 0.5:25:14, "
                        "I-like 0.5:40:12); repeatable")
    f.add_argument("--cells", type=int, default=20, help="cells per grid point (default 20)")
    f.add_argument("--t-stop", type=float, default=6000.0, help="simulated ms per cell (default 6000)")
    f.add_argument("--discard", type=float, default=1000.0, help="ms discarded at the start (default 1000)")
    f.add_argument("--alpha", type=float, default=0.9, help="Ridge regularisation (default 0.9, as project 5)")
    f.add_argument("--adaptation", action="store_true", help="fit without adaptation and let the mean field "
                   "carry the adaptation current as a variable (di Volo et al. 2019) instead of its "
                   "stationary effect inside the transfer function")
    f.add_argument("--no-refine", action="store_true", help="keep the Ridge fit of V_eff (no least-squares "
                   "refinement of the rates)")
    f.add_argument("--ranks", type=int, default=1, help="MPI ranks for the single-cell run (default 1)")
    f.add_argument("--seed", type=int, default=1)
    f.add_argument("--balnet", default=None, help="balnet executable (default: $BALNET, build/balnet, PATH)")
    f.add_argument("--keep", default=None, metavar="DIR", help="keep the single-cell config and run file in DIR")
    r = sub.add_parser("run", help="integrate the mean field; compare with a run file")
    r.add_argument("config", help="INI config, or a run file to compare with")
    r.add_argument("--tf", required=True, help="coefficients from balnet-meanfield fit")
    r.add_argument("--t-stop", type=float, default=None, help="ms (default: the config's run.t_stop)")
    r.add_argument("--burn-in", type=float, default=0.0, help="ms left out of the comparison")
    r.add_argument("--out", default=None, help="folder for meanfield.json and meanfield.png")
    a = ap.parse_args(argv)
    try:
        text = _config_text(a.config)
        if a.command == "fit":
            grids = {}
            for g in a.rates:
                pop, spec = g.split("=", 1)
                grids[pop.strip()] = parse_grid(spec)
            if a.keep:
                os.makedirs(a.keep, exist_ok=True)
            tf = fit(text, grids, a.cells, a.t_stop, a.discard, a.alpha, a.balnet, a.ranks, a.seed, a.keep,
                     log=lambda s: print(s), refine=not a.no_refine, adaptation=a.adaptation)
            save(tf, a.out)
            for p, d in tf["populations"].items():
                print("%s: %d points fitted, |F - nu_out| mean %.3g Hz, max %.3g Hz; P = %s" % (
                    p, d["points_used"], d["mean_abs_error_hz"] or float("nan"), d["max_abs_error_hz"] or float("nan"),
                    ", ".join("%.4g" % x for x in d["P"])))
            print("wrote %s" % a.out)
            return 0
        tf = load(a.tf)
        with open(a.config, "rb") as fh:
            is_run = fh.read(8) == b"\x89HDF\r\n\x1a\n"
        out = a.out or "meanfield_out"
        os.makedirs(out, exist_ok=True)
        if is_run:
            with Run(a.config) as run:
                summary, arrays = compare_with_run(run, tf, a.burn_in)
            for p, d in summary["populations"].items():
                print("%-10s rmse %.3g Hz, correlation %.3f, mean %.3g (mf) vs %.3g Hz, peak %.3g vs %.3g Hz at "
                      "%.0f vs %.0f ms" % (p, d["rmse"], d["correlation"], d["mean_mf"], d["mean_network"],
                                           d["peak_mf"], d["peak_network"], d["peak_time_mf"], d["peak_time_network"]))
        else:
            mf = MeanField(text, tf)
            t_stop = a.t_stop or Config(text).value("run.t_stop", 1000.0)
            times, rates = mf.integrate(0.0, t_stop)
            summary = {"populations": {p: {"mean_mf": float(r.mean()), "peak_mf": float(r.max())}
                                       for p, r in rates.items()}}
            arrays = {"mf": {p: (times, r) for p, r in rates.items()}, "network": {}}
            for p, d in summary["populations"].items():
                print("%-10s mean %.3g Hz, peak %.3g Hz" % (p, d["mean_mf"], d["peak_mf"]))
        with open(os.path.join(out, "meanfield.json"), "w") as fh:
            json.dump(summary, fh, indent=1)
        try:
            plot(arrays, os.path.join(out, "meanfield.png"))
            print("wrote %s, %s" % (os.path.join(out, "meanfield.json"), os.path.join(out, "meanfield.png")))
        except ImportError as e:
            print("wrote %s (no figure: %s)" % (os.path.join(out, "meanfield.json"), e))
        return 0
    except (ValueError, RuntimeError, OSError, KeyError) as e:
        sys.stderr.write("balnet-meanfield: error: %s\n" % e)
        return 2


def plot(arrays, path, title="first-order mean field vs network"):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(9, 4))
    for k, p in enumerate(arrays["mf"]):
        c = "C%d" % k
        if p in arrays["network"]:
            t, r = arrays["network"][p]
            ax.plot(t, r, color=c, lw=1, alpha=0.7, label="%s network" % p)
        t, r = arrays["mf"][p]
        ax.plot(t, r, color=c, lw=2, ls="--", label="%s mean field" % p)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("rate (Hz)")
    ax.legend(fontsize=8)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())

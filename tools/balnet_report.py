"""balnet-report: statistics, theory and figures of one balnet run (docs/analysis.md).

    tools/balnet-report RUN.h5 [--burn-in MS] [--out DIR] [options]

prints a summary and writes DIR/report.json and DIR/*.png. From Python:

    from balnet_report import analyse
    res = analyse("run.h5", burn_in=500)     # the dict written to report.json, plus arrays
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import balnet_analysis as ba  # noqa: E402
from balnet_reader import Run  # noqa: E402

SOURCE_MODELS = {"poisson", "correlated_poisson", "inhomogeneous_poisson", "spike_source", "rate_source"}


def find_balnet(explicit=None):
    """The balnet executable: --balnet, $BALNET, the repository's build/balnet, or PATH."""
    for c in (explicit, os.environ.get("BALNET"),
              os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "balnet")):
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    return shutil.which("balnet")


def run_theory(path, burn_in, balnet=None):
    """`balnet theory RUN.h5 --json`: the balanced-state prediction of the run's config."""
    exe = find_balnet(balnet)
    if exe is None:
        return {"error": "balnet executable not found (give --balnet PATH or set $BALNET)"}
    cmd = [exe, "theory", path, "--json", "--burn-in", repr(float(burn_in))]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        return {"error": "%s: %s" % (" ".join(cmd), e)}
    if p.returncode != 0:
        return {"error": (p.stderr.strip() or "exit code %d" % p.returncode)}
    try:
        return json.loads(p.stdout)
    except ValueError as e:
        return {"error": "cannot read the output of balnet theory: %s" % e}


# ---------------------------------------------------------------------------------------
# receptor classes for the balance of currents


def receptor_classes(cfg, pop):
    """{receptor: (class, kind, E_rev)} for population `pop`: class is "exc" or "inh" for
    receptors fed by recurrent projections (by the sign of the weights, or E_rev against the
    reset potential for conductances), "ext" for receptors fed only by spike sources and
    [input] drives."""
    sec = "population." + pop
    receptors = {}
    for key in (cfg[sec] if sec in cfg else {}):
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "receptor":
            receptors.setdefault(parts[1], {})[parts[2]] = cfg[sec][key]
    models = {p: cfg.get("population.%s.model" % p, "") for p in cfg.sections("population")}
    v_reset = cfg.cell_parameter(pop, "V_reset", -60.0)
    out = {}
    for r, keys in receptors.items():
        kind = keys.get("type", "current")
        e_rev = cfg.value(sec + ".receptor.%s.E_rev" % r, 0.0) if kind == "conductance" else None
        signs, external = [], False
        for proj in cfg.sections("projection"):
            ps = "projection." + proj
            if cfg.get(ps + ".target") != pop or cfg.get(ps + ".receptor") != r:
                continue
            if models.get(cfg.get(ps + ".source"), "") in SOURCE_MODELS:
                external = True
                continue
            try:
                w = cfg.value(ps + ".weight", 0.0) * cfg.value(ps + ".weight_scale", 1.0)
            except ValueError:
                w = 0.0
            signs.append(w)
        for inp in cfg.sections("input"):
            s = "input." + inp
            targets = [x.strip() for x in (cfg.get(s + ".target") or "").split(",")]
            if pop in targets and (cfg.get(s + ".receptor") or "").strip() == r:
                external = True
        if signs:
            if kind == "conductance":
                cls = "exc" if e_rev > v_reset else "inh"
            else:
                cls = "exc" if np.mean(signs) > 0 else "inh"
        elif external:
            cls = "ext"
        else:
            continue
        out[r] = (cls, kind, e_rev)
    return out


def currents_balance(run, pop, burn_in):
    """Mean excitatory (recurrent + external) and inhibitory currents of the recorded cells
    of `pop`, computed on the cells and samples where every needed variable was recorded.
    Current receptors use I_<r>; conductance receptors g_<r> (E_rev - V), skipping samples
    at V = V_reset when V is sampled instantaneously (project 5). None if nothing recorded."""
    cfg = run.config
    classes = receptor_classes(cfg, pop)
    recorded = {}
    for p, var, path in run.reports():
        if p == pop and var not in recorded:
            recorded[var] = path
    needed = {}
    for r, (cls, kind, e_rev) in classes.items():
        var = ("g_" if kind == "conductance" else "I_") + r
        if var in recorded:
            needed[r] = var
    if not needed:
        return None
    need_v = any(classes[r][1] == "conductance" for r in needed)
    if need_v and "V" not in recorded:
        needed = {r: v for r, v in needed.items() if classes[r][1] != "conductance"}
        if not needed:
            return None
    reps = {v: run.report(pop, v, recorded[v]) for v in set(needed.values()) | ({"V"} if need_v else set())}
    cells = None
    for rep in reps.values():
        cells = rep.node_ids if cells is None else np.intersect1d(cells, rep.node_ids)
    n_t = min(len(rep.times) for rep in reps.values())
    if cells is None or len(cells) == 0 or n_t == 0:
        return None
    ref_times = next(iter(reps.values())).times[:n_t]
    keep_t = ref_times >= burn_in
    if not keep_t.any():
        keep_t[:] = True

    def take(v):
        rep = reps[v]
        col = np.searchsorted(rep.node_ids, cells) if np.all(np.diff(rep.node_ids) > 0) else \
            np.array([np.flatnonzero(rep.node_ids == c)[0] for c in cells])
        return rep.data[:n_t][keep_t][:, col].astype(np.float64)

    V = take("V") if need_v else None
    mask = None
    notes = []
    if need_v and not reps["V"].average:
        v_reset = cfg.cell_parameter(pop, "V_reset", None)
        if v_reset is not None:
            mask = V != v_reset
            notes.append("samples at V = V_reset excluded")
    elif need_v:
        notes.append("conductance currents from interval means of g and V (an approximation)")
    parts = {"exc": None, "inh": None, "ext": None}
    used = {}
    for r, var in needed.items():
        cls, kind, e_rev = classes[r]
        x = take(var)
        if kind == "conductance":
            x = x * (e_rev - V)
        parts[cls] = x if parts[cls] is None else parts[cls] + x
        used[r] = cls
    if mask is not None:
        for k in parts:
            if parts[k] is not None:
                parts[k] = np.where(mask, parts[k], np.nan)
    b = _nan_balance(parts["exc"], parts["inh"], parts["ext"])
    b.update({"cells": int(len(cells)), "receptors": used, "times": ref_times[keep_t], "notes": notes,
              "units": reps[needed[next(iter(needed))]].units if not need_v else "pA"})
    return b


def _nan_balance(e, i, x):
    ref = next(v for v in (e, i, x) if v is not None)
    zero = np.zeros_like(ref)
    exc = (e if e is not None else zero) + (x if x is not None else zero)
    inh = i if i is not None else zero
    with np.errstate(invalid="ignore"):
        out = {"exc": float(np.nanmean(exc)), "inh": float(np.nanmean(inh)),
               "exc_recurrent": None if e is None else float(np.nanmean(e)),
               "ext": None if x is None else float(np.nanmean(x)),
               "total": float(np.nanmean(exc + inh)),
               "exc_t": np.nanmean(exc, axis=1), "inh_t": np.nanmean(inh, axis=1)}
    out["total_t"] = out["exc_t"] + out["inh_t"]
    out["ratio"] = float(-out["inh"] / out["exc"]) if out["exc"] else float("nan")
    return out


# ---------------------------------------------------------------------------------------
# the analysis


def analyse(path, burn_in=None, window=250.0, sync_bin=2.0, pairs=4000, sample=500, smooth_method="gauss",
            smooth_width=5.0, balnet=None, theory=True, seed=0, meanfield=None):
    """Computes every statistic of a run. Returns a dict: the JSON-ready results, with numpy
    arrays (for the figures) under the key "_arrays"."""
    t_begin = time.time()
    run = Run(path)
    t_end = run.t_end
    if burn_in is None:
        burn_in = 0.1 * t_end
    if not 0 <= burn_in < t_end:
        raise ValueError("--burn-in %g ms must lie in [0, t_end = %g ms)" % (burn_in, t_end))
    res = {"file": os.path.abspath(path), "status": run.status, "t_end": t_end, "dt": run.dt,
           "burn_in": burn_in, "seed": run.attrs.get("seed"), "ranks": run.attrs.get("ranks"),
           "git_revision": run.attrs.get("git_revision"), "wall_run": run.attrs.get("wall_run"),
           "window": window, "populations": {}, "notes": []}
    arrays = {"raster": {}, "rate_t": {}, "rates": {}, "cv": {}, "corr_samples": {}, "pop_rate": {}}
    pops = run.populations
    neuron_pops = [p for p in run.neuron_populations() if p in run.spike_populations]
    duration = t_end - burn_in
    rng = np.random.default_rng(seed)
    groups = []
    for name in run.spike_populations:
        n = pops[name].size
        s = run.spikes(name, burn_in, t_end)
        r = ba.rates_per_neuron(s.times, s.ids, n, burn_in, t_end)
        tn, idn = ba.by_neuron(s.times, s.ids)  # sorted once for the CV and the synchrony
        cv, n_isi = ba.isi_cv(tn, idn, n)
        entry = {"size": n, "spikes": int(len(s.times)), "rate_mean": float(r.mean()), "rate_sd": float(r.std()),
                 "silent_fraction": float(np.mean(r == 0)),
                 "cv_mean": _nanfloat(np.nanmean(cv) if np.isfinite(cv).any() else np.nan),
                 "cv_median": _nanfloat(np.nanmedian(cv) if np.isfinite(cv).any() else np.nan),
                 "cv_cells": int(np.isfinite(cv).sum()), "is_source": name not in neuron_pops}
        if ba.count_windows(burn_in, t_end, window) >= 2:
            ff, _ = ba.fano_factor(s.times, s.ids, n, burn_in, t_end, window)
            entry["fano_mean"] = _nanfloat(np.nanmean(ff) if np.isfinite(ff).any() else np.nan)
        if name in neuron_pops:
            sync, _ = ba.synchrony(tn, idn, n, burn_in, t_end, bin=sync_bin, pairs=pairs, seed=seed)
            entry["synchrony"] = _nanfloat(sync)
            groups.append((name, s))
        # population rate: the run's /rates series when present (exact), else from spikes
        if run.rate_bin and "rates" in run.file and name in run.file["rates"]:
            tr, pr = run.rates(name)
            rb = run.rate_bin
        else:
            rb = 1.0
            tr, pr = ba.population_rate(s.times, n, burn_in, t_end, rb)
        keep = tr >= burn_in - 1e-9
        sm = ba.smooth(pr[keep], rb, smooth_method, smooth_width)
        entry["pop_rate_mean"] = float(pr[keep].mean()) if keep.any() else float("nan")
        entry["pop_rate_sd_smoothed"] = float(sm.std()) if len(sm) else float("nan")
        arrays["pop_rate"][name] = (tr, pr, ba.smooth(pr, rb, smooth_method, smooth_width), rb)
        arrays["rates"][name] = r
        arrays["cv"][name] = cv
        # raster: up to 100 neurons over the last second (at most) of the run
        shown = np.sort(rng.choice(n, size=min(n, 100), replace=False))
        r0 = max(burn_in, t_end - 1000.0)
        m = (s.times >= r0) & np.isin(s.ids, shown)
        arrays["raster"][name] = (s.times[m], np.searchsorted(shown, s.ids[m]), len(shown), r0)
        res["populations"][name] = entry

    # spike-count covariance and correlation: exact pair means over all neurons, and the
    # distribution of correlations from the full matrix of a sample of neurons
    if groups and ba.count_windows(burn_in, t_end, window) >= 2:
        pa = ba.pair_averages([(s.times, s.ids, s.size) for _, s in groups], burn_in, t_end, window)
        names = [g[0] for g in groups]
        res["pairs"] = {"populations": names, "window": window, "windows": pa["windows"],
                        "cov": _nanlist(pa["cov"]), "corr": _nanlist(pa["corr"]),
                        "silent": dict(zip(names, pa["silent"]))}
        idx, offsets, chosen = [], [0], []
        for name, s in groups:
            k = np.sort(rng.choice(s.size, size=min(s.size, sample), replace=False))
            chosen.append(k)
            offsets.append(offsets[-1] + len(k))
        t_all = np.concatenate([s.times[np.isin(s.ids, k)] for (_, s), k in zip(groups, chosen)])
        i_all = np.concatenate([np.searchsorted(k, s.ids[np.isin(s.ids, k)]) + off
                                for (_, s), k, off in zip(groups, chosen, offsets)])
        C = ba.spike_count_cov(t_all, i_all, offsets[-1], burn_in, t_end, window)
        R = ba.cov2corr(C)
        sel = [np.arange(offsets[a], offsets[a + 1]) for a in range(len(groups))]
        res["pairs"]["sample"] = {"neurons": dict(zip(names, [len(k) for k in chosen])),
                                  "corr": _nanlist(ba.average_over_pairs(R, sel))}
        for a in range(len(groups)):
            for b in range(a, len(groups)):
                block = R[np.ix_(sel[a], sel[b])]
                if a == b:
                    block = block[np.triu_indices(len(sel[a]), 1)]
                arrays["corr_samples"]["%s-%s" % (names[a], names[b])] = block[np.isfinite(block)].ravel()
    else:
        res["notes"].append("no pair statistics: fewer than two windows of %g ms after the burn-in" % window)

    # E/I balance of recorded currents
    res["balance"] = {}
    arrays["balance"] = {}
    for name in run.neuron_populations():
        b = currents_balance(run, name, burn_in)
        if b is None:
            continue
        arrays["balance"][name] = (b.pop("times"), b.pop("exc_t"), b.pop("inh_t"), b.pop("total_t"))
        res["balance"][name] = b

    # weights
    res["weights"] = {}
    arrays["weights"] = {}
    cfg = run.config
    for name, wt in run.weight_traces().items():
        scale = cfg.value("projection.%s.weight_scale" % wt.projection, 1.0) or 1.0
        v = wt.values.astype(np.float64)
        res["weights"][name] = {"projection": wt.projection, "synapses": int(v.shape[1]) if v.ndim == 2 else 0,
                                "weight_scale": scale, "initial_mean": _nanfloat(v[0].mean()) if len(v) else None,
                                "final_mean": _nanfloat(v[-1].mean()) if len(v) else None,
                                "final_sd": _nanfloat(v[-1].std()) if len(v) else None,
                                "times": [float(wt.time[0]), float(wt.time[-1])] if len(wt.time) else []}
        arrays["weights"][name] = (wt.time, v / scale, wt.projection)
    stats = run.weight_stats()
    res["weight_stats"] = {}
    for name, entry in stats.items():
        for proj, d in entry.items():
            if proj == "time" or "mean" not in d or len(d["mean"]) == 0:
                continue
            scale = cfg.value("projection.%s.weight_scale" % proj, 1.0) or 1.0
            res["weight_stats"][proj] = {"initial_mean": float(d["mean"][0]), "final_mean": float(d["mean"][-1]),
                                         "final_sd": float(d["sd"][-1]) if "sd" in d else None,
                                         "weight_scale": scale, "recorder": name}
            arrays["weights"].setdefault("stats:" + proj, (entry["time"], d["mean"] / scale, proj))
    snaps = run.weight_snapshots()
    arrays["snapshots"] = {}
    for name, entry in snaps.items():
        for proj, lst in entry.items():
            if lst:
                scale = cfg.value("projection.%s.weight_scale" % proj, 1.0) or 1.0
                arrays["snapshots"][proj] = (lst[-1][0], np.asarray(lst[-1][3], np.float64) / scale)

    if theory:
        res["theory"] = run_theory(path, burn_in, balnet)
    if meanfield:
        import balnet_meanfield as bmf
        try:
            res["meanfield"], arrays["meanfield"] = bmf.compare_with_run(run, meanfield, burn_in)
        except Exception as e:  # a mean-field failure must not lose the rest of the report
            res["meanfield"] = {"error": str(e)}
    run.close()
    res["analysis_seconds"] = time.time() - t_begin
    res["_arrays"] = arrays
    return res


def _nanfloat(v):
    v = float(v)
    return v if np.isfinite(v) else None


def _nanlist(a):
    return [[_nanfloat(x) for x in row] for row in np.asarray(a)]


def _jsonable(o):
    if isinstance(o, dict):
        return {str(k): _jsonable(v) for k, v in o.items() if not str(k).startswith("_")}
    if isinstance(o, (list, tuple)):
        return [_jsonable(v) for v in o]
    if isinstance(o, np.ndarray):
        return _jsonable(o.tolist())
    if isinstance(o, (np.floating, float)):
        return _nanfloat(o)
    if isinstance(o, np.integer):
        return int(o)
    return o


# ---------------------------------------------------------------------------------------
# summary and figures


def _fmt(v, spec="%.3g"):
    return "-" if v is None or (isinstance(v, float) and not np.isfinite(v)) else spec % v


def print_summary(res, out=sys.stdout):
    w = out.write
    w("balnet report: %s\n" % res["file"])
    w("status %s, t_end %.1f ms, dt %g ms, seed %s, %s ranks; statistics over [%.1f, %.1f) ms\n" % (
        res["status"], res["t_end"], res["dt"], res["seed"], res["ranks"], res["burn_in"], res["t_end"]))
    w("\n%-12s %8s %10s %10s %8s %8s %8s %8s %9s\n" % ("population", "neurons", "rate (Hz)", "sd (Hz)", "silent",
                                                      "CV ISI", "Fano", "sync", "pop sd"))
    for name, p in res["populations"].items():
        w("%-12s %8d %10s %10s %8s %8s %8s %8s %9s\n" % (
            name + ("*" if p["is_source"] else ""), p["size"], _fmt(p["rate_mean"], "%.4g"), _fmt(p["rate_sd"], "%.3g"),
            _fmt(p["silent_fraction"], "%.2f"), _fmt(p["cv_mean"], "%.3f"), _fmt(p.get("fano_mean"), "%.3f"),
            _fmt(p.get("synchrony"), "%.4f"), _fmt(p["pop_rate_sd_smoothed"], "%.3g")))
    w("(* spike source; CV: mean over cells with >= 2 ISIs; Fano: %g-ms windows; sync: mean correlation of "
      "2-ms binned trains over random pairs; pop sd: SD of the smoothed population rate)\n" % res["window"])
    if "pairs" in res:
        p = res["pairs"]
        w("\nspike-count correlation (%g-ms windows, %d windows; mean over distinct pairs of all neurons):\n" % (
            p["window"], p["windows"]))
        w("%-12s" % "" + "".join("%12s" % n for n in p["populations"]) + "\n")
        for a, n in enumerate(p["populations"]):
            w("%-12s" % n + "".join("%12s" % _fmt(v, "%.5f") for v in p["corr"][a]) + "\n")
        w("covariance (spikes^2):\n")
        for a, n in enumerate(p["populations"]):
            w("%-12s" % n + "".join("%12s" % _fmt(v, "%.5f") for v in p["cov"][a]) + "\n")
    th = res.get("theory")
    if th:
        if "error" in th:
            w("\ntheory: not available (%s)\n" % th["error"])
        elif not th.get("ok"):
            w("\ntheory: no balanced state: %s\n" % th.get("message"))
        else:
            fp = th["fixed_points"][0]
            w("\nbalanced-state theory (balnet theory; leading order in 1/sqrt(N)):\n")
            w("%-12s %12s %14s %10s\n" % ("population", "theory (Hz)", "simulated (Hz)", "sim/theory"))
            for name, rt in fp["rates"].items():
                sim = res["populations"].get(name, {}).get("rate_mean")
                w("%-12s %12s %14s %10s\n" % (name, _fmt(rt, "%.4g"), _fmt(sim, "%.4g"),
                                              _fmt(sim / rt if sim is not None and rt else None, "%.3f")))
            for key, wv in fp.get("weights", {}).items():
                proj = key.split("/")[0]
                scale = next((r["weight_scale"] for r in th.get("rules", []) if r["projection"] == proj), 1.0)
                sim = res["weight_stats"].get(proj, {}).get("final_mean")
                w("  weight %-22s theory %s, simulated final mean %s (/ weight_scale)\n" % (
                    key, _fmt(wv / scale, "%.4g"), _fmt(sim / scale if sim is not None else None, "%.4g")))
            if len(th["fixed_points"]) > 1:
                w("  (%d fixed points; the first is shown)\n" % len(th["fixed_points"]))
    if res.get("balance"):
        w("\nbalance of recorded currents (same cells; mean over cells and samples after the burn-in):\n")
        w("%-12s %6s %12s %12s %12s %8s\n" % ("population", "cells", "exc (+ext)", "inh", "total", "-inh/exc"))
        for name, b in res["balance"].items():
            w("%-12s %6d %12s %12s %12s %8s  %s\n" % (name, b["cells"], _fmt(b["exc"], "%.4g"), _fmt(b["inh"], "%.4g"),
                                                    _fmt(b["total"], "%.4g"), _fmt(b["ratio"], "%.3f"),
                                                    "; ".join(b["notes"])))
    if res.get("weights") or res.get("weight_stats"):
        w("\nweights (divided by the projection's weight_scale):\n")
        for name, d in res.get("weights", {}).items():
            s = d["weight_scale"]
            w("  %-16s %-12s %5d synapses: mean %s -> %s (sd %s)\n" % (
                name, d["projection"], d["synapses"], _fmt(d["initial_mean"] / s, "%.4g"),
                _fmt(d["final_mean"] / s, "%.4g"), _fmt(d["final_sd"] / s, "%.3g")))
        for proj, d in res.get("weight_stats", {}).items():
            s = d["weight_scale"]
            w("  %-16s %-12s all synapses: mean %s -> %s (sd %s)\n" % (
                "(stats)", proj, _fmt(d["initial_mean"] / s, "%.4g"), _fmt(d["final_mean"] / s, "%.4g"),
                _fmt(d["final_sd"] / s if d["final_sd"] is not None else None, "%.3g")))
    mf = res.get("meanfield")
    if mf:
        if "error" in mf:
            w("\nmean field: %s\n" % mf["error"])
        else:
            w("\nmean field vs network (%s):\n" % mf["description"])
            for name, d in mf["populations"].items():
                w("  %-10s rmse %.3g Hz, correlation %.3f, mean %.3g vs %.3g Hz, peak %.3g vs %.3g Hz\n" % (
                    name, d["rmse"], d["correlation"], d["mean_mf"], d["mean_network"], d["peak_mf"],
                    d["peak_network"]))
    for n in res.get("notes", []):
        w("note: %s\n" % n)
    w("\nanalysis took %.2f s\n" % res["analysis_seconds"])


def write_figures(res, outdir):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    A = res["_arrays"]
    files = []
    colors = {}
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, name in enumerate(res["populations"]):
        colors[name] = cycle[k % len(cycle)]

    def save(fig, name):
        p = os.path.join(outdir, name)
        fig.savefig(p, dpi=110)
        plt.close(fig)
        files.append(p)

    # raster
    fig, ax = plt.subplots(figsize=(9, 4.5))
    base = 0
    for name, (t, row, count, r0) in A["raster"].items():
        ax.plot(t, row + base, "|", ms=3, color=colors[name], label=name)
        base += count + 5
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron (sample)")
    ax.set_title("raster (up to 100 neurons per population)")
    if A["raster"]:
        ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    save(fig, "raster.png")

    # population rates
    fig, ax = plt.subplots(figsize=(9, 4))
    th = res.get("theory") or {}
    fp = th.get("fixed_points", [None])[0] if th.get("ok") else None
    for name, (t, raw, sm, rb) in A["pop_rate"].items():
        ax.plot(t, sm, color=colors[name], lw=1, label=name)
        if fp and name in fp["rates"]:
            ax.axhline(fp["rates"][name], color=colors[name], ls="--", lw=1)
    if "meanfield" in A:
        for name, (t, r) in A["meanfield"]["mf"].items():
            ax.plot(t, r, color=colors.get(name, "k"), ls=":", lw=2, label=name + " mean field")
    ax.axvline(res["burn_in"], color="0.6", lw=0.8)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("rate (Hz)")
    ax.set_title("population rates (smoothed%s)" % (", dashed: balanced-state theory" if fp else ""))
    ax.legend(fontsize=8)
    fig.tight_layout()
    save(fig, "rates.png")

    # rate and CV distributions
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for name, r in A["rates"].items():
        if res["populations"][name]["is_source"]:
            continue
        axes[0].hist(r, bins=40, histtype="step", color=colors[name], label=name)
        cv = A["cv"][name]
        cv = cv[np.isfinite(cv)]
        if len(cv):
            axes[1].hist(cv, bins=40, histtype="step", color=colors[name], label=name)
    axes[0].set_xlabel("rate (Hz)")
    axes[0].set_ylabel("neurons")
    axes[1].set_xlabel("CV of ISI")
    for a in axes:
        a.legend(fontsize=8)
    fig.suptitle("per-neuron rates and irregularity after the burn-in")
    fig.tight_layout()
    save(fig, "distributions.png")

    # correlations
    if A["corr_samples"]:
        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
        for key, v in A["corr_samples"].items():
            axes[0].hist(v, bins=60, histtype="step", density=True, label=key)
        axes[0].set_xlabel("spike-count correlation (%g-ms windows)" % res["window"])
        axes[0].set_ylabel("density")
        axes[0].legend(fontsize=8)
        p = res["pairs"]
        M = np.array([[np.nan if x is None else x for x in row] for row in p["corr"]])
        im = axes[1].imshow(M, cmap="RdBu_r", vmin=-np.nanmax(np.abs(M)) if np.isfinite(M).any() else -1,
                            vmax=np.nanmax(np.abs(M)) if np.isfinite(M).any() else 1)
        axes[1].set_xticks(range(len(p["populations"])), p["populations"])
        axes[1].set_yticks(range(len(p["populations"])), p["populations"])
        for a in range(M.shape[0]):
            for b in range(M.shape[1]):
                axes[1].text(b, a, _fmt(M[a, b], "%.4f"), ha="center", va="center", fontsize=9)
        axes[1].set_title("mean correlation over distinct pairs (all neurons)")
        fig.colorbar(im, ax=axes[1])
        fig.tight_layout()
        save(fig, "correlations.png")

    # weights (dashed: the theory's fixed points)
    if A.get("weights") or A.get("snapshots"):
        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
        for key, (t, v, proj) in A["weights"].items():
            if key.startswith("stats:"):
                axes[0].plot(t, v, lw=2, label=proj + " (mean, all)")
            else:
                show = v[:, :min(20, v.shape[1])]
                axes[0].plot(t, show, lw=0.4, color="0.6")
                axes[0].plot(t, v.mean(axis=1), lw=1.5, label=proj + " (mean, sample)")
                if proj not in A.get("snapshots", {}):
                    axes[1].hist(v[-1], bins=40, histtype="step", label=proj + " (sample, end)")
        for proj, (t, w) in A.get("snapshots", {}).items():
            axes[1].hist(w, bins=60, histtype="step", label="%s at %g ms" % (proj, t))
        if fp:  # the theory's fixed-point weights, in the same units
            scales = {r["projection"]: r["weight_scale"] for r in th.get("rules", [])}
            for r in th.get("rules", []):
                key = "%s/%s" % (r["projection"], r["rule"])
                if r["kind"] != "none" and key in fp.get("weights", {}) and scales.get(r["projection"]):
                    axes[0].axhline(fp["weights"][key] / scales[r["projection"]], color="k", ls="--", lw=1)
        axes[0].set_xlabel("time (ms)")
        axes[0].set_ylabel("weight / weight_scale")
        axes[1].set_xlabel("weight / weight_scale")
        for a in axes:
            a.legend(fontsize=7)
        fig.suptitle("weights")
        fig.tight_layout()
        save(fig, "weights.png")

    # balance
    if A.get("balance"):
        k = len(A["balance"])
        fig, axes = plt.subplots(1, k, figsize=(5 * k, 3.8), squeeze=False)
        for ax, (name, (t, e, i, tot)) in zip(axes[0], A["balance"].items()):
            ax.plot(t, e, color="tab:red", lw=1, label="exc + ext")
            ax.plot(t, i, color="tab:blue", lw=1, label="inh")
            ax.plot(t, tot, color="k", lw=1, label="total")
            ax.set_title("%s (%d cells)" % (name, res["balance"][name]["cells"]))
            ax.set_xlabel("time (ms)")
            ax.legend(fontsize=8)
        axes[0][0].set_ylabel("mean current")
        fig.tight_layout()
        save(fig, "balance.png")
    return files


def main(argv=None):
    ap = argparse.ArgumentParser(prog="balnet-report", description=(
        "Statistics, balanced-state theory and figures of one balnet run file: prints a summary, "
        "writes DIR/report.json and DIR/*.png (docs/analysis.md)."))
    ap.add_argument("run", help="a balnet run file (HDF5)")
    ap.add_argument("--burn-in", type=float, default=None, help="ms discarded at the start (default: 10%% of the run)")
    ap.add_argument("--out", default=None, help="output folder (default: RUN_report next to the file)")
    ap.add_argument("--window", type=float, default=250.0, help="count window (ms) for Fano factors and "
                    "spike-count covariances (default 250, as project 1)")
    ap.add_argument("--sync-bin", type=float, default=2.0, help="bin (ms) of the synchrony measure (default 2)")
    ap.add_argument("--pairs", type=int, default=4000, help="random pairs for the synchrony (default 4000)")
    ap.add_argument("--sample", type=int, default=500, help="neurons per population in the correlation "
                    "histograms (the pair means use all neurons; default 500)")
    ap.add_argument("--smooth", choices=["gauss", "box", "none"], default="gauss", help="population-rate smoothing")
    ap.add_argument("--smooth-width", type=float, default=5.0, help="Gaussian SD or box width (ms; default 5)")
    ap.add_argument("--meanfield", default=None, metavar="TF.json",
                    help="transfer functions from balnet-meanfield fit: add the mean field of the run's drive")
    ap.add_argument("--balnet", default=None, help="balnet executable for the theory (default: $BALNET, build/balnet, PATH)")
    ap.add_argument("--no-theory", action="store_true", help="skip balnet theory")
    ap.add_argument("--no-figures", action="store_true", help="only the summary and report.json")
    ap.add_argument("--seed", type=int, default=0, help="seed of the random samples (pairs, raster, histograms)")
    ap.add_argument("--quiet", "-q", action="store_true", help="no summary on stdout")
    a = ap.parse_args(argv)
    if not os.path.isfile(a.run):
        ap.error("%s: no such file" % a.run)
    try:
        res = analyse(a.run, a.burn_in, a.window, a.sync_bin, a.pairs, a.sample, a.smooth, a.smooth_width,
                      a.balnet, not a.no_theory, a.seed, a.meanfield)
    except (ValueError, KeyError, OSError) as e:
        sys.stderr.write("balnet-report: error: %s\n" % e)
        return 2
    out = a.out or os.path.splitext(a.run)[0] + "_report"
    os.makedirs(out, exist_ok=True)
    files = []
    if not a.no_figures:
        try:
            files = write_figures(res, out)
        except ImportError as e:
            res["notes"].append("no figures: %s (Debian: apt-get install python3-matplotlib)" % e)
    res["figures"] = files
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(_jsonable(res), f, indent=1)
    if not a.quiet:
        print_summary(res)
        print("wrote %s" % ", ".join([os.path.join(out, "report.json")] + files))
    return 0


if __name__ == "__main__":
    sys.exit(main())

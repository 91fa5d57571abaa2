#!/usr/bin/python3
"""Analyses of project 2 (Barta & Fukai 2025; MODELS.md 2.7) on balnet run files.

    tools/barta2025.py replay RUN.h5 --out-prefix P        assembly activations + replay statistics
    tools/barta2025.py rates RUN.h5 [RUN2.h5 ...] --labels fLHP,... --out-prefix P
                                                           per-neuron rates, Fano factors, figure
    tools/barta2025.py inhibition CONN.h5 --out P.csv      total I->E weight per E cell
    tools/barta2025.py mcd RUN.h5 --out-prefix P           robust (FAST-MCD) g_e/g_i statistics
                                                           + OU tables for the perturbation run
    tools/barta2025.py sensitivity RUN.h5 --out P.csv      linear sensitivity (isolation run)
    tools/barta2025.py cues CONN.h5 --out cues.txt         cue schedule (10 members/pattern, 1 s apart)
    tools/barta2025.py weak --repetitions R --out weak.txt the "weak" perturbation schedule

Everything is numpy (no scikit-learn, no scipy); spikes are read in time chunks through
tools/balnet_reader.py, so a 10,000-s run of 10,000 neurons fits in memory. docs/assemblies.md
documents every output.
"""

import argparse
import csv
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from balnet_reader import Run  # noqa: E402

try:
    import h5py
except ImportError:  # pragma: no cover
    h5py = None


# ---------------------------------------------------------------------------------------
# patterns

def read_patterns(path):
    """(indices, splits, population) of /patterns in a run or connectivity file."""
    with h5py.File(path, "r") as f:
        g = f["patterns"]
        pop = g.attrs.get("population", "E")
        if isinstance(pop, bytes):
            pop = pop.decode()
        return g["indices"][:].astype(np.int64), g["splits"][:].astype(np.int64), str(pop)


# ---------------------------------------------------------------------------------------
# activation detection

def activation_traces(spike_chunks, indices, splits, n_neurons, t_start, t_stop, window=100.0, step=10.0,
                      chunk_windows=500):
    """Yields (k0, fractions) per chunk: fractions[p, k] is the fraction of pattern p's members
    with >= 1 spike in [t_start + (k0 + k) step, + window), for every window that ends by t_stop.

    spike_chunks(t0, t1) -> (times ms, ids) of the spikes in [t0, t1).

    Work is proportional to the spikes of pattern members, not to windows x neurons: a spike
    in 10-ms bin b makes its neuron active in windows b - per + 1 .. b (per = window / step);
    a neuron's spikes closer than `per` bins merge into one run of active windows, and each
    run adds +1 at its first and -1 after its last window to the difference array of every
    pattern the neuron belongs to; a cumulative sum along time gives the member counts.
    """
    per = int(round(window / step))
    if abs(per * step - window) > 1e-9:
        raise ValueError("window must be a whole number of steps")
    n_windows = int(math.floor((t_stop - t_start - window) / step + 1e-9)) + 1
    indices = np.asarray(indices, dtype=np.int64)
    splits = np.asarray(splits, dtype=np.int64)
    P = len(splits) - 1
    sizes = np.diff(splits).astype(np.float64)
    safe = np.where(sizes > 0, sizes, 1.0)
    # neuron -> the patterns it belongs to (CSR by neuron)
    pattern_of = np.repeat(np.arange(P, dtype=np.int64), np.diff(splits))
    by_neuron = np.argsort(indices, kind="stable")
    member_patterns = pattern_of[by_neuron]
    degree = np.bincount(indices, minlength=n_neurons).astype(np.int64)
    first = np.concatenate([[0], np.cumsum(degree)])[:-1]
    k0 = 0
    while k0 < n_windows:
        k1 = min(n_windows, k0 + chunk_windows)
        W = k1 - k0
        nb = W + per - 1  # 10-ms bins covering windows k0..k1-1
        a = t_start + k0 * step
        times, ids = spike_chunks(a, a + nb * step)
        ids = np.asarray(ids, dtype=np.int64)
        b = np.floor((np.asarray(times) - a) / step).astype(np.int64)
        ok = (b >= 0) & (b < nb) & (ids >= 0) & (ids < n_neurons)
        b, ids = b[ok], ids[ok]
        keep = degree[ids] > 0  # cells outside every pattern do not count
        b, ids = b[keep], ids[keep]
        counts = np.zeros((P, W), dtype=np.int64)
        if len(b):
            key = np.sort(ids * nb + b)  # order by (cell, bin)
            ids, b = np.divmod(key, nb)
            new = np.ones(len(b), dtype=bool)
            new[1:] = (ids[1:] != ids[:-1]) | (b[1:] - b[:-1] >= per)
            starts = np.flatnonzero(new)
            last = np.append(starts[1:], len(b)) - 1
            cell = ids[starts]
            w0 = np.maximum(b[starts] - per + 1, 0)  # active windows [w0, w1)
            w1 = np.minimum(b[last] + 1, W)
            d = degree[cell]
            run = np.repeat(np.arange(len(cell)), d)
            offset = np.arange(int(d.sum())) - np.repeat(np.cumsum(d) - d, d)
            pat = member_patterns[first[cell][run] + offset]
            width = W + 1
            diff = (np.bincount(pat * width + w0[run], minlength=P * width)
                    - np.bincount(pat * width + w1[run], minlength=P * width))
            counts = np.cumsum(diff.reshape(P, width), axis=1)[:, :W]
        yield k0, counts / safe[:, None]
        k0 = k1


def detect_events(chunks, threshold=0.9):
    """Events from activation-trace chunks: maximal runs of consecutive windows with
    fraction > threshold. Returns int64 arrays (pattern, start window, duration in windows),
    ordered by start then pattern."""
    pats, starts, durs = [], [], []
    open_start = None
    k_end = 0
    for k0, frac in chunks:
        act = frac > threshold
        n_p, n_k = act.shape
        if open_start is None:
            open_start = np.full(n_p, -1, np.int64)
        prev = open_start >= 0
        padded = np.concatenate([prev[:, None], act], axis=1).astype(np.int8)
        d = np.diff(padded, axis=1)  # +1: a run starts at k; -1: the run before k ended
        pp, kk = np.nonzero(d)  # row-major: per pattern, in time order
        for p, k in zip(pp, kk):
            if d[p, k] > 0:
                open_start[p] = k0 + k
            else:
                pats.append(p)
                starts.append(open_start[p])
                durs.append(k0 + k - open_start[p])
                open_start[p] = -1
        # rows whose run is still open at the end stay open into the next chunk
        k_end = k0 + n_k
    if open_start is not None:
        for p in np.nonzero(open_start >= 0)[0]:
            pats.append(p)
            starts.append(open_start[p])
            durs.append(k_end - open_start[p])
    pats, starts, durs = (np.asarray(x, dtype=np.int64) for x in (pats, starts, durs))
    order = np.lexsort((pats, starts))
    return pats[order], starts[order], durs[order]


def detect_activations(run_path, discard=10000.0, window=100.0, step=10.0, threshold=0.9, t_stop=None,
                       chunk_windows=500, patterns_from=None):
    """Events of the run: dict with pattern, start_ms, duration_ms, start (steps), duration
    (steps), t_start, t_stop, P, and the per-pattern event counts."""
    indices, splits, pop = read_patterns(patterns_from or run_path)
    with Run(run_path) as run:
        n = run.size(pop)
        t1 = run.t_end if t_stop is None else min(t_stop, run.t_end)

        def chunk(a, b):
            s = run.spikes(pop, a, b)
            return s.times, s.ids

        pats, starts, durs = detect_events(
            activation_traces(chunk, indices, splits, n, discard, t1, window, step, chunk_windows), threshold)
    P = len(splits) - 1
    return {"pattern": pats, "start": starts, "duration": durs, "start_ms": discard + starts * step,
            "duration_ms": durs * step, "t_start": discard, "t_stop": t1, "P": P, "step": step,
            "counts": np.bincount(pats, minlength=P)}


# ---------------------------------------------------------------------------------------
# replay statistics

def nnls(a, b):
    """Exact non-negative least squares for a few columns: the best feasible solution of the
    unconstrained problems on every subset of columns (the KKT solution is one of them)."""
    m = a.shape[1]
    best, best_r = np.zeros(m), float(np.sum(b * b))
    for mask in range(1, 1 << m):
        cols = [j for j in range(m) if mask >> j & 1]
        x, *_ = np.linalg.lstsq(a[:, cols], b, rcond=None)
        if np.all(x >= 0):
            full = np.zeros(m)
            full[cols] = x
            r = float(np.sum((a @ full - b) ** 2))
            if r < best_r - 1e-15:
                best, best_r = full, r
    return best


def entropy(counts):
    c = np.asarray(counts, dtype=np.float64)
    c = c[c > 0]
    if c.sum() == 0:
        return 0.0
    p = c / c.sum()
    return float(-(p * np.log(p)).sum())


def replay_statistics(ev, fractions=(0.25, 0.5, 0.75, 1.0)):
    """nunique, events_per_s (1 / mean interval between consecutive events of different
    patterns), mean duration (ms and steps), entropy of the per-pattern counts and its
    finite-sample extrapolation exp(S_inf) from S_k = S_inf - a/k - b/k^2 (NNLS) over the
    first 25, 50, 75 and 100 % of the analysed time."""
    pats, start_ms = ev["pattern"], ev["start_ms"]
    out = {"events": int(len(pats)), "nunique": int(len(np.unique(pats))),
           "analysed_s": (ev["t_stop"] - ev["t_start"]) / 1000.0}
    order = np.argsort(start_ms, kind="stable")
    p_sorted, t_sorted = pats[order], start_ms[order]
    diff = np.nonzero(p_sorted[1:] != p_sorted[:-1])[0] + 1
    if len(diff) > 0:
        intervals = (t_sorted[diff] - t_sorted[diff - 1]) / 1000.0
        out["events_per_s"] = float(1.0 / intervals.mean()) if intervals.mean() > 0 else float("inf")
    else:
        out["events_per_s"] = 0.0
    out["mean_duration_ms"] = float(ev["duration_ms"].mean()) if len(pats) else 0.0
    out["mean_duration_steps"] = float(ev["duration"].mean()) if len(pats) else 0.0
    s_k, k = [], []
    span = ev["t_stop"] - ev["t_start"]
    for fr in fractions:
        m = start_ms < ev["t_start"] + fr * span
        if m.sum() == 0:
            continue
        s_k.append(entropy(np.bincount(pats[m], minlength=ev["P"])))
        k.append(float(m.sum()))
    out["entropy"] = entropy(ev["counts"])
    if len(k) >= 1:
        k = np.asarray(k)
        a = np.stack([np.ones_like(k), -1.0 / k, -1.0 / k ** 2], axis=1)
        s_inf = nnls(a, np.asarray(s_k))[0]
        out["entropy_inf"] = float(s_inf)
        out["exp_entropy_inf"] = float(np.exp(s_inf))
    else:
        out["entropy_inf"] = 0.0
        out["exp_entropy_inf"] = 1.0 if len(pats) else 0.0
    return out


# ---------------------------------------------------------------------------------------
# rates and Fano factors

def rates_and_fano(run_path, population, t_start=0.0, t_stop=None, fano_bin=100.0, chunk=100000.0):
    """Per-neuron rate (Hz) over [t_start, t_stop) and the Fano factor of its counts in
    `fano_bin`-ms bins (NaN for silent neurons), accumulated chunk by chunk."""
    with Run(run_path) as run:
        n = run.size(population)
        t1 = run.t_end if t_stop is None else min(t_stop, run.t_end)
        nb_total = int(math.floor((t1 - t_start) / fano_bin + 1e-9))
        t1 = t_start + nb_total * fano_bin
        chunk = max(fano_bin, math.floor(chunk / fano_bin) * fano_bin)
        s1 = np.zeros(n)
        s2 = np.zeros(n)
        a = t_start
        while a < t1 - 1e-9:
            b = min(t1, a + chunk)
            nb = int(round((b - a) / fano_bin))
            s = run.spikes(population, a, b)
            bins = np.floor((s.times - a) / fano_bin).astype(np.int64).clip(0, nb - 1)
            c = np.bincount(s.ids * nb + bins, minlength=n * nb).reshape(n, nb).astype(np.float64)
            s1 += c.sum(axis=1)
            s2 += (c * c).sum(axis=1)
            a = b
    T = (t1 - t_start) / 1000.0
    rate = s1 / T if T > 0 else np.zeros(n)
    mean = s1 / max(nb_total, 1)
    var = s2 / max(nb_total, 1) - mean ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        fano = np.where(mean > 0, var / mean, np.nan)
    return rate, fano


# ---------------------------------------------------------------------------------------
# connectivity

def read_projection(conn_path, name):
    with h5py.File(conn_path, "r") as f:
        g = f["edges/%s" % name]  # SONATA edge population (docs/assemblies.md)
        gx = g["edge_group_index"][:] if "edge_group_index" in g else slice(None)
        return {"source": g["source_node_id"][:].astype(np.int64), "target": g["target_node_id"][:].astype(np.int64),
                "weight": g["0/syn_weight"][:].astype(np.float64)[gx], "delay": g["0/delay"][:][gx],
                "target_size": int(g.attrs["target_size"]), "source_size": int(g.attrs["source_size"])}


def total_inhibition(conn_path, projection="IE"):
    """Sum of the I->E weights onto each E cell (nS)."""
    p = read_projection(conn_path, projection)
    return np.bincount(p["target"], weights=p["weight"], minlength=p["target_size"])


# ---------------------------------------------------------------------------------------
# FAST-MCD (Rousseeuw & Van Driessen 1999), vectorised over neurons, 2-D samples

CHI2_2_MEDIAN = 2.0 * math.log(2.0)          # chi2(2).ppf(0.5)
CHI2_2_975 = -2.0 * math.log(0.025)          # chi2(2).ppf(0.975)


def _mean_cov(x, w):
    """Weighted (0/1) mean and biased covariance per batch: x (B, n, 2), w (B, n)."""
    s = w.sum(axis=1)[:, None]
    mu = (x * w[:, :, None]).sum(axis=1) / s
    d = x - mu[:, None, :]
    wd = d * w[:, :, None]
    cov = np.empty((x.shape[0], 2, 2))
    cov[:, 0, 0] = (wd[..., 0] * d[..., 0]).sum(axis=1)
    cov[:, 1, 1] = (wd[..., 1] * d[..., 1]).sum(axis=1)
    cov[:, 0, 1] = cov[:, 1, 0] = (wd[..., 0] * d[..., 1]).sum(axis=1)
    return mu, cov / s[:, :, None]


def _mahalanobis2(x, mu, cov):
    a, b, c = cov[:, 0, 0], cov[:, 0, 1], cov[:, 1, 1]
    det = a * c - b * b
    det = np.where(det > 0, det, np.finfo(float).tiny)
    d = x - mu[:, None, :]
    return (c[:, None] * d[..., 0] ** 2 - 2 * b[:, None] * d[..., 0] * d[..., 1] + a[:, None] * d[..., 1] ** 2) / det[:, None]


def _csteps(x, h, w, max_steps=30, rtol=1e-6):
    """C-steps until the h-subset stops changing or the determinant stops falling (relative
    change below rtol for every neuron of the batch), at most max_steps."""
    mu, cov = _mean_cov(x, w)
    det = np.linalg.det(cov)
    for _ in range(max_steps):
        d2 = _mahalanobis2(x, mu, cov)
        idx = np.argpartition(d2, h - 1, axis=1)[:, :h]
        w_new = np.zeros_like(w)
        np.put_along_axis(w_new, idx, 1.0, axis=1)
        if np.array_equal(w_new, w):
            break
        w = w_new
        mu, cov = _mean_cov(x, w)
        det_new = np.linalg.det(cov)
        done = np.all(det - det_new <= rtol * np.abs(det))
        det = det_new
        if done:
            break
    return mu, cov, det


def _h_smallest(d2, h):
    w = np.zeros(d2.shape)
    np.put_along_axis(w, np.argpartition(d2, h - 1, axis=1)[:, :h], 1.0, axis=1)
    return w


def fast_mcd(x, n_random_starts=4, subsample=500, seed=0, full_steps=8):
    """Robust location and covariance of 2-D samples, batched: x (B, n, 2).

    Minimum Covariance Determinant with h = floor((n + 3) / 2) (scikit-learn's default support),
    found by C-steps (each step never increases the covariance determinant), FAST-MCD style:
    candidate starts are iterated to convergence on a random subsample of `subsample` points
    (the same rows for every neuron of the batch): the h' points nearest the coordinate-wise
    median (in MAD units), the h' nearest the classical mean (Mahalanobis), and
    `n_random_starts` random (p + 1)-subsets. The candidate with the smallest determinant is
    then iterated on all n points (at most `full_steps` C-steps: the last ones move the
    estimates by far less than their sampling error). Finally scikit-learn's MinCovDet steps:
    consistency correction of the raw covariance by median(d^2) / chi2_2.ppf(0.5), and
    reweighting (mean and biased covariance of the points with d^2 < chi2_2.ppf(0.975)).
    Returns (mu (B, 2), cov (B, 2, 2)). Fewer starts than scikit-learn's 500 (documented in
    docs/assemblies.md): for unimodal conductance clouds the starts agree.
    """
    x = np.asarray(x, dtype=np.float64)
    B, n, p = x.shape
    h = (n + p + 1) // 2
    rng = np.random.default_rng(seed)
    xs = x if n <= subsample else x[:, np.sort(rng.choice(n, size=subsample, replace=False))]
    m = xs.shape[1]
    hs = (m + p + 1) // 2
    starts = []
    med = np.median(xs, axis=1)
    mad = np.median(np.abs(xs - med[:, None, :]), axis=1) * 1.4826
    mad = np.where(mad > 0, mad, 1.0)
    starts.append(_h_smallest((((xs - med[:, None, :]) / mad[:, None, :]) ** 2).sum(axis=2), hs))
    mu0, cov0 = _mean_cov(xs, np.ones((B, m)))
    starts.append(_h_smallest(_mahalanobis2(xs, mu0, cov0), hs))
    scale = np.trace(cov0, axis1=1, axis2=2)[:, None, None] + 1e-12
    for _ in range(n_random_starts):
        sub = np.argsort(rng.random((B, m)), axis=1)[:, :p + 1]
        w1 = np.zeros((B, m))
        np.put_along_axis(w1, sub, 1.0, axis=1)
        mu, cov = _mean_cov(xs, w1)
        starts.append(_h_smallest(_mahalanobis2(xs, mu, cov + np.eye(p)[None] * 1e-9 * scale), hs))
    best_mu, best_cov, best_det = None, None, None
    for w in starts:
        mu, cov, det = _csteps(xs, hs, w)
        if best_det is None:
            best_mu, best_cov, best_det = mu, cov, det
        else:
            better = det < best_det
            best_mu[better], best_cov[better], best_det[better] = mu[better], cov[better], det[better]
    if xs is not x:
        best_mu, best_cov, _ = _csteps(x, h, _h_smallest(_mahalanobis2(x, best_mu, best_cov), h),
                                       max_steps=full_steps)
    d2 = _mahalanobis2(x, best_mu, best_cov)
    corr = np.median(d2, axis=1) / CHI2_2_MEDIAN
    corr = np.where(corr > 0, corr, 1.0)
    d2 = d2 / corr[:, None]
    mask = (d2 < CHI2_2_975).astype(np.float64)
    return _mean_cov(x, mask)


def conductance_statistics(run_path, population, drop=1000, batch=200, seed=0):
    """Robust per-neuron (mu_e, mu_i, sigma_e, sigma_i, rho) of the g_e, g_i reports."""
    with Run(run_path) as run:
        path_e = path_i = None
        for pop, var, path in run.reports():
            if pop == population and var == "g_e":
                path_e = path
            if pop == population and var == "g_i":
                path_i = path
        if path_e is None or path_i is None:
            raise SystemExit("%s: no g_e and g_i reports of population %s" % (run_path, population))
        de, di = run.file[path_e + "/data"], run.file[path_i + "/data"]
        ids = run.file[path_e + "/mapping/node_ids"][:]
        n = de.shape[1]
        out = np.zeros((n, 5))
        # balnet's reports are chunked by time rows across all neurons: read each variable
        # once (float32, samples x neurons; 0.6 GB per variable for 8000 cells x 19 s at 1 ms)
        # rather than once per batch of columns.
        all_e = de[drop:, :]
        all_i = di[drop:, :]
        for a in range(0, n, batch):
            b = min(n, a + batch)
            ge = all_e[:, a:b].astype(np.float64).T
            gi = all_i[:, a:b].astype(np.float64).T
            mu, cov = fast_mcd(np.stack([ge, gi], axis=2), seed=seed + a)
            se, si = np.sqrt(cov[:, 0, 0]), np.sqrt(cov[:, 1, 1])
            with np.errstate(invalid="ignore", divide="ignore"):
                rho = np.where(se * si > 0, cov[:, 0, 1] / (se * si), 0.0)
            out[a:b] = np.stack([mu[:, 0], mu[:, 1], se, si, rho], axis=1)
    return ids, out


# ---------------------------------------------------------------------------------------
# schedules and linear sensitivity

WEAK_AMPLITUDES = np.linspace(-0.35, 0.35, 8)


def weak_schedule(repetitions, t0=4000.0, on=100.0, period=500.0):
    rows = []
    t = t0
    for _ in range(repetitions):
        for channel in (0, 1):
            for a in WEAK_AMPLITUDES:
                rows.append((t, t + on, a if channel == 0 else 0.0, 2 * a if channel == 1 else 0.0))
                t += period
    return rows


def linear_sensitivity(run_path, population, repetitions=None, t0=4000.0, on=100.0, period=500.0, degree=3):
    """Per neuron: mean spike count in the 100-ms window of each of the 16 amplitude slots
    over the repetitions; cubic fits count(A) for the E sweep (slots 0-7) and the I sweep
    (8-15), both against A = linspace(-0.35, 0.35, 8). Returns (activation_exc,
    activation_inh, rate) with rate = mean of the two intercepts (counts per window)."""
    with Run(run_path) as run:
        n = run.size(population)
        rep_len = 16 * period
        avail = int(math.floor((run.t_end - t0) / rep_len + 1e-9))
        R = avail if repetitions is None else min(repetitions, avail)
        if R < 1:
            raise SystemExit("%s: shorter than one repetition of the perturbation schedule" % run_path)
        counts = np.zeros((16, n))
        per_chunk = 50
        for r0 in range(0, R, per_chunk):
            r1 = min(R, r0 + per_chunk)
            a = t0 + r0 * rep_len
            s = run.spikes(population, a, t0 + r1 * rep_len)
            rel = s.times - a
            slot_all = np.floor(rel / period).astype(np.int64)
            inwin = (rel - slot_all * period) < on
            slot = slot_all % 16
            counts += np.bincount(slot[inwin] * n + s.ids[inwin], minlength=16 * n).reshape(16, n)
    counts /= R
    ce = np.polyfit(WEAK_AMPLITUDES, counts[:8], degree)   # (degree+1, n), highest power first
    ci = np.polyfit(WEAK_AMPLITUDES, counts[8:], degree)
    return ce[-2], ci[-2], 0.5 * (ce[-1] + ci[-1]), R


def cue_schedule(indices, splits, members=10, start=1000.0, spacing=1000.0, duration=100.0, rate=10000.0,
                 patterns=None):
    rows = []
    P = len(splits) - 1 if patterns is None else min(patterns, len(splits) - 1)
    for p in range(P):
        m = indices[splits[p]:splits[p + 1]][:members]
        t = start + p * spacing
        rows.append("%.6g %.6g %.6g %s" % (t, t + duration, rate, " ".join(str(int(i)) for i in m)))
    return rows


# ---------------------------------------------------------------------------------------
# output helpers

def write_csv(path, header, columns):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for row in zip(*columns):
            w.writerow([("%.9g" % v) if isinstance(v, (float, np.floating)) else v for v in row])


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def cmd_replay(args):
    ev = detect_activations(args.run, discard=args.discard, window=args.window, step=args.step,
                            threshold=args.threshold, t_stop=args.t_stop, patterns_from=args.patterns)
    st = replay_statistics(ev)
    pre = args.out_prefix
    write_csv(pre + "_activations.csv", ["pattern", "start_ms", "duration_ms"],
              [ev["pattern"], ev["start_ms"], ev["duration_ms"]])
    with h5py.File(pre + "_activations.h5", "w") as f:
        # project 2's layout: 3 x n_events (start in steps, duration in steps, pattern)
        f["activations"] = np.stack([ev["start"], ev["duration"], ev["pattern"]]) if len(ev["pattern"]) else np.zeros((3, 0), np.int64)
        f["counts"] = ev["counts"]
        f.attrs["step_ms"] = ev["step"]
        f.attrs["t_start_ms"] = ev["t_start"]
        f.attrs["t_stop_ms"] = ev["t_stop"]
        f.attrs["threshold"] = args.threshold
        f.attrs["window_ms"] = args.window
    write_csv(pre + "_replay_stats.csv", list(st.keys()), [[v] for v in st.values()])
    if not args.no_figures:
        plt = _plt()
        fig, ax = plt.subplots(1, 2, figsize=(11, 3.5))
        ax[0].vlines(np.arange(ev["P"]), 0, ev["counts"], lw=1)  # every assembly visible at any P
        ax[0].set_xlabel("assembly")
        ax[0].set_ylabel("replay events")
        ax[0].set_title("%d unique, exp(S_inf) = %.1f" % (st["nunique"], st["exp_entropy_inf"]))
        ax[1].scatter(ev["start_ms"] / 1000.0, ev["pattern"], s=20, marker="|", lw=1)
        ax[1].set_xlabel("time (s)")
        ax[1].set_ylabel("assembly")
        ax[1].set_title("activation raster (%.1f events/s)" % st["events_per_s"])
        fig.tight_layout()
        fig.savefig(pre + "_replay.png", dpi=100)
    for k, v in st.items():
        print("%s = %s" % (k, v))


def cmd_rates(args):
    labels = args.labels.split(",") if args.labels else [os.path.basename(r) for r in args.runs]
    if len(labels) != len(args.runs):
        raise SystemExit("--labels needs one label per run")
    summary = []
    plt = None if args.no_figures else _plt()
    if plt:
        fig, ax = plt.subplots(1, 2, figsize=(11, 3.5))
    for run_path, label in zip(args.runs, labels):
        row = {"label": label}
        for pop in ("E", "I"):
            rate, fano = rates_and_fano(run_path, pop, t_start=args.discard, t_stop=args.t_stop)
            write_csv("%s_%s_%s_rates.csv" % (args.out_prefix, label, pop), ["neuron", "rate_hz", "fano"],
                      [np.arange(len(rate)), rate, fano])
            row[pop + "_mean"] = float(rate.mean())
            row[pop + "_sd"] = float(rate.std())
            row[pop + "_fano_mean"] = float(np.nanmean(fano)) if np.any(np.isfinite(fano)) else float("nan")
            if plt and pop == "E":
                bins = np.logspace(-2, 2.5, 60)
                ax[0].hist(np.clip(rate, 1e-2, None), bins=bins, histtype="step", label=label)  # silent at 0.01
                ax[1].hist(fano[np.isfinite(fano)], bins=60, histtype="step", label=label)
        summary.append(row)
        print("%s: E %.3f +- %.3f Hz, I %.3f +- %.3f Hz" % (label, row["E_mean"], row["E_sd"], row["I_mean"], row["I_sd"]))
    keys = list(summary[0].keys())
    write_csv(args.out_prefix + "_rates_summary.csv", keys, [[r[k] for r in summary] for k in keys])
    if plt:
        ax[0].set_xscale("log")
        ax[0].set_xlabel("E rate (Hz; silent cells at 0.01)")
        ax[0].set_ylabel("neurons")
        ax[0].legend()
        ax[1].set_xlabel("Fano factor (100-ms counts, E)")
        ax[1].legend()
        fig.tight_layout()
        fig.savefig(args.out_prefix + "_rates.png", dpi=100)


def cmd_inhibition(args):
    w = total_inhibition(args.connectivity, args.projection)
    write_csv(args.out, ["neuron", "total_inhibitory_weight_nS"], [np.arange(len(w)), w])
    print("total I->E weight per E cell: mean %.4g nS, SD %.4g nS" % (w.mean(), w.std()))


def cmd_mcd(args):
    rows = []
    for pop in ("E", "I"):
        ids, st = conductance_statistics(args.run, pop, drop=args.drop, seed=args.seed)
        np.savetxt("%s_ou_%s.txt" % (args.out_prefix, pop), st[:, [0, 2, 1, 3, 4]], fmt="%.6g",
                   header="mu_e sigma_e mu_i sigma_i rho (nS, nS, nS, nS, 1): robust MCD statistics")
        for i, r in zip(ids, st):
            rows.append(("exc" if pop == "E" else "inh", int(i)) + tuple(float(v) for v in r))
    cols = list(zip(*rows))
    write_csv(args.out_prefix + "_stats.csv", ["population", "neuron", "mu_e", "mu_i", "sigma_e", "sigma_i", "rho"], cols)


def cmd_sensitivity(args):
    out = []
    for pop in ("E", "I"):
        ae, ai, rate, R = linear_sensitivity(args.run, pop, args.repetitions, t0=args.t0)
        for i in range(len(ae)):
            out.append(("exc" if pop == "E" else "inh", i, ae[i], ai[i], rate[i]))
        print("%s: %d repetitions, mean activation_exc %.4g, activation_inh %.4g (counts per 100 ms per nS)"
              % (pop, R, ae.mean(), ai.mean()))
    write_csv(args.out, ["population", "neuron", "activation_exc", "activation_inh", "rate"], list(zip(*out)))


def cmd_cues(args):
    indices, splits, _ = read_patterns(args.connectivity)
    rows = cue_schedule(indices, splits, args.members, args.start, args.spacing, args.duration, args.rate,
                        args.patterns)
    with open(args.out, "w") as f:
        f.write("# start_ms stop_ms rate_hz neurons...: cue the first %d members of each pattern\n" % args.members)
        f.write("\n".join(rows) + "\n")


def cmd_weak(args):
    np.savetxt(args.out, weak_schedule(args.repetitions, args.start), fmt="%.6g",
               header="start_ms stop_ms A_e_nS A_i_nS: weak perturbation schedule")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("replay")
    p.add_argument("run")
    p.add_argument("--out-prefix", required=True)
    p.add_argument("--patterns", help="file holding /patterns (default: the run file)")
    p.add_argument("--discard", type=float, default=10000.0, help="ms discarded at the start (10 s)")
    p.add_argument("--t-stop", type=float)
    p.add_argument("--window", type=float, default=100.0)
    p.add_argument("--step", type=float, default=10.0)
    p.add_argument("--threshold", type=float, default=0.9)
    p.add_argument("--no-figures", action="store_true")
    p.set_defaults(func=cmd_replay)
    p = sub.add_parser("rates")
    p.add_argument("runs", nargs="+")
    p.add_argument("--labels")
    p.add_argument("--out-prefix", required=True)
    p.add_argument("--discard", type=float, default=0.0)
    p.add_argument("--t-stop", type=float)
    p.add_argument("--no-figures", action="store_true")
    p.set_defaults(func=cmd_rates)
    p = sub.add_parser("inhibition")
    p.add_argument("connectivity")
    p.add_argument("--projection", default="IE")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_inhibition)
    p = sub.add_parser("mcd")
    p.add_argument("run")
    p.add_argument("--out-prefix", required=True)
    p.add_argument("--drop", type=int, default=1000, help="samples dropped at the start (1 s at 1 ms)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_mcd)
    p = sub.add_parser("sensitivity")
    p.add_argument("run")
    p.add_argument("--out", required=True)
    p.add_argument("--repetitions", type=int)
    p.add_argument("--t0", type=float, default=4000.0, help="start of the first repetition (ms)")
    p.set_defaults(func=cmd_sensitivity)
    p = sub.add_parser("cues")
    p.add_argument("connectivity")
    p.add_argument("--out", required=True)
    p.add_argument("--members", type=int, default=10)
    p.add_argument("--start", type=float, default=1000.0)
    p.add_argument("--spacing", type=float, default=1000.0)
    p.add_argument("--duration", type=float, default=100.0)
    p.add_argument("--rate", type=float, default=10000.0)
    p.add_argument("--patterns", type=int)
    p.set_defaults(func=cmd_cues)
    p = sub.add_parser("weak")
    p.add_argument("--repetitions", type=int, default=1000)
    p.add_argument("--start", type=float, default=4000.0)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_weak)
    args = ap.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()

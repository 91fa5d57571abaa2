"""Statistics of spiking runs, vectorised with numpy (docs/analysis.md).

Spikes are given as arrays `times` (ms) and `ids` (0 .. n-1 within a population or any
index space of n neurons). Windows and bins are half-open, [t0 + k w, t0 + (k+1) w); only
complete windows before t1 are used, and a spike exactly at a window's start belongs to
that window. Definitions follow MODELS.md 1.9 (project 1) and 5.7 (project 5):

- rates_per_neuron, population_rate, smooth        rates (Hz), moving average or Gaussian
- isi_cv, fano_factor                               irregularity per neuron
- spike_counts, spike_count_cov, cov2corr,          project 1's spike-count covariance and
  average_over_pairs                                correlation and their means over pairs
- pair_averages                                     the same means over *all* neurons in
                                                    O(spikes) time and O(neurons) memory
- synchrony                                         project 5: Pearson correlation of binned
                                                    trains over random pairs
- balance                                           mean excitatory vs inhibitory currents
"""

import numpy as np

__all__ = ["rates_per_neuron", "population_rate", "smooth", "by_neuron", "isi_cv", "fano_factor", "spike_counts",
           "count_windows", "spike_count_cov", "cov2corr", "average_over_pairs", "pair_averages",
           "synchrony", "balance"]

# A spike time within this fraction of a bin below a bin edge is taken to lie on it: spike
# times are whole steps of dt written as step * dt, which may round just below an edge.
_EDGE = 1e-9


def _bin_index(times, t0, width):
    return np.floor((np.asarray(times, np.float64) - t0) / width + _EDGE).astype(np.int64)


def rates_per_neuron(times, ids, n, t0, t1):
    """Spike count of each of the n neurons in [t0, t1) divided by the duration (Hz)."""
    times, ids = np.asarray(times), np.asarray(ids, np.int64)
    m = (times >= t0) & (times < t1)
    return np.bincount(ids[m], minlength=n)[:n] / ((t1 - t0) * 1e-3)


def population_rate(times, n, t0, t1, bin=1.0):
    """Population rate (Hz per neuron) in consecutive bins of `bin` ms over [t0, t1):
    returns (bin start times, rates)."""
    nb = int(np.floor((t1 - t0) / bin + _EDGE))
    k = _bin_index(times, t0, bin)
    k = k[(k >= 0) & (k < nb)]
    counts = np.bincount(k, minlength=nb)[:nb]
    return t0 + np.arange(nb) * bin, counts / (n * bin * 1e-3)


def smooth(x, bin, method="gauss", width=10.0):
    """Smooths a series sampled every `bin` ms: method "box" is a centred moving average over
    `width` ms, "gauss" a Gaussian of SD `width` ms (truncated at 4 SD). At the edges the
    kernel is renormalised over the samples that exist, so a constant series stays constant."""
    x = np.asarray(x, np.float64)
    if method in (None, "none") or width <= 0 or len(x) == 0:
        return x.copy()
    if method == "box":
        k = max(1, int(round(width / bin)))
        kernel = np.ones(k)
    elif method == "gauss":
        s = width / bin
        half = int(np.ceil(4 * s))
        u = np.arange(-half, half + 1)
        kernel = np.exp(-0.5 * (u / s) ** 2) if s > 0 else np.ones(1)
    else:
        raise ValueError("smoothing method must be box, gauss or none, not %r" % method)
    num = np.convolve(x, kernel, mode="same")
    den = np.convolve(np.ones_like(x), kernel, mode="same")
    if len(kernel) > len(x):  # np.convolve 'same' returns the longer length
        off = (len(kernel) - len(x)) // 2
        num, den = num[off:off + len(x)], den[off:off + len(x)]
    return num / den


def by_neuron(times, ids):
    """The spikes ordered by neuron, then by time: (times, ids). Statistics that need this
    order (isi_cv, synchrony) skip their own sort when given spikes in it, so a caller
    computing both sorts once."""
    times, ids = np.asarray(times, np.float64), np.asarray(ids, np.int64)
    if _grouped(times, ids):
        return times, ids
    if len(times) > 1 and np.all(times[1:] >= times[:-1]):
        order = np.argsort(ids, kind="stable")
    else:
        order = np.lexsort((times, ids))
    return times[order], ids[order]


def _grouped(times, ids):
    """True if the spikes are ordered by neuron, then by time."""
    if len(ids) < 2:
        return True
    di = np.diff(ids)
    if np.any(di < 0):
        return False
    return bool(np.all((di > 0) | (np.diff(times) >= 0)))


_by_neuron = by_neuron


def isi_cv(times, ids, n, min_isis=2, ddof=1):
    """Coefficient of variation of the interspike intervals of each neuron: SD / mean of its
    ISIs (SD with `ddof`, 1 = sample SD as MATLAB's std in project 1); NaN for neurons with
    fewer than `min_isis` intervals. Returns (cv, isi counts)."""
    t, i = _by_neuron(times, ids)
    same = i[1:] == i[:-1]
    isi = np.diff(t)[same]
    owner = i[1:][same]
    cnt = np.bincount(owner, minlength=n)[:n].astype(np.float64)
    s1 = np.bincount(owner, isi, minlength=n)[:n]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / cnt
        dev = isi - mean[owner]
        var = np.bincount(owner, dev * dev, minlength=n)[:n] / (cnt - ddof)
        cv = np.sqrt(var) / mean
    cv[cnt < max(min_isis, ddof + 1)] = np.nan
    return cv, cnt.astype(np.int64)


def count_windows(t0, t1, window):
    """Number of complete windows of `window` ms in [t0, t1)."""
    return int(np.floor((t1 - t0) / window + _EDGE))


def _count_chunks(times, ids, n, t0, nw, window, max_cells=1 << 24):
    """Yields (first window, counts (n x m) float64) over the nw windows, a few at a time so
    that memory stays bounded (project 1 runs of 10,000 neurons x 10,000 s)."""
    times, ids = np.asarray(times, np.float64), np.asarray(ids, np.int64)
    per = max(1, min(nw, max_cells // max(n, 1)))
    k = _bin_index(times, t0, window)
    ok = (k >= 0) & (k < nw)
    k, i = k[ok], ids[ok]
    sorted_k = len(k) < 2 or bool(np.all(k[1:] >= k[:-1]))
    for w0 in range(0, nw, per):
        m = min(per, nw - w0)
        if sorted_k:
            a, b = np.searchsorted(k, w0), np.searchsorted(k, w0 + m)
            kk, ii = k[a:b] - w0, i[a:b]
        else:
            sel = (k >= w0) & (k < w0 + m)
            kk, ii = k[sel] - w0, i[sel]
        counts = np.bincount(ii * m + kk, minlength=n * m)[:n * m].reshape(n, m)
        yield w0, counts.astype(np.float64)


def spike_counts(times, ids, n, t0, t1, window):
    """Spike counts (n x windows) in the complete windows of `window` ms from t0 to t1."""
    nw = count_windows(t0, t1, window)
    out = np.zeros((n, nw), np.int64)
    for w0, c in _count_chunks(times, ids, n, t0, nw, window):
        out[:, w0:w0 + c.shape[1]] = c
    return out


def fano_factor(times, ids, n, t0, t1, window):
    """Fano factor of each neuron's spike counts in complete windows: variance (ddof=1) /
    mean across windows; NaN for silent neurons. Returns (fano, mean count)."""
    nw = count_windows(t0, t1, window)
    if nw < 2:
        raise ValueError("the Fano factor needs at least two windows of %g ms in [%g, %g)" % (window, t0, t1))
    s1 = np.zeros(n)
    s2 = np.zeros(n)
    for _, c in _count_chunks(times, ids, n, t0, nw, window):
        s1 += c.sum(axis=1)
        s2 += (c * c).sum(axis=1)
    mean = s1 / nw
    var = (s2 - s1 * s1 / nw) / (nw - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ff = np.where(mean > 0, var / mean, np.nan)
    return ff, mean


def spike_count_cov(times, ids, n, t0, t1, window=250.0):
    """Project 1's spike_count_cov: counts of the n neurons in consecutive windows [t0, t0+w),
    ... up to the last complete window before t1, and their n x n covariance across windows
    (unbiased, as np.cov). Accumulated window chunk by window chunk with matrix products:
    memory n^2, time n^2 x windows / BLAS speed. For the pair means over all neurons of a
    large network use pair_averages (no n x n matrix)."""
    nw = count_windows(t0, t1, window)
    if nw < 2:
        raise ValueError("the covariance needs at least two windows of %g ms in [%g, %g)" % (window, t0, t1))
    G = np.zeros((n, n))
    s = np.zeros(n)
    for _, c in _count_chunks(times, ids, n, t0, nw, window, max_cells=1 << 22):
        G += c @ c.T
        s += c.sum(axis=1)
    return (G - np.outer(s, s) / nw) / (nw - 1)


def cov2corr(C):
    """R_ij = C_ij / sqrt(C_ii C_jj); NaN in the rows and columns of neurons with zero
    variance (silent cells)."""
    d = np.diag(C).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.sqrt(d)
        R = C / np.outer(s, s)
    bad = ~(d > 0)
    R[bad, :] = np.nan
    R[:, bad] = np.nan
    return R


def average_over_pairs(M, groups):
    """Means of a pair matrix over groups: entry (a, b) is the NaN-ignoring mean of M[i, j]
    for i in group a, j in group b, over distinct pairs (i != j) when a == b. `groups` is a
    list of index arrays (or slices). Project 1's average_cov_corr_over_subpops is
    groups = [E indices, I indices]."""
    idx = [np.arange(M.shape[0])[g] if isinstance(g, slice) else np.asarray(g) for g in groups]
    K = len(idx)
    out = np.full((K, K), np.nan)
    for a in range(K):
        for b in range(K):
            block = M[np.ix_(idx[a], idx[b])].astype(np.float64)
            if a == b:
                block = block[~np.eye(len(idx[a]), dtype=bool)]
            with np.errstate(invalid="ignore"):
                vals = block[np.isfinite(block)]
                if vals.size:
                    out[a, b] = vals.mean()
    return out


def _group_chunks(group):
    """(chunks, n) of a group given as (times, ids, n) or (callable returning an iterable of
    (times, ids) chunks, n)."""
    if len(group) == 3:
        times, ids, n = group
        return (lambda: iter([(times, ids)])), n
    factory, n = group
    return factory, n


def pair_averages(groups, t0, t1, window=250.0):
    """Exactly average_over_pairs(spike_count_cov(...)) and average_over_pairs(cov2corr(...))
    over every neuron of every group, without forming the n x n matrices.

    `groups` is a list of (times, ids, n), one per population; for runs too long to hold in
    memory, (factory, n) where factory() returns an iterable of (times, ids) chunks in time
    order whose boundaries fall on window boundaries (Run.iter_spikes with a chunk that is a
    multiple of the window). Uses
        sum_{i,j in a} C_ij = Var(sum_i X_i)           (X_i: counts of neuron i per window)
        sum_{i,j in a} R_ij = Var(sum_i X_i / sd_i)    (over the non-silent neurons)
    so the mean over distinct pairs is (Var(sum) - sum of variances) / (n (n - 1)); between
    groups it is the covariance of the group sums / (n_a n_b). Two passes, O(spikes) each,
    O(neurons + windows) memory.

    Returns dict with "cov" and "corr" (K x K), per-group "mean" and "var" of the counts
    (ddof=1), "silent" (neurons with zero count variance, excluded from "corr"), "windows".
    """
    nw = count_windows(t0, t1, window)
    if nw < 2:
        raise ValueError("pair averages need at least two windows of %g ms in [%g, %g)" % (window, t0, t1))
    K = len(groups)
    srcs = [_group_chunks(g) for g in groups]
    means, variances, sds = [], [], []
    for factory, n in srcs:  # pass 1: per-neuron mean and variance of the counts
        s1, s2 = np.zeros(n), np.zeros(n)
        last = -1
        for times, ids in factory():
            k = _bin_index(times, t0, window)
            k = k[(k >= 0) & (k < nw)]
            if k.size == 0:
                continue
            lo, hi = int(k.min()), int(k.max()) + 1
            if lo <= last:
                raise ValueError("spike chunks must start and end on window boundaries (window %g ms)" % window)
            last = hi - 1
            for _, c in _count_chunks(times, ids, n, t0 + lo * window, hi - lo, window):
                s1 += c.sum(axis=1)
                s2 += (c * c).sum(axis=1)
        mean = s1 / nw
        var = np.maximum((s2 - s1 * s1 / nw) / (nw - 1), 0.0)
        means.append(mean)
        variances.append(var)
        sds.append(np.sqrt(var))
    # pass 2: per window, the group sum of counts and of counts / sd (non-silent neurons)
    S = np.zeros((K, nw))
    Z = np.zeros((K, nw))
    for a, (factory, n) in enumerate(srcs):
        inv = np.where(sds[a] > 0, 1.0 / np.where(sds[a] > 0, sds[a], 1.0), 0.0)
        for times, ids in factory():
            ids = np.asarray(ids, np.int64)
            k = _bin_index(times, t0, window)
            ok = (k >= 0) & (k < nw)
            k, i = k[ok], ids[ok]
            S[a] += np.bincount(k, minlength=nw)[:nw]
            Z[a] += np.bincount(k, inv[i], minlength=nw)[:nw]
    covS = np.atleast_2d(np.cov(S))
    covZ = np.atleast_2d(np.cov(Z))
    cov = np.full((K, K), np.nan)
    corr = np.full((K, K), np.nan)
    n_all = [n for _, n in srcs]
    n_live = [int(np.count_nonzero(sd > 0)) for sd in sds]
    for a in range(K):
        for b in range(K):
            if a == b:
                if n_all[a] > 1:
                    cov[a, a] = (covS[a, a] - variances[a].sum()) / (n_all[a] * (n_all[a] - 1))
                if n_live[a] > 1:
                    corr[a, a] = (covZ[a, a] - n_live[a]) / (n_live[a] * (n_live[a] - 1))
            else:
                cov[a, b] = covS[a, b] / (n_all[a] * n_all[b])
                if n_live[a] and n_live[b]:
                    corr[a, b] = covZ[a, b] / (n_live[a] * n_live[b])
    return {"cov": cov, "corr": corr, "mean": means, "var": variances,
            "silent": [n - l for n, l in zip(n_all, n_live)], "windows": nw}


def synchrony(times, ids, n, t0, t1, bin=2.0, pairs=4000, seed=0, active_only=True):
    """Project 5's synchrony: the mean Pearson correlation of spike trains binned in `bin` ms
    over `pairs` random pairs of distinct neurons (of those with at least one spike in
    [t0, t1) when active_only; a pair of a silent cell has no correlation). Sparse: the cost
    is the spikes of the sampled cells, not neurons x bins. Returns (mean, correlations of
    the pairs)."""
    nb = int(np.floor((t1 - t0) / bin + _EDGE))
    times, ids = by_neuron(times, ids)
    k = _bin_index(times, t0, bin)
    ok = (k >= 0) & (k < nb)
    k, ids = k[ok], ids[ok]
    counts_per = np.bincount(ids, minlength=n)[:n]
    pool = np.flatnonzero(counts_per > 0) if active_only else np.arange(n)
    if len(pool) < 2 or nb < 2:
        return np.nan, np.array([])
    rng = np.random.default_rng(seed)
    a = rng.choice(pool, size=pairs)
    b = rng.choice(pool, size=pairs)
    same = a == b
    while same.any():
        b[same] = rng.choice(pool, size=int(same.sum()))
        same = a == b
    # Sparse binned trains: unique (neuron, bin) keys with their counts (already sorted:
    # spikes are ordered by neuron, then time).
    allkeys = ids * nb + k
    edge = np.flatnonzero(np.diff(allkeys)) + 1 if len(allkeys) else np.array([], np.int64)
    first_of = np.concatenate([[0], edge]) if len(allkeys) else np.array([], np.int64)
    keys = allkeys[first_of]
    cnt = np.diff(np.append(first_of, len(allkeys)))
    owner = keys // nb
    start = np.searchsorted(owner, np.arange(n + 1))
    s1 = np.bincount(owner, cnt, minlength=n)[:n]
    s2 = np.bincount(owner, cnt.astype(np.float64) ** 2, minlength=n)[:n]
    # For every bin of the first cell of each pair, look up the second cell's count there.
    lens = start[a + 1] - start[a]
    pair_of = np.repeat(np.arange(pairs), lens)
    first = np.cumsum(lens) - lens  # where each pair's run starts in the flat arrays
    pos = np.arange(int(lens.sum())) - np.repeat(first, lens) + np.repeat(start[a], lens)
    want = b[pair_of] * nb + (keys[pos] - owner[pos] * nb)
    j = np.searchsorted(keys, want)
    j = np.minimum(j, len(keys) - 1)
    hit = keys[j] == want
    prod = np.where(hit, cnt[pos] * cnt[j], 0).astype(np.float64)
    sxy = np.bincount(pair_of, prod, minlength=pairs)
    ma, mb = s1[a] / nb, s1[b] / nb
    va, vb = s2[a] / nb - ma * ma, s2[b] / nb - mb * mb
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (sxy / nb - ma * mb) / np.sqrt(va * vb)
    return float(np.nanmean(r)) if np.isfinite(r).any() else np.nan, r


def balance(excitatory, inhibitory, external=None):
    """E/I balance of recorded currents on the same cells (time x neurons arrays, or None):
    excitatory (recurrent E), inhibitory, external. Returns a dict of the time-and-cell means
    "exc" (E + external), "inh", "total", the ratio "ratio" = -inh / exc (1: perfectly
    balanced means), and the population-mean time series "exc_t", "inh_t", "total_t"."""
    def m(x):
        return None if x is None else np.asarray(x, np.float64)
    e, i, x = m(excitatory), m(inhibitory), m(external)
    ref = next(v for v in (e, i, x) if v is not None)
    zero = np.zeros_like(ref)
    exc = (e if e is not None else zero) + (x if x is not None else zero)
    inh = i if i is not None else zero
    exc_t, inh_t = exc.mean(axis=1), inh.mean(axis=1)
    out = {"exc": float(exc.mean()), "inh": float(inh.mean()), "total": float((exc + inh).mean()),
           "exc_t": exc_t, "inh_t": inh_t, "total_t": exc_t + inh_t}
    out["ratio"] = float(-out["inh"] / out["exc"]) if out["exc"] != 0 else float("nan")
    return out

"""Every statistic of tools/balnet_analysis.py against a direct reference computation (plain
numpy loops over neurons, np.histogram, np.cov, np.corrcoef) on small synthetic data with
known answers: Poisson trains (rate, CV = 1, Fano = 1) and trains thinned from a shared
mother process (pairwise count correlation = thinning probability c)."""

import os
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import balnet_analysis as ba  # noqa: E402


def poisson_trains(n, rate_hz, t_stop, rng):
    """Independent Poisson trains: (times sorted, ids)."""
    counts = rng.poisson(rate_hz * t_stop * 1e-3, size=n)
    ids = np.repeat(np.arange(n), counts)
    times = rng.uniform(0, t_stop, size=counts.sum())
    order = np.argsort(times, kind="stable")
    return times[order], ids[order]


def thinned_trains(n, rate_hz, c, t_stop, rng):
    """Each neuron keeps each spike of a Poisson mother train (rate / c) with probability c:
    every train is Poisson at `rate_hz`, and every pair's count correlation is c."""
    mother = rng.uniform(0, t_stop, size=rng.poisson(rate_hz / c * t_stop * 1e-3))
    keep = rng.random((n, mother.size)) < c
    ids = np.nonzero(keep)[0]
    times = mother[np.nonzero(keep)[1]]
    order = np.argsort(times, kind="stable")
    return times[order], ids[order]


def reference_counts(times, ids, n, t0, t1, w):
    nw = int(np.floor((t1 - t0) / w))
    edges = t0 + w * np.arange(nw + 1)
    return np.array([np.histogram(times[ids == i], edges)[0] for i in range(n)])


class Rates(unittest.TestCase):
    def test_rates_per_neuron_and_known_rate(self):
        rng = np.random.default_rng(1)
        t, i = poisson_trains(200, 20.0, 50000.0, rng)
        r = ba.rates_per_neuron(t, i, 200, 10000.0, 50000.0)
        ref = np.array([np.count_nonzero((t[i == k] >= 10000) & (t[i == k] < 50000)) for k in range(200)]) / 40.0
        np.testing.assert_allclose(r, ref, rtol=0, atol=1e-12)
        self.assertAlmostEqual(r.mean(), 20.0, delta=0.2)  # SE 20 / sqrt(200 x 800) = 0.05 Hz

    def test_population_rate_and_smoothing(self):
        rng = np.random.default_rng(2)
        t, i = poisson_trains(100, 10.0, 2000.0, rng)
        tb, r = ba.population_rate(t, 100, 0.0, 2000.0, bin=5.0)
        ref = np.histogram(t, np.arange(0, 2000.0 + 5.0, 5.0))[0] / (100 * 5e-3)
        np.testing.assert_allclose(r, ref, atol=1e-12)
        np.testing.assert_allclose(tb, np.arange(0, 2000.0, 5.0))
        const = np.full(100, 3.0)
        for method in ("box", "gauss"):
            np.testing.assert_allclose(ba.smooth(const, 1.0, method, 10.0), 3.0, rtol=1e-12)
        x = np.zeros(201)
        x[100] = 1.0
        g = ba.smooth(x, 1.0, "gauss", 5.0)
        self.assertAlmostEqual(g.sum(), 1.0, places=6)
        self.assertAlmostEqual(np.sqrt(np.sum(g * (np.arange(201) - 100.0) ** 2) / g.sum()), 5.0, places=2)
        box = ba.smooth(np.arange(50.0), 1.0, "box", 5.0)
        np.testing.assert_allclose(box[5:-5], np.convolve(np.arange(50.0), np.ones(5) / 5, "same")[5:-5])

    def test_spike_on_a_bin_edge_belongs_to_that_bin(self):
        # times written as step * dt may round just below an edge (0.1 * 3 != 0.3)
        t = np.array([3 * 0.1, 7 * 0.1 + 0.0])
        _, r = ba.population_rate(t, 1, 0.0, 1.0, bin=0.1)
        self.assertEqual(list(np.nonzero(r)[0]), [3, 7])


class Irregularity(unittest.TestCase):
    def test_cv_matches_direct_and_is_one_for_poisson(self):
        rng = np.random.default_rng(3)
        t, i = poisson_trains(300, 15.0, 40000.0, rng)
        i[i == 7] = 8  # two merged trains still fine; neuron 7 silent
        t = np.append(t, [1.0, 2.0])  # neuron 299 gets only... add a neuron with 1 ISI
        i = np.append(i, [299, 299])
        keep = (i != 299) | (t < 3.0)
        t, i = t[keep], i[keep]
        cv, cnt = ba.isi_cv(t, i, 300)
        for k in range(300):
            isi = np.diff(np.sort(t[i == k]))
            if len(isi) < 2:
                self.assertTrue(np.isnan(cv[k]), k)
            else:
                self.assertAlmostEqual(cv[k], np.std(isi, ddof=1) / np.mean(isi), places=10)
            self.assertEqual(cnt[k], len(isi))
        self.assertAlmostEqual(np.nanmean(cv), 1.0, delta=0.02)
        # unsorted input gives the same
        p = rng.permutation(len(t))
        np.testing.assert_allclose(ba.isi_cv(t[p], i[p], 300)[0], cv, equal_nan=True)

    def test_fano_matches_direct_and_is_one_for_poisson(self):
        rng = np.random.default_rng(4)
        t, i = poisson_trains(200, 10.0, 100000.0, rng)
        ff, mean = ba.fano_factor(t, i, 201, 0.0, 100000.0, 250.0)  # neuron 200 silent
        X = reference_counts(t, i, 201, 0.0, 100000.0, 250.0)
        with np.errstate(invalid="ignore"):
            ref = X.var(axis=1, ddof=1) / X.mean(axis=1)
        np.testing.assert_allclose(ff, ref, rtol=1e-10, equal_nan=True)
        self.assertTrue(np.isnan(ff[200]))
        self.assertAlmostEqual(np.nanmean(ff), 1.0, delta=0.02)


class Covariance(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(5)
        # 30 "E" cells correlated (c = 0.3), 12 "I" cells independent, one silent E cell
        te, ie = thinned_trains(30, 8.0, 0.3, 60000.0, rng)
        ti, ii = poisson_trains(12, 20.0, 60000.0, rng)
        keep = ie != 29  # cell 29 silent
        te, ie = te[keep], ie[keep]
        self.E = (te, ie, 30)
        self.I = (ti, ii, 12)
        self.t = np.concatenate([te, ti])
        self.i = np.concatenate([ie, ii + 30])

    def test_cov_matches_np_cov(self):
        C = ba.spike_count_cov(self.t, self.i, 42, 10000.0, 60000.0, 250.0)
        X = reference_counts(self.t, self.i, 42, 10000.0, 60000.0, 250.0)
        np.testing.assert_allclose(C, np.cov(X), rtol=1e-10, atol=1e-12)
        np.testing.assert_array_equal(ba.spike_counts(self.t, self.i, 42, 10000.0, 60000.0, 250.0), X)

    def test_corr_and_pair_averages(self):
        C = ba.spike_count_cov(self.t, self.i, 42, 10000.0, 60000.0, 250.0)
        R = ba.cov2corr(C)
        self.assertTrue(np.all(np.isnan(R[29])) and np.all(np.isnan(R[:, 29])))
        with np.errstate(invalid="ignore", divide="ignore"):
            ref = np.corrcoef(reference_counts(self.t, self.i, 42, 10000.0, 60000.0, 250.0))
        np.testing.assert_allclose(R, ref, rtol=1e-9, equal_nan=True)
        groups = [np.arange(30), np.arange(30, 42)]
        A = ba.average_over_pairs(R, groups)
        # direct: loops over distinct pairs, skipping NaN
        def ref_mean(M, ga, gb):
            vals = [M[x, y] for x in ga for y in gb if x != y and np.isfinite(M[x, y])]
            return np.mean(vals)
        for a in range(2):
            for b in range(2):
                self.assertAlmostEqual(A[a, b], ref_mean(R, groups[a], groups[b]), places=12)

    def test_known_correlation(self):
        # E-E count correlation = c = 0.3 at any window, pairs with I cells 0 (1600 windows)
        rng = np.random.default_rng(8)
        te, ie = thinned_trains(20, 8.0, 0.3, 400000.0, rng)
        ti, ii = poisson_trains(10, 8.0, 400000.0, rng)
        fast = ba.pair_averages([(te, ie, 20), (ti, ii, 10)], 0.0, 400000.0, 250.0)
        self.assertAlmostEqual(fast["corr"][0, 0], 0.3, delta=0.03)
        self.assertAlmostEqual(fast["corr"][1, 1], 0.0, delta=0.03)
        self.assertAlmostEqual(fast["corr"][0, 1], 0.0, delta=0.03)
        # cov: c^2 x mother rate x window = c x rate x window = 0.3 x 2 spikes
        self.assertAlmostEqual(fast["cov"][0, 0], 0.6, delta=0.1)

    def test_fast_pair_averages_equal_the_matrix_route(self):
        C = ba.spike_count_cov(self.t, self.i, 42, 10000.0, 60000.0, 250.0)
        groups = [np.arange(30), np.arange(30, 42)]
        fast = ba.pair_averages([self.E, self.I], 10000.0, 60000.0, 250.0)
        np.testing.assert_allclose(fast["cov"], ba.average_over_pairs(C, groups), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(fast["corr"], ba.average_over_pairs(ba.cov2corr(C), groups),
                                   rtol=1e-9, atol=1e-12)
        self.assertEqual(fast["silent"], [1, 0])
        self.assertEqual(fast["windows"], 200)
        # the same from window-aligned chunks of 10 s (runs too long for memory)
        def chunked(t, i):
            def factory():
                for c0 in np.arange(0.0, 60000.0, 10000.0):
                    m = (t >= c0) & (t < c0 + 10000.0)
                    yield t[m], i[m]
            return factory
        streamed = ba.pair_averages([(chunked(*self.E[:2]), 30), (chunked(*self.I[:2]), 12)],
                                    10000.0, 60000.0, 250.0)
        np.testing.assert_allclose(streamed["corr"], fast["corr"], rtol=1e-12)
        np.testing.assert_allclose(streamed["cov"], fast["cov"], rtol=1e-12)
        with self.assertRaises(ValueError):  # chunks that split a window
            ba.pair_averages([(chunked(self.E[0] + 100.0, self.E[1]), 30)], 10000.0, 60000.0, 300.0)


class Synchrony(unittest.TestCase):
    def test_matches_corrcoef_of_binned_trains(self):
        rng = np.random.default_rng(6)
        t, i = thinned_trains(40, 10.0, 0.2, 20000.0, rng)
        mean, r = ba.synchrony(t, i, 41, 0.0, 20000.0, bin=2.0, pairs=300, seed=9)
        # rebuild the same pairs and compute np.corrcoef on dense binned trains
        pool = np.flatnonzero(np.bincount(i, minlength=41) > 0)
        g = np.random.default_rng(9)
        a = g.choice(pool, size=300)
        b = g.choice(pool, size=300)
        same = a == b
        while same.any():
            b[same] = g.choice(pool, size=int(same.sum()))
            same = a == b
        edges = np.arange(0, 20000.0 + 2.0, 2.0)
        dense = np.array([np.histogram(t[i == k], edges)[0] for k in range(41)], float)
        ref = np.array([np.corrcoef(dense[x], dense[y])[0, 1] for x, y in zip(a, b)])
        np.testing.assert_allclose(r, ref, rtol=1e-9, atol=1e-12)
        self.assertAlmostEqual(mean, 0.2, delta=0.02)  # thinning keeps correlation c at any bin
        self.assertFalse(41 - 1 in np.concatenate([a, b]))  # the silent cell is never drawn

    def test_independent_trains_are_not_synchronous(self):
        rng = np.random.default_rng(7)
        t, i = poisson_trains(100, 10.0, 20000.0, rng)
        mean, _ = ba.synchrony(t, i, 100, 0.0, 20000.0, bin=2.0, pairs=2000, seed=1)
        self.assertAlmostEqual(mean, 0.0, delta=0.005)


class Balance(unittest.TestCase):
    def test_means_and_ratio(self):
        e = np.full((10, 4), 2.0)
        x = np.full((10, 4), 1.0)
        i = np.full((10, 4), -2.7)
        b = ba.balance(e, i, x)
        self.assertAlmostEqual(b["exc"], 3.0)
        self.assertAlmostEqual(b["inh"], -2.7)
        self.assertAlmostEqual(b["ratio"], 0.9)
        self.assertAlmostEqual(b["total"], 0.3)
        np.testing.assert_allclose(b["total_t"], 0.3)


if __name__ == "__main__":
    unittest.main()

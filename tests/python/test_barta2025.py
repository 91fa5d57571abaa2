"""tools/barta2025.py on synthetic data with known answers: assembly activations (replays
injected into Poisson background at known times), replay statistics and the entropy
extrapolation, FAST-MCD against the clean part of contaminated Gaussian samples, the linear
sensitivity of synthetic responses, and the schedules."""

import os
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import barta2025 as bf  # noqa: E402


def make_patterns(n, P, size, rng):
    idx = [np.sort(rng.choice(n, size=size, replace=False)) for _ in range(P)]
    splits = np.concatenate([[0], np.cumsum([len(i) for i in idx])]).astype(np.int64)
    return np.concatenate(idx).astype(np.int64), splits


def synthetic(n, t_stop, rate_hz, replays, indices, splits, rng, jitter=30.0):
    """Poisson background plus, for each (pattern, t, duration) replay, one spike of every
    member in each 30-ms slice of [t, t + duration)."""
    cnt = rng.poisson(rate_hz * t_stop * 1e-3, size=n)
    ids = [np.repeat(np.arange(n), cnt)]
    times = [rng.uniform(0, t_stop, size=cnt.sum())]
    for p, t, dur in replays:
        m = indices[splits[p]:splits[p + 1]]
        for t0 in np.arange(t, t + dur, jitter):
            ids.append(m)
            times.append(t0 + rng.uniform(0, min(jitter, t + dur - t0), size=len(m)))
    ids, times = np.concatenate(ids), np.concatenate(times)
    o = np.argsort(times, kind="stable")
    return times[o], ids[o]


def chunks_of(times, ids):
    def f(a, b):
        i0, i1 = np.searchsorted(times, a), np.searchsorted(times, b)
        return times[i0:i1], ids[i0:i1]
    return f


class ActivationTest(unittest.TestCase):
    def test_known_replays_are_found(self):
        rng = np.random.default_rng(1)
        n, P = 600, 30
        indices, splits = make_patterns(n, P, 40, rng)
        replays = [(3, 1000.0, 60.0), (7, 2500.0, 150.0), (3, 4000.0, 60.0), (12, 5200.0, 300.0), (29, 7990.0, 60.0)]
        times, ids = synthetic(n, 9000.0, 1.0, replays, indices, splits, rng)
        for chunk_windows in (37, 500):  # events crossing chunk boundaries give the same answer
            ev = bf.detect_events(bf.activation_traces(chunks_of(times, ids), indices, splits, n, 0.0, 9000.0,
                                                       chunk_windows=chunk_windows))
            pats, starts, durs = ev
            self.assertEqual(list(pats), [3, 7, 3, 12, 29])
            for (p, t, dur), s, d in zip(replays, starts, durs):
                # a 100-ms window holds every member once it covers the first slice's spikes;
                # the first such window starts at most 100 ms before the replay
                self.assertTrue(t - 100.0 <= s * 10.0 <= t + 30.0, (p, t, s))
                # the active run lasts about window + duration - one slice
                self.assertTrue(abs(d * 10.0 - (dur + 100.0 - 30.0)) <= 40.0, (p, dur, d))

    def test_threshold_and_background(self):
        rng = np.random.default_rng(2)
        n, P = 400, 20
        indices, splits = make_patterns(n, P, 30, rng)
        times, ids = synthetic(n, 5000.0, 2.0, [], indices, splits, rng)
        pats, _, _ = bf.detect_events(bf.activation_traces(chunks_of(times, ids), indices, splits, n, 0.0, 5000.0))
        self.assertEqual(len(pats), 0)  # 2 Hz: P(member active in 100 ms) = 0.18, far from 0.9
        # Direct reference of one fraction: pattern 0, window [1000, 1100)
        k0, frac = next(bf.activation_traces(chunks_of(times, ids), indices, splits, n, 1000.0, 1200.0))
        m = indices[splits[0]:splits[1]]
        sel = (times >= 1000.0) & (times < 1100.0)
        self.assertAlmostEqual(frac[0, 0], np.isin(m, ids[sel]).mean())
        sel = (times >= 1010.0) & (times < 1110.0)
        self.assertAlmostEqual(frac[0, 1], np.isin(m, ids[sel]).mean())

    def test_fractions_match_a_direct_count(self):
        # Every fraction against a direct count of members with a spike in the window, with
        # overlapping patterns, an empty pattern, cells in no pattern, bursts, spikes exactly
        # on bin edges, a start off the 10-ms grid and chunk boundaries.
        rng = np.random.default_rng(4)
        n, P = 300, 25
        idx = [np.sort(rng.choice(n // 2, size=rng.integers(1, 40), replace=False)) for _ in range(P - 1)] + [[]]
        splits = np.concatenate([[0], np.cumsum([len(i) for i in idx])]).astype(np.int64)
        indices = np.concatenate(idx).astype(np.int64)
        cnt = rng.poisson(8.0, size=n)
        ids = np.repeat(np.arange(n), cnt)
        times = rng.uniform(0, 3000.0, size=cnt.sum())
        times[::7] = np.round(times[::7] / 10.0) * 10.0  # on bin edges
        burst = rng.choice(n // 2, size=30)
        ids = np.concatenate([ids, burst, burst])
        times = np.concatenate([times, np.full(30, 1234.5), np.full(30, 1236.0)])
        o = np.argsort(times, kind="stable")
        times, ids = times[o], ids[o]
        t0 = 3.0
        for chunk_windows in (13, 500):
            got = np.concatenate([f for _, f in bf.activation_traces(chunks_of(times, ids), indices, splits, n, t0,
                                                                     3000.0, chunk_windows=chunk_windows)], axis=1)
            n_windows = int((3000.0 - t0 - 100.0) // 10.0) + 1
            self.assertEqual(got.shape, (P, n_windows))
            for k in range(0, n_windows, 7):
                a = t0 + 10.0 * k
                active = np.unique(ids[(times >= a) & (times < a + 100.0)])
                for p in range(P):
                    m = indices[splits[p]:splits[p + 1]]
                    want = np.isin(m, active).mean() if len(m) else 0.0
                    self.assertAlmostEqual(got[p, k], want, msg=(chunk_windows, k, p))

    def test_replay_statistics(self):
        pats = np.array([0, 1, 1, 2, 0, 3])
        start_ms = np.array([100.0, 300.0, 400.0, 1000.0, 1500.0, 1900.0])
        ev = {"pattern": pats, "start_ms": start_ms, "start": (start_ms / 10).astype(int),
              "duration": np.array([10, 12, 14, 16, 18, 20]), "duration_ms": np.array([100, 120, 140, 160, 180, 200.0]),
              "t_start": 0.0, "t_stop": 2000.0, "P": 5, "counts": np.bincount(pats, minlength=5)}
        st = bf.replay_statistics(ev)
        self.assertEqual(st["nunique"], 4)
        self.assertEqual(st["events"], 6)
        # intervals between consecutive events of different patterns: 0.2, 0.6, 0.5, 0.4 s
        self.assertAlmostEqual(st["events_per_s"], 1 / np.mean([0.2, 0.6, 0.5, 0.4]))
        self.assertAlmostEqual(st["mean_duration_ms"], 150.0)
        p = np.array([2, 2, 1, 1]) / 6
        self.assertAlmostEqual(st["entropy"], -(p * np.log(p)).sum())

    def test_entropy_extrapolation(self):
        # S_k = S_inf - a/k - b/k^2 exactly: NNLS recovers S_inf.
        k = np.array([100.0, 200.0, 300.0, 400.0])
        s = 3.0 - 5.0 / k - 20.0 / k ** 2
        a = np.stack([np.ones_like(k), -1 / k, -1 / k ** 2], axis=1)
        x = bf.nnls(a, s)
        np.testing.assert_allclose(x, [3.0, 5.0, 20.0], rtol=1e-8)
        # Uniform sampling of 50 patterns: exp(S_inf) close to 50 though the sample entropy is lower.
        rng = np.random.default_rng(3)
        n_ev = 400
        pats = rng.integers(0, 50, size=n_ev)
        start = np.sort(rng.uniform(0, 10000.0, size=n_ev))
        ev = {"pattern": pats, "start_ms": start, "duration_ms": np.ones(n_ev), "duration": np.ones(n_ev),
              "t_start": 0.0, "t_stop": 10000.0, "P": 50, "counts": np.bincount(pats, minlength=50)}
        st = bf.replay_statistics(ev)
        self.assertLess(np.exp(st["entropy"]), st["exp_entropy_inf"] + 1e-9)
        self.assertLess(abs(st["exp_entropy_inf"] - 50), 6)


class McdTest(unittest.TestCase):
    def test_recovers_clean_gaussian_under_contamination(self):
        rng = np.random.default_rng(4)
        B, n = 6, 4000
        mu = np.array([6.6, 12.2])
        sd = np.array([1.6, 3.2])
        rho = 0.2
        cov = np.array([[sd[0] ** 2, rho * sd[0] * sd[1]], [rho * sd[0] * sd[1], sd[1] ** 2]])
        x = rng.multivariate_normal(mu, cov, size=(B, n))
        bad = rng.random((B, n)) < 0.15  # 15 % outliers far away
        x[bad] = rng.multivariate_normal([30.0, 2.0], np.eye(2), size=bad.sum())
        m, c = bf.fast_mcd(x)
        for b in range(B):
            np.testing.assert_allclose(m[b], mu, atol=0.15)
            np.testing.assert_allclose(np.sqrt(np.diag(c[b])), sd, rtol=0.06)
            self.assertLess(abs(c[b, 0, 1] / np.sqrt(c[b, 0, 0] * c[b, 1, 1]) - rho), 0.06)
        # the classical estimate is far off
        self.assertGreater(abs(x[0].mean(axis=0)[0] - mu[0]), 2.0)


def write_run(path, t_end, pops, patterns=None):
    """A minimal run file in balnet's layout: {name: (size, times ms, ids)} spikes sorted by time."""
    import h5py
    with h5py.File(path, "w") as f:
        f.attrs["t_end"] = t_end
        f.attrs["t_stop"] = t_end
        first = 0
        for name, (size, t, i) in pops.items():
            o = np.argsort(t, kind="stable")
            g = f.create_group("spikes/" + name)
            g["timestamps"] = np.asarray(t, float)[o]
            g["node_ids"] = np.asarray(i, np.uint64)[o]
            g.attrs["sorting"] = np.uint8(2)
            pg = f.create_group("populations/" + name)
            pg.attrs["size"] = np.uint64(size)
            pg.attrs["first_gid"] = np.uint64(first)
            first += size
        if patterns is not None:
            idx, splits = patterns
            g = f.create_group("patterns")
            g["indices"] = np.asarray(idx, np.uint32)
            g["splits"] = np.asarray(splits, np.uint64)
            g.attrs["population"] = "E"


class FileTest(unittest.TestCase):
    def setUp(self):
        import tempfile
        self.dir = tempfile.mkdtemp()

    def test_rates_and_fano_against_direct_counts(self):
        rng = np.random.default_rng(5)
        t, i = synthetic(50, 3000.0, 8.0, [], np.zeros(0, np.int64), np.array([0]), rng)
        path = os.path.join(self.dir, "r.h5")
        write_run(path, 3000.0, {"E": (50, t, i), "I": (5, np.array([10.0]), np.array([0]))})
        rate, fano = bf.rates_and_fano(path, "E", t_start=500.0, chunk=700.0)
        sel = t >= 500.0
        c = np.zeros((50, 25))
        np.add.at(c, (i[sel], ((t[sel] - 500.0) // 100).astype(int)), 1)
        np.testing.assert_allclose(rate, c.sum(axis=1) / 2.5)
        with np.errstate(invalid="ignore"):
            np.testing.assert_allclose(fano, c.var(axis=1) / c.mean(axis=1))

    def test_replay_from_a_file(self):
        rng = np.random.default_rng(6)
        n, P = 300, 12
        indices, splits = make_patterns(n, P, 30, rng)
        t, i = synthetic(n, 6000.0, 1.0, [(4, 2000.0, 90.0), (9, 4000.0, 90.0)], indices, splits, rng)
        path = os.path.join(self.dir, "s.h5")
        write_run(path, 6000.0, {"E": (n, t, i)}, (indices, splits))
        ev = bf.detect_activations(path, discard=1000.0)
        self.assertEqual(list(ev["pattern"]), [4, 9])
        self.assertEqual(list(ev["counts"][[4, 9]]), [1, 1])

    def test_linear_sensitivity(self):
        # Neuron 0: count 4 + k in the k-th E-channel window and 12 - k in the k-th I-channel
        # window (A_k = -0.35 + 0.1 k): slopes +10 and -10 per nS, intercepts 7.5 and 8.5.
        t0, reps = 200.0, 3
        times = []
        for r in range(reps):
            for slot in range(16):
                k = slot % 8
                n = 4 + k if slot < 8 else 12 - k
                start = t0 + (r * 16 + slot) * 500.0
                times += list(start + np.linspace(1.0, 99.0, n))
                times += [start + 150.0, start + 300.0]  # outside the window: ignored
        path = os.path.join(self.dir, "p.h5")
        write_run(path, t0 + reps * 8000.0, {"E": (1, np.array(times), np.zeros(len(times), int))})
        ae, ai, rate, R = bf.linear_sensitivity(path, "E", t0=t0)
        self.assertEqual(R, reps)
        self.assertAlmostEqual(ae[0], 10.0, places=6)
        self.assertAlmostEqual(ai[0], -10.0, places=6)
        self.assertAlmostEqual(rate[0], 8.0, places=6)


class ScheduleTest(unittest.TestCase):
    def test_weak_schedule(self):
        rows = bf.weak_schedule(2)
        self.assertEqual(len(rows), 32)
        self.assertEqual(rows[0][:2], (4000.0, 4100.0))
        self.assertAlmostEqual(rows[7][2], 0.35)
        self.assertEqual(rows[8][2], 0.0)
        self.assertAlmostEqual(rows[8][3], -0.7)
        self.assertEqual(rows[-1][1], 4000.0 + 31 * 500 + 100)

    def test_cues(self):
        indices = np.arange(30)
        splits = np.array([0, 12, 20, 30])
        rows = bf.cue_schedule(indices, splits, members=10)
        self.assertEqual(rows[0].split()[:3], ["1000", "1100", "10000"])
        self.assertEqual(len(rows[0].split()), 13)
        self.assertEqual(len(rows[1].split()), 11)  # only 8 members
        self.assertEqual(rows[2].split()[0], "3000")


if __name__ == "__main__":
    unittest.main()

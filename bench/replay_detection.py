#!/usr/bin/env python3
"""Speed of the assembly-activation detection of tools/barta2025.py (MODELS.md §2.8) at the
size of project 2's headline network: 8000 E cells firing Poisson at 5.4 Hz, P = 1000
patterns of 80 members, plus injected replays (every member of a random pattern fires once
per 30 ms for 150 ms, 5 per second). Prints the time per simulated second and the projected
time for the protocol's 10,000 s of spontaneous activity, and checks that the injected replays
are found. Spikes are generated in memory (reading them from a run file adds the HDF5 time).

Usage: /usr/bin/python3 bench/replay_detection.py [SECONDS_OF_DATA]   (default 60)
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import barta2025 as bf  # noqa: E402


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    T = seconds * 1000.0
    rng = np.random.default_rng(0)
    n, P, size = 8000, 1000, 80
    idx = [np.sort(rng.choice(n, size=size, replace=False)) for _ in range(P)]
    splits = np.concatenate([[0], np.cumsum([len(i) for i in idx])]).astype(np.int64)
    indices = np.concatenate(idx)
    cnt = rng.poisson(5.4 * seconds, size=n)
    ids = [np.repeat(np.arange(n), cnt)]
    times = [rng.uniform(0, T, size=cnt.sum())]
    starts = np.arange(500.0, T - 500.0, 200.0)  # one replay every 200 ms
    pats = rng.integers(0, P, size=len(starts))
    for p, t in zip(pats, starts):
        m = indices[splits[p]:splits[p + 1]]
        for t0 in (t, t + 30.0, t + 60.0, t + 90.0, t + 120.0):
            ids.append(m)
            times.append(t0 + rng.uniform(0, 30.0, size=len(m)))
    ids, times = np.concatenate(ids), np.concatenate(times)
    o = np.argsort(times, kind="stable")
    times, ids = times[o], ids[o]

    def chunks(a, b):
        i0, i1 = np.searchsorted(times, a), np.searchsorted(times, b)
        return times[i0:i1], ids[i0:i1]

    t0 = time.perf_counter()
    found, start, dur = bf.detect_events(bf.activation_traces(chunks, indices, splits, n, 0.0, T))
    wall = time.perf_counter() - t0
    hit = sum(1 for p, t in zip(pats, starts) if np.any((found == p) & (np.abs(start * 10.0 - t) <= 100.0)))
    print("data: %.0f s, %d cells, %d spikes (%.1f Hz per cell incl. replays), P = %d x %d members"
          % (seconds, n, len(times), len(times) / n / seconds, P, size))
    print("detection: %.2f s wall = %.4f s per simulated s -> %.1f min per 10,000 s"
          % (wall, wall / seconds, wall / seconds * 10000.0 / 60.0))
    print("events: %d detected; injected replays found: %d of %d" % (len(found), hit, len(starts)))
    return 0 if hit == len(starts) else 1


if __name__ == "__main__":
    sys.exit(main())

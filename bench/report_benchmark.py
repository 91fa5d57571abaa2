#!/usr/bin/python3
"""Speed of the analysis tools (docs/analysis.md), on one core.

    bench/report_benchmark.py [--run RUN.h5 | --neurons 10000 --t-stop 100000]
                              [--long 10000] [--full-matrix] [--out bench_report]

1. balnet-report on a 10,000-neuron, 100-s run (target: under a minute on one core). By
   default the run file is synthetic (balnet's layout and project 1's config at N = 10,000,
   independent Poisson spikes at 5.8 Hz (E) and 15.9 Hz (I)); --run takes a real one.
   The report runs in a subprocess pinned to one core (taskset) with one BLAS thread.
2. --long S: project 1's pair-averaged spike-count covariance and correlation over
   10,000 neurons x S seconds (default 10,000 s = 5.8e8 spikes), streamed in window-aligned
   chunks of 100 s generated on the fly (balnet_analysis.pair_averages).
3. --full-matrix: the 10,000 x 10,000 covariance matrix of the 100-s run
   (balnet_analysis.spike_count_cov), whose cost is set by numpy's BLAS.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time

import h5py
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import balnet_analysis as ba  # noqa: E402

RATES = {"E": 99.0 / 17.0, "I": 270.0 / 17.0}  # the balanced-state rates of akil2021_static


def synthetic_run(path, neurons, t_stop, seed=1):
    """A run file in balnet's layout with Poisson spikes (80 % E, 20 % I) on the dt grid."""
    rng = np.random.default_rng(seed)
    with open(os.path.join(ROOT, "configs", "akil2021_static.ini")) as f:
        cfg = f.read().replace("N = 5000", "N = %d" % neurons).replace("t_stop = 2000", "t_stop = %g" % t_stop)
    sizes = {"E": int(0.8 * neurons), "I": neurons - int(0.8 * neurons)}
    steps = int(round(t_stop / 0.1))
    with h5py.File(path, "w") as f:
        for k, v in (("dt", 0.1), ("t_stop", t_stop), ("t_end", t_stop)):
            f.attrs[k] = v
        f.attrs["status"] = "complete"
        f.attrs["seed"] = np.uint64(seed)
        f.attrs["ranks"] = np.int64(1)
        f.create_dataset("config/resolved", data=cfg.encode())
        rg = f.create_group("rates")
        rg.attrs["bin"] = 1.0
        rg.attrs["t_start"] = 0.0
        first = 0
        for name, n in sizes.items():
            counts = rng.poisson(RATES[name] * t_stop * 1e-3, size=n)
            ids = np.repeat(np.arange(n, dtype=np.uint64), counts)
            st = rng.integers(0, steps, size=counts.sum())
            order = np.lexsort((ids, st))
            g = f.create_group("spikes/" + name)
            g.create_dataset("timestamps", data=st[order] * 0.1, chunks=True)
            g.create_dataset("node_ids", data=ids[order], chunks=True)
            g.attrs["sorting"] = np.uint8(2)
            p = f.create_group("populations/" + name)
            p.attrs["size"] = np.uint64(n)
            p.attrs["first_gid"] = np.uint64(first)
            p.attrs["model"] = "eif"
            first += n
            rg.create_dataset(name, data=np.bincount(st // 10, minlength=steps // 10)[:steps // 10] / (n * 1e-3))
    return sum(sizes.values())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", default=None, help="a real run file instead of the synthetic one")
    ap.add_argument("--neurons", type=int, default=10000)
    ap.add_argument("--t-stop", type=float, default=100000.0, help="ms of the synthetic run (default 100 s)")
    ap.add_argument("--long", type=float, default=0.0, metavar="S", help="seconds of the streamed covariance "
                    "benchmark (e.g. 10000; 0: skip)")
    ap.add_argument("--full-matrix", action="store_true", help="time the full N x N covariance matrix")
    ap.add_argument("--out", default="bench_report")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    path = a.run
    if path is None:
        path = os.path.join(a.out, "synthetic_%d_%gs.h5" % (a.neurons, a.t_stop / 1000))
        t0 = time.time()
        synthetic_run(path, a.neurons, a.t_stop)
        print("wrote %s (%d neurons, %g s) in %.1f s" % (path, a.neurons, a.t_stop / 1000, time.time() - t0))
    cmd = [sys.executable, os.path.join(ROOT, "tools", "balnet-report"), path, "--out", os.path.join(a.out, "report"),
           "--quiet"]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0"] + cmd
    t0 = time.time()
    subprocess.run(cmd, check=True, env=env)
    wall = time.time() - t0
    with h5py.File(path, "r") as f:
        spikes = sum(f["spikes"][p]["timestamps"].shape[0] for p in f["spikes"])
    print("balnet-report: %.1f s wall on one core for %d spikes (%s)" % (wall, spikes, " ".join(cmd)))

    if a.long > 0:
        n = a.neurons
        ne = int(0.8 * n)
        chunk = 100000.0
        t_stop = a.long * 1000.0

        gen_time = [0.0]

        def factory(size, rate, salt):
            # Superposition of `size` Poisson trains: exponential gaps at size x rate, each
            # spike given to a uniformly drawn neuron (sorted by construction, on the dt grid).
            def chunks():
                for k, c0 in enumerate(np.arange(0.0, t_stop, chunk)):
                    t_gen = time.time()
                    rng = np.random.default_rng([salt, k])
                    total = rng.poisson(size * rate * chunk * 1e-3)
                    t = np.cumsum(rng.exponential(1.0, total))
                    t = c0 + np.floor(t * (chunk / 0.1) / (t[-1] + rng.exponential(1.0))) * 0.1
                    ids = rng.integers(0, size, total)
                    gen_time[0] += time.time() - t_gen
                    yield t, ids
            return chunks

        groups = [(factory(ne, RATES["E"], 1), ne), (factory(n - ne, RATES["I"], 2), n - ne)]
        t0 = time.time()
        pa = ba.pair_averages(groups, 0.0, t_stop, 250.0)
        wall = time.time() - t0
        total = int(round(n * (0.8 * RATES["E"] + 0.2 * RATES["I"]) * a.long))
        print("pair_averages: %d neurons x %g s (about %.2g spikes, %d windows, two passes): %.1f s of analysis "
              "(+ %.1f s generating the spikes); mean correlation %s" % (
                  n, a.long, total, pa["windows"], wall - gen_time[0], gen_time[0],
                  np.round(pa["corr"], 5).tolist()))

    if a.full_matrix:
        import balnet_reader
        with balnet_reader.Run(path) as run:
            groups = [run.spikes(p, 0.0, run.t_end) for p in ("E", "I")]
            t_end = run.t_end
        times = np.concatenate([g.times for g in groups])
        ids = np.concatenate([groups[0].ids, groups[1].ids + groups[0].size])
        n = groups[0].size + groups[1].size
        t0 = time.time()
        C = ba.spike_count_cov(times, ids, n, 0.0, t_end, 250.0)
        print("spike_count_cov: full %d x %d matrix over %d windows in %.1f s (numpy BLAS: %s)" % (
            n, n, ba.count_windows(0.0, t_end, 250.0), time.time() - t0, _blas()))
        del C


def _blas():
    try:
        cfg = np.__config__.blas_opt_info  # numpy < 1.26
        return ",".join(cfg.get("libraries", [])) or "?"
    except AttributeError:
        return "?"


if __name__ == "__main__":
    main()

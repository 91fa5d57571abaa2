#!/usr/bin/python3
"""Project 5's first-order mean field against balnet's RS-FS network (MODELS.md 5.7, 5.8).

1. Fits the transfer functions of RecExc and RecInh from balnet single-cell runs
   (tools/balnet-meanfield fit) unless --tf gives them.
2. Stationary check (works with the engine as it is): the network of
   tests/validation/zerlaut_rsfs_constant.ini at several constant afferent rates against the
   mean field's fixed points.
3. With --time-varying configs/zerlaut_rsfs.ini (the bump drive 4 + 4 exp(-(t-1000)^2 /
   (2 100^2)) Hz, issue 4's inhomogeneous_poisson input): the network's population rates
   against the mean field integrated through the bump (rmse, correlation, peaks).

    tests/validation/zerlaut_meanfield.py [--out zerlaut_mf] [--tf tf.json] [--adaptation]
        [--drives 4,6,8] [--t-stop 4000] [--burn-in 1500] [--time-varying configs/zerlaut_rsfs.ini]

--adaptation fits the transfer functions without adaptation and carries the adaptation
current as a mean-field variable (balnet-meanfield fit --adaptation).

Writes OUT/tf.json, OUT/zerlaut_meanfield.{json,png} (and OUT/bump.png). Not a CI test:
about two minutes on two cores (docs/analysis.md)."""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import balnet_meanfield as bmf  # noqa: E402
from balnet_reader import Run  # noqa: E402


def run_network(exe, config, out, ranks, sets):
    cmd = [os.environ.get("MPIEXEC", "mpirun"), "-n", str(ranks), exe, "run", config, "-q", "--output", out]
    for s in sets:
        cmd += ["--set", s]
    t0 = time.time()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.time() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", default=os.path.join(ROOT, "tests", "validation", "zerlaut_rsfs_constant.ini"))
    ap.add_argument("--drives", default="4,6,8", help="constant afferent rates (Hz) of the stationary check "
                    "(params.nu_aff of --config; empty: skip)")
    ap.add_argument("--t-stop", type=float, default=4000.0)
    ap.add_argument("--burn-in", type=float, default=1500.0, help="ms before the stationary average (tau_w = 500 ms)")
    ap.add_argument("--tf", default=None, help="transfer functions to reuse (default: fit them)")
    ap.add_argument("--time-varying", default=None, metavar="CONFIG", help="e.g. configs/zerlaut_rsfs.ini")
    ap.add_argument("--tv-burn-in", type=float, default=200.0)
    ap.add_argument("--adaptation", action="store_true", help="fit without adaptation and carry the adaptation "
                    "current as a mean-field variable (balnet-meanfield fit --adaptation)")
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--out", default="zerlaut_mf")
    ap.add_argument("--balnet", default=None)
    a = ap.parse_args(argv)
    exe = bmf.find_balnet(a.balnet)
    if exe is None:
        sys.exit("balnet executable not found (--balnet PATH)")
    os.makedirs(a.out, exist_ok=True)
    with open(a.config) as f:
        text = f.read()
    if a.tf:
        tf = bmf.load(a.tf)
    else:
        t0 = time.time()
        tf = bmf.fit(text, balnet=exe, ranks=a.ranks, log=print, adaptation=a.adaptation)
        bmf.save(tf, os.path.join(a.out, "tf.json"))
        print("fit took %.1f s" % (time.time() - t0))
        for p, d in tf["populations"].items():
            print("  %s: %d points, |F - nu_out| mean %.3g Hz, max %.3g Hz" % (
                p, d["points_used"], d["mean_abs_error_hz"], d["max_abs_error_hz"]))
    result = {"config": a.config, "t_stop": a.t_stop, "burn_in": a.burn_in, "stationary": []}
    print("\n%8s %-8s %12s %12s %9s %9s" % ("nu_aff", "pop", "network (Hz)", "mean field", "ratio", "wall (s)"))
    for nu in [float(x) for x in a.drives.split(",") if x.strip()]:
        out = os.path.join(a.out, "rsfs_nu%g.h5" % nu)
        wall = run_network(exe, a.config, out, a.ranks, ["params.nu_aff=%g" % nu, "run.t_stop=%g" % a.t_stop])
        with Run(out) as run:
            mf = bmf.MeanField(run.config_text, tf)
            fp = mf.fixed_point(0.0, relax=1000.0)
            row = {"nu_aff": nu, "wall": wall, "network": {}, "meanfield": fp}
            for p in mf.names:
                t, r = run.rates(p)
                row["network"][p] = float(r[t >= a.burn_in].mean())
                print("%8g %-8s %12.3f %12.3f %9.3f %9.1f" % (nu, p, row["network"][p], fp[p], fp[p] / row["network"][p],
                                                            wall))
        result["stationary"].append(row)
    if a.time_varying:
        out = os.path.join(a.out, "rsfs_bump.h5")
        wall = run_network(exe, a.time_varying, out, a.ranks, [])
        with Run(out) as run:
            summary, arrays = bmf.compare_with_run(run, tf, a.tv_burn_in)
        summary["wall"] = wall
        result["time_varying"] = summary
        bmf.plot(arrays, os.path.join(a.out, "bump.png"),
                 "first-order mean field%s vs network" % (" with adaptation" if tf.get("adaptation") else ""))
        print("\ntime-varying drive (%s):" % a.time_varying)
        for p, d in summary["populations"].items():
            print("  %-8s rmse %.3g Hz, correlation %.3f, mean %.3g (mf) vs %.3g Hz, peak %.3g vs %.3g Hz "
                  "at %.0f vs %.0f ms" % (p, d["rmse"], d["correlation"], d["mean_mf"], d["mean_network"],
                                          d["peak_mf"], d["peak_network"], d["peak_time_mf"], d["peak_time_network"]))
    with open(os.path.join(a.out, "zerlaut_meanfield.json"), "w") as f:
        json.dump(result, f, indent=1)
    if result["stationary"]:
        plot(result, tf, text, os.path.join(a.out, "zerlaut_meanfield.png"))
    print("wrote %s" % os.path.join(a.out, "zerlaut_meanfield.{json,png}"))


def plot(result, tf, text, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    mf = bmf.MeanField(text, tf)
    drives = np.linspace(2, 10, 17)
    curve = {p: [] for p in mf.names}
    nu = None
    for d in drives:  # fixed points along the drive, continued from the previous one
        for s in (src for p in mf.names for src in mf.sources[p] if src.population is None):
            s.rate_text = repr(float(d))
        nu = mf.fixed_point(0.0, relax=1000.0, nu0=nu)
        for p in mf.names:
            curve[p].append(nu[p])
    for k, p in enumerate(mf.names):
        c = "C%d" % k
        axes[0].plot(drives, curve[p], "-", color=c, label="%s mean field" % p)
        xs = [r["nu_aff"] for r in result["stationary"]]
        ys = [r["network"][p] for r in result["stationary"]]
        axes[0].plot(xs, ys, "o", color=c, label="%s network" % p)
    axes[0].set_xlabel("afferent rate (Hz)")
    axes[0].set_ylabel("stationary rate (Hz)")
    axes[0].set_title("RS-FS: mean-field fixed points vs network")
    axes[0].legend(fontsize=8)
    for k, (p, d) in enumerate(tf["populations"].items()):
        nu_out, nu_fit = np.array(d["nu_out"]), np.array(d["nu_fit"])
        axes[1].plot(nu_out, nu_fit, ".", color="C%d" % k, ms=3, label=p)
    lim = max(max(d["nu_out"]) for d in tf["populations"].values())
    axes[1].plot([0, min(lim, 60)], [0, min(lim, 60)], "k:", lw=1)
    axes[1].set_xlim(0, 60)
    axes[1].set_ylim(0, 60)
    axes[1].set_xlabel("single-cell rate, balnet (Hz)")
    axes[1].set_ylabel("fitted transfer function (Hz)")
    axes[1].set_title("transfer-function fit")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()

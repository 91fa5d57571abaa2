#!/usr/bin/python3
"""Project 1's static balanced network (configs/akil2021_static.ini) at several sizes N: the
simulated population rates approach the balanced-state prediction r = -W^-1 W_X r_X
(5.82 / 15.88 Hz, `balnet theory`) as N grows, with a deviation shrinking like 1/sqrt(N).

    tests/validation/akil_scaling.py [--N 1000,2000,3000,5000,10000] [--t-stop 3000]
        [--burn-in 500] [--ranks 2] [--seeds 1] [--out akil_scaling] [--set S.K=V ...]

Writes OUT/akil_scaling.png (rates vs N beside the theory; relative deviation vs N) and
OUT/akil_scaling.json, and prints a table with the wall time of each run. Not a CI test:
the default runs take a few minutes on two cores (docs/analysis.md)."""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from balnet_reader import Run  # noqa: E402
from balnet_report import find_balnet  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", default=os.path.join(ROOT, "configs", "akil2021_static.ini"))
    ap.add_argument("--N", default="1000,2000,3000,5000,10000", help="comma-separated network sizes")
    ap.add_argument("--t-stop", type=float, default=3000.0, help="simulated ms per run (default 3000)")
    ap.add_argument("--burn-in", type=float, default=500.0, help="ms discarded (default 500)")
    ap.add_argument("--ranks", type=int, default=2, help="MPI ranks per run (default 2)")
    ap.add_argument("--seeds", type=int, default=1, help="realisations per size (default 1)")
    ap.add_argument("--out", default="akil_scaling", help="output folder")
    ap.add_argument("--set", action="append", default=[], metavar="S.K=V",
                    help="config override passed to balnet run and balnet theory (repeatable), e.g. "
                         "--set params.jee=3 --set params.jei=-100 (the Kohonen network's weights)")
    ap.add_argument("--balnet", default=None)
    a = ap.parse_args(argv)
    exe = find_balnet(a.balnet)
    if exe is None:
        sys.exit("balnet executable not found (--balnet PATH)")
    os.makedirs(a.out, exist_ok=True)
    sizes = [int(x) for x in a.N.split(",")]
    overrides = [x for kv in a.set for x in ("--set", kv)]
    theory = json.loads(subprocess.run([exe, "theory", a.config, "--json"] + overrides, check=True, capture_output=True,
                                       text=True).stdout)
    r_inf = theory["fixed_points"][0]["rates"]
    rows = []
    print("%7s %5s %10s %10s %10s %10s %9s" % ("N", "seed", "r_E (Hz)", "r_I (Hz)", "r_E/r_inf", "r_I/r_inf",
                                                 "wall (s)"))
    for N in sizes:
        for seed in range(1, a.seeds + 1):
            out = os.path.join(a.out, "akil_N%d_s%d.h5" % (N, seed))
            cmd = [os.environ.get("MPIEXEC", "mpirun"), "-n", str(a.ranks), exe, "run", a.config, "-q",
                   "--set", "params.N=%d" % N, "--set", "run.t_stop=%g" % a.t_stop, "--seed", str(seed),
                   "--output", out] + overrides
            t0 = time.time()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            wall = time.time() - t0
            with Run(out) as run:
                rates = {}
                for p in ("E", "I"):
                    t, r = run.rates(p)
                    rates[p] = float(r[t >= a.burn_in].mean())
                wall_run = float(run.attrs.get("wall_run", np.nan))
            rows.append({"N": N, "seed": seed, "rates": rates, "wall": wall, "wall_run": wall_run})
            print("%7d %5d %10.3f %10.3f %10.3f %10.3f %9.1f" % (N, seed, rates["E"], rates["I"],
                                                                 rates["E"] / r_inf["E"], rates["I"] / r_inf["I"], wall))
    result = {"config": a.config, "set": a.set, "t_stop": a.t_stop, "burn_in": a.burn_in, "ranks": a.ranks, "theory": r_inf,
              "runs": rows}
    with open(os.path.join(a.out, "akil_scaling.json"), "w") as f:
        json.dump(result, f, indent=1)
    plot(result, os.path.join(a.out, "akil_scaling.png"))
    print("theory (N -> infinity): r_E = %.3f Hz, r_I = %.3f Hz" % (r_inf["E"], r_inf["I"]))
    print("wrote %s, %s" % (os.path.join(a.out, "akil_scaling.json"), os.path.join(a.out, "akil_scaling.png")))


def plot(result, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    th = result["theory"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for p, c in (("E", "tab:red"), ("I", "tab:blue")):
        Ns = np.array([r["N"] for r in result["runs"]], float)
        rs = np.array([r["rates"][p] for r in result["runs"]])
        axes[0].plot(Ns, rs, "o", color=c, label="%s simulated" % p)
        axes[0].axhline(th[p], color=c, ls="--", label="%s theory %.2f Hz" % (p, th[p]))
        uniq = np.unique(Ns)
        mean = np.array([rs[Ns == n].mean() for n in uniq])
        axes[0].plot(uniq, mean, "-", color=c, lw=1)
        dev = np.abs(mean - th[p]) / th[p]
        axes[1].loglog(uniq, dev, "o-", color=c, label=p)
    uniq = np.unique([r["N"] for r in result["runs"]]).astype(float)
    if len(uniq):
        first = np.abs(np.mean([r["rates"]["E"] for r in result["runs"] if r["N"] == uniq[0]]) - th["E"]) / th["E"]
        axes[1].loglog(uniq, first * np.sqrt(uniq[0] / uniq), "k:", label=r"$\propto 1/\sqrt{N}$")
    axes[0].set_xscale("log")
    axes[0].set_xlabel("N")
    axes[0].set_ylabel("rate after burn-in (Hz)")
    name = os.path.splitext(os.path.basename(result["config"]))[0]
    if result.get("set"):
        name += " (" + ", ".join(kv.split(".")[-1] for kv in result["set"]) + ")"
    axes[0].set_title("%s: simulated vs balanced-state rates" % name, fontsize=10)
    axes[0].legend(fontsize=8)
    axes[1].set_xlabel("N")
    axes[1].set_ylabel("|r - r_theory| / r_theory")
    axes[1].set_title("deviation from the N -> infinity prediction")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()

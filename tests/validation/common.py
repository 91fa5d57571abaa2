"""Helpers shared by balnet's validation scripts: run balnet, read its file, report checks."""
import argparse
import os
import shlex
import subprocess
import sys
import time

import h5py
import numpy as np


def arguments(description):
    here = os.path.dirname(os.path.abspath(__file__))
    source = os.path.dirname(os.path.dirname(here))
    p = argparse.ArgumentParser(description=description)
    form = p.add_mutually_exclusive_group()
    form.add_argument("--short", action="store_true", help="the short form run in CI")
    form.add_argument("--full", action="store_true", help="the full validation (default)")
    p.add_argument("--balnet", default=os.path.join(source, "build", "balnet"), help="balnet executable")
    p.add_argument("--ranks", type=int, default=1, help="MPI ranks per run (default 1)")
    p.add_argument("--mpirun", default=os.environ.get("MPIEXEC", "mpirun"), help="mpirun command")
    p.add_argument("--workdir", default=".", help="folder for the output files (created if missing)")
    p.add_argument("--only", nargs="*", help="run only these experiments")
    a = p.parse_args()
    a.configs = os.path.join(source, "configs")
    os.makedirs(a.workdir, exist_ok=True)
    return a


class report:
    def __init__(self, title):
        self.title = title
        self.failures = 0
        self.lines = []
        print("== " + title, flush=True)

    def check(self, name, value, target, tol, relative=False, note=""):
        err = abs(value - target)
        limit = tol * abs(target) if relative else tol
        ok = err <= limit
        self.failures += 0 if ok else 1
        tol_text = ("%g %%" % (100 * tol)) if relative else ("%g" % tol)
        line = "%-34s %10.4g  target %10.4g +- %-8s %s%s" % (name, value, target, tol_text,
                                                            "ok" if ok else "FAIL", ("  " + note) if note else "")
        print(line, flush=True)
        self.lines.append(line)
        return ok

    def condition(self, name, ok, detail):
        self.failures += 0 if ok else 1
        line = "%-34s %s  %s" % (name, "ok" if ok else "FAIL", detail)
        print(line, flush=True)
        self.lines.append(line)
        return ok

    def info(self, text):
        print("   " + text, flush=True)

    def finish(self):
        print("== %s: %s" % (self.title, "all checks passed" if self.failures == 0 else "%d check(s) failed" % self.failures))
        return 1 if self.failures else 0


def run_balnet(args, config, output, sets):
    cmd = []
    if args.ranks > 1:
        cmd += shlex.split(args.mpirun) + ["-n", str(args.ranks)]
    cmd += [args.balnet, "run", os.path.join(args.configs, config), "-q", "--output",
            os.path.join(args.workdir, output)]
    for s in sets:
        cmd += ["--set", s]
    t0 = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.time() - t0
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        raise SystemExit("balnet failed: " + " ".join(shlex.quote(c) for c in cmd))
    print("   ran %s in %.1f s wall: %s" % (output, wall, " ".join(shlex.quote(c) for c in cmd[cmd.index("run"):])),
          flush=True)
    return h5py.File(os.path.join(args.workdir, output), "r"), wall


def rate(f, population, t0_ms, t1_ms=None):
    """Mean population rate (Hz) between t0 and t1 from the file's 1-ms (or other) rate bins."""
    g = f["rates"]
    r = g[population][:]
    b = g.attrs["bin"]
    i0 = int(round(t0_ms / b))
    i1 = len(r) if t1_ms is None else int(round(t1_ms / b))
    return float(np.mean(r[i0:i1]))


def balanced_rates(W, WX, rx):
    """Leading-order balanced-state rates r = -W^-1 W_X r_X (Hz)."""
    return -np.linalg.solve(np.array(W, float), np.array(WX, float) * rx)

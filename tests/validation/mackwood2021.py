#!/usr/bin/python3
"""Validation of project 3 (Mackwood, Naumann & Sprekeler 2021) against the relational targets
of MODELS.md 3.7 / T7, with a REDUCED training.

    /usr/bin/python3 tests/validation/mackwood2021.py [--trials 3] [--eta-scale 1] [--cells 6]
                          [--ranks 2] [--workdir DIR] [--balnet build/balnet] [--skip-learn] [--skip-runs]

Step 1: configs/mackwood2021_approximate.ini (512 E, 64 I, 1728 stimuli, APPROXIMATE rules,
reference learning rates 1e-5) with rates.n_trials = --trials (default 3, instead of the
paper's 500) for NEITHER, BOTH, EXC and INH on --ranks ranks.
Step 2: configs/mackwood2021_perturb.ini on step 1's BOTH network with --cells perturbed cells
(default 6, instead of 90).
Then tools/rates_report.py writes the figures and these checks run:
  cotuning   BOTH's Spearman E/I input co-tuning (mean cc) after training is higher than
             NEITHER's, EXC's and INH's
  osi_i      BOTH's mean I-cell OSI is higher than NEITHER's, EXC's and INH's
  perturb    the perturbation curve is negative in the highest-correlation bin
  angle      BOTH's mean APPROXIMATE-vs-gradient angle (true gradient every 100th
             presentation) in the last trial is below 90 degrees for I->E and E->I
Exit status 0 if every check passes. Each step takes a few minutes on a quiet core per rank.
"""
import argparse
import json
import os
import subprocess
import sys

import h5py
import numpy as np

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--cells", type=int, default=6)
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--eta-scale", type=float, default=1.0,
                    help="multiply the learning rates eta_E = eta_I = 1e-5 (a stand-in for more trials)")
    ap.add_argument("--workdir", default="mackwood2021_validation")
    ap.add_argument("--balnet", default=os.path.join(SRC, "build", "balnet"))
    ap.add_argument("--mpirun", default=os.environ.get("MPIEXEC", "mpirun"))
    ap.add_argument("--skip-runs", action="store_true", help="only analyse the files of an earlier call")
    ap.add_argument("--skip-learn", action="store_true", help="reuse the learning run of an earlier call (step 2 only)")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    learn = os.path.join(args.workdir, "learn.h5")
    pert = os.path.join(args.workdir, "perturb.h5")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    mpi = [args.mpirun, "-n", str(args.ranks), args.balnet, "rates"]
    if not args.skip_runs and not args.skip_learn:
        cmd = mpi + [os.path.join(SRC, "configs", "mackwood2021_approximate.ini"), "--set", f"rates.n_trials={args.trials}",
                     "--set", f"rates.plasticity.eta_e={1e-5 * args.eta_scale:g}",
                     "--set", f"rates.plasticity.eta_i={1e-5 * args.eta_scale:g}", "--output", learn]
        print("$", " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True, env=env)
    if not args.skip_runs:
        cmd = mpi + [os.path.join(SRC, "configs", "mackwood2021_perturb.ini"), "--set", f"rates.perturb.network={learn}",
                     "--set", f"rates.perturb.cells={args.cells}", "--output", pert]
        print("$", " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True, env=env)
    for f in (learn, pert):
        subprocess.run([sys.executable, os.path.join(SRC, "tools", "rates_report.py"), f, "--out",
                        os.path.join(args.workdir, "report_" + os.path.basename(f)[:-3])], check=True)
    f = h5py.File(learn, "r")
    after = {c: dict(f[f"rates/{c}/measures_after"].attrs) for c in ("NEITHER", "BOTH", "EXC", "INH")}
    checks = {}
    others = ("NEITHER", "EXC", "INH")
    cc = {c: float(after[c]["cc_mean"]) for c in after}
    osi = {c: float(after[c]["osi_i_mean"]) for c in after}
    checks["cotuning"] = (all(cc["BOTH"] > cc[o] for o in others), f"mean cc after: {json.dumps({k: round(v, 3) for k, v in cc.items()})}")
    checks["osi_i"] = (all(osi["BOTH"] > osi[o] for o in others), f"mean I-cell OSI after: {json.dumps({k: round(v, 3) for k, v in osi.items()})}")
    p = h5py.File(pert, "r")["rates/perturb"]
    mean, sem, centre = p["mean"][()], p["sem"][()], p["bin_centre"][()]
    checks["perturb"] = (mean[-1] < 0, f"highest-correlation bin (centre {centre[-1]:+.3f}): {mean[-1]:+.3e} +- {sem[-1]:.1e}; "
                         f"all bins: {np.array2string(mean, precision=4)}")
    # The E->I rule starts far from the gradient (random E<->I wiring) and aligns as the
    # assemblies form: the check is on the last trial; the whole course is printed.
    d = f["rates/BOTH/diagnostics"]
    per_trial = int(np.prod(f["rates/network/afferents"].shape[:-1]))
    ang = {k: d[k][()].reshape(-1, per_trial) for k in ("angle_ei", "angle_ie")}
    course = {k: [round(float(np.nanmean(t)), 1) for t in v] for k, v in ang.items()}
    last = {k: float(np.nanmean(v[-1])) for k, v in ang.items()}
    checks["angle"] = (last["angle_ei"] < 90 and last["angle_ie"] < 90,
                       f"BOTH mean angle in the last trial: I->E {last['angle_ei']:.1f} deg, E->I {last['angle_ie']:.1f} deg; "
                       f"per trial: I->E {course['angle_ei']}, E->I {course['angle_ie']}")
    failed = 0
    for k, (ok, text) in checks.items():
        print(f"{'PASS' if ok else 'FAIL'} {k}: {text}")
        failed += not ok
    print(f"reduced training: {args.trials} trials (paper: 500), learning rates x {args.eta_scale:g}, "
          f"{args.cells} perturbed cells (paper: 90)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

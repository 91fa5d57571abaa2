#!/usr/bin/python3
"""Project 1's static network (MODELS.md 1.1-1.5) in Brian 2 (C++ standalone) beside balnet
(configs/akil2021_static.ini), same parameters: an independent check of the finite-N rates.

    tests/validation/akil2021_brian2_static.py [--N 5000] [--jee 25] [--jei -150]
        [--t-stop 10000] [--burn-in 2000] [--seed 1] [--workdir DIR] [--no-balnet]

Both simulators draw their own network and Poisson input (different realisations of the same
model), so the rates agree statistically, not bit for bit. `--jee 3 --jei -100` is the
Kohonen network of configs/akil2021_kohonen.ini with its E->E weights frozen at the
leading-order fixed point j_EE* = 3.0 (docs/plasticity.md, "Kohonen E->E at finite N").
Brian 2 needs about 2 minutes at N = 5000 for 10 s (compilation included). Prints one line
per simulator and a JSON summary; not a CI test."""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))


def run_brian2(N, jee, jei, t_stop, burn_in, seed, workdir):
    import brian2 as b2
    from brian2 import Hz, mV, ms
    b2.set_device("cpp_standalone", directory=os.path.join(workdir, "brian2_N%d" % N))
    b2.defaultclock.dt = 0.1 * ms
    b2.seed(seed)
    Ne, Ni, Nx = int(0.8 * N), int(0.2 * N), int(0.2 * N)
    p, scale = 0.1, 1 / np.sqrt(N)
    # C dV/dt with C = 1: currents in mV/ms; a spike adds J/tau (unit-area kernel, MODELS.md 1.2)
    eqs = """
    dV/dt = (-(V - EL) + DeltaT*exp((V - VT)/DeltaT))/taum + Ie + Ii + Ix : volt
    dIe/dt = -Ie/taue : volt/second
    dIi/dt = -Ii/taui : volt/second
    dIx/dt = -Ix/taux : volt/second
    """
    ns = dict(EL=-72 * mV, VT=-55 * mV, DeltaT=1 * mV, taum=15 * ms, taue=8 * ms, taui=4 * ms, taux=10 * ms)
    G = b2.NeuronGroup(Ne + Ni, eqs, threshold="V >= -50*mV", reset="V = -75*mV", method="euler",
                       namespace=ns)
    G.V = "-75*mV + rand()*20*mV"
    E, I = G[:Ne], G[Ne:]
    X = b2.PoissonGroup(Nx, 10 * Hz)
    synapses = []
    for src, tgt, j, var, tau in [(E, E, jee, "Ie", "taue"), (I, E, jei, "Ii", "taui"),
                                  (E, I, 112.5, "Ie", "taue"), (I, I, -250.0, "Ii", "taui"),
                                  (X, E, 180.0, "Ix", "taux"), (X, I, 135.0, "Ix", "taux")]:
        S = b2.Synapses(src, tgt, on_pre="%s_post += %r*mV/%s" % (var, j * scale, tau), namespace=ns)
        S.connect(p=p)  # Bernoulli, autapses allowed (MODELS.md 1.4)
        synapses.append(S)
    mE, mI = b2.SpikeMonitor(E), b2.SpikeMonitor(I)
    net = b2.Network(G, X, mE, mI, *synapses)  # explicit: objects in a list escape the magic network
    t0 = time.time()
    net.run(t_stop * ms)
    wall = time.time() - t0
    T = (t_stop - burn_in) / 1000.0
    tE, tI = np.asarray(mE.t / ms), np.asarray(mI.t / ms)
    return {"E": float((tE >= burn_in).sum() / Ne / T), "I": float((tI >= burn_in).sum() / Ni / T), "wall": wall}


def run_balnet(exe, N, jee, jei, t_stop, burn_in, seed, workdir):
    from balnet_reader import Run
    out = os.path.join(workdir, "balnet_N%d.h5" % N)
    cmd = [exe, "run", os.path.join(ROOT, "configs", "akil2021_static.ini"), "-q", "--seed", str(seed),
           "--set", "params.N=%d" % N, "--set", "params.jee=%r" % jee, "--set", "params.jei=%r" % jei,
           "--set", "run.t_stop=%r" % t_stop, "--set", "record.spikes=none", "--output", out]
    t0 = time.time()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.time() - t0
    rates = {"wall": wall}
    with Run(out) as run:
        for p in ("E", "I"):
            t, r = run.rates(p)
            rates[p] = float(r[t >= burn_in].mean())
    return rates


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--N", type=int, default=5000)
    ap.add_argument("--jee", type=float, default=25.0)
    ap.add_argument("--jei", type=float, default=-150.0)
    ap.add_argument("--t-stop", type=float, default=10000.0, help="simulated ms (default 10000)")
    ap.add_argument("--burn-in", type=float, default=2000.0, help="ms discarded (default 2000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--no-balnet", action="store_true", help="run Brian 2 only")
    ap.add_argument("--balnet", default=None)
    a = ap.parse_args(argv)
    workdir = a.workdir or tempfile.mkdtemp(prefix="akil_brian2_")
    os.makedirs(workdir, exist_ok=True)
    theory = None
    result = {"N": a.N, "jee": a.jee, "jei": a.jei, "t_stop": a.t_stop, "burn_in": a.burn_in, "seed": a.seed}
    if not a.no_balnet:
        from balnet_report import find_balnet
        exe = find_balnet(a.balnet)
        if exe is None:
            sys.exit("balnet executable not found (--balnet PATH)")
        theory = json.loads(subprocess.run(
            [exe, "theory", os.path.join(ROOT, "configs", "akil2021_static.ini"), "--json",
             "--set", "params.jee=%r" % a.jee, "--set", "params.jei=%r" % a.jei],
            check=True, capture_output=True, text=True).stdout)["fixed_points"][0]["rates"]
        result["theory"] = theory
        result["balnet"] = run_balnet(exe, a.N, a.jee, a.jei, a.t_stop, a.burn_in, a.seed, workdir)
    result["brian2"] = run_brian2(a.N, a.jee, a.jei, a.t_stop, a.burn_in, a.seed, workdir)
    print("%-8s %10s %10s %9s" % ("", "r_E (Hz)", "r_I (Hz)", "wall (s)"))
    for name in ("balnet", "brian2"):
        if name in result:
            r = result[name]
            print("%-8s %10.3f %10.3f %9.1f" % (name, r["E"], r["I"], r["wall"]))
    if theory:
        print("%-8s %10.3f %10.3f   (N -> infinity)" % ("theory", theory["E"], theory["I"]))
    print(json.dumps(result))


if __name__ == "__main__":
    main()

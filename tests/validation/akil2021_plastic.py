#!/usr/bin/python3
"""Validation of project 1 (Akil, Rosenbaum & Josic 2021) against the theory of MODELS.md 1.8
and 6.10 (T1b, T2b, T3, T3b).

Full form (the numbers for the issue's resolving note), from the source folder:

    /usr/bin/python3 tests/validation/akil2021_plastic.py --full --workdir /tmp/val

runs, at N = 5000 unless said otherwise:
  istdp_T2b   akil2021_istdp.ini, variant T2b (I->E iSTDP only, uncorrelated), 200 s:
              r_E -> 10 Hz (+-0.5 Hz over the last 50 s), j_EI -> -119.7 (+-5 %)
  istdp       akil2021_istdp.ini as is (I->E and I->I, c = 0.1), 200 s: rates and weights
              reported (no check) against r_E = 10, r_I = 23 Hz, j_EI = -121.7, j_II = -254.3
  kohonen_T3  akil2021_kohonen.ini, 100 s: j_EE* = 3.0 (+-10 %), r_E 7.5, r_I 18.9 Hz; and
              the synapses onto neurons firing >= 10 Hz at the rule's fixed point
              beta tau r_pre (+-5 %); reports the rate of the same network frozen at
              j_EE = 3.0 (10 s), the finite-N reference (at N = 5000 it fires 19 % below
              the balanced state, so T3 fails there: docs/plasticity.md)
  hebb_T3b    akil2021_hebb_soft.ini, 150 s: j_EE* = 30 (+-10 %), r_E 6.6, r_I 17.3 Hz; and
              the synapses with r_pre r_post >= 20 Hz^2 at jmax = 30 (+-5 %)
  static      akil2021_static.ini at N = 1000, 2000, 5000, 10000 (10 s each, the first 2 s
              discarded): rates approach r = -W^-1 W_X r_X = (5.82, 15.88) Hz as N grows
              (T1b: r_E within 5 %, r_I within 10 % at N = 10000)
Runtime of the full form: about 20 minutes on one quiet core (measured on a shared 2-core
machine: see the resolving note of issue 3).

Short form (CI, about 30 s on one core): T2b, Kohonen, soft Hebbian and static at N = 1000
(static also 4000) with larger learning rates and 20-30 s of simulated time, checking the
rules' own fixed points in the network (r_E = rho, j = beta tau r_pre on converged synapses,
j = jmax on converged synapses) and that the static rates move toward the theory with N.
"""
import sys

import numpy as np

from common import arguments, balanced_rates, rate, report, run_balnet

W = [[2, -3], [9, -5]]
WX = [3.6, 2.7]


def weight_mean(f, recorder, projection, n):
    return float(f["weight_stats/%s/%s/mean" % (recorder, projection)][-1] * np.sqrt(n))


def final_synapses(f, projection, n, population, t0_ms):
    """Final weights (x sqrt N) of a projection with the rates (Hz) of each synapse's pre- and
    postsynaptic neuron after t0, from the last weight snapshot and the spikes."""
    g = f["weight_snapshots/snapshots/" + projection]
    last = g[str(len(g) - 1)]
    pre, post = last["pre"][:].astype(int), last["post"][:].astype(int)
    w = last["weight"][:].astype(float) * np.sqrt(n)
    ids, t = f["spikes/%s/node_ids" % population][:].astype(int), f["spikes/%s/timestamps" % population][:]
    t_end = float(f.attrs["t_end"])
    counts = np.bincount(ids[t >= t0_ms], minlength=f["populations/" + population].attrs["size"])
    r = counts / ((t_end - t0_ms) * 1e-3)
    return w, r[pre], r[post]


def main():
    a = arguments(__doc__)
    short = a.short
    rep = report("akil2021 plastic balanced networks (%s form)" % ("short" if short else "full"))
    want = lambda name: not a.only or name in a.only

    if want("istdp_T2b"):
        N, T = (1000, 30000) if short else (5000, 200000)
        sets = ["run.variant=T2b", "params.N=%d" % N, "run.t_stop=%d" % T]
        if short:
            sets += ["params.eta_ei=2e-2"]
        f, wall = run_balnet(a, "akil2021_istdp.ini", "istdp_T2b.h5", sets)
        tail = T - (10000 if short else 50000)
        rE, rI = rate(f, "E", tail), rate(f, "I", tail)
        jEI = weight_mean(f, "weight_stats", "I_to_E", N)
        rep.check("T2b r_E (Hz)", rE, 10.0, 0.5, note="last %d s, wall %.0f s" % ((T - tail) / 1000, wall))
        rep.info("T2b r_I = %.3f Hz (theory 23.4)" % rI)
        if short:
            rep.condition("T2b j_EI moved from -150", -140 < jEI < -90, "j_EI = %.2f (N = 1000)" % jEI)
        else:
            rep.check("T2b j_EI (x sqrt N)", jEI, -119.7, 0.05, relative=True, note="notebook with corrections: -121.7")

    if want("istdp") and not short:
        # Reported, not checked: the two homeostatic loops (I->E toward r_E = 10 Hz, I->I toward
        # r_I = 23 Hz) with equal learning rates exchange slowly before settling.
        N, T = 5000, 200000
        f, wall = run_balnet(a, "akil2021_istdp.ini", "istdp.h5", ["params.N=%d" % N, "run.t_stop=%d" % T])
        for t0 in range(0, T, 50000):
            rep.info("iSTDP I->E+I->I, %3d-%3d s: r_E = %.3f Hz, r_I = %.3f Hz" %
                     (t0 / 1000, (t0 + 50000) / 1000, rate(f, "E", t0, t0 + 50000), rate(f, "I", t0, t0 + 50000)))
        rep.info("iSTDP I->E+I->I at %d s: j_EI = %.2f (theory -121.7), j_II = %.2f (theory -254.3); wall %.0f s" %
                 (T / 1000, weight_mean(f, "weight_stats", "I_to_E", N), weight_mean(f, "weight_stats", "I_to_I", N), wall))

    if want("kohonen_T3"):
        N, T = (1000, 20000) if short else (5000, 100000)
        sets = ["params.N=%d" % N, "run.t_stop=%d" % T]
        if short:
            sets += ["params.eta_koh=5e-2"]
        f, wall = run_balnet(a, "akil2021_kohonen.ini", "kohonen.h5", sets)
        tail = T - (5000 if short else 20000)
        rE, rI = rate(f, "E", tail), rate(f, "I", tail)
        jEE = weight_mean(f, "weight_stats", "E_to_E", N)
        # Synapses relax at eta r_post: those onto neurons firing >= 10 Hz have converged to
        # the rule's fixed point beta tau r_pre; the mean over all synapses still carries the
        # slow synapses onto nearly silent neurons.
        w, r_pre, r_post = final_synapses(f, "E_to_E", N, "E", tail)
        active = r_post >= 10.0
        rep.check("Kohonen j (r_post >= 10 Hz) / beta tau r_pre", w[active].mean(), 0.4 * r_pre[active].mean(), 0.05,
                  relative=True, note="%.0f %% of the synapses" % (100 * active.mean()))
        if not short:
            rep.check("T3 Kohonen j_EE* (x sqrt N)", jEE, 3.0, 0.10, relative=True, note="mean of all synapses; wall %.0f s" % wall)
            rep.info("Kohonen: beta tau r_E at the measured r_E = %.3f; median weight %.3f" % (0.4 * rE, np.median(w)))
            # The finite-N reference: the same network without plasticity, j_EE held at the
            # theory's 3.0 (docs/plasticity.md, "Kohonen E->E at finite N").
            g, wall_g = run_balnet(a, "akil2021_static.ini", "kohonen_frozen.h5",
                                   ["params.N=%d" % N, "params.jee=3", "params.jei=-100", "run.t_stop=10000",
                                    "record.spikes=none"])
            rE_frozen = rate(g, "E", 2000)
            rep.info("Kohonen finite-N reference: frozen at j_EE = 3.0 the network fires r_E = %.3f Hz (theory "
                     "7.5): at this N the balanced state is not reached even at the theory's weights; wall %.0f s"
                     % (rE_frozen, wall_g))
        rep.info("Kohonen: r_E = %.3f Hz (theory 7.5), r_I = %.3f Hz (theory 18.9)" % (rE, rI))

    if want("hebb_T3b"):
        N, T = (1000, 20000) if short else (5000, 150000)
        sets = ["params.N=%d" % N, "run.t_stop=%d" % T]
        if short:
            sets += ["params.eta_ee=2e-2"]
        f, wall = run_balnet(a, "akil2021_hebb_soft.ini", "hebb_soft.h5", sets)
        tail = T - (5000 if short else 30000)
        rE, rI = rate(f, "E", tail), rate(f, "I", tail)
        jEE = weight_mean(f, "weight_stats", "E_to_E", N)
        rep.check("T3b soft Hebbian j_EE* (x sqrt N)", jEE, 30.0, 0.10, relative=True,
                  note="mean of all synapses (from 25); wall %.0f s" % wall)
        # Synapses relax at eta tau r_pre r_post: the active ones have converged to jmax.
        w, r_pre, r_post = final_synapses(f, "E_to_E", N, "E", tail)
        active = r_pre * r_post >= 20.0
        rep.check("soft Hebbian j (r_pre r_post >= 20 Hz^2)", w[active].mean(), 30.0, 0.05, relative=True,
                  note="%.0f %% of the synapses" % (100 * active.mean()))
        rep.info("soft Hebbian: r_E = %.3f Hz (theory 6.6), r_I = %.3f Hz (theory 17.3)" % (rE, rI))

    if want("static"):
        theory = balanced_rates(W, WX, 10.0)
        sizes, T = ([1000, 4000], 4000) if short else ([1000, 2000, 5000, 10000], 10000)
        burn = 1000 if short else 2000
        errs, rates = [], []
        for N in sizes:
            f, wall = run_balnet(a, "akil2021_static.ini", "static_%d.h5" % N, ["params.N=%d" % N, "run.t_stop=%d" % T])
            r = np.array([rate(f, "E", burn), rate(f, "I", burn)])
            rates.append(r)
            errs.append(np.abs(r - theory) / theory)
            rep.info("static N = %5d: r_E = %.3f Hz, r_I = %.3f Hz (theory %.2f, %.2f; relative error %.3f, %.3f; wall %.0f s)"
                     % (N, r[0], r[1], theory[0], theory[1], errs[-1][0], errs[-1][1], wall))
        rep.condition("static rates approach theory", errs[-1][0] < errs[0][0] and errs[-1][1] < errs[0][1],
                      "relative errors (E, I) %s at N = %d -> %s at N = %d" %
                      (np.round(errs[0], 3), sizes[0], np.round(errs[-1], 3), sizes[-1]))
        if not short:
            rep.check("T1b r_E at N = 10000 (Hz)", rates[-1][0], theory[0], 0.05, relative=True)
            rep.check("T1b r_I at N = 10000 (Hz)", rates[-1][1], theory[1], 0.10, relative=True)
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main())

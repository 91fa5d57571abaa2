#!/usr/bin/python3
"""Validation of configs/vogels2011_isp.ini (Vogels et al. 2011): inhibitory plasticity
brings the E rates down toward the 3 Hz target, faster with a larger learning rate.

Full form, from the source folder:

    /usr/bin/python3 tests/validation/vogels2011_isp.py --full --workdir /tmp/val

runs the full network (8000 E + 2000 I) for 10 s twice: with eta = 1e-2 (Brian 2's example)
and with a larger eta = 5e-2; ISP starts at 1 s. Checks: the E rate before ISP is far above
the target (> 10 Hz); after ISP starts it falls, faster with the larger eta, which ends
closer to the 3 Hz target, below twice the target over the last 2 s. (The approach to the
target slows down near it: the mean drift is proportional to r_I (r_E - rho).) Runtime
about 1 minute on one quiet core.

Short form (CI): 1600 E + 400 I with p = 0.1, 4 s, eta = 5e-2: the E rate falls from its
pre-ISP value toward 3 Hz (to less than a third of it).
"""
import sys

from common import arguments, rate, report, run_balnet


def main():
    a = arguments(__doc__)
    short = a.short
    rep = report("vogels2011 ISP (%s form)" % ("short" if short else "full"))
    T = 4000 if short else 10000
    base = ["run.t_stop=%d" % T]
    if short:
        base += ["params.NE=1600", "params.p=0.1"]
    finals = {}
    for eta in ([5e-2] if short else [1e-2, 5e-2]):
        f, wall = run_balnet(a, "vogels2011_isp.ini", "vogels_eta%g.h5" % eta, base + ["params.eta=%g" % eta])
        before = rate(f, "E", 500, 1000)
        mid = rate(f, "E", 1000, (1000 + T) / 2)
        last = rate(f, "E", T - (1000 if short else 2000))
        finals[eta] = last
        rep.info("eta = %g: E rate %.2f Hz before ISP, %.2f Hz in the first half after, %.2f Hz at the end "
                 "(I: %.2f Hz at the end); wall %.1f s" % (eta, before, mid, last, rate(f, "I", T - 1000), wall))
        rep.condition("eta = %g: E rate falls" % eta, before > 10 and mid < before and last < mid,
                      "%.2f -> %.2f -> %.2f Hz" % (before, mid, last))
        if short:
            rep.condition("eta = %g: E rate toward 3 Hz" % eta, last < before / 3, "%.2f Hz (before ISP %.2f Hz)" % (last, before))
    if not short:
        rep.condition("larger eta: closer to the target", abs(finals[5e-2] - 3) < abs(finals[1e-2] - 3),
                      "|r - 3 Hz| = %.2f (eta 5e-2) vs %.2f (eta 1e-2)" % (abs(finals[5e-2] - 3), abs(finals[1e-2] - 3)))
        rep.condition("eta = 5e-2: E rate below 2 x target", finals[5e-2] < 6.0, "%.2f Hz over the last 2 s" % finals[5e-2])
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main())

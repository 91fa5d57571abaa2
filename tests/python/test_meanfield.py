"""Project 5's mean field (tools/balnet_meanfield.py): shot-noise moments against closed
forms, the transfer function and its fit on data generated from known coefficients, the
network model read from a config (recurrent and time-varying drives), and the dynamics."""

import math
import os
import sys
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import balnet_meanfield as mf  # noqa: E402

CONSTANT = os.path.join(ROOT, "tests", "validation", "zerlaut_rsfs_constant.ini")


def read(path):
    with open(path) as f:
        return f.read()


def rsfs_text(drive="nu_aff", kind="poisson"):
    text = read(CONSTANT)
    return text.replace("type = poisson", "type = %s" % kind).replace("rate = nu_aff", "rate = %s" % drive)


class Moments(unittest.TestCase):
    def test_single_source_closed_form(self):
        cell = mf.Cell("c", C=200.0, g_L=10.0, E_L=-70.0, I_e=0.0, section="")
        s = mf.Source("e", K=100, Q=1.0, tau=5.0, E=0.0)
        mu, sig, tv = mf.moments(cell, [s], [10.0])
        nu = 100 * 10.0 * 1e-3                  # events per ms
        muG = nu * 5.0 * 1.0                    # nS
        G = 10.0 + muG
        mu_ref = (10.0 * -70.0 + muG * 0.0) / G
        tm = 200.0 / G
        U = 1.0 * (0.0 - mu_ref) / 200.0
        sig_ref = math.sqrt(nu * (U * 5.0 * tm) ** 2 / (2 * (5.0 + tm)))
        self.assertAlmostEqual(float(mu), mu_ref, places=12)
        self.assertAlmostEqual(float(sig), sig_ref, places=12)
        self.assertAlmostEqual(float(tv), 5.0 + tm, places=12)  # tau_V = tau_s + tau_m for one input

    def test_vectorised_over_rates(self):
        cell = mf.Cell("c", 200.0, 10.0, -70.0, 0.0, "")
        srcs = [mf.Source("e", 200, 1.0, 5.0, 0.0), mf.Source("i", 50, 4.0, 5.0, -80.0)]
        e, i = np.meshgrid([1.0, 5.0], [2.0, 8.0])
        mu, sig, tv = mf.moments(cell, srcs, [e, i])
        for a in range(2):
            for b in range(2):
                m1, s1, t1 = mf.moments(cell, srcs, [e[a, b], i[a, b]])
                self.assertAlmostEqual(mu[a, b], float(m1))
                self.assertAlmostEqual(sig[a, b], float(s1))
                self.assertAlmostEqual(tv[a, b], float(t1))


class TransferFunction(unittest.TestCase):
    def data(self, P):
        rng = np.random.default_rng(0)
        mu = rng.uniform(-65, -50, 200)
        sig = rng.uniform(2, 6, 200)
        tv = rng.uniform(5, 20, 200)
        return mu, sig, tv, mf.transfer(P, mu, sig, tv)

    def test_threshold_only(self):
        P = np.zeros(10)
        P[0] = -50.0
        mu, sig, tv = np.array([-55.0]), np.array([4.0]), np.array([10.0])
        ref = 1e3 * math.erfc(5.0 / (math.sqrt(2) * 4.0)) / 20.0
        self.assertAlmostEqual(float(mf.transfer(P, mu, sig, tv)[0]), ref, places=10)

    def test_fit_recovers_known_coefficients(self):
        P = np.array([-50.0, 1.0, -0.5, 0.3, 0.2, -0.1, 0.05, 0.1, -0.2, 0.1])
        mu, sig, tv, nu = self.data(P)
        fitted, used = mf.fit_coefficients(mu, sig, tv, nu, alpha=0.0)
        self.assertGreater(used, 50)
        np.testing.assert_allclose(fitted, P, rtol=1e-6, atol=1e-6)
        # Ridge shrinks; the rate-space refinement brings it back
        ridge, _ = mf.fit_coefficients(mu, sig, tv, nu, alpha=0.9)
        refined = mf.refine_coefficients(ridge + 0.3, mu, sig, tv, nu)
        ok = nu < mf.NU_MAX_FIT
        np.testing.assert_allclose(mf.transfer(refined, mu, sig, tv)[ok], nu[ok], atol=1e-6)

    def test_erfcinv(self):
        y = np.array([1e-8, 0.01, 0.5, 1.0, 1.7])
        x = mf.erfcinv(y)
        np.testing.assert_allclose([math.erfc(v) for v in x], y, rtol=1e-9)
        saved = mf._erfcinv
        try:  # the fallback without scipy
            mf._erfcinv = None
            x = mf.erfcinv(y)
        finally:
            mf._erfcinv = saved
        np.testing.assert_allclose([math.erfc(v) for v in x], y, rtol=1e-9)


class NetworkModel(unittest.TestCase):
    def test_sources_of_the_rsfs_network(self):
        cells, sources = mf.network_model(rsfs_text())
        self.assertEqual(list(cells), ["RecExc", "RecInh"])
        self.assertEqual((cells["RecExc"].C, cells["RecExc"].g_L, cells["RecExc"].E_L), (200.0, 10.0, -70.0))
        by = {s.name: s for s in sources["RecExc"]}
        self.assertEqual((by["EE"].K, by["EE"].Q, by["EE"].tau, by["EE"].E, by["EE"].population),
                         (200.0, 1.0, 5.0, 0.0, "RecExc"))
        self.assertEqual((by["IE"].K, by["IE"].Q, by["IE"].E, by["IE"].population), (50.0, 4.0, -80.0, "RecInh"))
        aff = by["input.AffExc"]
        self.assertEqual((aff.K, aff.Q, aff.population), (200.0, 1.0, None))
        self.assertEqual(aff.rate(123.0), 4.0)

    def test_time_varying_drive(self):
        text = rsfs_text("4 + 4*exp(-(t - 1000)^2/(2*100^2))", "inhomogeneous_poisson")
        _, sources = mf.network_model(text)
        aff = [s for s in sources["RecInh"] if s.population is None][0]
        np.testing.assert_allclose(aff.rate(np.array([0.0, 1000.0, 1100.0])),
                                   [4 + 4 * math.exp(-50), 8.0, 4 + 4 * math.exp(-0.5)])

    def test_current_receptors_are_refused(self):
        with self.assertRaises(ValueError):
            mf.network_model(read(os.path.join(ROOT, "configs", "akil2021_static.ini")))

    def test_single_cell_config(self):
        cfg = mf.Config(rsfs_text())
        cells, sources = mf.network_model(cfg)
        text, points = mf.tf_config(cfg, cells, sources, {"RecExc": [1.0, 2.0], "RecInh": [3.0]},
                                    cells_per_point=7, t_stop=500.0)
        self.assertEqual(len(points), 4)
        self.assertEqual(points[0], ("tf_RecExc_0", "RecExc", {"RecExc": 1.0, "RecInh": 3.0}))
        c = mf.Config(text)
        self.assertEqual(c.value("population.tf_RecInh_1.size"), 7)
        self.assertEqual(c.get("population.tf_RecInh_1.b"), "0")
        self.assertEqual(c.value("input.tf_RecExc_1_EE.rate"), 2.0)
        self.assertEqual(c.value("input.tf_RecExc_1_EE.sources"), 200)
        self.assertEqual(c.value("input.tf_RecExc_1_IE.weight"), 4.0)
        self.assertEqual(c.get("input.tf_RecExc_1_IE.receptor"), "i")
        self.assertFalse(any(s.startswith("projection") for s in c.sections()))


class Dynamics(unittest.TestCase):
    def test_relaxation_with_time_constant_T(self):
        tf = {"T": 5.0, "populations": {p: {"P": [0.0] * 10} for p in ("RecExc", "RecInh")}}
        m = mf.MeanField(rsfs_text(), tf)
        m.F = lambda nu, t, W=None: {"RecExc": 10.0, "RecInh": 20.0}   # constant transfer
        times, rates = m.integrate(0.0, 50.0, dt=0.01, nu0={"RecExc": 0.0, "RecInh": 0.0})
        ref = 10.0 * (1 - np.exp(-times / 5.0))
        np.testing.assert_allclose(rates["RecExc"], ref, atol=0.02)
        self.assertAlmostEqual(m.fixed_point(0.0, relax=200.0)["RecInh"], 20.0, places=6)

    def test_adaptation_variable(self):
        # with adaptation, W relaxes to b tau_w nu (a = 0) with time constant tau_w and lowers mu_V
        tf = {"T": 5.0, "adaptation": True, "populations": {p: {"P": [0.0] * 10} for p in ("RecExc", "RecInh")}}
        m = mf.MeanField(rsfs_text(), tf)
        self.assertEqual(m.adapting, ["RecExc"])  # b = 40 pA for RS, 0 for FS
        m.F = lambda nu, t, W=None: {"RecExc": 10.0, "RecInh": 20.0}
        times, rates = m.integrate(0.0, 2000.0, dt=0.1, nu0={"RecExc": 10.0, "RecInh": 20.0})
        w = m.last_W["RecExc"]
        ref = 40.0 * 500.0 * 10.0e-3 * (1 - np.exp(-times / 500.0))
        np.testing.assert_allclose(w, ref, atol=0.3)
        cell, src = m.cells["RecExc"], m.sources["RecExc"]
        mu0 = mf.moments(cell, src, [2.0, 5.0, 4.0])[0]
        mu1 = mf.moments(cell, src, [2.0, 5.0, 4.0], w=100.0)[0]
        self.assertLess(float(mu1), float(mu0))


if __name__ == "__main__":
    unittest.main()

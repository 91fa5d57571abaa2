"""The reader (tools/balnet_reader.py) and the report (tools/balnet_report.py) on a synthetic
run file with every optional group (synthetic_run.py): what they read and compute must equal
what was written."""

import json
import os
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
sys.path.insert(0, HERE)
import balnet_report  # noqa: E402
import synthetic_run  # noqa: E402
from balnet_reader import Config, Run, distribution_mean, evaluate  # noqa: E402


class Reader(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.path = synthetic_run.write(os.path.join(cls.tmp.name, "synthetic.h5"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_provenance_config_populations(self):
        with Run(self.path) as run:
            self.assertEqual(run.status, "complete")
            self.assertEqual(run.t_end, 4000.0)
            self.assertEqual(run.attrs["ranks"], 2)
            self.assertEqual(list(run.populations), ["E", "I", "X"])
            self.assertEqual(run.populations["I"].first_gid, 400)
            self.assertEqual(run.neuron_populations(), ["E", "I"])
            self.assertEqual(run.config.value("population.E.size"), 400.0)
            self.assertAlmostEqual(run.config.value("projection.IE.weight_scale"), 1 / np.sqrt(500))
            self.assertEqual(run.config["population.I"]["receptor.gi.E_rev"], "-80")
            self.assertEqual(run.config.sections("projection"), ["EE", "IE", "XE", "EI", "II"])
            np.testing.assert_allclose(run.timers["update"], [1.0, 1.1])

    def test_spikes_by_time_range(self):
        with Run(self.path) as run:
            s = run.spikes("E")
            self.assertEqual(s.size, 400)
            self.assertTrue(np.all(np.diff(s.times) >= 0))
            part = run.spikes("E", 1000.0, 2500.0)
            m = (s.times >= 1000.0) & (s.times < 2500.0)
            np.testing.assert_array_equal(part.times, s.times[m])
            np.testing.assert_array_equal(part.ids, s.ids[m])
            chunks = list(run.iter_spikes("E", chunk=750.0))
            self.assertEqual(sum(len(c.times) for c in chunks), len(s.times))
            t, r = run.rates("E")
            self.assertEqual(len(r), 4000)
            self.assertAlmostEqual(r.mean(), len(s.times) * 1000.0 / (400 * 4000.0), places=9)

    def test_reports_and_weights(self):
        with Run(self.path) as run:
            names = {(p, v) for p, v, _ in run.reports()}
            self.assertIn(("E", "I_e"), names)
            self.assertIn(("I", "g_ge"), names)
            rep = run.report("E", "I_i")
            self.assertEqual(rep.data.shape, (40, 10))
            np.testing.assert_allclose(rep.times, np.arange(40) * 100.0)
            self.assertTrue(rep.average)
            syn = run.report("I", "V")
            np.testing.assert_array_equal(syn.node_ids, [3, 5, 7])
            self.assertFalse(syn.average)
            wt = run.weight_traces()["J_IE"]
            self.assertEqual(wt.projection, "IE")
            self.assertEqual(wt.values.shape, (40, 5))
            st = run.weight_stats()["stats"]["IE"]
            self.assertEqual(set(st), {"mean", "sd", "min", "max"})
            snaps = run.weight_snapshots()["snap"]["IE"]
            self.assertEqual([s[0] for s in snaps], [0.0, 4000.0])

    def test_expressions(self):
        self.assertEqual(evaluate("2 ^ 3 + sqrt(16)"), 12.0)
        t = np.array([900.0, 1000.0])
        v = evaluate("4 + 4*exp(-(t - 1000)^2/(2*100^2))", {"t": t})
        np.testing.assert_allclose(v, [4 + 4 * np.exp(-0.5), 8.0])
        self.assertEqual(distribution_mean("uniform(-75, -55)"), -65.0)
        self.assertEqual(distribution_mean("lognormal(0.25, 0.125)"), 0.25)
        cfg = Config("[params]\na = 2 * b\nb = 3\n[population.E]\nsize = a * params.b # comment\n")
        self.assertEqual(cfg.value("population.E.size"), 18.0)
        with self.assertRaises(ValueError):
            evaluate("__import__('os')")


class Report(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.path = synthetic_run.write(os.path.join(cls.tmp.name, "synthetic.h5"))
        cls.res = balnet_report.analyse(cls.path, burn_in=500.0, theory=False, sample=50)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_population_statistics(self):
        for name, rate in synthetic_run.RATES.items():
            p = self.res["populations"][name]
            self.assertAlmostEqual(p["rate_mean"], rate, delta=0.1 * rate)
            self.assertAlmostEqual(p["cv_mean"], 1.0, delta=0.1)
            self.assertAlmostEqual(p["fano_mean"], 1.0, delta=0.1)
        self.assertTrue(self.res["populations"]["X"]["is_source"])
        self.assertAlmostEqual(self.res["populations"]["E"]["synchrony"], 0.0, delta=0.01)
        corr = np.array(self.res["pairs"]["corr"], float)
        self.assertTrue(np.all(np.abs(corr) < 0.02))
        self.assertEqual(self.res["pairs"]["populations"], ["E", "I"])

    def test_balance_of_currents(self):
        b = self.res["balance"]
        # E: current receptors e (exc), i (inh), x (external)
        self.assertAlmostEqual(b["E"]["exc"], 3.0, delta=0.01)
        self.assertAlmostEqual(b["E"]["inh"], -2.7, delta=0.01)
        self.assertAlmostEqual(b["E"]["ratio"], 0.9, delta=0.01)
        self.assertEqual(b["E"]["receptors"], {"e": "exc", "i": "inh", "x": "ext"})
        # I: conductances times driving force at V = -50, samples at V_reset excluded
        self.assertAlmostEqual(b["I"]["exc"], 100.0, places=9)
        self.assertAlmostEqual(b["I"]["inh"], -90.0, places=9)
        self.assertIn("samples at V = V_reset excluded", b["I"]["notes"])

    def test_weights(self):
        w = self.res["weights"]["J_IE"]
        scale = w["weight_scale"]
        self.assertAlmostEqual(w["initial_mean"] / scale, -150.0, places=3)
        self.assertAlmostEqual(w["final_mean"] / scale, -120.0, places=3)
        self.assertAlmostEqual(self.res["weight_stats"]["IE"]["final_mean"] / scale, -120.0, places=9)

    def test_cli_writes_json_and_figures(self):
        out = os.path.join(self.tmp.name, "rep")
        code = balnet_report.main([self.path, "--out", out, "--no-theory", "--quiet", "--sample", "50"])
        self.assertEqual(code, 0)
        with open(os.path.join(out, "report.json")) as f:
            res = json.load(f)
        self.assertEqual(res["populations"]["E"]["size"], 400)
        for name in ("raster", "rates", "distributions", "correlations", "weights", "balance"):
            self.assertTrue(os.path.getsize(os.path.join(out, name + ".png")) > 1000, name)
        self.assertEqual(balnet_report.main([self.path, "--burn-in", "5000", "--quiet", "--no-theory",
                                             "--out", out]), 2)


if __name__ == "__main__":
    unittest.main()

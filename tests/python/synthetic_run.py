"""Writes a small run file in balnet's layout (docs/output.md) with every optional group the
reader knows: SONATA state reports (/report), synaptic recorders (/synaptic), weight traces,
statistics and snapshots. Spikes are Poisson with known rates, currents and weights known
arrays, so tests can check what the reader and the report compute."""

import h5py
import numpy as np

CONFIG = """# resolved configuration of synthetic.ini
[run]
dt = 0.1
t_stop = 4000
seed = 5
output = synthetic.h5

[params]
N = 500
jei = -150

[population.E]
size = 0.8 * N
model = eif
V_reset = -75
receptor.e.type = current
receptor.e.tau = 8
receptor.i.type = current
receptor.i.tau = 4
receptor.x.type = current
receptor.x.tau = 10

[population.I]
size = 0.2 * N
model = lif
V_reset = -60
receptor.ge.type = conductance
receptor.ge.tau = 5
receptor.ge.E_rev = 0
receptor.gi.type = conductance
receptor.gi.tau = 10
receptor.gi.E_rev = -80

[population.X]
size = 100
model = poisson
rate = 10

[projection.EE]
source = E
target = E
receptor = e
connect = bernoulli
p = 0.1
weight = 25
weight_scale = 1 / sqrt(N)

[projection.IE]
source = I
target = E
receptor = i
connect = bernoulli
p = 0.1
weight = jei
weight_scale = 1 / sqrt(N)

[projection.XE]
source = X
target = E
receptor = x
connect = bernoulli
p = 0.1
weight = 180
weight_scale = 1 / sqrt(N)

[projection.EI]
source = E
target = I
receptor = ge
connect = bernoulli
p = 0.1
weight = 1

[projection.II]
source = I
target = I
receptor = gi
connect = bernoulli
p = 0.1
weight = 4

[input.drive]
type = poisson
target = I
receptor = ge
sources = 100
rate = 5
weight = 1
"""

RATES = {"E": 5.0, "I": 12.0, "X": 10.0}
SIZES = {"E": 400, "I": 100, "X": 100}
T_END = 4000.0


def write(path, seed=0):
    rng = np.random.default_rng(seed)
    with h5py.File(path, "w") as f:
        f.attrs["magic"] = np.uint64(0x0A7A)
        f.attrs["version"] = np.array([0, 1], np.uint32)
        f.attrs["dt"] = 0.1
        f.attrs["t_stop"] = T_END
        f.attrs["t_end"] = T_END
        f.attrs["status"] = "complete"
        f.attrs["seed"] = np.uint64(5)
        f.attrs["ranks"] = np.int64(2)
        cg = f.create_group("config")
        cg.create_dataset("resolved", data=CONFIG.encode())
        pg = f.create_group("populations")
        sg = f.create_group("spikes")
        rg = f.create_group("rates")
        rg.attrs["bin"] = 1.0
        rg.attrs["t_start"] = 0.0
        first = 0
        for name in ("E", "I", "X"):
            n = SIZES[name]
            counts = rng.poisson(RATES[name] * T_END * 1e-3, size=n)
            ids = np.repeat(np.arange(n), counts)
            steps = rng.integers(0, int(T_END / 0.1), size=counts.sum())
            order = np.lexsort((ids, steps))
            t = steps[order] * 0.1
            ids = ids[order]
            g = sg.create_group(name)
            g.create_dataset("timestamps", data=t)
            g.create_dataset("node_ids", data=ids.astype(np.uint64))
            g.attrs["sorting"] = np.uint8(2)
            p = pg.create_group(name)
            p.attrs["size"] = np.uint64(n)
            p.attrs["first_gid"] = np.uint64(first)
            p.attrs["model"] = {"E": "eif", "I": "lif", "X": "poisson"}[name]
            p.attrs["spikes"] = np.uint64(len(t))
            first += n
            rates = np.bincount(np.floor(t + 1e-9).astype(int), minlength=int(T_END))[:int(T_END)] / (n * 1e-3)
            rg.create_dataset(name, data=rates)
        # SONATA report of E currents for cells 0..9, 40 samples of 100 ms (interval means)
        for var, val in (("I_e", 2.0), ("I_i", -2.7), ("I_x", 1.0), ("V", -60.0)):
            g = f.create_group("report/E/%s" % var)
            m = g.create_group("mapping")
            m.create_dataset("node_ids", data=np.arange(10, dtype=np.uint64))
            m.create_dataset("time", data=np.array([0.0, T_END, 100.0]))
            d = g.create_dataset("data", data=np.full((40, 10), val) + rng.normal(0, 0.01, (40, 10)))
            d.attrs["units"] = "pA"
            d.attrs["average"] = np.int64(1)
        # issue 3 synaptic recorder on I: conductances and V, values at interval ends
        sy = f.create_group("synaptic/currents_I")
        sy.attrs["population"] = "I"
        sy.attrs["sampling"] = "value at the end of each interval"
        sy.create_dataset("node_ids", data=np.array([3, 5, 7], np.uint64))
        sy.create_dataset("time", data=np.arange(1, 41) * 100.0)
        V = np.full((40, 3), -50.0)
        V[::4, 0] = -60.0  # at V_reset: excluded from the balance
        sy.create_dataset("V", data=V)
        sy.create_dataset("g_ge", data=np.full((40, 3), 2.0))   # current 2 x (0 + 50) = 100
        sy.create_dataset("g_gi", data=np.full((40, 3), 3.0))   # current 3 x (-80 + 50) = -90
        # weights: trace of 5 synapses, statistics and two snapshots of IE
        w = f.create_group("weights/J_IE")
        w.attrs["projection"] = "IE"
        w.attrs["source"] = "I"
        w.attrs["target"] = "E"
        w.create_dataset("pre", data=np.arange(5, dtype=np.uint64))
        w.create_dataset("post", data=np.arange(5, dtype=np.uint64) + 10)
        w.create_dataset("delay", data=np.full(5, 0.1))
        w.create_dataset("time", data=np.arange(1, 41) * 100.0)
        scale = 1 / np.sqrt(500)
        vals = np.linspace(-150, -120, 40)[:, None] * scale + np.zeros((40, 5), np.float32)
        w.create_dataset("values", data=vals.astype(np.float32))
        ws = f.create_group("weight_stats/stats")
        ws.create_dataset("time", data=np.arange(1, 41) * 100.0)
        for k, v in (("mean", np.linspace(-150, -120, 40) * scale), ("sd", np.full(40, 0.1)),
                     ("min", np.full(40, -1.0)), ("max", np.full(40, 0.0))):
            ws.create_dataset("IE/%s" % k, data=v)
        sn = f.create_group("weight_snapshots/snap/IE")
        for k, (t, v) in enumerate(((0.0, -150.0), (T_END, -120.0))):
            g = sn.create_group(str(k))
            g.attrs["time"] = t
            g.create_dataset("pre", data=np.arange(3, dtype=np.uint64))
            g.create_dataset("post", data=np.arange(3, dtype=np.uint64))
            g.create_dataset("weight", data=np.full(3, v * scale, np.float32))
        tg = f.create_group("timers")
        tg.create_dataset("update", data=np.array([1.0, 1.1]))
    return path

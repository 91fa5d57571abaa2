"""The COBA network of configs/coba.ini in Brian2's C++ standalone mode (one thread).

Prints one line: `brian2 run_time=<s> build_time=<s> spikes_E=<n> spikes_I=<n> synapses=<n>`.
run_time is Brian2's own measurement of the network run (device._last_run_time), which like
balnet's wall_run excludes building the network; build_time is code generation plus compilation.
Usage: python3 bench/brian2_coba.py T_MS WORKDIR
"""
import sys
import time

import numpy as np
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, defaultclock, device, ms, mV, nS, pA,
                    pF, prefs, run, set_device, seed)

t_ms = float(sys.argv[1])
workdir = sys.argv[2]
set_device("cpp_standalone", directory=workdir, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = 0
# Brian2 default compiler flags (-O3 -ffast-math -march=native ...)
seed(1)
defaultclock.dt = 0.1 * ms

C, gL, El, Vt, Vr = 200 * pF, 10 * nS, -60 * mV, -50 * mV, -60 * mV
Ee, Ei, taue, taui, I = 0 * mV, -80 * mV, 5 * ms, 10 * ms, 200 * pA
eqs = """
dv/dt = (gL*(El - v) + ge*(Ee - v) + gi*(Ei - v) + I)/C : volt (unless refractory)
dge/dt = -ge/taue : siemens
dgi/dt = -gi/taui : siemens
"""
P = NeuronGroup(4000, eqs, threshold="v >= Vt", reset="v = Vr", refractory=5 * ms,
                method="euler")
P.v = "El + rand()*(Vt - El)"
Pe, Pi = P[:3200], P[3200:]
Ce = Synapses(Pe, P, on_pre="ge += 4*nS", delay=0.8 * ms)
Ce.connect(condition="i != j", p=0.02)
Ci = Synapses(Pi, P, on_pre="gi += 51*nS", delay=0.8 * ms)
Ci.connect(condition="i != j", p=0.02)
spikes = SpikeMonitor(P)
run(t_ms * ms)
t0 = time.time()
device.build(directory=workdir, compile=True, run=True, debug=False)
build_and_run = time.time() - t0
run_time = device._last_run_time
idx = np.asarray(spikes.i)
print("brian2 run_time=%.4f build_time=%.1f spikes_E=%d spikes_I=%d synapses=%d"
      % (run_time, build_and_run - run_time, int((idx < 3200).sum()), int((idx >= 3200).sum()),
         len(Ce) + len(Ci)))

#!/usr/bin/python3
"""Brian 2 (C++ standalone, one thread) version of configs/vogels2011_isp.ini for
bench/vogels2011_isp.sh: the same network, rule, protocol and recordings.

usage: vogels2011_isp_brian2.py WORKDIR T_STOP_MS NE ETA
Prints one line: "brian2 run_s=<loop wall time> build_s=<code generation + compilation +
run> spikes_E=<count> rate_E_last_s=<Hz>"."""
import sys
import time

from brian2 import (NeuronGroup, Synapses, SpikeMonitor, defaultclock, device, ms, mV, nS, pA,
                    pF, prefs, run, second, set_device, seed)

workdir, t_stop, NE, eta = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
set_device("cpp_standalone", directory=workdir, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = 0
seed(1)
defaultclock.dt = 0.1 * ms

NI = NE // 4
tau_ampa, tau_gaba, epsilon, tau_stdp = 5 * ms, 10 * ms, 0.02, 20 * ms
gl, el, er, vt, memc, bgcurrent = 10 * nS, -60 * mV, -80 * mV, -50 * mV, 200 * pF, 200 * pA
eqs = """
dv/dt = (-gl*(v-el) - (g_ampa*v + g_gaba*(v-er)) + bgcurrent)/memc : volt (unless refractory)
dg_ampa/dt = -g_ampa/tau_ampa : siemens
dg_gaba/dt = -g_gaba/tau_gaba : siemens
"""
neurons = NeuronGroup(NE + NI, eqs, threshold="v > vt", reset="v = el", refractory=5 * ms,
                      method="euler")
neurons.v = "el + rand()*10*mV"  # as V_init = uniform(-60, -50) in the balnet config
Pe, Pi = neurons[:NE], neurons[NE:]
con_e = Synapses(Pe, neurons, on_pre="g_ampa += 0.3*nS")
con_e.connect(p=epsilon)
con_ii = Synapses(Pi, Pi, on_pre="g_gaba += 3*nS")
con_ii.connect(p=epsilon)
alpha = 3 * 1e-3 * 20 * 2  # 2 rho tau with rho = 3 Hz, tau = 20 ms
gmax = 100
t_isp = 1 * second
con_ie = Synapses(Pi, Pe, model="""w : 1
                  dApre/dt = -Apre/tau_stdp : 1 (event-driven)
                  dApost/dt = -Apost/tau_stdp : 1 (event-driven)""",
                  on_pre="""Apre += 1.
                  w = clip(w + (Apost - alpha)*eta*int(t >= t_isp), 0, gmax)
                  g_gaba += w*nS""",
                  on_post="""Apost += 1.
                  w = clip(w + Apre*eta*int(t >= t_isp), 0, gmax)""")
con_ie.connect(p=epsilon)
con_ie.w = 0
spikes = SpikeMonitor(neurons)
run(t_stop * ms)
t0 = time.time()
device.build(directory=workdir, compile=True, run=True, debug=False)
total = time.time() - t0
i, t = spikes.i[:], spikes.t[:]
last = (t >= (t_stop - 1000) * ms) & (i < NE)
print("brian2 run_s=%.3f build_s=%.3f spikes_E=%d rate_E_last_s=%.3f"
      % (device._last_run_time, total, int((i < NE).sum()), last.sum() / NE / 1.0))

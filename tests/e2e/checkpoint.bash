# Helpers of the checkpoint tests (sourced after common.bash): a small plastic network with
# correlated and Poisson input and delays longer than the exchange interval, and a comparison
# of every recorded dataset of two output files.

# write_network FILE: akil2021_istdp (homeostatic iSTDP on I->E and I->I, correlated input X)
# at N = 400, with E->E delays uniform in [0.5, 3] ms and E->I delays 1.5 ms (the exchange
# interval is 0.1 ms), independent Poisson drive, a state report and weight snapshots.
write_network() {
  "$PY" - "$CONFIGS/akil2021_istdp.ini" "$1" <<'PY'
import sys
src = open(sys.argv[1]).read().split("[recorder.J_EI]")[0]
def sub(old, new):
    global src
    assert old in src, old
    src = src.replace(old, new, 1)
sub("N = 5000", "N = 400")
sub("t_stop = 100000", "t_stop = 300")
sub("eta_ei = 7.5e-4", "eta_ei = 0.02")
sub("eta_ii = 7.5e-4", "eta_ii = 0.02")
sub("weight = jee\nweight_scale = 1 / sqrt(N)\ndelay = 0.1", "weight = jee\nweight_scale = 1 / sqrt(N)\ndelay = uniform(0.5, 3)")
sub("weight = jie\nweight_scale = 1 / sqrt(N)\ndelay = 0.1", "weight = jie\nweight_scale = 1 / sqrt(N)\ndelay = 1.5")
src += """
[input.noise]
type = poisson
target = E, I
receptor = x
sources = 20
rate = 10
weight = 0.5 * jex / sqrt(N)

[recorder.V]
type = state
population = E
variables = V, I_e
neurons = 0:20
interval = 0.5

[recorder.snapshots]
type = weight_snapshot
times = 0, 100, end

[record]
spikes = all
rate_bin = 1
"""
open(sys.argv[2], "w").write(src)
PY
}

# same_results A.h5 B.h5: every dataset of spikes, rates, report and weight_snapshots
# identical (bit for bit), and enough spikes and plastic change for that to mean something.
same_results() {
  "$PY" - "$1" "$2" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
names = []
a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and
             n.split("/")[0] in ("spikes", "rates", "report", "weight_snapshots") else None)
bad = []
for n in names:
    if n not in b:
        bad.append(n + " missing")
        continue
    x, y = a[n][()], b[n][()]
    if x.shape != y.shape or x.tobytes() != y.tobytes():
        bad.append("%s differs (%s vs %s)" % (n, x.shape, y.shape))
extra = []
b.visititems(lambda n, o: extra.append(n) if isinstance(o, h5py.Dataset) and
             n.split("/")[0] in ("spikes", "rates", "report", "weight_snapshots") and n not in a else None)
bad += [n + " only in " + sys.argv[2] for n in extra]
spikes = sum(a["spikes"][p]["timestamps"].shape[0] for p in a["spikes"])
w0 = a["weight_snapshots/snapshots/I_to_E/0/weight"][()]
w2 = a["weight_snapshots/snapshots/I_to_E/2/weight"][()]
if spikes < 1000: bad.append("too few spikes (%d)" % spikes)
if (w0 == w2).mean() > 0.5: bad.append("the plastic weights hardly changed")
st = b.attrs["status"]
st = st.decode() if isinstance(st, bytes) else st
if st != "complete": bad.append("status " + st)
if bad:
    sys.exit("; ".join(bad))
PY
}

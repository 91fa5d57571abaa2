# Checkpoint/restart across the model, input and recorder library: Hodgkin-Huxley (cobahh),
# the Izhikevich gallery with step currents, Brunel's network with Poisson drive and the
# optogenetic stimulus (injected current, correlated input, iSTDP, weight samples, weight
# statistics, snapshots and synaptic currents). Each stops on one rank
# count and restarts on another; every recorded dataset equals the uninterrupted run's.
. "$(dirname "$0")/common.bash"
rm -f ./*.h5 ./*.part ./*.log

# check NAME T1 K M ARGS...: uninterrupted on 2 ranks vs --stop-at T1 on K, restart on M.
check() {
  name=$1 t1=$2 k=$3 m=$4; shift 4
  cfg="$CONFIGS/$name.ini"
  [ -e "$cfg" ] || cfg=$name.ini
  run 2 run "$cfg" -q --output $name.full.h5 "$@" > $name.full.log 2>&1 \
    || { fail "$name: uninterrupted run"; cat $name.full.log >&2; return; }
  run "$k" run "$cfg" -q --output $name.h5 --stop-at "$t1" "$@" > $name.1.log 2>&1 \
    || { fail "$name: --stop-at on $k ranks"; cat $name.1.log >&2; return; }
  run "$m" run --restart $name.ckpt.h5 -q > $name.2.log 2>&1 || { fail "$name: restart on $m ranks"; cat $name.2.log >&2; return; }
  msg=$("$PY" - $name.full.h5 $name.h5 <<'PY'
import sys, h5py
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
names = []
a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and
             n.split("/")[0] in ("spikes", "rates", "report", "weights", "weight_stats", "weight_snapshots", "synaptic") else None)
bad = [n for n in names if n not in b or a[n][()].tobytes() != b[n][()].tobytes() or a[n].shape != b[n].shape]
spikes = sum(a["spikes"][p]["timestamps"].shape[0] for p in a["spikes"])
if spikes < 100: bad.append("too few spikes (%d)" % spikes)
print("%d datasets" % len(names) if not bad else "differ: " + ", ".join(bad[:5]))
sys.exit(1 if bad else 0)
PY
) && pass "$name: stop on $k ranks, restart on $m: $msg identical" || fail "$name: $msg"
}

check cobahh 50 1 3 --set run.t_stop=100 --set params.NE=800 --set params.NI=200 --set params.p=0.08
check pyn_gallery 137 2 1
check brunel2000 120 3 2 --set run.variant=C --set params.order=250 --set run.t_stop=200
check akil2021_optogenetic 250 2 4 --set params.N=500 --set run.t_stop=400 --set params.stim_on=200 \
  --set params.stim_off=300 --set params.eta_ei=0.01
# Every model, kernel and stimulus of the library (adaptive LIF, Izhikevich, HH, Traub-Miles;
# alpha and biexp kernels; step, oscillatory, inhomogeneous Poisson, cue and OU inputs): the
# configuration of tests/mpi/test_model_library_invariance.cpp.
"$PY" - "$BALNET_SOURCE/tests/mpi/test_model_library_invariance.cpp" library.ini <<'PY'
import sys
src = open(sys.argv[1]).read()
text = src.split('library_ini = R"(', 1)[1].split(')";', 1)[0]
open(sys.argv[2], "w").write(text)
PY
check library 130.3 3 2
check zerlaut_rsfs 150 2 3 --set params.N_exc=400 --set params.N_inh=100 --set run.t_stop=300
finish

# Plastic networks end to end: identical files (spikes, rates, weight samples, statistics,
# snapshots, synaptic currents) at 1, 2, 3 and 4 ranks; the output layout and provenance;
# every kind of bad plasticity input gives one clear error line and exit code 2.
. "$(dirname "$0")/common.bash"

# check_config NAME ARGS...: run at 1-4 ranks, compare every dataset with h5diff.
check_config() {
  name=$1; shift
  for n in 1 2 3 4; do
    run "$n" run "$CONFIGS/$name.ini" -q --output "$name.$n.h5" "$@" > "$name.$n.log" 2>&1 \
      || { fail "$name at $n ranks exited non-zero"; cat "$name.$n.log" >&2; return; }
  done
  datasets=$("$PY" - "$name.1.h5" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
names = []
keep = ("spikes", "rates", "weights", "weight_stats", "weight_snapshots", "synaptic")
f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and n.split("/")[0] in keep else None)
total = sum(f["spikes"][p]["timestamps"].shape[0] for p in f["spikes"])
if total < 1000:
    sys.exit("too few spikes (%d) for a meaningful comparison" % total)
if not any(n.startswith("weight") for n in names):
    sys.exit("no weight datasets")
print("\n".join(names))
PY
) || { fail "$name: reading the 1-rank file: $datasets"; return; }
  for n in 2 3 4; do
    for d in $datasets; do
      h5diff -q "$name.1.h5" "$name.$n.h5" "/$d" "/$d" || fail "$name: /$d differs between 1 and $n ranks"
    done
  done
  pass "$name: $(echo "$datasets" | wc -l) datasets identical at 1, 2, 3 and 4 ranks"
}

# Homeostatic iSTDP on I->E and I->I with correlated input; the weights must move.
check_config akil2021_istdp --set params.N=500 --set run.t_stop=400 --set params.eta_ei=0.02 --set params.eta_ii=0.02
# Vogels' additive rule on conductance synapses, starting from zero weights.
check_config vogels2011_isp --set params.NE=800 --set run.t_stop=600 --set params.isp_start=200 --set params.p=0.1
# Kohonen on E->E, and the optogenetic stimulus (injected current on E1).
check_config akil2021_kohonen --set params.N=500 --set run.t_stop=500
check_config akil2021_optogenetic --set params.N=500 --set run.t_stop=500 --set params.stim_on=200 \
  --set params.stim_off=400 --set params.eta_ei=0.01

# Layout and provenance of the 1-rank plastic file.
"$PY" - akil2021_istdp.1.h5 <<'PY' && pass "output layout of a plastic run" || fail "output layout of a plastic run"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
a = f.attrs
assert a["plastic_bytes_per_synapse"] == 12.0, a["plastic_bytes_per_synapse"]
assert 0 < a["plastic_state_bytes_per_synapse"] < 8, a["plastic_state_bytes_per_synapse"]
n_ie = f["projections/I_to_E"].attrs["synapses"]
n_ii = f["projections/I_to_I"].attrs["synapses"]
assert a["plastic_synapses"] == n_ie + n_ii
assert f["projections/I_to_E"].attrs["plasticity"] == b"homeostatic" or f["projections/I_to_E"].attrs["plasticity"] == "homeostatic"
w = f["weights/J_EI"]
assert w["values"].shape == (4, 1000) and w["time"][:].tolist() == [100, 200, 300, 400]
assert w["pre"].shape == (1000,) and w["post"].shape == (1000,)
v = w["values"][:]
assert not np.isnan(v).any() and (v < 0).all()
assert (v[-1] != np.float32(-150 / np.sqrt(500))).mean() > 0.5, "the sampled I->E weights did not change"
s = f["weight_stats/weight_stats/I_to_E"]
assert s["mean"].shape == (4,) and (s["min"][:] <= s["mean"][:]).all() and (s["mean"][:] <= s["max"][:]).all()
snap = f["weight_snapshots/snapshots/I_to_E"]
assert snap["0"].attrs["time"] == 0 and snap["1"].attrs["time"] == 400
assert snap["1/weight"].shape == (n_ie,)
# the snapshot's mean equals the statistics' last mean
assert abs(snap["1/weight"][:].astype(np.float64).mean() - s["mean"][-1]) < 1e-9 * abs(s["mean"][-1])
c = f["synaptic/currents_E"]
assert c["I_i"].shape == (4, 200) and c["I_i"][1:].mean() < 0 < c["I_e"][1:].mean()
PY

# Bad plasticity input: one error line naming file/key and what is allowed, exit code 2.
expect() {
  name=$1; want=$2; shift 2
  rm -f bad.h5 bad.h5.part
  run 2 "$@" > "$name.out" 2> "$name.err"
  code=$?
  [ "$code" = 2 ] || { fail "$name: exit code $code, expected 2"; cat "$name.err" >&2; return; }
  lines=$(grep -c '^balnet' "$name.err" || true)
  [ "$lines" = 1 ] || { fail "$name: expected one balnet error line, got $lines"; cat "$name.err" >&2; return; }
  grep -q -- "$want" "$name.err" || { fail "$name: message lacks '$want':"; grep '^balnet' "$name.err" >&2; return; }
  for f in bad.h5 bad.h5.part; do [ -e "$f" ] && fail "$name: left $f behind"; done
  pass "$name: $(grep '^balnet' "$name.err")"
}
I="$CONFIGS/akil2021_istdp.ini"
expect unknown_rule "unknown plasticity rule 'istdp'" run "$I" --output bad.h5 --set projection.I_to_E.plasticity=istdp
expect wrong_sign "plasticity.w_norm=200/sqrt(N): rule homeostatic does not fit projection I_to_E" \
  run "$I" --output bad.h5 "--set" "projection.I_to_E.plasticity.w_norm=200/sqrt(N)"
expect excitatory_rule_on_inhibition "rule kohonen does not fit projection I_to_E" \
  run "$I" --output bad.h5 --set projection.I_to_E.plasticity=kohonen --set projection.I_to_E.plasticity.beta=0.03
expect negative_tau "projection.I_to_E.plasticity.tau=-200: must be a number > 0" \
  run "$I" --output bad.h5 --set projection.I_to_E.plasticity.tau=-200
expect forbidden_pair "forbidden combination on projection I_to_E" \
  run "$I" --output bad.h5 --set projection.I_to_E.plasticity=homeostatic,hebb_soft
expect unknown_recorder_projection "no projection named 'I_to_X'" \
  run "$I" --output bad.h5 --set recorder.J_EI.projection=I_to_X
expect bad_correlation "population.X.c=1.5: must be in \[0, 1\]" run "$I" --output bad.h5 --set population.X.c=1.5
sed '/^plasticity.rho = rho$/d' "$CONFIGS/vogels2011_isp.ini" > norho.ini
expect missing_rate "norho.ini, section \[projection.IE\]: rule vogels needs a target rate" run norho.ini --output bad.h5
finish

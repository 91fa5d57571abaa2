# balnet rates (project 3 rate-network mode) on a small network (64 E, 8 I, 216 stimuli):
# the four conditions give bit-identical files at 1 and 2 ranks; after a short training
# BOTH has more E/I co-tuning and more selective I cells than NEITHER; GRADIENT mode runs
# and its APPROXIMATE-vs-gradient angle stays below 90 degrees; PERTURB reads a trained
# network; bad configs give one error line and a non-zero exit on every rank.
. "$(dirname "$0")/common.bash"

cat > small.ini <<'INI'
[rates]
conditions = NEITHER, BOTH, EXC, INH
n_trials = 10
output = small.h5
progress = false
[rates.network]
n_per_axis = 4
n_i = 8
n_stimuli_per_axis = 6
[rates.plasticity]
rule = APPROXIMATE
eta_e = 1e-3
eta_i = 1e-3
angle_every = 20
[rates.perturb]
enabled = true
cells = 6
INI

run 1 rates small.ini -o one.h5 > one.out 2> one.err || fail "1 rank: exit $?: $(cat one.err)"
run 2 rates small.ini -o two.h5 > two.out 2> two.err || fail "2 ranks: exit $?: $(cat two.err)"
cat one.out

if "$PY" - <<'PY'; then pass "rank invariance, BOTH > NEITHER, weights, angles, perturbation curve"; else fail "checks on the outputs"; fi
import sys
import h5py, numpy as np
a, b = h5py.File("one.h5", "r"), h5py.File("two.h5", "r")
names = []
a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
names = [n for n in names if n != "config/resolved"]  # holds the --output name
bad = [n for n in names if n not in b or not np.array_equal(a[n][()], b[n][()], equal_nan=a[n].dtype.kind == "f")]
print(f"{len(names)} datasets compared between 1 and 2 ranks, {len(bad)} differ {bad[:5]}")
ok = not bad and len(names) > 100
for c in ("NEITHER", "BOTH", "EXC", "INH"):
    for g in ("responses_before/r_e", "responses_after/r_i", "diagnostics/recording_mu", "measures_after/cc"):
        ok &= f"rates/{c}/{g}" in a
after = {c: dict(a[f"rates/{c}/measures_after"].attrs) for c in ("NEITHER", "BOTH")}
cc_n, cc_b = after["NEITHER"]["cc_mean"], after["BOTH"]["cc_mean"]
osi_n, osi_b = after["NEITHER"]["osi_i_mean"], after["BOTH"]["osi_i_mean"]
print(f"cc: NEITHER {cc_n:.3f} BOTH {cc_b:.3f}; OSI(I): NEITHER {osi_n:.3f} BOTH {osi_b:.3f}")
ok &= cc_b > cc_n + 0.1 and osi_b > osi_n
# NEITHER's weights never change; BOTH's do
ok &= np.array_equal(a["rates/NEITHER/w_ie"][()], a["rates/network/w_ie_init"][()])
ok &= not np.array_equal(a["rates/BOTH/w_ie"][()], a["rates/network/w_ie_init"][()])
# E->I rows keep their total under APPROXIMATE
rows = a["rates/BOTH/w_ie"][()].sum(axis=1)
ok &= np.allclose(rows, 5.0, rtol=1e-4)
ang = a["rates/BOTH/diagnostics/angle_ie"][()]
ang_ei = a["rates/BOTH/diagnostics/angle_ei"][()]
print(f"angles computed: {np.isfinite(ang).sum()} (every 20th of {ang.size}); "
      f"mean APPROXIMATE-vs-gradient angle EI {np.nanmean(ang_ei):.1f}, IE {np.nanmean(ang):.1f} deg")
ok &= np.isfinite(ang).sum() == (ang.size + 19) // 20
ok &= np.nanmean(ang) < 90 and np.nanmean(ang_ei) < 90
p = a["rates/perturb"]
ok &= p["mean"].shape == (9,) and p["count"][()].sum() == 6 * 63
sys.exit(0 if ok else 1)
PY

# GRADIENT: two trials of BOTH with Adam; the angle is recorded at every presentation.
run 1 rates small.ini -o grad.h5 --set rates.conditions=BOTH --set rates.n_trials=2 \
  --set rates.plasticity.rule=GRADIENT --set rates.plasticity.eta_e=1e-3 --set rates.plasticity.eta_i=1e-3 \
  --set rates.perturb.enabled=false > grad.out 2> grad.err || fail "gradient run: $(cat grad.err)"
if "$PY" - <<'PY'; then pass "GRADIENT: angles at every presentation, weights learn"; else fail "GRADIENT run"; fi
import sys, h5py, numpy as np
f = h5py.File("grad.h5", "r")
ei, ie = f["rates/BOTH/diagnostics/angle_ei"][()], f["rates/BOTH/diagnostics/angle_ie"][()]
print(f"mean angle EI {np.nanmean(ei):.1f}, IE {np.nanmean(ie):.1f} deg over {np.isfinite(ei).sum()} presentations")
changed = not np.array_equal(f["rates/BOTH/w_ei"][()], f["rates/network/w_ei_init"][()])
sys.exit(0 if np.isfinite(ei).all() and np.isfinite(ie).all() and changed else 1)
PY

# PERTURB from a learning run's file (no training in this run).
run 2 rates small.ini -o pert.h5 --set rates.conditions=NONE --set rates.perturb.network=one.h5 > pert.out 2> pert.err \
  || fail "perturb from file: $(cat pert.err)"
"$PY" -c "
import h5py, numpy as np, sys
a, b = h5py.File('one.h5', 'r'), h5py.File('pert.h5', 'r')
sys.exit(0 if np.array_equal(a['rates/perturb/mean'][()], b['rates/perturb/mean'][()]) else 1)" \
  && pass "PERTURB from a file equals PERTURB after training" || fail "PERTURB from a file differs"

# --bench from the initial network and from a trained one (rates.perturb.network): the trained
# network's solves take a different number of steps, so the two really start apart.
run 1 rates small.ini --bench 40 > bench0.out 2> bench0.err || fail "bench: $(cat bench0.err)"
run 1 rates small.ini --bench 40 --set rates.perturb.network=one.h5 > bench1.out 2> bench1.err \
  || fail "bench from a trained network: $(cat bench1.err)"
s0=$(sed -n 's/.*mean \([0-9.]*\) Euler steps.*/\1/p' bench0.out)
s1=$(sed -n 's/.*mean \([0-9.]*\) Euler steps.*/\1/p' bench1.out)
if [ -n "$s0" ] && [ -n "$s1" ] && [ "$s0" != "$s1" ]; then pass "bench: mean steps $s0 (initial) vs $s1 (trained)"
else fail "bench: steps '$s0' vs '$s1'"; cat bench0.out bench1.out >&2; fi
if run 1 rates small.ini --bench 5 --set rates.perturb.network=nothere.h5 > bench2.out 2> bench2.err; then
  fail "bench from a missing file: exit 0"
else
  [ "$(grep -c '^balnet' bench2.err)" = 1 ] && grep -q "nothere.h5" bench2.err && pass "bench from a missing file: $(cat bench2.err)" \
    || { fail "bench from a missing file: $(cat bench2.err)"; }
fi

# Bad configs: one error line, non-zero exit (mpirun fails if any rank does).
expect() {
  name=$1; want=$2; shift 2
  rm -f small.h5
  if run 2 rates small.ini "$@" > "$name.out" 2> "$name.err"; then fail "$name: exit status 0"; return; fi
  lines=$(grep -c '^balnet' "$name.err" || true)
  if [ "$lines" != 1 ]; then fail "$name: expected one error line, got $lines"; cat "$name.err" >&2; return; fi
  grep -q -- "$want" "$name.err" || { fail "$name: message lacks '$want':"; cat "$name.err" >&2; return; }
  [ -e small.h5 ] && fail "$name: left small.h5 behind"
  pass "$name: $(grep '^balnet' "$name.err")"
}
expect tau_zero "rates.network.tau_e=0: must be" --set rates.network.tau_e=0
expect tau_negative "rates.network.tau_i=-5: must be" --set rates.network.tau_i=-5
expect p_zero "rates.synapses.ie_p=0: must be a connection probability in (0, 1]" --set rates.synapses.ie_p=0
expect p_large "rates.synapses.ii_p=1.5: must be a connection probability in (0, 1]" --set rates.synapses.ii_p=1.5
expect no_i_cells "rates.network.n_i=0: must be a whole number" --set rates.network.n_i=0
expect empty_indegree "round(ei_p \* n_i) must be >= 1" --set rates.network.n_i=1 --set rates.synapses.ei_p=0.2
expect too_many_cells "rates.perturb.cells=100: must be a whole number in \[1, 64\]" --set rates.perturb.cells=100
expect unknown_condition "unknown condition 'BOTHH'" --set rates.conditions=BOTHH
expect unknown_key "unknown key 'tau_m'" --set rates.network.tau_m=3
expect unwritable "cannot create the output file" --output /nonexistent/dir/x.h5
expect wrong_network "no dataset /rates/BOTH/w_ei\|differ" --set rates.conditions=NONE --set rates.perturb.network=grad.h5 --set rates.network.n_i=9
finish

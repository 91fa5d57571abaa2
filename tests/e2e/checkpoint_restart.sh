# Checkpoint at t1 on k ranks, restart on m ranks: spikes, rates, state reports and plastic
# weights identical bit for bit to the uninterrupted run (plastic network, correlated and
# Poisson input, delays up to 30 exchange intervals); a chain of three segments; a restart
# from a checkpoint older than its output file; periodic checkpoints; --set on restart.
. "$(dirname "$0")/common.bash"
. "$(dirname "$0")/checkpoint.bash"

rm -f ./*.h5 ./*.part ./*.log
write_network net.ini
run 2 run net.ini -q --output full.h5 > full.log 2>&1 || { cat full.log; fail "uninterrupted run"; finish; }

# (writer ranks, restart ranks): every restart count 1-4, each different from the writer's.
for km in "1 2" "2 3" "3 4" "4 1"; do
  set -- $km
  k=$1 m=$2
  run "$k" run net.ini -q --output r$k$m.h5 --stop-at 120 > r$k$m.a.log 2>&1 || { fail "stop-at on $k ranks"; cat r$k$m.a.log; continue; }
  [ -e r$k$m.h5 ] && fail "$k->$m: a stopped run left its output under the final name"
  [ -e r$k$m.h5.part ] || fail "$k->$m: no r$k$m.h5.part after --stop-at"
  [ -e r$k$m.ckpt.h5 ] || fail "$k->$m: no checkpoint r$k$m.ckpt.h5 (the default name)"
  run "$m" run --restart r$k$m.ckpt.h5 -q > r$k$m.b.log 2>&1 || { fail "restart on $m ranks"; cat r$k$m.b.log; continue; }
  msg=$(same_results full.h5 r$k$m.h5) && pass "checkpoint on $k ranks, restart on $m: identical results" \
    || fail "checkpoint on $k ranks, restart on $m: $msg"
done

# GHP (a rule gated by the low-pass population rate, an allreduce each interval) on I->I.
"$PY" - net.ini ghp.ini <<'PY'
import sys
src = open(sys.argv[1]).read()
old = "plasticity = homeostatic\nplasticity.eta = eta_ii\nplasticity.w_norm = jmax_ii / sqrt(N)\n"
assert old in src
src = src.replace(old, "plasticity = ghp\nplasticity.eta = 0.01\nplasticity.tau_rate = 50\nplasticity.w_max = 0\n")
open(sys.argv[2], "w").write(src)
PY
run 2 run ghp.ini -q --output ghp_full.h5 > ghp.0.log 2>&1 || { fail "ghp: uninterrupted run"; cat ghp.0.log; }
run 3 run ghp.ini -q --output ghp.h5 --stop-at 150 > ghp.1.log 2>&1 || { fail "ghp: stop-at"; cat ghp.1.log; }
run 2 run --restart ghp.ckpt.h5 -q > ghp.2.log 2>&1 || { fail "ghp: restart"; cat ghp.2.log; }
"$PY" - ghp.ckpt.h5 <<'PY' || fail "ghp: no global rate in the checkpoint"
import sys, h5py
a = h5py.File(sys.argv[1], "r")["state/plasticity"].attrs
assert a["gates"] == 1 and a["gate_rate_0"] > 1, dict(a)
PY
msg=$(same_results ghp_full.h5 ghp.h5) && pass "GHP rule: checkpoint on 3 ranks, restart on 2: identical results" \
  || fail "ghp: $msg"

# A chain of three segments (2 -> 3 -> 1 ranks), the last one into another output file.
run 2 run net.ini -q --output chain.h5 --checkpoint-file c1.h5 --stop-at 100 > chain.1.log 2>&1 || fail "chain segment 1"
run 3 run --restart c1.h5 -q --checkpoint-file c2.h5 --stop-at 210 > chain.2.log 2>&1 || fail "chain segment 2"
run 1 run --restart c2.h5 -q --output chain_end.h5 > chain.3.log 2>&1 || { fail "chain segment 3"; cat chain.3.log; }
msg=$(same_results full.h5 chain_end.h5) && pass "a chain of three segments (2, 3, 1 ranks): identical results" \
  || fail "chain: $msg"
"$PY" - chain_end.h5 <<'PY' && pass "the restarts are recorded in the provenance" || fail "restart provenance"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
r = f.attrs["restarts"]
r = r.decode() if isinstance(r, bytes) else r
lines = r.strip().split("\n")
assert len(lines) == 2, lines
assert lines[0].startswith("t = 100 ms: restarted from c1.h5 (written by 2 ranks) on 3 ranks"), lines[0]
assert lines[1].startswith("t = 210 ms: restarted from c2.h5 (written by 3 ranks) on 1 ranks"), lines[1]
assert f.attrs["ranks"] == 1
# the last segment's speed: its wall time over its own 210 .. t_end ms, not over 0 .. t_end
assert f.attrs["t_begin"] == 210.0, f.attrs["t_begin"]
w, t1 = f.attrs["wall_run"], f.attrs["t_end"]
assert abs(f.attrs["wall_per_simulated_second"] - w / ((t1 - 210.0) / 1000)) < 1e-12 * w, dict(f.attrs)
PY

# A checkpoint older than the output (as after a crash following a periodic checkpoint):
# the restart drops what the output holds beyond the checkpoint.
run 2 run net.ini -q --output old.h5 --checkpoint-file old1.h5 --stop-at 120 > old.1.log 2>&1 || fail "old: segment 1"
cp old1.h5 old1.copy.h5
run 2 run --restart old1.h5 -q --checkpoint-file old2.h5 --stop-at 200 > old.2.log 2>&1 || fail "old: segment 2"
run 3 run --restart old1.copy.h5 -q > old.3.log 2>&1 || { fail "old: restart from the older checkpoint"; cat old.3.log; }
msg=$(same_results full.h5 old.h5) && pass "restart from a checkpoint older than the output file: identical results" \
  || fail "older checkpoint: $msg"

# Periodic checkpoints (simulated time) leave the results unchanged; the last one is at 250 ms.
run 2 run net.ini -q --output periodic.h5 --checkpoint-every 50ms > periodic.log 2>&1 || fail "periodic run"
msg=$(same_results full.h5 periodic.h5) && pass "--checkpoint-every 50ms: identical results" || fail "periodic: $msg"
"$PY" - periodic.ckpt.h5 <<'PY' && pass "periodic checkpoint layout" || fail "periodic checkpoint layout"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
assert f.attrs["balnet_checkpoint"] == 1
assert f["state/run"].attrs["step"] == 2500, f["state/run"].attrs["step"]
assert f["state/run"].attrs["ranks"] == 2
for t in ("populations/E/V", "populations/X/pending/gid", "inputs/noise/0/position", "in_flight/gid",
          "plasticity/projections/I_to_E/synapses/weight", "plasticity/post_traces/E/x0"):
    assert "state/" + t in f, t
assert len(f["state/plasticity/projections/I_to_E/synapses/weight"]) > 1000
assert b"[population.E]" in f["text/config_source"][()]
PY

# --set run.t_stop on restart extends the run: the same as a run planned that long (the
# report's time mapping and the "end" snapshot follow the new end).
run 2 run net.ini -q --output long.h5 --set run.t_stop=400 > long.0.log 2>&1 || fail "400 ms run"
run 1 run net.ini -q --output ext.h5 --stop-at 120 > ext.1.log 2>&1 || fail "extend: segment 1"
run 3 run --restart ext.ckpt.h5 -q --set run.t_stop=400 > ext.2.log 2>&1 || { fail "extend: restart"; cat ext.2.log; }
msg=$(same_results long.h5 ext.h5) && pass "--set run.t_stop=400 on restart: identical to a 400 ms run" \
  || fail "extend: $msg"

# --set on restart: switching I->E learning off freezes those weights from the checkpoint on.
run 2 run net.ini -q --output frozen.h5 --stop-at 100 > frozen.1.log 2>&1 || fail "frozen: segment 1"
run 2 run --restart frozen.ckpt.h5 -q --set params.eta_ei=0 > frozen.2.log 2>&1 || { fail "restart with --set"; cat frozen.2.log; }
"$PY" - frozen.h5 full.h5 <<'PY' && pass "--set params.eta_ei=0 on restart stops I->E learning" || fail "--set on restart"
import sys, h5py, numpy as np
f, g = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
s = "weight_snapshots/snapshots/"
assert np.array_equal(f[s + "I_to_E/1/weight"][()], f[s + "I_to_E/2/weight"][()])
assert not np.array_equal(g[s + "I_to_E/1/weight"][()], g[s + "I_to_E/2/weight"][()])
assert not np.array_equal(f[s + "I_to_I/1/weight"][()], f[s + "I_to_I/2/weight"][()])  # still learning
r = f.attrs["restarts"]
assert b"--set params.eta_ei=0" in (r if isinstance(r, bytes) else r.encode())
PY
finish

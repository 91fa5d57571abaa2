# SIGUSR1 to a running mpirun job (as SLURM's --signal sends it): every rank finishes the
# exchange interval, the job writes a checkpoint and exits with code 85; the restart on
# another rank count completes with results identical to the uninterrupted run. SIGTERM to a
# single-process run does the same.
. "$(dirname "$0")/common.bash"
. "$(dirname "$0")/checkpoint.bash"

rm -f ./*.h5 ./*.part ./*.log
write_network net.ini
T=10000  # ms: a few seconds of wall time on 2 ranks, so the signal arrives mid-run
run 2 run net.ini -q --output full.h5 --set run.t_stop=$T > full.log 2>&1 || { cat full.log; fail "uninterrupted run"; finish; }

# signal_run SIGNAL NAME T LAUNCH...: starts a run of T ms, sends SIGNAL as soon as its first
# progress line shows that it simulates, waits for the exit code.
signal_run() {
  sig=$1 name=$2 t=$3; shift 3
  "$@" run net.ini --output $name.h5 --set run.t_stop=$t --set run.progress_interval=0.1 > $name.log 2>&1 &
  pid=$!
  for i in $(seq 1 600); do grep -q "% *t = " $name.log 2>/dev/null && break; sleep 0.05; done
  kill -$sig $pid
  wait $pid
  code=$?
}

signal_run USR1 usr1 $T "$MPIRUN" -n 2 "$BALNET"
[ "$code" = 85 ] && pass "SIGUSR1 to mpirun: exit code 85" || { fail "SIGUSR1: exit code $code, expected 85"; cat usr1.log; }
grep -q "checkpoint usr1.ckpt.h5 written at t = " usr1.log || fail "SIGUSR1: no message naming the checkpoint"
[ -e usr1.h5 ] && fail "SIGUSR1: the interrupted output is under its final name"
"$PY" - usr1.ckpt.h5 $T <<'PY' && pass "SIGUSR1: a valid checkpoint in mid-run" || fail "SIGUSR1: checkpoint"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
step = f["state/run"].attrs["step"]
assert 0 < step < float(sys.argv[2]) / 0.1, step
assert f["state/run"].attrs["ranks"] == 2
PY
run 3 run --restart usr1.ckpt.h5 -q > usr1.restart.log 2>&1 || { fail "restart after SIGUSR1"; cat usr1.restart.log; }
msg=$(same_results full.h5 usr1.h5) && pass "restart after SIGUSR1 on 3 ranks: identical results" || fail "after SIGUSR1: $msg"

# Wall-clock checkpoints (every 30 ms of wall time, rank 0's clock: many within the run, which
# takes 0.4 s or more) leave the results unchanged and the last one lies inside the run.
run 2 run net.ini -q --output wall.h5 --set run.t_stop=$T --checkpoint-every 0.0005min > wall.log 2>&1 \
  || { fail "wall-clock checkpoints"; cat wall.log; }
msg=$(same_results full.h5 wall.h5) && pass "--checkpoint-every 0.0005min: identical results" || fail "wall-clock: $msg"
"$PY" - wall.ckpt.h5 $T <<'PY' && pass "--checkpoint-every 0.0005min: a checkpoint inside the run" || fail "wall-clock checkpoint"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
assert 0 < f["state/run"].attrs["step"] < float(sys.argv[2]) / 0.1
PY

# One process without mpirun runs faster: a longer run.
signal_run TERM term 30000 "$BALNET"
[ "$code" = 85 ] && pass "SIGTERM: exit code 85" || { fail "SIGTERM: exit code $code, expected 85"; cat term.log; }
"$PY" - term.ckpt.h5 <<'PY' || fail "SIGTERM: checkpoint"
import h5py, sys
f = h5py.File(sys.argv[1], "r")
assert 0 < f["state/run"].attrs["step"] < 300000
PY
run 2 run --restart term.ckpt.h5 -q > term.restart.log 2>&1 && pass "SIGTERM: the restart completes" \
  || { fail "restart after SIGTERM"; cat term.restart.log; }
finish

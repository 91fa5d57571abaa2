# A run killed mid-way leaves no file under the final name (only NAME.part), and a run
# that the rate checker stops keeps a valid file marked as stopped, with exit code 4.
. "$(dirname "$0")/common.bash"

"$MPIRUN" -n 2 "$BALNET" run "$CONFIGS/coba.ini" -q --set run.t_stop=600000 --output long.h5 \
  > long.log 2>&1 &
pid=$!
for i in $(seq 1 100); do [ -e long.h5.part ] && break; sleep 0.1; done
sleep 1
kill -9 $pid 2>/dev/null
pkill -9 -f "balnet run .*long.h5" 2>/dev/null
wait $pid 2>/dev/null
[ -e long.h5 ] && fail "a killed run left long.h5 under its final name" || pass "killed run: no long.h5"

# Runaway: without inhibition the COBA network fires far above 60 Hz.
run 2 run "$CONFIGS/coba.ini" --output runaway.h5 --set params.w_inh=0 --set check.rate_max=60 \
  --set run.sync_interval=50 > runaway.out 2> runaway.err
code=$?
[ "$code" = 4 ] || fail "runaway: exit code $code, expected 4"
grep -q "above check.rate_max = 60 Hz" runaway.err || fail "runaway: no clear message"
"$PY" - runaway.h5 <<'PY' || fail "runaway: file not valid"
import h5py
f = h5py.File("runaway.h5", "r")
status = f.attrs["status"]
status = status.decode() if isinstance(status, bytes) else status
assert status.startswith("stopped: population"), status
t_end = f.attrs["t_end"]
assert 0 < t_end < 1000, t_end
t = f["spikes/E/timestamps"][:]
assert len(t) > 0 and t.max() < t_end
assert len(f["rates/E"]) == int(t_end)
PY
[ "$failures" = 0 ] && pass "rate checker stops the runaway network with a valid file"
finish

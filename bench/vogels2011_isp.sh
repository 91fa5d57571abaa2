#!/bin/bash
# Benchmark: Vogels et al. (2011) inhibitory plasticity, configs/vogels2011_isp.ini
# (8000 E + 2000 I conductance LIF neurons, ISP on I->E), in balnet and in Brian 2 (C++
# standalone, one thread) on the same network, both on one core, in one invocation.
#
#   bench/vogels2011_isp.sh [T_STOP_MS] [NE]      (defaults: 10000 ms, 8000)
#
# Prints the wall time per simulated second of each simulator (the simulation loop only:
# balnet's wall_run, Brian 2's Network.run time; construction and Brian 2's compilation are
# reported apart), their ratio, balnet's plastic bytes per synapse, and both E rates over
# the last second (a sanity check that both simulated the same thing).
# Needs: a built balnet (build/balnet or $BALNET), python3-brian, python3-h5py, g++.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
BALNET=${BALNET:-$src/build/balnet}
PY=${PY:-/usr/bin/python3}
T=${1:-10000}
NE=${2:-8000}
ETA=1e-2
work=$(mktemp -d /tmp/balnet-bench-vogels.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "vogels2011_isp: NE = $NE, NI = $((NE / 4)), t_stop = $T ms, eta = $ETA, one core each"
"$BALNET" run "$src/configs/vogels2011_isp.ini" -q --output "$work/balnet.h5" \
  --set run.t_stop="$T" --set params.NE="$NE" --set params.eta="$ETA" > "$work/balnet.log"
read -r b_run b_build b_bytes b_state b_rate <<< "$("$PY" - "$work/balnet.h5" "$T" <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r"); T = float(sys.argv[2])
r = f["rates/E"][:]; b = f["rates"].attrs["bin"]
print(f.attrs["wall_run"], f.attrs["wall_build"], f.attrs["plastic_bytes_per_synapse"],
      f.attrs["plastic_state_bytes_per_synapse"], r[int((T - 1000) / b):].mean())
PY
)"
brian=$("$PY" "$here/vogels2011_isp_brian2.py" "$work/brian2" "$T" "$NE" "$ETA" 2>"$work/brian2.err" | grep '^brian2') \
  || { cat "$work/brian2.err" >&2; exit 1; }
br_run=$(sed 's/.*run_s=\([^ ]*\).*/\1/' <<< "$brian")
br_total=$(sed 's/.*build_s=\([^ ]*\).*/\1/' <<< "$brian")
br_rate=$(sed 's/.*rate_E_last_s=\([^ ]*\).*/\1/' <<< "$brian")
"$PY" - "$T" "$b_run" "$b_build" "$b_bytes" "$b_state" "$b_rate" "$br_run" "$br_total" "$br_rate" <<'PY'
import sys
T, b_run, b_build, b_bytes, b_state, b_rate, br_run, br_total, br_rate = map(float, sys.argv[1:])
s = T / 1000
print("balnet : %.3f s wall per simulated second (loop %.2f s, construction %.2f s); E rate last s %.2f Hz"
      % (b_run / s, b_run, b_build, b_rate))
print("brian2 : %.3f s wall per simulated second (loop %.2f s; code generation + compilation + run %.2f s); E rate last s %.2f Hz"
      % (br_run / s, br_run, br_total, br_rate))
print("ratio  : balnet is %.2fx faster than Brian 2 C++ standalone (target >= 3x)" % (br_run / b_run))
print("memory : %.1f bytes per plastic synapse (target + weight + post-major index) + %.2f bytes/synapse of other plastic state"
      % (b_bytes, b_state))
PY

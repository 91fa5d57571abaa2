#!/bin/bash
# Benchmark: configs/coba.ini (COBA, 4000 neurons, 320k synapses), 10 s simulated, in balnet
# and in Brian2's C++ standalone mode (Debian's python3-brian; same network, one thread) in
# one invocation. Prints wall time per simulated second (median of REPEATS runs; network
# construction excluded for both) and the ratio Brian2 / balnet, and balnet's bytes per
# synapse. balnet runs in double precision (its default) and in single precision
# (`precision = single`), on 1 and 2 ranks.
#
# Usage: bench/coba_vs_brian2.sh [T_MS=10000] [REPEATS=3]    (from the repository root,
#        after tools/setup.sh; needs python3-brian: apt-get install python3-brian)
set -euo pipefail
cd "$(dirname "$0")/.."
T=${1:-10000}
REPEATS=${2:-3}
BALNET=build/balnet
PY=/usr/bin/python3
work=$(mktemp -d /tmp/balnet-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# balnet: wall_run / simulated seconds, read back from the run file.
balnet_run() {  # ranks precision
  local n=$1 prec=$2 out="$work/coba_$1_$2.h5"
  for r in $(seq "$REPEATS"); do
    mpirun -n "$n" "$BALNET" run configs/coba.ini -q --output "$out" --set run.t_stop="$T" \
      --set population.E.precision="$prec" --set population.I.precision="$prec" > /dev/null
    "$PY" -c "import h5py,sys; f=h5py.File(sys.argv[1]); print(f.attrs['wall_per_simulated_second'])" "$out"
  done | median
}
balnet_attr() { "$PY" -c "import h5py,sys; f=h5py.File(sys.argv[1]); print(f.attrs[sys.argv[2]])" "$1" "$2"; }
balnet_spikes() { "$PY" -c "import h5py,sys; f=h5py.File(sys.argv[1]); print(f['populations/E'].attrs['spikes'], f['populations/I'].attrs['spikes'])" "$1"; }

echo "COBA benchmark: ${T} ms simulated, median of $REPEATS runs, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
b1d=$(balnet_run 1 double)
b1s=$(balnet_run 1 single)
b2d=$(balnet_run 2 double)
b2s=$(balnet_run 2 single)

# Brian2: generate and compile once, then time the standalone binary REPEATS times
# (Brian2 measures its own network run, like balnet's wall_run).
"$PY" bench/brian2_coba.py "$T" "$work/brian2" 2>/dev/null | tail -1 > "$work/brian2.txt"
for r in $(seq "$REPEATS"); do
  (cd "$work/brian2" && ./main > /dev/null && awk '{print $1}' results/last_run_info.txt)
done | awk -v t="$T" '{print $1 / (t / 1000)}' | median > "$work/brian2_per_s.txt"
br=$(cat "$work/brian2_per_s.txt")

printf "\n%-34s %12s %14s\n" "simulator" "s per sim s" "Brian2 / this"
printf "%-34s %12.4f %14s\n" "Brian2 2.5 C++ standalone, 1 thread" "$br" "1.00"
for row in "balnet 1 rank, double:$b1d" "balnet 1 rank, single:$b1s" "balnet 2 ranks, double:$b2d" "balnet 2 ranks, single:$b2s"; do
  name=${row%%:*}; v=${row##*:}
  printf "%-34s %12.4f %14.2f\n" "$name" "$v" "$(echo "$br $v" | awk '{print $1/$2}')"
done
f="$work/coba_1_double.h5"
echo
echo "balnet bytes per synapse: $(balnet_attr "$f" bytes_per_synapse) (synapse record), $(balnet_attr "$f" connectivity_bytes_per_synapse) (with row index and routing)"
echo "spikes (E, I): balnet $(balnet_spikes "$f"); brian2 $(sed -E 's/.*spikes_E=([0-9]+) spikes_I=([0-9]+).*/\1 \2/' "$work/brian2.txt")"

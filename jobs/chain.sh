#!/bin/bash
# jobs/chain.sh - a long run as a chain of SLURM jobs, each continuing from the checkpoint of
# the one before. Use it when one run needs far more time than a job may have (a 10,000 s
# spontaneous run, a 2000 s training run): segment k simulates up to k/N of the run,
# writes a checkpoint and ends; segment k+1 starts only if segment k succeeded
# (--dependency=afterok) and restarts from that checkpoint, on as many ranks as it is given.
#
#   jobs/chain.sh -s 4 -t 2000000 -o train.h5 configs/akil2021_istdp.ini [--set ...]
#   jobs/chain.sh -s 4 -t 2000000 -o train.h5 -- -N 2 -t 12:00:00 -- configs/x.ini   (sbatch options)
#   jobs/chain.sh --local -s 3 -t 3000 -o x.h5 configs/quickstart.ini     # without SLURM
#
# Options:
#   -s N          segments (default 2)
#   -t T_MS       total simulated time in ms; it is also set as run.t_stop of the run
#   -o FILE       output file (every segment appends to it); the checkpoint is FILE with
#                 .h5 -> .ckpt.h5 unless -c is given
#   -c CKPT       checkpoint file
#   -n "A B ..."  ranks of each segment (default: what sbatch gives; locally 1); a restart may
#                 use any rank count
#   -S "OPTS"     extra sbatch options for every segment, e.g. "-N 2 -t 12:00:00 -p long"
#   --local       run the segments one after the other here (mpirun), no SLURM
#   --dry-run     print the sbatch commands, submit nothing
# Everything after the config goes to the first segment's `balnet run` (e.g. --set KEY=VALUE).
# A segment that fails (any exit code but 0) cancels the rest of the chain: with
# DependencyParameters=kill_invalid_depend they are cancelled, otherwise they stay PENDING with
# reason DependencyNeverSatisfied until you scancel them.
#
# Each segment is jobs/run.sbatch (see its header), so a segment that hits its own wall-time
# limit is checkpointed and requeued as well. The job ids are printed one per line on stdout,
# the last one being the final segment: `sbatch -d afterok:$(jobs/chain.sh ... | tail -1) post.sh`.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
segments=2 total="" output="" ckpt="" ranks="" sbatch_opts="" local=0 dry=0
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case $1 in
    -s) segments=$2; shift 2 ;;
    -t) total=$2; shift 2 ;;
    -o) output=$2; shift 2 ;;
    -c) ckpt=$2; shift 2 ;;
    -n) ranks=$2; shift 2 ;;
    -S) sbatch_opts=$2; shift 2 ;;
    --local) local=1; shift ;;
    --dry-run) dry=1; shift ;;
    -h|--help) usage ;;
    -*) echo "chain.sh: error: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[[ $# -ge 1 ]] || { echo "chain.sh: error: no config given" >&2; exit 2; }
config=$1; shift
[[ $segments =~ ^[1-9][0-9]*$ ]] || { echo "chain.sh: error: -s $segments: need a whole number >= 1" >&2; exit 2; }
[[ $total =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "chain.sh: error: -t '$total': need the total simulated time in ms" >&2; exit 2; }
[[ -n $output ]] || { echo "chain.sh: error: -o FILE: the output file is required" >&2; exit 2; }
[[ -f $config ]] || { echo "chain.sh: error: config $config not found" >&2; exit 2; }
[[ -n $ckpt ]] || ckpt=${output%.h5}.ckpt.h5
read -r -a rank_list <<<"$ranks"
read -r -a sbatch_extra <<<"$sbatch_opts"

# End of segment k (1-based) in ms, rounded down to a whole ms; the last one runs to the end.
seg_end() { awk -v t="$total" -v k="$1" -v n="$segments" 'BEGIN { printf "%d", t * k / n }'; }

prev=""
for ((k = 1; k <= segments; k++)); do
  env_vars=(BALNET_OUTPUT="$output" BALNET_CHECKPOINT="$ckpt")
  if (( k < segments )); then env_vars+=(BALNET_STOP_AT="$(seg_end "$k")"); fi
  if (( k == 1 )); then
    env_vars+=(BALNET_RESTART=auto); args=("$config" --set "run.t_stop=$total" "$@")
  else
    env_vars+=(BALNET_RESTART=1); args=()
  fi
  np=${rank_list[$((k - 1))]:-${rank_list[-1]:-}}
  [[ -n $np ]] && env_vars+=(BALNET_NP="$np")
  if (( local )); then
    echo "chain.sh: segment $k/$segments: ${env_vars[*]} $here/run.sbatch ${args[*]}" >&2
    (( dry )) && continue
    env "${env_vars[@]}" bash "$here/run.sbatch" "${args[@]}" ||
      { rc=$?; echo "chain.sh: segment $k failed with status $rc" >&2; exit "$rc"; }
    continue
  fi
  export_list=ALL
  for v in "${env_vars[@]}"; do export_list+=",$v"; done
  opts=(--parsable --job-name="chain$k" --export="$export_list" "${sbatch_extra[@]}")
  [[ -n $np ]] && opts+=(--ntasks="$np")
  [[ -n $prev ]] && opts+=(--dependency="afterok:$prev")
  if (( dry )); then
    echo "sbatch ${opts[*]} $here/run.sbatch ${args[*]}"; prev="SEG$k"; continue
  fi
  prev=$(sbatch "${opts[@]}" "$here/run.sbatch" "${args[@]}")
  prev=${prev%%;*}
  echo "$prev"
done

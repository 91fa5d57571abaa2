#!/usr/bin/env bash
# bench/scaling_study.sh - the scaling study of docs/hpc.md, reproducible: strong scaling
# (hpc_benchmark at scale 0.2, k_scale 0.3: 2250 neurons, 7.6 M synapses, fixed) and weak
# scaling (scale 0.1 per rank at k_scale 0.3: 1125 neurons and 3.8 M synapses per rank) at
# 1, 2 and 4 ranks, REPEATS times each, submitted with jobs/scaling_strong.sbatch and
# jobs/scaling_weak.sbatch to a private single-node SLURM cluster (tests/slurm/); then
# tools/scaling_report keeps the fastest run of each rank count and writes CSV + PNG.
#
#   bench/scaling_study.sh [OUTDIR] [REPEATS]      # default: scaling_study/ and 3
#
# Env: BALNET (default build/balnet), BALNET_RANKS ("1 2 4"), STUDY_LOCAL=1 (no SLURM: the
# scripts' mpirun fallback). More ranks than cores (4 ranks on a 2-core box) need
# OMPI_MCA_mpi_yield_when_idle=1, which this script sets (see docs/hpc.md).
set -euo pipefail
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-scaling_study}; repeats=${2:-3}
export BALNET=${BALNET:-$src/build/balnet}; BALNET=$(readlink -f "$BALNET")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_mpi_yield_when_idle=1
export BALNET_RANKS=${BALNET_RANKS:-1 2 4}
cfg=$src/configs/hpc_benchmark.ini
strong=(--set params.scale=0.2 --set params.k_scale=0.3 --set run.t_stop=1000)
weak=(--set params.k_scale=0.3 --set run.t_stop=1000)
mkdir -p "$out"; cd "$out"
nr=$(wc -w <<<"$BALNET_RANKS")

if [[ ${STUDY_LOCAL:-0} == 1 ]]; then
  for ((k = 1; k <= repeats; k++)); do
    BALNET_SCALING_PREFIX=strong_$k bash "$src/jobs/scaling_strong.sbatch" "$cfg" "${strong[@]}"
    BALNET_SCALING_PREFIX=weak_$k BALNET_SCALE_PER_RANK=0.1 bash "$src/jobs/scaling_weak.sbatch" "$cfg" "${weak[@]}"
  done
else
  SLURM_LOCAL_BASE=$(mktemp -d /tmp/balnet-slurm-study-XXXXXX)
  export SLURM_LOCAL_BASE SLURM_LOCAL_CPUS=4
  chmod 0755 "$SLURM_LOCAL_BASE"
  export SLURM_LOCAL_PORT=${SLURM_LOCAL_PORT:-29817}
  trap '"$src/tests/slurm/stop-local-slurm.sh"; rm -rf "$SLURM_LOCAL_BASE"' EXIT
  eval "$("$src/tests/slurm/start-local-slurm.sh" --clean)"
  ids=()
  for ((k = 1; k <= repeats; k++)); do
    ids+=("$(BALNET_SCALING_PREFIX=strong_$k sbatch --parsable --array=0-$((nr - 1))%1 \
               "$src/jobs/scaling_strong.sbatch" "$cfg" "${strong[@]}")")
    ids+=("$(BALNET_SCALING_PREFIX=weak_$k BALNET_SCALE_PER_RANK=0.1 sbatch --parsable \
               --array=0-$((nr - 1))%1 "$src/jobs/scaling_weak.sbatch" "$cfg" "${weak[@]}")")
  done
  for id in "${ids[@]}"; do "$src/tests/slurm/wait-job.sh" "$id" 1800; done
fi
uptime > load_after.txt
/usr/bin/python3 "$src/tools/scaling_report" --kind strong --out strong strong_*_r*.h5
/usr/bin/python3 "$src/tools/scaling_report" --kind weak --out weak weak_*_r*.h5

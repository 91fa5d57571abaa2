#!/bin/bash
# Time per presentation (steady-state solve + weight update) of project 3's rate network,
# for the APPROXIMATE and GRADIENT configs, on one core. Usage (from the source folder):
#   bench/rate_presentation.sh [PRESENTATIONS] [BALNET] [TRAINED.h5]
# TRAINED.h5 (a `balnet rates` output with BOTH, e.g. from the validation run) adds the time
# per presentation from trained weights: training makes nearly every cell active, so a solve
# step then costs more than on the initial network (but fewer steps are needed).
# On a shared machine the times are upper bounds (other processes take CPU time).
set -eu
n=${1:-2000}
balnet=${2:-build/balnet}
trained=${3:-}
dir=$(cd "$(dirname "$0")/.." && pwd)
"$balnet" rates "$dir/configs/mackwood2021_approximate.ini" --bench "$n"
"$balnet" rates "$dir/configs/mackwood2021_approximate.ini" --bench "$n" --set rates.plasticity.angle_every=0
"$balnet" rates "$dir/configs/mackwood2021_gradient.ini" --bench $(( n / 20 > 0 ? n / 20 : 1 ))
if [ -n "$trained" ]; then
  "$balnet" rates "$dir/configs/mackwood2021_approximate.ini" --bench "$n" --set rates.perturb.network="$trained"
  "$balnet" rates "$dir/configs/mackwood2021_approximate.ini" --bench "$n" --set rates.perturb.network="$trained" \
    --set rates.plasticity.angle_every=0
fi

#!/bin/bash
# Time per presentation (steady-state solve + weight update) of project 3's rate network,
# for the APPROXIMATE and GRADIENT configs, on one core. Usage (from the source folder):
#   bench/rate_presentation.sh [PRESENTATIONS] [BALNET]
# On a shared machine the times are upper bounds (other processes take CPU time).
set -eu
n=${1:-2000}
balnet=${2:-build/balnet}
dir=$(cd "$(dirname "$0")/.." && pwd)
"$balnet" rates "$dir/configs/mackwood2021_approximate.ini" --bench "$n"
"$balnet" rates "$dir/configs/mackwood2021_approximate.ini" --bench "$n" --set rates.plasticity.angle_every=0
"$balnet" rates "$dir/configs/mackwood2021_gradient.ini" --bench $(( n / 20 > 0 ? n / 20 : 1 ))

#!/bin/sh
# Installs the Debian 12 packages balnet needs (only those missing), then configures and
# builds balnet in build/. With --test it also installs what the test suite needs and
# builds the sanitizer tree build-asan/. Safe to run again: a no-op when all is present.
set -eu
cd "$(dirname "$0")/.."

want_tests=0
for arg in "$@"; do
  case "$arg" in
    --test) want_tests=1 ;;
    *) echo "usage: tools/setup.sh [--test]" >&2; exit 2 ;;
  esac
done

packages="g++ make cmake git ca-certificates pkg-config openmpi-bin libopenmpi-dev libboost-mpi-dev
  libboost-program-options-dev libhdf5-openmpi-dev hdf5-tools libgtest-dev python3 python3-h5py
  python3-numpy"
if [ "$want_tests" = 1 ]; then
  packages="$packages python3-matplotlib python3-brian"
  # a private single-node SLURM cluster for the job-script test (tests/slurm/, label slurm)
  packages="$packages munge slurmctld slurmd slurm-client"
fi

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages:$missing (install them as root: apt-get install$missing)" >&2
    exit 1
  fi
  echo "setup: installing$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 $missing >/dev/null
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$jobs"
if [ "$want_tests" = 1 ]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBALNET_SANITIZE=ON >/dev/null
  cmake --build build-asan -j "$jobs"
fi

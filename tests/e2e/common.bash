# Helpers for the end-to-end scripts (sourced). ctest sets BALNET, BALNET_SOURCE,
# BALNET_PYTHON and MPIEXEC, and runs each script in a scratch folder of its own.
set -u
: "${BALNET:?run through ctest}"
CONFIGS="$BALNET_SOURCE/configs"
PY="${BALNET_PYTHON:-/usr/bin/python3}"
MPIRUN="${MPIEXEC:-mpirun}"
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
finish() {
  if [ "$failures" -gt 0 ]; then echo "$failures failure(s)" >&2; exit 1; fi
  echo "all passed"
}
# run N ARGS...: balnet under mpirun with N ranks
run() { n=$1; shift; "$MPIRUN" -n "$n" "$BALNET" "$@"; }

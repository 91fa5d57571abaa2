#!/usr/bin/env bash
# start-local-slurm.sh - start (idempotently) a single-node SLURM cluster on
# this machine: a private munged, slurmctld and slurmd, all as root, all state
# under $SLURM_LOCAL_BASE. No systemd, no cgroups, no slurmdbd.
#
#   ./start-local-slurm.sh            # start (or check) the cluster
#   ./start-local-slurm.sh --clean    # wipe state/logs first (cold start)
#   eval "$(./start-local-slurm.sh)"  # also sets SLURM_CONF in this shell
#
# stdout is only 'export SLURM_CONF=...'; progress goes to stderr.
# Env: SLURM_LOCAL_BASE     (default: /tmp/balnet-slurm)
#      SLURM_CONF_TEMPLATE  (default: slurm.conf.in next to this script)
#      SLURM_LOCAL_INSTALL=0  do not apt-get install missing packages
#      SLURM_LOCAL_CPUS=N     advertise N CPUs instead of what slurmd -C finds
#      SLURM_LOCAL_PORT=P     slurmctld listens on P, slurmd on P+1 (default 6817; give
#                             another pair to run beside a cluster already on 6817/6818)
# Adapted for balnet's test suite (tests/slurm/slurm_jobs.sh) from a tested single-node set-up.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BASE=${SLURM_LOCAL_BASE:-/tmp/balnet-slurm}
TEMPLATE=${SLURM_CONF_TEMPLATE:-$HERE/slurm.conf.in}
MPI_TEMPLATE=${SLURM_MPI_CONF_TEMPLATE:-$HERE/mpi.conf.in}
CONF=$BASE/etc/slurm.conf
SOCK=$BASE/munge/munge.socket.2
RUN=$BASE/run
export SLURM_CONF=$CONF

log() { echo "[start-local-slurm] $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2fs", b-a}'; }
T0=$(now)

# shellcheck source=daemons.bash
source "$HERE/daemons.bash"

wait_for() {  # wait_for SECONDS DESCRIPTION CMD...
  local limit=$1 what=$2; shift 2
  local end=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    if (( $(date +%s) >= end )); then log "timed out waiting for $what"; return 1; fi
    sleep 0.2
  done
}

# ---- 1. packages ----------------------------------------------------------
missing=()
for pair in munged:munge mungekey:munge slurmctld:slurmctld slurmd:slurmd sbatch:slurm-client; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if (( ${#missing[@]} )); then
  if [[ ${SLURM_LOCAL_INSTALL:-1} != 1 ]]; then log "missing: ${missing[*]}"; exit 1; fi
  log "installing munge slurmctld slurmd slurm-client (missing: $(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' '))"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 \
      munge slurmctld slurmd slurm-client >&2 ||
    { apt-get update -o DPkg::Lock::Timeout=600 >&2 &&
      apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 \
        munge slurmctld slurmd slurm-client >&2; }
fi

# ---- 2. directories ---------------------------------------------------------
if [[ ${1:-} == --clean ]]; then
  [[ -x $HERE/stop-local-slurm.sh ]] && SLURM_LOCAL_BASE=$BASE "$HERE/stop-local-slurm.sh" >&2 || true
  log "cleaning $BASE/{state,spool,log,pmix}"
  rm -rf "$BASE"/state "$BASE"/spool "$BASE"/log "$BASE"/pmix
fi
mkdir -p "$BASE"/etc "$BASE"/state "$BASE"/spool "$BASE"/log "$RUN" "$BASE"/pmix
# munged insists: socket dir executable by all, key readable by owner only
install -d -m 0711 "$BASE"/munge

# ---- 3. munge -------------------------------------------------------------
if [[ ! -s $BASE/munge/munge.key ]]; then
  mungekey --create --keyfile="$BASE/munge/munge.key" 2>/dev/null ||
    dd if=/dev/urandom of="$BASE/munge/munge.key" bs=1024 count=1 status=none
  chmod 0600 "$BASE/munge/munge.key"
fi
if alive "$RUN/munged.pid" munged && munge -n -S "$SOCK" >/dev/null 2>&1; then
  log "munged already running (pid $(<"$RUN/munged.pid"))"
else
  rm -f "$SOCK" "$SOCK.lock" "$RUN/munged.pid"
  munged --socket="$SOCK" --key-file="$BASE/munge/munge.key" \
         --pid-file="$RUN/munged.pid" --log-file="$BASE/log/munged.log" \
         --seed-file="$BASE/munge/munged.seed"
  wait_for 10 munged munge -n -S "$SOCK"
  log "munged started (pid $(<"$RUN/munged.pid")) at $(since "$T0")"
fi

# ---- 4. slurm.conf from the template ----------------------------------------
HOST=$(hostname -s)
# what slurmd itself detects, e.g.
# NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24103
HW=$(slurmd -C | head -1)
hw() { sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" <<<"$HW"; }
CPUS=$(hw CPUs); SOCKETS=$(hw SocketsPerBoard); CORES=$(hw CoresPerSocket); THREADS=$(hw ThreadsPerCore)
if [[ -n ${SLURM_LOCAL_CPUS:-} && ${SLURM_LOCAL_CPUS} != "$CPUS" ]]; then
  # pretend to have more (or fewer) CPUs: lets job scripts with --ntasks=4 run on
  # a 2-core CI machine (SlurmdParameters=config_overrides keeps the node up)
  CPUS=$SLURM_LOCAL_CPUS SOCKETS=1 CORES=$SLURM_LOCAL_CPUS THREADS=1
fi
CTLD_PORT=${SLURM_LOCAL_PORT:-6817}; SLURMD_PORT=$((CTLD_PORT + 1))
MEM=$(( $(hw RealMemory) * 95 / 100 ))   # a bit below: a node whose RealMemory exceeds
                                         # what slurmd finds is drained ("Low RealMemory")
subst() {
  sed -e "s|@HOST@|$HOST|g" -e "s|@BASE@|$BASE|g" -e "s|@CPUS@|$CPUS|g" \
      -e "s|@SOCKETS@|$SOCKETS|g" -e "s|@CORES@|$CORES|g" -e "s|@THREADS@|$THREADS|g" \
      -e "s|@MEM@|$MEM|g" -e "s|@CTLD_PORT@|$CTLD_PORT|g" -e "s|@SLURMD_PORT@|$SLURMD_PORT|g" "$1"
}
conf_changed=0
NEW=$(subst "$TEMPLATE")
if [[ ! -f $CONF || "$NEW" != "$(cat "$CONF")" ]]; then
  printf '%s\n' "$NEW" >"$CONF"; conf_changed=1
fi
[[ -f $MPI_TEMPLATE ]] && subst "$MPI_TEMPLATE" >"$BASE/etc/mpi.conf"

# ---- 5. slurmctld -------------------------------------------------------------
if (( conf_changed )) && alive "$RUN/slurmctld.pid" slurmctld; then
  # node/CPU changes need a restart anyway ('scontrol reconfigure' refuses them)
  log "slurm.conf changed: restarting slurmd and slurmctld"
  stop_daemon "$RUN/slurmd.pid" slurmd
  stop_daemon "$RUN/slurmctld.pid" slurmctld
fi
if alive "$RUN/slurmctld.pid" slurmctld; then
  log "slurmctld already running (pid $(<"$RUN/slurmctld.pid"))"
else
  slurmctld -f "$CONF"          # forks into the background, writes SlurmctldPidFile
  wait_for 30 slurmctld scontrol ping
  wait_for 10 "slurmctld pid file" alive "$RUN/slurmctld.pid" slurmctld
  log "slurmctld started (pid $(<"$RUN/slurmctld.pid")) at $(since "$T0")"
fi

# ---- 6. slurmd ----------------------------------------------------------------
if alive "$RUN/slurmd.pid" slurmd; then
  log "slurmd already running (pid $(<"$RUN/slurmd.pid"))"
else
  slurmd -f "$CONF" -N "$HOST"  # forks, writes SlurmdPidFile a moment later
  wait_for 30 "slurmd pid file" alive "$RUN/slurmd.pid" slurmd
  log "slurmd started (pid $(<"$RUN/slurmd.pid")) at $(since "$T0")"
fi

node_ready() {
  local st; st=$(sinfo -h -n "$HOST" -o %T 2>/dev/null) || return 1
  case $st in idle|mixed|allocated|completing) return 0 ;; esac
  # left DOWN/DRAIN by an earlier run (e.g. killed slurmd): put it back
  case $st in down*|drain*|fail*) scontrol update nodename="$HOST" state=resume >/dev/null 2>&1 ;; esac
  return 1
}
if ! wait_for 30 "node $HOST to be ready" node_ready; then
  sinfo -N -l >&2; scontrol show node "$HOST" >&2; tail -20 "$BASE/log/slurmd.log" >&2; exit 1
fi
log "cluster ready in $(since "$T0"): $(sinfo -h -o '%P %a %D %T %N' | head -1)"
echo "export SLURM_CONF=$CONF"

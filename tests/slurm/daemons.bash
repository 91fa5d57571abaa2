# Pid-file helpers shared by start-local-slurm.sh and stop-local-slurm.sh (sourced; the
# sourcing script defines log()).

# alive PIDFILE COMM: the pid in PIDFILE runs a program called COMM
# (guards against a stale pid file whose pid was reused by something else)
alive() {
  local pid
  [[ -s $1 ]] || return 1
  pid=$(<"$1")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    [[ "$(cat /proc/"$pid"/comm 2>/dev/null)" == "$2" ]]
}

# stop_daemon PIDFILE COMM: SIGTERM the pid in PIDFILE, wait up to 15 s, then SIGKILL;
# removes the pid file (also a stale one).
stop_daemon() {
  local f=$1 comm=$2 pid
  if ! alive "$f" "$comm"; then rm -f "$f"; return 0; fi
  pid=$(<"$f")
  kill -TERM "$pid"
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then log "$comm ($pid) ignored SIGTERM: SIGKILL"; kill -KILL "$pid"; fi
  rm -f "$f"
  log "stopped $comm (pid $pid)"
}

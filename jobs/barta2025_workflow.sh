#!/bin/bash
# Project 2's whole workflow (Barta & Fukai 2025; docs/assemblies.md) for a list of pattern
# counts P and plasticity rules, as a SLURM dependency chain (sbatch --dependency=afterok) or,
# with --local, the same steps run on this machine, one after another (or J at a time with --jobs J).
#
#   jobs/barta2025_workflow.sh [options]
#     --P "800 1000 ..."        pattern counts (default 1000)
#     --rules "fLHP sLHP GHP"   rules (variants of configs/barta2025_train.ini; default all three)
#     --out DIR                 results root (default barta2025_results); one folder per P and rule
#     --ranks N                 MPI ranks per simulation (default 4)
#     --local                   run the steps here, in order, with mpirun (no SLURM)
#     --jobs J                  with --local: up to J steps at once, each as soon as the steps it
#                               needs are done (the SLURM chain's dependencies); default 1
#     --dry-run                 write the step scripts and print the sbatch commands only
#     --launcher CMD            how a step starts balnet (default: srun under SLURM, mpirun -n N locally)
#     --sbatch-args "..."       extra sbatch options (partition, account, time, ...)
#     --set KEY=VALUE           passed to every balnet run (repeatable), e.g. params.NE=400
#     --train-ms T --spont-ms T --cond-ms T   protocol lengths (default 2e6, 1e7, 2e4 ms)
#     --shuffle-ms T            length of the shuffled-I->E control (default: --spont-ms); with
#                               fLHP at P = 1000 that network fires at ~120 Hz, ~6x slower to run
#     --pert-reps R             repetitions of the weak perturbation schedule (default 1000)
#     --pert-start MS           zeros before the first perturbation (default 4000 ms)
#     --cue-patterns K          patterns cued (default P; total 1 + K s)
#     --discard MS              start of the replay analysis (default 10000 ms)
#     --no-shuffle              skip the shuffled-I->E control
#     --steps "train ..."       only these steps (train spontaneous shuffle conductances perturbation
#                               cues analysis summary; default all); the others' outputs must exist
#     --checkpoint-every T      every balnet run checkpoints every T (e.g. 10min, 100s); a step run
#                               again continues from its checkpoint, and a step whose output is
#                               complete is skipped: an interrupted --local chain is resumed by
#                               running the same command again
#     --balnet PATH --python PATH
#
# Steps for each (P, rule), in folder OUT/P<P>_<rule>/:
#   train        configs/barta2025_train.ini -> train.h5, trained.h5 (final connectivity + patterns)
#   spontaneous  configs/barta2025_spontaneous.ini (after train) -> spontaneous.h5
#   shuffle      the same with the I->E weights permuted (after train) -> shuffle.h5
#   conductances configs/barta2025_conductances.ini (after train) -> conductances.h5
#   perturbation MCD statistics -> OU tables, then configs/barta2025_perturbation.ini (after conductances)
#   cues         cue schedule, then configs/barta2025_cues.ini (after train) -> cues.h5
#   analysis     tools/barta2025.py replay / rates / inhibition / sensitivity (after all of the above)
# and, per P, a summary comparing the rules (rates figure) after every rule's analysis.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$(cd "$here/.." && pwd)"
P_LIST="1000"
RULES="fLHP sLHP GHP"
OUT="barta2025_results"
RANKS=4
LOCAL=0
JOBS=1
DRY=0
LAUNCHER=""
SBATCH_ARGS=""
SETS=()
TRAIN_MS=2000000
SPONT_MS=10000000
SHUFFLE_MS=""
COND_MS=20000
PERT_REPS=1000
PERT_T0=4000
CUE_PATTERNS=""
DISCARD=10000
SHUFFLE=1
STEPS="train spontaneous shuffle conductances perturbation cues analysis summary"
CKPT_EVERY=""
BALNET="${BALNET:-$src/build/balnet}"
PYTHON="${BALNET_PYTHON:-/usr/bin/python3}"

die() { echo "barta2025_workflow.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --P) P_LIST="$2"; shift 2 ;;
    --rules) RULES="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --ranks) RANKS="$2"; shift 2 ;;
    --local) LOCAL=1; shift ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --dry-run) DRY=1; shift ;;
    --launcher) LAUNCHER="$2"; shift 2 ;;
    --sbatch-args) SBATCH_ARGS="$2"; shift 2 ;;
    --set) SETS+=("--set" "$2"); shift 2 ;;
    --train-ms) TRAIN_MS="$2"; shift 2 ;;
    --spont-ms) SPONT_MS="$2"; shift 2 ;;
    --shuffle-ms) SHUFFLE_MS="$2"; shift 2 ;;
    --cond-ms) COND_MS="$2"; shift 2 ;;
    --pert-reps) PERT_REPS="$2"; shift 2 ;;
    --pert-start) PERT_T0="$2"; shift 2 ;;
    --cue-patterns) CUE_PATTERNS="$2"; shift 2 ;;
    --discard) DISCARD="$2"; shift 2 ;;
    --no-shuffle) SHUFFLE=0; shift ;;
    --steps) STEPS="$2"; shift 2 ;;
    --checkpoint-every) CKPT_EVERY="$2"; shift 2 ;;
    --balnet) BALNET="$2"; shift 2 ;;
    --python) PYTHON="$2"; shift 2 ;;
    -h|--help) sed -n '2,42p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[ -z "$CKPT_EVERY" ] || [[ "$CKPT_EVERY" =~ ^[0-9]+(\.[0-9]+)?(ms|s|min|h)$ ]] \
  || die "--checkpoint-every must be a number with unit ms, s, min or h, not '$CKPT_EVERY'"
[[ "$RANKS" =~ ^[1-9][0-9]*$ ]] || die "--ranks must be a positive whole number, not '$RANKS'"
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || die "--jobs must be a positive whole number, not '$JOBS'"
[ "$JOBS" = 1 ] || [ "$LOCAL" = 1 ] || die "--jobs needs --local (under SLURM the steps run as the scheduler allows)"
for P in $P_LIST; do [[ "$P" =~ ^[1-9][0-9]*$ ]] || die "--P: '$P' is not a positive whole number"; done
positive_ms() { [[ "$2" =~ ^[0-9]*\.?[0-9]+$ && ! "$2" =~ ^[0.]+$ ]] || die "--$1 must be a positive number of ms, not '$2'"; }
positive_ms train-ms "$TRAIN_MS"; positive_ms spont-ms "$SPONT_MS"; positive_ms cond-ms "$COND_MS"
[ -z "$SHUFFLE_MS" ] || positive_ms shuffle-ms "$SHUFFLE_MS"
[[ "$PERT_REPS" =~ ^[1-9][0-9]*$ ]] || die "--pert-reps must be a positive whole number, not '$PERT_REPS'"
[[ "$PERT_T0" =~ ^[0-9]+$ ]] || die "--pert-start must be a whole number of ms, not '$PERT_T0'"
[ -z "$CUE_PATTERNS" ] || [[ "$CUE_PATTERNS" =~ ^[1-9][0-9]*$ ]] \
  || die "--cue-patterns must be a positive whole number, not '$CUE_PATTERNS'"
[[ "$DISCARD" =~ ^[0-9]*\.?[0-9]+$ ]] || die "--discard must be a number of ms >= 0, not '$DISCARD'"
for st in $STEPS; do
  case " train spontaneous shuffle conductances perturbation cues analysis summary " in
    *" $st "*) ;; *) die "--steps: unknown step '$st'" ;;
  esac
done
for r in $RULES; do
  case "$r" in fLHP|sLHP|GHP) ;; *) die "--rules: unknown rule '$r' (fLHP, sLHP, GHP)" ;; esac
done
[ -x "$BALNET" ] || [ "$DRY" = 1 ] || die "no balnet executable at $BALNET (build it, or --balnet PATH)"
if [ -z "$LAUNCHER" ]; then
  if [ "$LOCAL" = 1 ]; then LAUNCHER="${MPIEXEC:-mpirun} -n $RANKS"; else LAUNCHER="srun"; fi
fi
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
TOOL="$PYTHON $src/tools/barta2025.py"
CFG="$src/configs"
PERT_MS=$((PERT_T0 + PERT_REPS * 8000))
MCD_DROP=$(( COND_MS >= 4000 ? 1000 : COND_MS / 4 ))  # samples (1 ms) dropped before the MCD fit
sets_text=""
for s in "${SETS[@]+"${SETS[@]}"}"; do sets_text+=" $(printf '%q' "$s")"; done

# step NAME DIR BODY: writes DIR/jobs/NAME.sh (a bash script with the shared settings).
step() {
  local name="$1" dir="$2" body="$3" tasks="$RANKS"
  case "$name" in analysis|summary) tasks=1 ;; esac  # serial Python
  mkdir -p "$dir/jobs"
  cat > "$dir/jobs/$name.sh" <<EOF
#!/bin/bash
#SBATCH --job-name=b25_$name
#SBATCH --ntasks=$tasks
#SBATCH --output=$dir/jobs/$name.log
set -euo pipefail
cd "$dir"
B="$LAUNCHER $BALNET"
SETS=($sets_text)
CKPT_EVERY="$CKPT_EVERY"
# run_balnet OUTPUT ARGS...: balnet run ARGS (which write OUTPUT). With --checkpoint-every:
# skip a run whose OUTPUT is complete, continue one that left OUTPUT.part and its checkpoint.
run_balnet() {
  local out="\$1"; shift
  if [ -z "\$CKPT_EVERY" ]; then \$B run "\$@"; return; fi
  local ck="\${out%.h5}.ckpt.h5"
  if [ -f "\$out" ] && [ ! -f "\$out.part" ]; then echo "complete, skipped: \$out"; return; fi
  if [ -f "\$ck" ] && [ -f "\$out.part" ]; then
    echo "continuing \$out from \$ck"
    \$B run --restart "\$ck" -q --checkpoint-every "\$CKPT_EVERY"
  else
    rm -f "\$out.part" "\$ck"
    \$B run "\$@" --checkpoint-every "\$CKPT_EVERY"
  fi
}
$body
EOF
  echo "$dir/jobs/$name.sh"
}

wanted() { case " $STEPS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
# --local --jobs J: markers of the steps started in the background (NAME.pid, NAME.log, and
# NAME.rc with the exit status once finished).
LOCAL_DIR="$OUT/jobs/local"
unfinished_steps() {  # the process ids of the steps started and not finished
  local p
  for p in "$LOCAL_DIR"/*.pid; do [ -e "$p" ] && [ ! -f "${p%.pid}.rc" ] && cat "$p"; done
  return 0
}
running_steps() { unfinished_steps | wc -l; }
if [ "$LOCAL" = 1 ] && [ "$JOBS" -gt 1 ]; then
  rm -rf "$LOCAL_DIR"
  mkdir -p "$LOCAL_DIR"
  # Each step runs in its own process group (job control on), so that INT/TERM to this shell
  # stops every step of this workflow and nothing else (balnet checkpoints on SIGTERM). Bash
  # runs a trap only once its foreground command has ended: this shell waits in sleeps of 1 s
  # (submit runs here, not in a command substitution), so a signal acts within a second.
  set -m
  stop_steps() {
    trap - INT TERM
    local pid
    for pid in $(unfinished_steps); do kill -TERM -- "-$pid" 2> /dev/null || true; done
    exit 130
  }
  trap stop_steps INT TERM
fi
# submit NAME SCRIPT DEPENDENCIES...: submits the step (or runs it with --local) and sets
# SUBMITTED to its job id, "local:NAME", "local" or "skipped".
submit() {
  local name="$1" script="$2" d; shift 2
  local kind="${name#P*_}"; kind="${kind#*_}"
  [[ "$name" == *_summary ]] && kind=summary
  if ! wanted "$kind"; then SUBMITTED="skipped"; return; fi
  if [ "$LOCAL" = 1 ] && [ "$JOBS" -gt 1 ]; then
    # In the background, as soon as the steps it depends on are done (their marker NAME.rc in
    # $LOCAL_DIR holds their exit status); at most JOBS steps started and not finished.
    while [ "$(running_steps)" -ge "$JOBS" ]; do sleep 1; done
    local deps=()
    for d in "$@"; do [[ "$d" == local:* ]] && deps+=("${d#local:}"); done
    local log="${script%.sh}.log"
    (
      for d in "${deps[@]+"${deps[@]}"}"; do
        until [ -f "$LOCAL_DIR/$d.rc" ]; do sleep 1; done
        if [ "$(cat "$LOCAL_DIR/$d.rc")" != 0 ]; then
          echo "not run: step $d failed" > "$log"; echo 1 > "$LOCAL_DIR/$name.rc"; exit 0
        fi
      done
      echo "[$(date +%T)] $name" >&2
      rc=0; bash "$script" > "$log" 2>&1 || rc=$?
      echo "$rc" > "$LOCAL_DIR/$name.rc"
    ) < /dev/null &
    echo "$!" > "$LOCAL_DIR/$name.pid"
    echo "$log" > "$LOCAL_DIR/$name.log"
    SUBMITTED="local:$name"
    return
  fi
  if [ "$LOCAL" = 1 ]; then
    echo "[$(date +%T)] $name" >&2
    bash "$script" > "${script%.sh}.log" 2>&1 || { echo "step $name failed; see ${script%.sh}.log" >&2; tail -5 "${script%.sh}.log" >&2; exit 1; }
    SUBMITTED="local"
    return
  fi
  local dep=""
  for d in "$@"; do [ "$d" = skipped ] || dep+="${dep:+:}$d"; done
  local cmd=(sbatch --parsable $SBATCH_ARGS)
  [ -n "$dep" ] && cmd+=("--dependency=afterok:$dep" "--kill-on-invalid-dep=yes")
  cmd+=("$script")
  if [ "$DRY" = 1 ]; then
    echo "${cmd[*]}" >&2
    SUBMITTED="JOB_$name"
  else
    SUBMITTED="$("${cmd[@]}")" || exit 1
    echo "$name: job $SUBMITTED" >&2
  fi
}

for P in $P_LIST; do
  summary_deps=()
  labels=""
  runs=""
  for rule in $RULES; do
    d="$OUT/P${P}_$rule"
    mkdir -p "$d"
    K="${CUE_PATTERNS:-$P}"
    CUE_MS=$(( (K + 1) * 1000 ))
    files="--set projection.EE.file=$d/trained.h5 --set projection.EI.file=$d/trained.h5 --set projection.IE.file=$d/trained.h5 --set projection.II.file=$d/trained.h5 --set patterns.file=$d/trained.h5"
    s=$(step train "$d" "run_balnet $d/train.h5 $CFG/barta2025_train.ini -q --set params.P=$P --set run.variant=$rule --set run.t_stop=$TRAIN_MS --output $d/train.h5 --set run.save_connectivity=$d/trained.h5 \"\${SETS[@]}\"")
    submit "P${P}_${rule}_train" "$s"; j_train="$SUBMITTED"
    s=$(step spontaneous "$d" "run_balnet $d/spontaneous.h5 $CFG/barta2025_spontaneous.ini -q $files --set run.t_stop=$SPONT_MS --output $d/spontaneous.h5 \"\${SETS[@]}\"")
    submit "P${P}_${rule}_spontaneous" "$s" "$j_train"; j_spont="$SUBMITTED"
    deps=("$j_spont")
    if [ "$SHUFFLE" = 1 ] && wanted shuffle; then
      s=$(step shuffle "$d" "run_balnet $d/shuffle.h5 $CFG/barta2025_spontaneous.ini -q $files --set run.variant=shuffle --set run.t_stop=${SHUFFLE_MS:-$SPONT_MS} --output $d/shuffle.h5 \"\${SETS[@]}\"")
      submit "P${P}_${rule}_shuffle" "$s" "$j_train"; deps+=("$SUBMITTED")
    fi
    s=$(step conductances "$d" "run_balnet $d/conductances.h5 $CFG/barta2025_conductances.ini -q $files --set run.t_stop=$COND_MS --output $d/conductances.h5 \"\${SETS[@]}\"")
    submit "P${P}_${rule}_conductances" "$s" "$j_train"; j_cond="$SUBMITTED"
    s=$(step perturbation "$d" "$TOOL mcd $d/conductances.h5 --drop $MCD_DROP --out-prefix $d/mcd
$TOOL weak --repetitions $PERT_REPS --start $PERT_T0 --out $d/weak.txt
run_balnet $d/perturbation.h5 $CFG/barta2025_perturbation.ini -q --set input.ouE.table=$d/mcd_ou_E.txt --set input.ouI.table=$d/mcd_ou_I.txt --set input.ouE.perturbation=$d/weak.txt --set input.ouI.perturbation=$d/weak.txt --set run.t_stop=$PERT_MS --output $d/perturbation.h5 \"\${SETS[@]}\"")
    submit "P${P}_${rule}_perturbation" "$s" "$j_cond"; deps+=("$SUBMITTED")
    s=$(step cues "$d" "$TOOL cues $d/trained.h5 --patterns $K --out $d/cues.txt
run_balnet $d/cues.h5 $CFG/barta2025_cues.ini -q $files --set input.cue.schedule=$d/cues.txt --set run.t_stop=$CUE_MS --output $d/cues.h5 \"\${SETS[@]}\"")
    submit "P${P}_${rule}_cues" "$s" "$j_train"; deps+=("$SUBMITTED")
    shuffle_cmd=""
    [ "$SHUFFLE" = 1 ] && shuffle_cmd="$TOOL replay $d/shuffle.h5 --discard $DISCARD --out-prefix $d/shuffle"
    s=$(step analysis "$d" "$TOOL replay $d/spontaneous.h5 --discard $DISCARD --out-prefix $d/spontaneous
$shuffle_cmd
$TOOL rates $d/spontaneous.h5 --labels $rule --discard $DISCARD --out-prefix $d/spontaneous
$TOOL inhibition $d/trained.h5 --out $d/inhibition.csv
$TOOL sensitivity $d/perturbation.h5 --t0 $PERT_T0 --out $d/sensitivity.csv")
    submit "P${P}_${rule}_analysis" "$s" "${deps[@]}"; summary_deps+=("$SUBMITTED")
    labels+="${labels:+,}$rule"
    runs+=" $d/spontaneous.h5"
  done
  s=$(step summary "$OUT" "$TOOL rates $runs --labels $labels --discard $DISCARD --out-prefix $OUT/P${P}")
  mv "$OUT/jobs/summary.sh" "$OUT/jobs/summary_P$P.sh"
  submit "P${P}_summary" "$OUT/jobs/summary_P$P.sh" "${summary_deps[@]}"
done
if [ "$LOCAL" = 1 ] && [ "$JOBS" -gt 1 ]; then
  while [ "$(running_steps)" -gt 0 ]; do sleep 1; done
  failed=0
  for r in "$LOCAL_DIR"/*.rc; do
    [ -e "$r" ] || continue
    if [ "$(cat "$r")" != 0 ]; then
      n="$(basename "${r%.rc}")"; l="$(cat "$LOCAL_DIR/$n.log")"
      if [[ "$(head -n 1 "$l")" == "not run:"* ]]; then
        echo "step $n $(head -n 1 "$l")" >&2
      else
        echo "step $n failed; see $l" >&2; tail -5 "$l" >&2
      fi
      failed=1
    fi
  done
  [ "$failed" = 0 ] || exit 1
fi
echo "results in $OUT"

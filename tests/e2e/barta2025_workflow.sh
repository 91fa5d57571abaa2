# Project 2's workflow (jobs/barta2025_workflow.sh --local) at reduced size and length: every
# step runs, the analyses produce their files, and the outputs are identical at 1-4 ranks.
. "$(dirname "$0")/common.bash"

WF="$BALNET_SOURCE/jobs/barta2025_workflow.sh"
common=(--local --P 20 --rules fLHP --train-ms 1000 --spont-ms 1500 --shuffle-ms 1200 --discard 300 --cond-ms 600
        --pert-reps 1 --pert-start 200 --cue-patterns 2 --balnet "$BALNET" --python "$PY"
        --set params.NE=200 --set params.NI=50 --set params.f=0.1 --set run.progress=false)

# The whole workflow at 1 and 3 ranks; at 2 and 4 ranks training and the spontaneous run. At 3
# ranks the steps run two at a time (--jobs 2): the outputs must not depend on that either.
for n in 1 3 2 4; do
  steps=()
  [ "$n" = 2 ] || [ "$n" = 4 ] && steps=(--steps "train spontaneous")
  [ "$n" = 3 ] && steps=(--jobs 2)
  MPIEXEC="$MPIRUN" bash "$WF" "${common[@]}" "${steps[@]}" --ranks "$n" --out "r$n" > "wf$n.txt" 2>&1 \
    || { fail "workflow at $n ranks"; cat "wf$n.txt" >&2; finish; }
done
d=r1/P20_fLHP
for f in train.h5 trained.h5 spontaneous.h5 shuffle.h5 conductances.h5 mcd_ou_E.txt mcd_ou_I.txt weak.txt \
         perturbation.h5 cues.txt cues.h5 spontaneous_replay_stats.csv spontaneous_activations.h5 \
         spontaneous_replay.png spontaneous_fLHP_E_rates.csv inhibition.csv sensitivity.csv; do
  [ -s "$d/$f" ] || fail "missing $d/$f"
done
[ -s r1/P20_rates.png ] && [ -s r1/P20_rates_summary.csv ] || fail "summary of the rules"
pass "every step wrote its files"

"$PY" - "$d" <<'PY' || fail "content of the outputs"
import sys, csv, h5py, numpy as np
d = sys.argv[1]
with h5py.File(d + "/trained.h5") as f:
    ee = f["edges/EE"]
    assert ee["0/syn_weight"].shape[0] == round(0.05 * 200 * 200), ee["0/syn_weight"].shape   # exact density
    assert ee["source_node_id"].attrs["node_population"] in (b"E", "E")
    assert f["patterns/splits"].shape[0] == 21
    ie = f["edges/IE/0/syn_weight"][:]
with h5py.File(d + "/spontaneous.h5") as f:
    assert f["patterns/splits"].shape[0] == 21          # patterns travel with the network
    assert f["spikes/E/timestamps"].shape[0] > 0
# trained I->E weights differ from the initial 0.5 nS (plasticity ran), the E->E did not change
assert np.abs(ie - 0.5).max() > 1e-4
st = list(csv.DictReader(open(d + "/spontaneous_replay_stats.csv")))[0]
assert float(st["analysed_s"]) == 1.2, st
st = list(csv.DictReader(open(d + "/shuffle_replay_stats.csv")))[0]
assert abs(float(st["analysed_s"]) - 0.9) < 1e-9, st   # --shuffle-ms 1200
rows = list(csv.DictReader(open(d + "/mcd_stats.csv")))
assert len(rows) == 250 and all(float(r["sigma_e"]) >= 0 for r in rows)
rows = list(csv.DictReader(open(d + "/sensitivity.csv")))
assert len(rows) == 250
cues = open(d + "/cues.txt").read().split("\n")[1:3]
assert all(len(c.split()) == 13 for c in cues), cues
PY

# Rank invariance: connectivity, spikes, conductances and every analysis output.
for n in 2 3 4; do
  e=r$n/P20_fLHP
  h5diff "$d/trained.h5" "$e/trained.h5" > /dev/null || fail "trained connectivity at $n ranks"
  runs="train spontaneous shuffle conductances perturbation cues"
  [ "$n" = 3 ] || runs="train spontaneous"
  for run in $runs; do
    for obj in /spikes /rates /patterns /report; do
      if h5ls "$d/$run.h5$obj" > /dev/null 2>&1; then
        h5diff "$d/$run.h5" "$e/$run.h5" "$obj" "$obj" > /dev/null || fail "$run.h5 $obj at $n ranks"
      fi
    done
  done
  [ "$n" = 3 ] || continue
  for f in mcd_stats.csv mcd_ou_E.txt sensitivity.csv inhibition.csv spontaneous_activations.csv \
           spontaneous_replay_stats.csv shuffle_replay_stats.csv spontaneous_fLHP_E_rates.csv; do
    cmp -s "$d/$f" "$e/$f" || fail "$f differs at $n ranks"
  done
done
pass "identical outputs at 1, 2, 3 and 4 ranks"
[ ! -e r2/P20_fLHP/perturbation.h5 ] || fail "--steps ran a step it was not asked for"

# An interrupted chain is resumed by running the same command again (--checkpoint-every): the
# first attempt's balnet stops after 400 ms (a checkpoint and train.h5.part are left; the
# next step then fails for want of trained.h5); the second continues the training from the
# checkpoint, and the result equals the uninterrupted run of r1.
rm -rf rs  # a complete chain left by an earlier run of this test in the same folder would be skipped
printf '#!/bin/bash\nexec "%s" "$@" --stop-at 400\n' "$BALNET" > stop_early.sh && chmod +x stop_early.sh
resume=("${common[@]}" --checkpoint-every 100ms --ranks 1 --out rs --steps "train spontaneous")
if bash "$WF" "${resume[@]}" --balnet "$PWD/stop_early.sh" > rs1.txt 2>&1; then
  fail "the interrupted chain reported success"
fi
[ -f rs/P20_fLHP/train.h5.part ] && [ -f rs/P20_fLHP/train.ckpt.h5 ] && [ ! -e rs/P20_fLHP/train.h5 ] \
  || fail "the interrupted training left no checkpoint and .part file"
bash "$WF" "${resume[@]}" > rs2.txt 2>&1 || { fail "resuming the chain"; cat rs2.txt >&2; }
grep -q "continuing .*train.h5 from" rs/P20_fLHP/jobs/train.log || fail "the training did not continue from its checkpoint"
for obj in /rates /report /spikes /weights; do
  h5ls "r1/P20_fLHP/train.h5$obj" > /dev/null 2>&1 || continue
  h5diff r1/P20_fLHP/train.h5 rs/P20_fLHP/train.h5 $obj $obj > /dev/null || fail "resumed train.h5 $obj differs"
done
h5diff r1/P20_fLHP/trained.h5 rs/P20_fLHP/trained.h5 > /dev/null || fail "resumed trained connectivity differs"
h5diff r1/P20_fLHP/spontaneous.h5 rs/P20_fLHP/spontaneous.h5 /spikes /spikes > /dev/null || fail "spontaneous after resume"
bash "$WF" "${resume[@]}" > rs3.txt 2>&1 || fail "third run of the finished chain"
grep -q "complete, skipped" rs/P20_fLHP/jobs/spontaneous.log || fail "a complete step was run again"
bash "$WF" --local --checkpoint-every 10 > bad.txt 2>&1 && fail "--checkpoint-every without a unit accepted"
grep -q "checkpoint-every must be" bad.txt || fail "no clear error for a bad --checkpoint-every"
pass "an interrupted chain resumes from its checkpoints and skips complete steps"

# A network read from its connectivity file runs exactly as the generated one: the train
# config with frozen plasticity and all spikes, against the spontaneous config (same seed)
# reading the file the first run wrote.
small=(--set params.NE=200 --set params.NI=50 --set params.P=20 --set params.f=0.1 --set run.t_stop=300
       --set run.seed=42 --set record.spikes=all --set projection.IE.plasticity.eta=0 -q)
run 1 run "$CONFIGS/barta2025_train.ini" "${small[@]}" --output gen.h5 --set run.save_connectivity=net.h5 > /dev/null \
  || fail "generated run"
files=()
for p in EE EI IE II; do files+=(--set "projection.$p.file=$PWD/net.h5"); done
run 3 run "$CONFIGS/barta2025_spontaneous.ini" --set params.NE=200 --set params.NI=50 --set run.t_stop=300 \
  --set run.seed=42 --set patterns.file="$PWD/net.h5" "${files[@]}" -q --output fromfile.h5 > /dev/null || fail "run from file"
h5diff gen.h5 fromfile.h5 /spikes /spikes > /dev/null || fail "run from the connectivity file differs from the generated run"
[ "$(h5dump -d /spikes/E/timestamps -H gen.h5 | grep -o 'SIMPLE { ( [0-9]*' | grep -o '[0-9]*$')" -gt 0 ] || fail "no spikes"
pass "connectivity file round trip"

# SIGTERM to the workflow (--jobs 2) while it waits to start a step stops it within seconds:
# every step's processes end (balnet leaves its checkpoint), the exit status is 130, and the
# caller (this script, in the same process group) is not touched.
rm -rf sig
MPIEXEC="$MPIRUN" bash "$WF" "${common[@]}" --jobs 2 --ranks 1 --train-ms 3000000 --checkpoint-every 10min \
  --out sig > sig.txt 2>&1 &
wf=$!
for _ in $(seq 120); do [ -f sig/P20_fLHP/train.h5.part ] && [ -f sig/jobs/local/P20_fLHP_spontaneous.pid ] && break; sleep 0.5; done
sleep 1
kill -TERM "$wf"
for _ in $(seq 30); do kill -0 "$wf" 2> /dev/null || break; sleep 1; done
if kill -0 "$wf" 2> /dev/null; then
  fail "the workflow still runs 30 s after SIGTERM"
  kill -KILL "$wf"
fi
wait "$wf"; rc=$?
[ "$rc" = 130 ] || fail "exit status $rc after SIGTERM (want 130)"
sleep 2
if pgrep -f "$PWD/sig/" > /dev/null; then fail "processes of the stopped workflow remain"; pkill -KILL -f "$PWD/sig/"; fi
[ -f sig/P20_fLHP/train.ckpt.h5 ] || fail "the stopped training left no checkpoint"
pass "SIGTERM stops every step of a --jobs workflow"

# Bad input: one clear error line.
bash "$WF" --local --rules XYZ --balnet "$BALNET" 2> bad.txt; [ $? -eq 2 ] || fail "unknown rule: exit code 2"
grep -q "unknown rule 'XYZ'" bad.txt || fail "unknown rule message"
bash "$WF" --local --jobs two --balnet "$BALNET" 2> bad.txt; [ $? -eq 2 ] || fail "bad --jobs: exit code 2"
grep -q "jobs must be a positive whole number, not 'two'" bad.txt || fail "bad --jobs message"
bash "$WF" --jobs 2 --dry-run --balnet "$BALNET" 2> bad.txt; [ $? -eq 2 ] || fail "--jobs without --local: exit code 2"
grep -q "jobs needs --local" bad.txt || fail "--jobs without --local message"
bash "$WF" --local --pert-reps x --balnet "$BALNET" 2> bad.txt; [ $? -eq 2 ] || fail "bad --pert-reps: exit code 2"
grep -q "pert-reps must be a positive whole number, not 'x'" bad.txt || fail "bad --pert-reps message"
bash "$WF" --dry-run --cue-patterns 1.5 --balnet "$BALNET" 2> bad.txt; [ $? -eq 2 ] || fail "bad --cue-patterns: exit code 2"
grep -q "cue-patterns must be a positive whole number, not '1.5'" bad.txt || fail "bad --cue-patterns message"
bash "$WF" --local --shuffle-ms 0 --balnet "$BALNET" 2> bad.txt; [ $? -eq 2 ] || fail "bad --shuffle-ms: exit code 2"
grep -q "shuffle-ms must be a positive number of ms, not '0'" bad.txt || fail "bad --shuffle-ms message"
# SLURM mode without submitting: the dependency chain as sbatch commands.
bash "$WF" --dry-run --P "40 80" --rules "fLHP GHP" --out dry --balnet "$BALNET" 2> dry.txt > /dev/null \
  || fail "dry run"
[ "$(grep -c '^sbatch' dry.txt)" -eq 30 ] || fail "dry run: 2 P x 2 rules x 7 steps + 2 summaries = 30 jobs"
grep -q "dependency=afterok:JOB_P40_fLHP_train" dry.txt || fail "steps depend on the training"
grep -q "dependency=afterok:JOB_P80_fLHP_analysis:JOB_P80_GHP_analysis" dry.txt || fail "summary depends on every rule"
finish

# Single neurons of every model family (AdEx, Izhikevich, HH, Traub-Miles, adaptive-
# threshold LIF) under step currents and conductance input agree with Brian2 over 1 s:
# same spikes within one step, V within 0.001 mV (tests/validation/brian2_single_neuron.py).
# Skipped (exit 77) when Brian2 is not installed; tools/setup.sh --test installs it.
. "$(dirname "$0")/common.bash"

"$PY" "$BALNET_SOURCE/tests/validation/brian2_single_neuron.py" --balnet "$BALNET" --workdir . 2>brian2.err
rc=$?
if [ "$rc" = 77 ]; then exit 77; fi
if [ "$rc" != 0 ]; then
  grep -v "^WARNING\|^ " brian2.err | tail -20 >&2
  fail "balnet and Brian2 disagree (see the table above)"
else
  pass "balnet agrees with Brian2 for every model"
fi
finish

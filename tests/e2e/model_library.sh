# The model library end to end: COBAHH and zerlaut_rsfs give identical spikes, rates and
# state reports at 1, 2, 3 and 4 ranks; pyn_single_neuron gives pyN's spike times (T6);
# the plot tool draws the README's PNGs (one panel per preset for the gallery); bad model
# parameters give one clear error line.
. "$(dirname "$0")/common.bash"

check_ranks() {
  name=$1; shift
  for n in 1 2 3 4; do
    run "$n" run "$CONFIGS/$name.ini" -q --output "$name.$n.h5" "$@" > "$name.$n.log" 2>&1 \
      || { fail "$name at $n ranks exited non-zero"; cat "$name.$n.log" >&2; return; }
  done
  datasets=$("$PY" - "$name.1.h5" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
names = []
f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and n.split("/")[0] in ("spikes", "rates", "report") else None)
total = sum(f["spikes"][p]["timestamps"].shape[0] for p in f["spikes"])
if total < 1000 or not any(n.startswith("report") for n in names):
    sys.exit("too few spikes (%d) or no state report" % total)
print("\n".join(names))
PY
) || { fail "$name: reading the 1-rank file: $datasets"; return; }
  for n in 2 3 4; do
    for d in $datasets; do
      h5diff -q "$name.1.h5" "$name.$n.h5" "/$d" "/$d" || fail "$name: /$d differs between 1 and $n ranks"
    done
  done
  pass "$name: $(echo "$datasets" | wc -l) datasets (spikes, rates, state reports) identical at 1-4 ranks"
}

check_ranks cobahh --set run.t_stop=100
check_ranks zerlaut_rsfs --set run.t_stop=600

# T6 through the shipped config.
run 1 run "$CONFIGS/pyn_single_neuron.ini" -q --output t6.h5 > t6.log 2>&1 || fail "pyn_single_neuron exited non-zero"
t6=$("$PY" -c "import h5py; print(list(h5py.File('t6.h5')['spikes/charly/timestamps'][:]))" 2>/dev/null)
if [ "$t6" = "[12.75, 16.75, 31.25, 59.0, 86.5]" ]; then pass "T6 spike times $t6"; else fail "T6 spike times: $t6"; fi

# The README's plotting example (run from the repository's configs, files written here).
run 1 run "$CONFIGS/pyn_gallery.ini" -q --output pyn_gallery.h5 > gallery.log 2>&1 || fail "pyn_gallery exited non-zero"
for f in pyn_gallery cobahh.2; do
  out=$("$PY" "$BALNET_SOURCE/tools/plot_run.py" "$f.h5" 2>&1) || { fail "plot_run $f.h5: $out"; continue; }
  for png in "${f}_raster.png" "${f}_rates.png" "${f}_state.png"; do
    if [ "$(head -c 4 "$png" | tail -c 3)" != "PNG" ] || [ "$(wc -c < "$png")" -lt 10000 ]; then
      fail "plot_run $f.h5 did not write a PNG $png"
    fi
  done
  pass "plot_run $f.h5: $(echo $out | tr '\n' ' ')"
done
echo "$out" >/dev/null
gallery=$("$PY" "$BALNET_SOURCE/tools/plot_run.py" pyn_gallery.h5 --out g2 2>&1 | grep state)
case "$gallery" in *"(20 panels)"*) pass "gallery: one panel per preset";; *) fail "gallery panels: $gallery";; esac

# Bad model parameters: one error line naming the key, exit code 2.
cp "$CONFIGS/pyn_single_neuron.ini" good.ini
expect_error() {
  want=$1; shift
  if run 1 run good.ini --output bad.h5 "$@" > err.out 2> err.txt; then fail "no error for $*"; return; fi
  lines=$(grep -c '^balnet' err.txt)
  if [ "$lines" = 1 ] && grep -q -- "$want" err.txt; then pass "$(cat err.txt)"; else fail "$*: $(cat err.txt)"; fi
}
expect_error "population.charly.preset=tonic_spikes: must be one of: tonic_spiking, phasic_spiking" --set population.charly.preset=tonic_spikes
expect_error "has no state variable 'w' (its variables: V, u)" --set recorder.trace.variables=V,w
sed 's/^model = izhikevich/model = adex/; /^preset/d; /^update_order/d' good.ini > adex.ini
cp adex.ini good.ini
expect_error "C (pF) must be > 0" --set population.charly.C=-200
expect_error "refractory period shorter than dt" --set population.charly.t_ref=0.1
finish

# The reference networks give identical spikes (times and ids, bit for bit) and rate
# series at 1, 2, 3 and 4 ranks, compared dataset by dataset with h5diff.
. "$(dirname "$0")/common.bash"

check_config() {
  name=$1; shift
  for n in 1 2 3 4; do
    run "$n" run "$CONFIGS/$name.ini" -q --output "$name.$n.h5" "$@" > "$name.$n.log" 2>&1 \
      || { fail "$name at $n ranks exited non-zero"; cat "$name.$n.log" >&2; return; }
  done
  datasets=$("$PY" - "$name.1.h5" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
names = []
f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and n.split("/")[0] in ("spikes", "rates") else None)
total = sum(f["spikes"][p]["timestamps"].shape[0] for p in f["spikes"])
if total < 1000:
    sys.exit("too few spikes (%d) for a meaningful comparison" % total)
print("\n".join(names))
PY
) || { fail "$name: reading the 1-rank file: $datasets"; return; }
  for n in 2 3 4; do
    for d in $datasets; do
      h5diff -q "$name.1.h5" "$name.$n.h5" "/$d" "/$d" || fail "$name: /$d differs between 1 and $n ranks"
    done
  done
  pass "$name: $(echo "$datasets" | wc -l) datasets identical at 1, 2, 3 and 4 ranks"
}

check_config coba --set run.t_stop=300
check_config brunel2000 --set run.variant=C --set params.order=250 --set run.t_stop=300
check_config akil2021_static --set run.t_stop=200
finish

# Analysis and theory: the Python statistics against direct references (tests/python), then
# balnet theory and tools/balnet-report on a real run of project 1's network.
. "$(dirname "$0")/common.bash"

"$PY" -m unittest discover -s "$BALNET_SOURCE/tests/python" 2> unittest.txt \
  || { fail "python unit tests"; cat unittest.txt >&2; }

run 2 run "$CONFIGS/akil2021_static.ini" -q --set params.N=1000 --set run.t_stop=1000 --output akil.h5 > /dev/null 2> err.txt \
  || { fail "run failed"; cat err.txt >&2; finish; }

"$BALNET" theory "$CONFIGS/akil2021_static.ini" > theory.txt || fail "balnet theory CONFIG"
grep -q "5.8235" theory.txt && grep -q "15.882" theory.txt || fail "theory rates 5.82 / 15.88 Hz"
"$BALNET" theory akil.h5 --json --burn-in 200 > theory.json || fail "balnet theory RUN.h5"
"$PY" - theory.json <<'PY' || fail "theory json"
import json, sys
t = json.load(open(sys.argv[1]))
assert t["ok"] and t["N"] == 1000
assert abs(t["fixed_points"][0]["rates"]["E"] - 99 / 17) < 1e-9
sim = t["simulated"]
assert sim["burn_in"] == 200 and sim["t_end"] == 1000
assert 2 < sim["rates"]["E"] < 10 and 5 < sim["rates"]["I"] < 25, sim
PY
"$BALNET" theory "$CONFIGS/akil2021_static.ini" --set params.jei=-10 > neg.txt || fail "no-solution exit code"
grep -q "no balanced state" neg.txt || fail "no-solution message"
"$BALNET" theory missing.ini 2> missing.txt; [ $? -eq 3 ] || fail "missing file: exit code 3"
grep -q "missing.ini" missing.txt || fail "missing file message"
"$BALNET" theory "$CONFIGS/akil2021_static.ini" --bogus 2> /dev/null; [ $? -eq 2 ] || fail "bad option: exit code 2"

BALNET="$BALNET" "$PY" "$BALNET_SOURCE/tools/balnet-report" akil.h5 --burn-in 200 --out rep > report.txt 2>&1 \
  || { fail "balnet-report"; cat report.txt >&2; }
"$PY" - rep/report.json <<'PY' || fail "report content"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["populations"]["E"]["size"] == 800 and r["populations"]["X"]["is_source"]
assert r["theory"]["ok"], r["theory"]
assert r["pairs"]["populations"] == ["E", "I"] and r["pairs"]["windows"] == 3
for k in ("raster", "rates", "distributions", "correlations"):
    assert any(f.endswith(k + ".png") for f in r["figures"]), k
PY
grep -q "balanced-state theory" report.txt || fail "report summary shows the theory"

# Project 5's mean field on the RS-FS network with a constant drive (tiny grid: plumbing only)
ZC="$BALNET_SOURCE/tests/validation/zerlaut_rsfs_constant.ini"
BALNET="$BALNET" "$PY" "$BALNET_SOURCE/tools/balnet-meanfield" fit "$ZC" --rates RecExc=2:14:3 --rates RecInh=2:30:3 \
  --cells 5 --t-stop 1000 --discard 200 --out tf.json > fit.txt 2>&1 || { fail "balnet-meanfield fit"; cat fit.txt >&2; }
run 2 run "$ZC" -q --set run.t_stop=400 --output z.h5 > /dev/null 2> err.txt || { fail "rsfs run"; cat err.txt >&2; }
"$PY" "$BALNET_SOURCE/tools/balnet-meanfield" run z.h5 --tf tf.json --burn-in 100 --out mf > mf.txt 2>&1 \
  || { fail "balnet-meanfield run"; cat mf.txt >&2; }
BALNET="$BALNET" "$PY" "$BALNET_SOURCE/tools/balnet-report" z.h5 --meanfield tf.json --out zrep -q > /dev/null 2>&1 \
  || fail "balnet-report --meanfield"
"$PY" - tf.json mf/meanfield.json zrep/report.json <<'PY' || fail "mean-field outputs"
import json, sys
tf, mf, rep = (json.load(open(p)) for p in sys.argv[1:])
assert set(tf["populations"]) == {"RecExc", "RecInh"} and len(tf["populations"]["RecExc"]["P"]) == 10
assert tf["populations"]["RecExc"]["inputs"]["RecInh"] == [2.0, 16.0, 30.0] * 3
for p in ("RecExc", "RecInh"):
    assert mf["populations"][p]["mean_network"] > 0
    assert set(rep["meanfield"]["populations"][p]) >= {"rmse", "correlation", "mean_mf", "peak_network"}
PY
finish

# The output file opens with h5py and h5dump, follows SONATA for spikes, is sorted by
# time, and its counts match the printed summary.
. "$(dirname "$0")/common.bash"

run 2 run "$CONFIGS/quickstart.ini" -q --set run.t_stop=500 --output q.h5 > summary.txt 2> err.txt \
  || { fail "run failed"; cat err.txt >&2; finish; }
[ -e q.h5.part ] && fail "the temporary file q.h5.part is still there"
h5dump -H q.h5 > /dev/null || fail "h5dump cannot read the file"
"$PY" - q.h5 summary.txt <<'PY' || fail "file content"
import sys, re, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
summary = open(sys.argv[2]).read()
assert f.attrs["magic"] == 0x0A7A, "magic"
assert list(f.attrs["version"]) == [0, 1], "version"
assert f.attrs["status"].decode() if isinstance(f.attrs["status"], bytes) else f.attrs["status"] == "complete"
assert f.attrs["ranks"] == 2 and f.attrs["dt"] == 0.1 and f.attrs["t_end"] == 500.0
# Every projection of quickstart.ini is static with one weight: compact uint16 targets (6 bytes).
assert f.attrs["bytes_per_synapse"] == 6.0, f.attrs["bytes_per_synapse"]
for pop in ("E", "I"):
    g = f["spikes"][pop]
    t, ids = g["timestamps"][:], g["node_ids"][:]
    assert g.attrs["sorting"] == 2, "sorting attribute"
    assert h5py.check_enum_dtype(g.attrs.get_id("sorting").dtype) == {"none": 0, "by_id": 1, "by_time": 2}
    assert g["timestamps"].attrs["units"] in (b"ms", "ms")
    assert t.dtype == np.float64 and ids.dtype == np.uint64
    assert len(t) == len(ids) > 0
    assert np.all(np.diff(t) >= 0), "timestamps sorted"
    same = np.diff(t) == 0
    assert np.all(np.diff(ids.astype(np.int64))[same] > 0), "ids sorted within a time step"
    size = f["populations"][pop].attrs["size"]
    assert ids.max() < size
    m = re.search(r"^%s\s+(\d+)\s+(\d+)" % pop, summary, re.M)
    assert m and int(m.group(2)) == len(t), "summary count %s vs file %d" % (m and m.group(2), len(t))
    rates = f["rates"][pop][:]
    assert len(rates) == 500
    assert abs(rates.mean() - len(t) * 1000.0 / (size * 500.0)) < 1e-9
text = f["config"]["resolved"][()]
text = text.decode() if isinstance(text, bytes) else text
assert "t_stop = 500" in text and "[population.E]" in text
for name in ("build", "update", "deliver", "exchange", "wait", "write"):
    assert f["timers"][name].shape == (2,)
assert f["ranks"]["synapses"][:].sum() == f.attrs["synapses"]
print("file ok")
PY
[ "$failures" = 0 ] && pass "file layout, sorting and counts"
finish

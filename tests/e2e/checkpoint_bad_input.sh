# Bad checkpoints and checkpoint paths: a missing, truncated or foreign file, a --set that
# changes the network's structure, an unwritable path, a full disk. Each gives one clear error
# line and a non-zero exit code on every rank (no hang), and leaves the previous checkpoint as
# it was.
. "$(dirname "$0")/common.bash"
. "$(dirname "$0")/checkpoint.bash"
rm -rf ./*.h5 ./*.part ./*.log ./*.tmp nodir

write_network net.ini
run 2 run net.ini -q --output base.h5 --stop-at 50 > base.log 2>&1 || { cat base.log; fail "writing a checkpoint"; finish; }
sum0=$(md5sum < base.ckpt.h5)

# expect_error CODE PATTERN NAME ARGS...: balnet on 2 ranks (60 s at most) exits with CODE
# and prints exactly one error line, matching PATTERN.
expect_error() {
  code=$1 pattern=$2 name=$3; shift 3
  timeout 60 "$MPIRUN" -n 2 "$BALNET" "$@" > $name.out 2> $name.err
  got=$?
  [ "$got" = 124 ] && { fail "$name: hangs"; return; }
  [ "$got" = "$code" ] || { fail "$name: exit code $got, expected $code"; cat $name.err >&2; return; }
  n=$(grep -c "^balnet: .*error: " $name.err)
  [ "$n" = 1 ] || { fail "$name: $n error lines, expected 1"; cat $name.err >&2; return; }
  grep -q -- "$pattern" $name.err && pass "$name: $(grep '^balnet: .*error: ' $name.err)" \
    || { fail "$name: the message does not say '$pattern'"; cat $name.err >&2; }
}

expect_error 3 "no such checkpoint file" missing run --restart nothing.ckpt.h5 -q
head -c 60000 base.ckpt.h5 > truncated.h5
expect_error 3 "damaged" truncated run --restart truncated.h5 -q
printf 'not hdf5 at all' > text.h5
expect_error 3 "not an HDF5 file" not_hdf5 run --restart text.h5 -q
cp base.h5.part foreign.h5
expect_error 3 "not a balnet checkpoint" foreign run --restart foreign.h5 -q
expect_error 2 "population E size 320.*population E size 400" size run --restart base.ckpt.h5 -q --set params.N=500
expect_error 2 "the network differs" connectivity run --restart base.ckpt.h5 -q --set projection.E_to_I.p=0.2
expect_error 2 "the network differs" seed run --restart base.ckpt.h5 -q --seed 7
expect_error 2 "already at t = 50" stop_early run --restart base.ckpt.h5 -q --stop-at 20
expect_error 2 "unknown unit 'sec'" unit run net.ini -q --output u.h5 --checkpoint-every 5sec
expect_error 3 "no directory nodir" unwritable run net.ini -q --output unw.h5 --checkpoint-file nodir/c.h5 --stop-at 50
[ -e unw.h5.part ] || [ -e unw.h5 ] && fail "unwritable: an output file was left behind"

# A failed write leaves the previous checkpoint intact: a directory in the way of the
# temporary file, and a full disk (the temporary file is /dev/full).
mkdir base.ckpt.h5.tmp
expect_error 3 "base.ckpt.h5.tmp: cannot create" in_the_way run --restart base.ckpt.h5 -q --stop-at 100
rmdir base.ckpt.h5.tmp
[ "$(md5sum < base.ckpt.h5)" = "$sum0" ] && pass "in the way: the previous checkpoint is unchanged" \
  || fail "in the way: the previous checkpoint changed"
if [ -w /dev/full ]; then
  ln -s /dev/full base.ckpt.h5.tmp
  expect_error 3 "No space left on device" disk_full run --restart base.ckpt.h5 -q --stop-at 100
  rm -f base.ckpt.h5.tmp
  [ "$(md5sum < base.ckpt.h5)" = "$sum0" ] && pass "full disk: the previous checkpoint is unchanged" \
    || fail "full disk: the previous checkpoint changed"
fi
# ... and it still restarts (the output file was kept for it), with the same results.
run 2 run net.ini -q --output full.h5 > full.log 2>&1 || fail "uninterrupted run"
run 3 run --restart base.ckpt.h5 -q --output again.h5 > again.log 2>&1 || { fail "restart after the failures"; cat again.log; }
msg=$(same_results full.h5 again.h5) && pass "the untouched checkpoint restarts to identical results" || fail "after failures: $msg"
finish

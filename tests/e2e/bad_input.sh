# Each kind of bad input gives one clear error line naming the problem, a non-zero exit
# (on every rank: mpirun reports failure) and no output file, neither final nor partial.
. "$(dirname "$0")/common.bash"

cp "$CONFIGS/quickstart.ini" good.ini
cat > tiny.ini <<'INI'
[run]
t_stop = 10
output = tiny.h5
[population.P]
size = 3
model = lif
INI

# expect NAME EXPECTED_TEXT RANKS ARGS...
expect() {
  name=$1; want=$2; n=$3; shift 3
  rm -f out.h5 out.h5.part tiny.h5 tiny.h5.part
  if run "$n" "$@" > "$name.out" 2> "$name.err"; then
    fail "$name: exit status 0"; return
  fi
  lines=$(grep -c '^balnet' "$name.err" || true)
  if [ "$lines" != 1 ]; then
    fail "$name: expected one balnet error line, got $lines:"; cat "$name.err" >&2; return
  fi
  if ! grep -q -- "$want" "$name.err"; then
    fail "$name: message lacks '$want':"; grep '^balnet' "$name.err" >&2; return
  fi
  for f in out.h5 out.h5.part tiny.h5 tiny.h5.part; do
    [ -e "$f" ] && fail "$name: left $f behind"
  done
  pass "$name: $(grep '^balnet' "$name.err")"
}

printf '[run]\nt_stop=10\n[populaton.E]\nsize=4\n' > unknown_section.ini
expect unknown_section "unknown section \[populaton.E\]" 2 run unknown_section.ini --output out.h5
sed 's/^p = 0.08/p = 1.7/' good.ini > badp.ini
expect bad_probability_in_file "badp.ini:[0-9]*, key projection.EE.p = 1.7: must be a probability" 2 run badp.ini --output out.h5
expect unknown_key "unknown key 'tau_membrane' in \[population.E\]" 2 run good.ini --output out.h5 --set population.E.tau_membrane=20
expect wrong_type "population.E.size=twenty: cannot evaluate .twenty.: unknown name" 2 run good.ini --output out.h5 --set population.E.size=twenty
expect negative_size "population.E.size=-10: must be a whole number >= 1" 2 run good.ini --output out.h5 --set population.E.size=-10
expect bad_probability "projection.EE.p=1.2: must be a probability in \[0, 1\]" 2 run good.ini --output out.h5 --set projection.EE.p=1.2
expect missing_population "no population named 'Inh'" 2 run good.ini --output out.h5 --set projection.IE.source=Inh
expect short_delay "delay shorter than dt" 2 run good.ini --output out.h5 --set projection.EE.delay=0.05
expect unwritable_output "cannot create the output file" 2 run good.ini --output /nonexistent/dir/out.h5
expect too_many_ranks "has only 3 neurons; use at most 3 ranks" 4 run tiny.ini
expect check_too_many_ranks "has only 3 neurons" 1 check tiny.ini -n 8
expect missing_config "cannot open the configuration file" 2 run does_not_exist.ini
expect bad_option "unrecognised option\|unrecognized option" 2 run good.ini --bogus
expect bad_set "expected section.key=value" 2 run good.ini --set t_stop
expect no_command "no command given" 1
expect unknown_command "unknown command 'simulate'" 1 simulate good.ini
finish

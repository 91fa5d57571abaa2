# The short forms of the validation runs (tests/validation/*.py --short): the plastic
# Akil networks reach their rules' fixed points, the static rates move toward the theory
# as N grows, ISP brings the Vogels network's E rate down. The full forms are run by hand
# (commands and runtimes in the scripts).
. "$(dirname "$0")/common.bash"
for script in akil2021_plastic vogels2011_isp; do
  if "$PY" "$BALNET_SOURCE/tests/validation/$script.py" --short --balnet "$BALNET" --workdir . > "$script.log" 2>&1; then
    pass "$script --short"
    grep -E " ok | ok$|^   " "$script.log" | sed 's/^/    /'
  else
    fail "$script --short"
    cat "$script.log" >&2
  fi
done
finish

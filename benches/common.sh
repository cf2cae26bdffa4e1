# What the benchmark scripts (speed.sh, disk.sh, excel.sh) share; sourced, not run.
# Before sourcing, a script sets DEFAULT_DIR, the folder under target/ its scratch files go to.
# Sets here (benches/), root (the project), dir (ROADSUB_BENCH_DIR or target/DEFAULT_DIR, made)
# and venv (ROADSUB_PEERS_VENV or /tmp/roadsub-peers); moves to the project root and prints the
# load, which says how much to trust the figures.
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
dir=${ROADSUB_BENCH_DIR:-$root/target/$DEFAULT_DIR}
venv=${ROADSUB_PEERS_VENV:-/tmp/roadsub-peers}
mkdir -p "$dir"
cd "$root"
uptime

# Builds the release binary and sets bin to it.
build_release() {
  cargo build --release -q
  bin=$root/target/release/roadsub
}

# ROWS → the path of a table of ROWS rows of benches/speed/gen.py ($dir/rows-ROWS.csv), made
# if missing.
table() {
  local f=$dir/rows-$1.csv
  [ -s "$f" ] || python3 "$here/speed/gen.py" "$1" "$f"
  echo "$f"
}

# Whether the peers (polars, DuckDB) are to be run: not with ROADSUB_PEERS=0; else their venv
# is made with pip if it is missing or lacks them (the script stops if that fails).
want_peers() {
  [ "${ROADSUB_PEERS:-1}" != 0 ] || return 1
  # A venv left without them by an install cut short is made again.
  "$venv/bin/python" -c 'import polars, duckdb' 2>/dev/null && return 0
  python3 -m venv "$venv" && "$venv/bin/pip" install -q polars duckdb ||
    { echo "could not make $venv with polars and duckdb (ROADSUB_PEERS=0 skips them)" >&2; exit 1; }
}

# Of numbers given one per word on standard input: the median (of an even count, the mean of
# the two middle ones), the least, the most, the range (lo–hi).
med() {
  tr ' ' '\n' | grep . | sort -g |
    awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'
}
best() { tr ' ' '\n' | grep . | sort -g | head -1; }
most() { tr ' ' '\n' | grep . | sort -g | tail -1; }
range() { tr ' ' '\n' | grep . | sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {print lo "–" hi}'; }
# KiB → MiB.
mib() { echo "$1 / 1024" | bc -l; }

# Runs a command, its standard output thrown away, and prints its wall seconds to the
# millisecond and its peak memory in KiB: "SECONDS KIB" (benches/speed/timed.py: where
# /usr/bin/time's own %e counts hundredths, a 4% step on a run of a quarter of a second). A
# command that fails is said, with its standard error, and its status returned: no figure.
wall_peak() {
  python3 "$here/speed/timed.py" --err "$dir/wall_peak.err" "$@" || {
    local status=$?
    echo "failed (status $status): $*" >&2
    cat "$dir/wall_peak.err" >&2
    return $status
  }
}

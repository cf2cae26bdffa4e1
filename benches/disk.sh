#!/usr/bin/env bash
# Where the wall time of a batch run with -o goes on this machine's disk: the figures of
# "Where the wall time goes on a slow disk" in benches/HISTORY.md.
#   1. The 1,000,000-row table of benches/speed/gen.py, RUNS rounds, each round running in
#      turn: roadsub to standard output into /dev/null; roadsub with -o to a new file;
#      roadsub with -o over the output of the run before; the polars job
#      (benches/speed/polars_job.py, which does not sync) to a new file and over its own
#      output. The median wall time of each and its range.
#   2. One roadsub run over its output before, under strace: how long the sync of the
#      output waits for the disk and how long the rename into place takes (it frees the
#      output it replaces).
#   3. Both writing onto tmpfs (/dev/shm), where a sync and a rename cost nothing, RUNS
#      rounds: roadsub and polars, and their ratio.
# Usage: benches/disk.sh [RUNS]   (from the project root; RUNS defaults to 3)
# Environment: ROADSUB_BENCH_DIR where the table and the outputs go (default target/speed,
# the disk measured: 64 MB of table, 227 MB for each output); ROADSUB_PEERS_VENV a venv with
# polars (default /tmp/roadsub-peers, made with pip if missing; ROADSUB_PEERS=0 skips polars).
# Shared machines are noisy: only figures from one run of this script compare, and the load
# (printed first) says how much to trust them.
set -eu
runs=${1:-3}
DEFAULT_DIR=speed
. "$(dirname "$0")/common.sh"
build_release
df -h "$dir" | tail -1
big=$(table 1000000)
polars=0
want_peers && polars=1

# Wall seconds of one command, its standard output thrown away.
wall() { local r; r=$(wall_peak "$@") || return; echo "${r% *}"; }
declare -A t
add() { t[$1]="${t[$1]:-} $2"; }
show() { # NAME LABEL
  printf '  %-34s median %6.3f s  (%s s)\n' "$2" "$(echo ${t[$1]} | med)" "$(echo ${t[$1]} | range)"
}

echo "== 1,000,000 rows onto $dir, $runs rounds"
out=$dir/disk-out.csv
peer=$dir/disk-polars.csv
for _ in $(seq "$runs"); do
  w=$(wall "$bin" batch "$big")
  add stdout "$w"
  rm -f "$out"
  w=$(wall "$bin" batch "$big" -o "$out")
  add new "$w"
  w=$(wall "$bin" batch "$big" -o "$out")
  add over "$w"
  if [ $polars = 1 ]; then
    rm -f "$peer"
    w=$(wall "$venv/bin/python" "$here/speed/polars_job.py" "$big" "$peer")
    add pnew "$w"
    w=$(wall "$venv/bin/python" "$here/speed/polars_job.py" "$big" "$peer")
    add pover "$w"
  fi
done
show stdout "roadsub to stdout (/dev/null)"
show new "roadsub -o a new file"
show over "roadsub -o over its last output"
if [ $polars = 1 ]; then
  show pnew "polars to a new file"
  show pover "polars over its last output"
fi

echo "== one roadsub run over its last output, under strace"
trace=$dir/disk-strace.txt
strace -f --seccomp-bpf -T -e trace=fsync,fdatasync,rename,renameat,renameat2 -o "$trace" \
  "$bin" batch "$big" -o "$out" >/dev/null 2>&1
# The time each call took is its last field, <0.123456>.
took() { grep -E "$1" "$trace" | grep -oE '<[0-9.]+>$' | tr -d '<>' | awk '{s+=$1} END {printf "%.3f", s}'; }
echo "  the sync before the rename waited $(took 'fsync|fdatasync') s"
echo "  the rename over the last output took $(took 'rename') s"
rm -f "$trace" "$out" "$peer"

if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  echo "== 1,000,000 rows onto tmpfs (/dev/shm), $runs rounds"
  shm=/dev/shm/roadsub-disk-$$
  mkdir -p "$shm"
  for _ in $(seq "$runs"); do
    w=$(wall "$bin" batch "$big" -o "$shm/out.csv")
    add shm "$w"
    if [ $polars = 1 ]; then
      w=$(wall "$venv/bin/python" "$here/speed/polars_job.py" "$big" "$shm/polars.csv")
      add pshm "$w"
    fi
  done
  show shm "roadsub -o onto tmpfs"
  if [ $polars = 1 ]; then
    show pshm "polars onto tmpfs"
    printf '  roadsub/polars onto tmpfs %.2f\n' \
      "$(echo "$(echo ${t[shm]} | med) / $(echo ${t[pshm]} | med)" | bc -l)"
  fi
  rm -rf "$shm"
fi

#!/usr/bin/env bash
# The batch figures of the README's "Speed" section, measured the way they were: roadsub batch
# on the tables of benches/speed/gen.py (about 64 bytes a row, English headers), each run
# writing a new file with -o.
#   1. Side by side at 1,000,000 rows: roadsub, roadsub under the bundled prorating budget
#      (examples/anyue-2018-prorate.toml: the input is read twice), and the same job written
#      in polars and in DuckDB (benches/speed/*_job.py), in turn RUNS times; the median wall
#      time and peak memory of each, and roadsub's ratio to polars.
#   2. Scale: 100,000, 1,000,000 and (with ROADSUB_BENCH_BIG=1) 10,000,000 rows: the best wall
#      time of RUNS, rows/s, MB/s and peak memory.
#   3. Instructions a row (valgrind's callgrind, all threads) on the first 200,000 rows, with
#      and without the prorating budget: the steady figure on a noisy machine.
# Usage: benches/speed.sh [RUNS]   (from the project root; RUNS defaults to 3)
# Environment: ROADSUB_BENCH_DIR where tables and outputs go (default target/speed; the
# 10,000,000-row table takes 640 MB and its output 2.2 GB, both deleted after);
# ROADSUB_PEERS_VENV a venv with polars and duckdb (default /tmp/roadsub-peers, made with pip
# if missing; ROADSUB_PEERS=0 skips the peers); ROADSUB_CALLGRIND=0 skips step 3.
# Shared machines are noisy: only figures from one run of this script compare, and the load
# (printed first) says how much to trust them.
set -eu
runs=${1:-3}
DEFAULT_DIR=speed
. "$(dirname "$0")/common.sh"
build_release
prorate=$root/examples/anyue-2018-prorate.toml
out=$dir/out.csv

# Wall seconds and peak KiB of one command, its output file new.
timed() {
  rm -f "$out"
  wall_peak "$@"
}

echo "== side by side, 1,000,000 rows, median of $runs"
big=$(table 1000000)
peers=""
want_peers && peers="polars duckdb"
declare -A wall mem
for _ in $(seq "$runs"); do
  for who in roadsub prorate $peers; do
    case $who in
      roadsub) r=$(timed "$bin" batch "$big" -o "$out") ;;
      prorate) r=$(timed "$bin" batch "$big" --rules "$prorate" -o "$out") ;;
      *) r=$(timed "$venv/bin/python" "$here/speed/${who}_job.py" "$big" "$out") ;;
    esac
    wall[$who]="${wall[$who]:-} ${r% *}"
    mem[$who]="${mem[$who]:-} ${r#* }"
  done
done
for who in roadsub prorate $peers; do
  printf '%-8s wall %6.3f s (%s)  peak %6.1f MiB   (runs: %s)\n' "$who" \
    "$(echo ${wall[$who]} | med)" "$(echo ${wall[$who]} | range)" \
    "$(mib "$(echo ${mem[$who]} | med)")" "${wall[$who]# }"
done
if [ -n "$peers" ]; then
  p=$(echo ${wall[polars]} | med)
  printf 'roadsub/polars %.3f, with the prorating budget %.3f, roadsub/duckdb %.3f\n' \
    "$(echo "$(echo ${wall[roadsub]} | med) / $p" | bc -l)" \
    "$(echo "$(echo ${wall[prorate]} | med) / $p" | bc -l)" \
    "$(echo "$(echo ${wall[roadsub]} | med) / $(echo ${wall[duckdb]} | med)" | bc -l)"
fi

echo "== scale, best of $runs"
sizes="100000 1000000"
[ "${ROADSUB_BENCH_BIG:-0}" = 1 ] && sizes="$sizes 10000000"
for n in $sizes; do
  f=$(table "$n")
  ws="" ms=""
  for _ in $(seq "$runs"); do
    r=$(timed "$bin" batch "$f" -o "$out")
    ws="$ws ${r% *}"
    ms="$ms ${r#* }"
  done
  w=$(echo $ws | best)
  m=$(echo $ms | most)
  bytes=$(stat -c %s "$f")
  printf '%9d rows  %6.1f MB  best %7.3f s  %5.2f M rows/s  %4.0f MB/s  peak %6.1f MiB\n' \
    "$n" "$(echo "$bytes / 1000000" | bc -l)" "$w" "$(echo "$n / $w / 1000000" | bc -l)" \
    "$(echo "$bytes / $w / 1000000" | bc -l)" "$(mib "$m")"
  [ "$n" = 10000000 ] && rm -f "$f"
done
rm -f "$out"

if [ "${ROADSUB_CALLGRIND:-1}" != 0 ] && command -v valgrind >/dev/null; then
  echo "== instructions a row, first 200,000 rows (callgrind)"
  small=$dir/rows-200000.csv
  head -200001 "$big" >"$small"
  for budget in none prorating; do
    extra=()
    [ $budget = prorating ] && extra=(--rules "$prorate")
    n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" batch "$small" \
      "${extra[@]}" -o "$out" 2>&1 | sed -n 's/.*Collected : *//p')
    printf 'budget %-10s %6.0f instructions a row\n' $budget "$(echo "$n / 200000" | bc -l)"
  done
  rm -f "$out" "$small"
fi

#!/usr/bin/env bash
# The Excel figures of the README's "Speed" section: roadsub batch on a segment table saved as
# .xlsx, 300,000 rows (and 1,000,000 with ROADSUB_BENCH_BIG=1), each run writing a new CSV
# with -o. The rows are those of benches/speed/gen.py, made into a workbook by
# benches/excel_book.rs: text as text cells, numbers as number cells, in two kinds:
#   shared  the text in the workbook's shared string table, as Excel saves it;
#   inline  each string in its cell, as many other programs write;
#   formula the shared-string workbook with its cost column a formula filled down, as Excel
#           saves one (benches/speed/filled_down.py: a shared formula, every cell its result).
# For each workbook, and for the same rows as CSV beside it: the best wall time of RUNS (to
# the millisecond), rows/s and peak memory. Then instructions a row (valgrind's callgrind, all
# threads) on the 300,000-row shared-string workbook: the steady figure on a noisy machine.
# Usage: benches/excel.sh [RUNS]   (from the project root; RUNS defaults to 3)
# Environment: ROADSUB_BENCH_DIR where tables, workbooks and outputs go (default
# target/excel; 300,000 rows take 19 MB as CSV and 17 MB as each workbook); OLD another
# roadsub binary to time in turn with this one, run after run, checking that both write the
# same bytes; ROADSUB_CALLGRIND=0 skips the instruction count.
# Shared machines are noisy: only figures from one run of this script compare, and the load
# (printed first) says how much to trust them.
set -eu
runs=${1:-3}
old=${OLD:-}
DEFAULT_DIR=excel
. "$(dirname "$0")/common.sh"

sizes=300000
[ "${ROADSUB_BENCH_BIG:-0}" = 1 ] && sizes="$sizes 1000000"
for n in $sizes; do
  csv=$(table "$n")
  for kind in shared inline; do
    book=$dir/book-$n-$kind.xlsx
    [ -s "$book" ] || cargo bench -q --bench excel_book -- "$csv" "$book" "$kind"
  done
  book=$dir/book-$n-formula.xlsx
  [ -s "$book" ] || python3 "$here/speed/filled_down.py" "$dir/book-$n-shared.xlsx" "$book"
done
# After the workbook maker, whose build shares target/release.
build_release

# Wall seconds and peak KiB of one run of `BIN batch IN -o OUT`, its output file new.
timed() {
  rm -f "$3"
  wall_peak "$1" batch "$2" -o "$3"
}

report() { # NAME ROWS "WALLS" "PEAKS"
  local w
  w=$(echo $3 | best)
  printf '  %-4s best %6.3f s  %4.0f k rows/s  peak %5.1f MiB   (runs: %s)\n' "$1" "$w" \
    "$(echo "$2 / $w / 1000" | bc -l)" "$(mib "$(echo $4 | most)")" "$3"
}

echo "== batch -o out.csv, best of $runs"
for n in $sizes; do
  for input in "$dir/book-$n-shared.xlsx" "$dir/book-$n-inline.xlsx" \
    "$dir/book-$n-formula.xlsx" "$dir/rows-$n.csv"; do
    echo "$(basename "$input") ($n rows, $(($(stat -c %s "$input") / 1000000)) MB)"
    declare -A ws=() ms=()
    for _ in $(seq "$runs"); do
      for who in new ${old:+old}; do
        b=$bin
        [ $who = old ] && b=$old
        r=$(timed "$b" "$input" "$dir/out-$who.csv")
        ws[$who]="${ws[$who]:-} ${r% *}"
        ms[$who]="${ms[$who]:-} ${r#* }"
      done
      if [ -n "$old" ] && ! cmp -s "$dir/out-new.csv" "$dir/out-old.csv"; then
        echo "  the two binaries wrote different outputs" >&2
        exit 1
      fi
    done
    for who in new ${old:+old}; do
      report $who "$n" "${ws[$who]# }" "${ms[$who]# }"
    done
    [ -n "$old" ] && echo "  outputs the same byte for byte"
  done
done
rm -f "$dir"/out-*.csv

if [ "${ROADSUB_CALLGRIND:-1}" != 0 ] && command -v valgrind >/dev/null; then
  echo "== instructions a row, 300,000 rows, shared strings (callgrind, all threads)"
  for who in new ${old:+old}; do
    b=$bin
    [ $who = old ] && b=$old
    n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$b" batch \
      "$dir/book-300000-shared.xlsx" -o "$dir/out.csv" 2>&1 | sed -n 's/.*Collected : *//p')
    printf '  %-4s %6.0f instructions a row\n' $who "$(echo "$n / 300000" | bc -l)"
  done
  rm -f "$dir/out.csv"
fi

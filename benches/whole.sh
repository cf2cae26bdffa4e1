#!/bin/sh
# Times the commands that read a whole table (explain, compare, notice) beside a batch run of
# the same table, each binary given in turn, run by run, so a busy host slows them alike; and
# checks that every binary writes the same bytes. Prints each run's wall seconds (to the
# millisecond: benches/speed/timed.py) and peak memory (KiB), then each command's median, its
# range, its median peak and its median's ratio to the same binary's batch median.
#
#   benches/whole.sh TABLE.csv [BINARY...]     (default: target/release/roadsub)
#   RUNS=3 NOTICE_ROWS=2000 benches/whole.sh big.csv old/roadsub target/release/roadsub
#   COMPARE_FORMS="csv jsonl md json" benches/whole.sh big.csv   (compare -o out.FORM each)
#   REPORTS=1 benches/whole.sh big.csv old/roadsub target/release/roadsub
#
# compare writes CSV unless COMPARE_FORMS names other forms of -o (csv, jsonl, md, json); each
# is timed and its bytes checked like the rest. REPORTS=1 also times the Excel reports,
# `batch -o report.xlsx` and `compare -o out.xlsx`; their workbooks are checked to hold the
# same cells in every binary (values as text, sheet by sheet), not the same bytes: how a
# workbook is packed may change from one version to another. That check is Python's and
# slow: several minutes a pair of workbooks at 1,000,000 rows.
# notice writes one workbook per village: it is timed on the first NOTICE_ROWS rows
# (NOTICE_ROWS=all for the whole table). Scratch files go to $BENCH_DIR (default
# target/bench-whole); they take about three times the table's size. The workbooks are made
# under SOURCE_DATE_EPOCH, so each notice is compared byte for byte; a binary that does not
# read it (before SOURCE_DATE_EPOCH was) writes its own time, and its notices are compared
# part by part with the time left out (docProps/core.xml).
set -eu
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1543622400}
export SOURCE_DATE_EPOCH
table=${1:?usage: benches/whole.sh TABLE.csv [BINARY...]}
shift
[ $# -gt 0 ] || set -- target/release/roadsub
runs=${RUNS:-3}
dir=${BENCH_DIR:-target/bench-whole}
mkdir -p "$dir"
rows=$(($(wc -l <"$table") - 1))
last=$rows
if [ "${NOTICE_ROWS:-2000}" = all ]; then
    small=$table
else
    small=$dir/notice-input.csv
    head -n $((${NOTICE_ROWS:-2000} + 1)) "$table" >"$small"
fi
here=$(cd "$(dirname "$0")" && pwd)
: >"$dir/times"
uptime

# One timed run: LABEL BINARY ARGS... ; prints "LABEL BINARY wall peak" (seconds to the
# millisecond, KiB: benches/speed/timed.py) and keeps it in $dir/times for the medians.
timed() {
    label=$1 bin=$2
    shift 2
    python3 "$here/speed/timed.py" --out "$dir/stdout" --err "$dir/stderr" "$bin" "$@" \
        >"$dir/time" || {
        echo "$label $bin failed (status $?):" >&2
        cat "$dir/stderr" >&2
        exit 1
    }
    echo "$label $bin $(cat "$dir/time")"
    # Tab-separated: a binary's path may hold spaces.
    printf '%s\t%s\t%s\n' "$label" "$bin" "$(cat "$dir/time")" >>"$dir/times"
}

i=0
while [ $i -lt "$runs" ]; do
    n=0
    for bin in "$@"; do
        n=$((n + 1))
        # Each output is new, as benches/speed.sh times batch: a file replaced is freed by
        # the rename that replaces it (on a file system mounted with discard, 27-51 ms for a
        # batch run's 227 MB on the 1,000,000-row table), which explain, writing no file,
        # and compare, writing a smaller one, would not pay alike.
        rm -f "$dir/batch-$n.csv"
        timed batch "$bin" batch "$table" -o "$dir/batch-$n.csv"
        timed explain "$bin" explain "$table" --row "$last"
        cp "$dir/stdout" "$dir/explain-$n.txt"
        for form in ${COMPARE_FORMS:-csv}; do
            rm -f "$dir/compare-$n.$form"
            timed "compare-$form" "$bin" compare "$table" --set poverty.group.3.5=15万 \
                -o "$dir/compare-$n.$form"
        done
        if [ "${REPORTS:-0}" = 1 ]; then
            rm -f "$dir/report-$n.xlsx" "$dir/compare-$n.xlsx"
            timed batch-xlsx "$bin" batch "$table" -o "$dir/report-$n.xlsx"
            timed compare-xlsx "$bin" compare "$table" --set poverty.group.3.5=15万 \
                -o "$dir/compare-$n.xlsx"
        fi
        # The folder of the run before is put aside, not deleted: files deleted just before
        # make the file system look longer for free inodes while the notices are written
        # (ext4's recently_deleted), which would be timed too. They go after the last run.
        [ ! -e "$dir/notices-$n" ] || mv "$dir/notices-$n" "$dir/old-notices-$n-$i"
        timed notice "$bin" notice "$small" -o "$dir/notices-$n"
    done
    i=$((i + 1))
done
rm -rf "$dir"/old-notices-*

n=1
for bin in "$@"; do
    cmp "$dir/batch-1.csv" "$dir/batch-$n.csv"
    cmp "$dir/explain-1.txt" "$dir/explain-$n.txt"
    for form in ${COMPARE_FORMS:-csv}; do
        cmp "$dir/compare-1.$form" "$dir/compare-$n.$form"
    done
    [ "$(ls "$dir/notices-1" | wc -l)" = "$(ls "$dir/notices-$n" | wc -l)" ]
    python3 - "$dir/notices-1" "$dir/notices-$n" <<'PY'
import os, sys, zipfile
a, b = sys.argv[1:]
for name in sorted(os.listdir(a)):
    x, y = os.path.join(a, name), os.path.join(b, name)
    if open(x, "rb").read() == open(y, "rb").read():
        continue
    za, zb = zipfile.ZipFile(x), zipfile.ZipFile(y)
    parts = [p for p in za.namelist() if p != "docProps/core.xml"]
    if parts != [p for p in zb.namelist() if p != "docProps/core.xml"] or any(
        za.read(p) != zb.read(p) for p in parts
    ):
        sys.exit(f"{x} and {y} differ")
PY
    if [ "${REPORTS:-0}" = 1 ]; then
        for book in report compare; do
            python3 - "$dir/$book-1.xlsx" "$dir/$book-$n.xlsx" <<'PY'
import sys, xml.etree.ElementTree as ET, zipfile
M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
def cells(path):
    z = zipfile.ZipFile(path)
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(M + "si"):
            shared.append("".join(t.text or "" for t in si.iter(M + "t")))
    out = {}
    for name in sorted(p for p in z.namelist() if p.startswith("xl/worksheets/sheet")):
        for _, c in ET.iterparse(z.open(name)):
            if c.tag != M + "c":
                continue
            v, kind = c.find(M + "v"), c.get("t")
            if kind == "s":
                text = shared[int(v.text)]
            elif kind == "inlineStr":
                text = "".join(t.text or "" for t in c.iter(M + "t"))
            else:
                text = v.text if v is not None else ""
            out[(name, c.get("r"))] = (text, c.get("s"))
            c.clear()
    return out
a, b = sys.argv[1:]
if cells(a) != cells(b):
    sys.exit(f"{a} and {b} hold different cells")
PY
        done
    fi
    n=$((n + 1))
done
echo "$rows rows; notice on $(($(wc -l <"$small") - 1)) rows, $(ls "$dir/notices-1" | wc -l) notices; outputs the same for every binary (notices but for the time of binaries that do not read SOURCE_DATE_EPOCH)"

# Each command's median wall time over the runs, its range and median peak, and the median's
# ratio to the same binary's batch median (the target: at most 2 for every command).
echo "== medians of $runs runs: wall (range), peak, x the batch run's median"
awk -F '\t' '
    { split($3, figure, " "); key = $1 SUBSEP $2; n[key]++
      w[key, n[key]] = figure[1]; m[key, n[key]] = figure[2]
      if (!(key in seen)) { seen[key] = 1; order[++keys] = key } }
    # The median of v[1..count], sorted: of an even count, the mean of the two middle ones.
    function middle(count) {
        return count % 2 ? v[(count + 1) / 2] : (v[count / 2] + v[count / 2 + 1]) / 2
    }
    function sorted(a, key, count,    i, j, t) {
        for (i = 1; i <= count; i++) v[i] = a[key, i]
        for (i = 2; i <= count; i++)
            for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    }
    END {
        for (k = 1; k <= keys; k++) {
            key = order[k]; c = n[key]
            sorted(w, key, c); lo = v[1]; hi = v[c]; med[key] = middle(c)
            sorted(m, key, c); peak[key] = middle(c)
            range[key] = lo "-" hi
        }
        for (k = 1; k <= keys; k++) {
            key = order[k]; split(key, p, SUBSEP)
            base = med["batch" SUBSEP p[2]]
            ratio = "-"
            if (base > 0) ratio = sprintf("%.2fx", med[key] / base)
            printf "%-14s %s  %.3f s (%s)  %.0f MiB  %s\n", p[1], p[2], med[key], range[key], \
                peak[key] / 1024, ratio
        }
    }' "$dir/times"

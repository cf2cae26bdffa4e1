#!/usr/bin/env python3
"""Runs a command and prints its wall seconds to the millisecond and its peak memory in KiB:
"SECONDS KIB", as `/usr/bin/time -f '%e %M'` prints them, but /usr/bin/time counts hundredths
of a second, a 4% step on a run of a quarter of a second. The command's standard output and
error are thrown away, or go to the files --out and --err name. Exits with its status.

The peak is /usr/bin/time's, which starts the command (a command started from here would
count this script's own memory in its peak); the clock runs from starting /usr/bin/time to
its end, so the figure holds the time it takes to start /usr/bin/time (about 4 ms where
starting a process is slow), added alike to every command timed, and nothing of this
script's own start.

    python3 benches/speed/timed.py roadsub batch big.csv -o out.csv
    python3 benches/speed/timed.py --out explain.txt --err errors.txt roadsub explain big.csv --row 5
"""
import subprocess
import sys
import tempfile
import time

args = sys.argv[1:]
files = {"--out": subprocess.DEVNULL, "--err": subprocess.DEVNULL}
usage = "usage: timed.py [--out FILE] [--err FILE] COMMAND [ARGS...]"
while args and args[0] in files:
    if len(args) < 2:
        sys.exit(usage)
    files[args[0]] = open(args[1], "wb")
    args = args[2:]
if not args:
    sys.exit(usage)
with tempfile.NamedTemporaryFile("r") as peak:
    command = ["/usr/bin/time", "-f", "%M", "-o", peak.name, "--"] + args
    start = time.perf_counter()
    done = subprocess.run(command, stdout=files["--out"], stderr=files["--err"])
    wall = time.perf_counter() - start
    # After "Command exited with non-zero status N" when it failed.
    words = peak.read().split()
print(f"{wall:.3f} {words[-1] if words else 0}")
sys.exit(done.returncode)

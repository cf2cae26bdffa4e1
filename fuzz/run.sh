#!/usr/bin/env bash
# Builds every fuzz target and runs each for SECONDS (default 60) over its committed seeds.
#
#   fuzz/run.sh 1800        # the long runs: 30 minutes per target
#
# Needs cargo-fuzz (installed here when missing). The stable toolchain works: RUSTC_BOOTSTRAP
# lets it take the sanitizer flags cargo-fuzz passes. New inputs go to fuzz/work/<target>
# (not committed); a crash, hang (over 10 s) or memory blow-up (over 512 MB) stops a target
# and leaves its input in fuzz/artifacts/<target>/ — copy it into fuzz/findings/<target>/ so
# `cargo test` replays it, and fix it.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
cargo fuzz build
status=0
for target in $(cargo fuzz list); do
    mkdir -p "work/$target" "findings/$target"
    echo "== $target: ${seconds}s"
    if ! cargo fuzz run "$target" "work/$target" "corpus/$target" "findings/$target" -- \
        -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=512 -timeout=10 \
        -print_final_stats=1; then
        echo "!! $target found a problem: see fuzz/artifacts/$target/"
        status=1
    fi
done
exit "$status"

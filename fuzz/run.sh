#!/usr/bin/env bash
# Builds every fuzz target and runs each for SECONDS (default 60) over its committed seeds.
#
#   fuzz/run.sh 1800            # the long runs: 30 minutes per target, address sanitizer
#   fuzz/run.sh --smoke 15      # what CI runs: a quick unoptimised build, 15 s per target
#
# Needs cargo-fuzz (installed here when missing). The stable toolchain works: RUSTC_BOOTSTRAP
# lets it take the sanitizer flags cargo-fuzz passes. New inputs go to fuzz/work/<target>
# (a throw-away folder with --smoke; never committed). A crash, a hang (over 10 s) or a memory
# blow-up (over 512 MB) stops a target and leaves its input in
# fuzz/artifacts/<target>/: copy it into fuzz/findings/<target>/ so `cargo test` replays it,
# and fix it.
set -euo pipefail
cd "$(dirname "$0")"
build=()
smoke=false
if [[ "${1:-}" == "--smoke" ]]; then
    # No sanitizer and no optimisation: it builds in a fraction of the time, and debug
    # assertions (integer overflow included) are on.
    build=(--sanitizer none --dev)
    smoke=true
    shift
fi
seconds="${1:-60}"
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
cargo fuzz build "${build[@]}"
status=0
for target in $(cargo fuzz list); do
    if $smoke; then
        work="$(mktemp -d)"
    else
        work="work/$target"
        mkdir -p "$work"
    fi
    # A target with no findings yet has no folder of them in a clone (git keeps no empty
    # folder), and libFuzzer stops on a folder that is missing.
    mkdir -p "findings/$target"
    echo "== fuzz $target: ${seconds}s"
    log="$(mktemp)"
    if ! cargo fuzz run "${build[@]}" "$target" "$work" "corpus/$target" "findings/$target" -- \
        -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=512 -timeout=10 \
        -print_final_stats=1 >"$log" 2>&1; then
        tail -n 40 "$log"
        echo "!! fuzz $target found a problem: see fuzz/artifacts/$target/"
        status=1
    fi
    grep -E '^(Done|stat::peak_rss_mb)' "$log" || true
    rm -f "$log"
    if $smoke; then
        rm -rf "$work"
    fi
done
exit "$status"

#!/usr/bin/env bash
# The whole suite on a busy machine: `make test` with BURNERS CPU-bound processes beside it
# (default: one per core), proving that no wall clock decides a result. With IDLE=1 it first runs
# `make test` alone and prints the busy/idle ratio (both runs in this one invocation).
# Prints each run's time and load average; exits non-zero if a run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
burners=${BURNERS:-$(nproc)}

run_suite() {  # $1: label; prints "label: exit S after N s (load ...)" and sets $seconds
    local start status=0
    start=$(date +%s)
    make test > "out/busy_suite_$1.log" 2>&1 || status=$?
    seconds=$(( $(date +%s) - start ))
    echo "$1: make test exit $status after $seconds s (load average $(cut -d' ' -f1-3 /proc/loadavg)); log out/busy_suite_$1.log"
    tail -n 3 "out/busy_suite_$1.log"
    return "$status"
}

mkdir -p out
make .venv/.installed
if [ "${IDLE:-0}" = 1 ]; then
    run_suite idle
    idle=$seconds
fi
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
for _ in $(seq "$burners"); do
    python3 -c 'while True: pass' &
    pids+=($!)
done
run_suite "busy_${burners}_burners"
if [ -n "${idle:-}" ]; then
    python3 -c "print(f'busy / idle: {$seconds / $idle:.2f}')"
fi

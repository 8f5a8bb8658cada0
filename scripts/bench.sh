#!/usr/bin/env bash
# Runs every benchmark of SPEC §8 on this machine and writes the report.
#
#   scripts/bench.sh [OUT_DIR]      (default: scripts/reports)
#
# 1. Go benchmarks of the hot paths, each beside its baseline:
#    signature check (vs the same request without it), TwiML rendering, one
#    state-machine step, hold+confirm (vs a raw single-row write transaction).
# 2. cmd/loadcall: 500 simulated callers pausing 1–3 s (vs an empty Fiber
#    handler under the same crowd), a no-pause throughput run (vs a raw
#    SQLite write loop), and the rush (2,000 callers at the period menu of
#    100 places pressing within a second of the day opening), with CPU
#    profiles of yuyue. Everything talks to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-scripts/reports}
mkdir -p "$out"
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT

echo "== go benchmarks" >&2
go test -run '^$' -bench . -benchtime 2s -count 3 ./webhook ./ivr ./store | tee "$out/gobench.txt"

echo "== load harness" >&2
go build -o "$bin/yuyue" ./cmd/yuyue
go build -o "$bin/loadcall" ./cmd/loadcall
"$bin/loadcall" --yuyue "$bin/yuyue" --out "$out" "${@:2}"
echo "report: $out/report.md" >&2

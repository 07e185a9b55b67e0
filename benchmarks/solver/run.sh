#!/bin/sh
# Builds and runs the solver benchmark in release mode. Usage: benchmarks/solver/run.sh [repeats]
set -e
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
swift build -c release --scratch-path "$here/.build-bench" 2>&1 | tail -1
"$here/.build-bench/release/SolverBenchmark" "$here/../../Models" "${1:-5}"

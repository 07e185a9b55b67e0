#!/bin/sh
# The solver sections of the benchmark suite (shipped networks, growth, formulation study).
# Kept for old references; benchmarks/run.sh runs everything. Usage: benchmarks/solver/run.sh [run.sh options]
exec "$(dirname "$0")/../run.sh" --only shipped,growth,formulation "$@"

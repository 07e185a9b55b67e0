#!/bin/sh
# Search-quality and speed benchmarks of `hao search` (see docs/search.md).
# Usage: benchmarks/search/run.sh [path/to/nasbench_macro_cifar10.csv]
# Needs a built `hao` (swift build); HAO_BIN overrides its path.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
hao=${HAO_BIN:-$root/.build/debug/hao}
data=${1:-$root/../shared/data/nasbench_macro_cifar10.csv}
[ -f "$data" ] || { echo "NAS-Bench-Macro CSV not found at $data (pass its path)" >&2; exit 1; }
echo "== Ground truth: NAS-Bench-Macro, NSGA-II vs random search at equal budgets"
"$hao" search benchmark --data "$data" --budgets 100,200,400,800 --seeds 10 --population 20
echo "== Default co-design run on the ZU3EG (time and result)"
out=$(mktemp -d)
/usr/bin/time -p "$hao" search --out "$out/run" ${HAO_PREDICTOR:+--predictor "$HAO_PREDICTOR"} 2>"$out/progress.txt"
tail -n 3 "$out/progress.txt"

#!/bin/sh
# Search-quality and speed benchmarks of `hao search` (see docs/search.md, results.md here).
# Usage: benchmarks/search/run.sh [path/to/nasbench_macro_cifar10.csv]
# Needs a release build (swift build -c release); HAO_BIN overrides the executable's path.
# The default-size sweep and the operator study are separate, longer scripts:
# benchmarks/search/sweep.sh and benchmarks/search/ordinal_study.py.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
hao=${HAO_BIN:-$root/.build/release/hao}
data=${1:-$root/../shared/data/nasbench_macro_cifar10.csv}
[ -x "$hao" ] || { echo "no hao executable at $hao (swift build -c release, or set HAO_BIN)" >&2; exit 1; }
[ -f "$data" ] || { echo "NAS-Bench-Macro CSV not found at $data (pass its path)" >&2; exit 1; }
echo "== $(uptime)"
echo "== Ground truth: NAS-Bench-Macro, NSGA-II vs random search at equal budgets (default ordinal operators, then categorical)"
for variation in ordinal categorical; do
  /usr/bin/time -p "$hao" search benchmark --data "$data" --budgets 100,150,200,250,300,400,600,800 --seeds 100 --variation "$variation"
done
echo "== Default co-design run on the ZU3EG (time and result)"
out=$(mktemp -d)
/usr/bin/time -p "$hao" search --out "$out/run" 2>"$out/progress.txt"
tail -n 4 "$out/progress.txt"
echo "== Same at the baselines' bit-width policy (like-for-like ratio)"
/usr/bin/time -p "$hao" search --bits uniform8 --out "$out/uniform8" 2>"$out/progress8.txt"
tail -n 4 "$out/progress8.txt"
echo "== $(uptime)"

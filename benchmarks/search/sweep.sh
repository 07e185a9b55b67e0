#!/bin/sh
# Default-size evidence for `hao search`: wall time, evaluations/s, hypervolume and the headline
# (best fps at predicted top-1 >= 72.5%) for several population x generation sizes and seeds.
# Usage: benchmarks/search/sweep.sh [out-dir]   (HAO_BIN: the hao executable, a release build)
# SIZES (e.g. "48x25 64x50") and SEEDS override the lists below.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
hao=${HAO_BIN:-$root/.build/release/hao}
out=${1:-$(mktemp -d)}
sizes=${SIZES:-"48x25 64x50 96x60 128x80 160x100"}
seeds=${SEEDS:-"1 2 3"}
mkdir -p "$out"
echo "# $(uptime)"
echo "# size seed wall_s evals evals_per_s points hypervolume best_fps best_top1"
for size in $sizes; do
  pop=${size%x*}; gens=${size#*x}
  for seed in $seeds; do
    dir="$out/p$pop-g$gens-s$seed"
    rm -rf "$dir"
    start=$(date +%s.%N)
    "$hao" search --population "$pop" --generations "$gens" --seed "$seed" --no-baselines --out "$dir" \
      >"$dir.stdout" 2>"$dir.stderr"
    end=$(date +%s.%N)
    evals=$(python3 -c "import json,sys; s=json.load(open('$dir/frontier.json'))['stats']; print(s['evaluations'], '%.1f' % (s['evaluations']/s['evaluationWallSeconds']))")
    hv=$(python3 "$root/benchmarks/search/hypervolume.py" "$dir/frontier.json" | cut -f2-)
    echo "$size $seed $(echo "$end - $start" | bc) $evals $hv"
  done
done
echo "# $(uptime)"

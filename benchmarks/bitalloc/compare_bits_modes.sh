#!/bin/sh
# Frontier quality of `hao search --bits evolve` vs `--bits optimal` at equal wall-clock time.
# Usage: benchmarks/bitalloc/compare_bits_modes.sh [seeds] [evolve-generations] [optimal-generations] [min-fps]
# Run from the package root after `swift build -c release`. Optimal-mode evaluations cost about
# twice as much, so it gets about half the generations; the script prints the wall times so the
# match can be checked. Hypervolume: maximise top-1, minimise latency; reference point
# (top-1 60%, latency = the --min-fps limit), i.e. only the region the constraint allows.
set -e
SEEDS=${1:-3}; GE=${2:-20}; GO=${3:-10}; FPS=${4:-250}
HAO=${HAO:-.build-quant-rel/release/hao}
OUT=$(mktemp -d)
echo "load: $(uptime)"
for seed in $(seq 1 "$SEEDS"); do
  for mode in evolve optimal; do
    if [ "$mode" = evolve ]; then G=$GE; else G=$GO; fi
    start=$(date +%s.%N)
    "$HAO" search --min-fps "$FPS" --bits "$mode" --generations "$G" --seed "$seed" --no-baselines --threads 2 --out "$OUT/$mode-$seed" >/dev/null 2>&1
    end=$(date +%s.%N)
    python3 - "$OUT/$mode-$seed/frontier.json" "$FPS" "$mode" "$seed" "$G" "$start" "$end" <<'PY'
import json, sys
path, fps, mode, seed, gens, start, end = sys.argv[1:]
ref_top1, ref_lat = 60.0, 1000.0 / float(fps)
pts = sorted((p["latency_ms"], p["metrics"]["top1"] if "metrics" in p else p["top1"]) for p in json.load(open(path))["frontier"])
hv, best = 0.0, ref_top1
# Sweep by latency: each point dominates up to the next faster-or-equal point's accuracy.
pts = [(l, a) for l, a in pts if l <= ref_lat and a > ref_top1]
for i, (l, a) in enumerate(pts):
    nxt = pts[i + 1][0] if i + 1 < len(pts) else ref_lat
    best = max(best, a)
    hv += (nxt - l) * (best - ref_top1)
print(f"{mode:8s} seed {seed} generations {gens}: wall {float(end) - float(start):6.1f} s, frontier {len(pts):3d}, best top-1 {max(a for _, a in pts):.2f}, HV {hv:.4f}")
PY
  done
done
echo "load: $(uptime)"
rm -rf "$OUT"

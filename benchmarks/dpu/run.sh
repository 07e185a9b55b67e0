#!/usr/bin/env bash
# Solve times of the dpu target's configuration program (docs/dpu.md): `hao verify --target dpu`
# on every shipped network x UltraScale+ device x objective, release build. Writes
# benchmarks/dpu/results.md (median and max per solver, the machine and its load).
#
#   benchmarks/dpu/run.sh [--repeats N]     (default 3 repeats per instance; about a minute plus the build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
repeats=3
[ "${1:-}" = "--repeats" ] && repeats="$2"
cd "$root"
swift build -c release --product hao --scratch-path .build-release >/dev/null
hao="$root/.build-release/release/hao"
raw=$(mktemp)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for device in zu3eg zcu102 zcu104 kv260; do
  for network in Models/networks/*.json; do
    for objective in latency throughput; do
      for _ in $(seq "$repeats"); do
        "$hao" verify "$network" --target dpu --device "$device" --objective "$objective" --json >> "$raw"
        echo >> "$raw"
      done
    done
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$raw" "$here/results.md" "$repeats" "$load_before" "$load_after" <<'PY'
import json, statistics, sys, platform, os
raw, out, repeats, before, after = sys.argv[1:6]
docs = [json.loads(chunk) for chunk in open(raw).read().split("\n\n") if chunk.strip()]
times, disagree = {}, 0
for d in docs:
    disagree += not d["agree"]
    for r in d["results"]:
        times.setdefault(r["solver"], []).append(r["solve_ms"])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
with open(out, "w") as f:
    f.write("# dpu target: configuration-program solve times\n\n")
    f.write(f"`benchmarks/dpu/run.sh --repeats {repeats}`: `hao verify --target dpu` (release) on {len(docs) // int(repeats)} instances "
            f"(shipped networks x ZU3EG, ZCU102, ZCU104, KV260 x latency, throughput), {repeats} runs each; "
            f"{len(docs[0]['results']) if docs else 0} solvers per run, {docs[0]['candidate_triples'] if docs else 0} designs per program.\n\n")
    f.write(f"Machine: {cpu}, {os.cpu_count()} cores; load average {before} before, {after} after (shared machine).\n\n")
    f.write("| solver | median ms | max ms | runs |\n|---|---|---|---|\n")
    for s, t in times.items():
        f.write(f"| {s} | {statistics.median(t):.3f} | {max(t):.3f} | {len(t)} |\n")
    f.write(f"\nDisagreements: {disagree} of {len(docs)} runs.\n")
print(open(out).read())
PY
rm -f "$raw"

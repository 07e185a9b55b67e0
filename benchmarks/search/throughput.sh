#!/bin/sh
# End-to-end throughput of the default `hao search` (issue 13): evaluations per second for each
# solver and thread count, certificate counts and time, process wall time, peak resident memory,
# and memory growth per evaluation over a longer run. Optionally the same for an older build
# ("before"), run side by side on the same machine, and whether the two default frontiers agree.
#
# Usage: benchmarks/search/throughput.sh [--before PATH/TO/OLD/hao] [--before-solvers "native"] [--solvers "auto native glpk"]
#                                        [--threads "1 2"] [--runs N] [--long-generations G] [--out DIR]
# Needs a release build (swift build -c release --product hao); HAO_BIN overrides the executable.
# Writes DIR/throughput.csv (one row per run), DIR/memory.csv and prints both.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
hao=${HAO_BIN:-$root/.build/release/hao}
before=""; before_solvers="native"; solvers="auto native glpk"; threads_list="1 2"; runs=1; long_gens=320
out="$root/benchmarks/results"
while [ $# -gt 0 ]; do
    case "$1" in
        --before) before=$2; shift 2 ;;
        --solvers) solvers=$2; shift 2 ;;
        --before-solvers) before_solvers=$2; shift 2 ;;
        --threads) threads_list=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --long-generations) long_gens=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
[ -x "$hao" ] || { echo "no hao executable at $hao (swift build -c release --product hao, or set HAO_BIN)" >&2; exit 1; }
[ -z "$before" ] || [ -x "$before" ] || { echo "no executable at $before" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time (GNU time) is needed for peak memory" >&2; exit 1; }
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hao-throughput.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
predictor="$root/Models/predictors/ofa-mbv3-w4w8-kernel.json"
# An older build outside the repository finds the Models folder through HAO_MODELS.
export HAO_MODELS="${HAO_MODELS:-$root/Models}"

# One run: build label solver threads run-number [extra args]; appends a CSV row.
run_one() {
    label=$1; bin=$2; solver=$3; threads=$4; n=$5; shift 5
    dir="$tmp/$label-$solver-$threads-$n"
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$dir.rss" "$bin" search --out "$dir" --threads "$threads" --solver "$solver" \
        --predictor "$predictor" --no-baselines "$@" >"$dir.out" 2>"$dir.err" \
        || { echo "hao search failed ($label $solver $threads):" >&2; tail -5 "$dir.err" >&2; exit 1; }
    end=$(date +%s.%N)
    python3 - "$dir/frontier.json" "$label" "$solver" "$threads" "$n" "$start" "$end" "$(tail -1 "$dir.rss")" <<'EOF'
import json, sys
path, label, solver, threads, run, start, end, rss_kb = sys.argv[1:]
j = json.load(open(path))
s, cert = j["stats"], j.get("certificates") or {}
held = cert.get("sampled", 0) + cert.get("frontier_points", 0)
print(",".join([label, solver, threads, run, str(s["evaluations"]), "%.3f" % s["evaluationWallSeconds"],
                "%.0f" % (s["evaluations"] / s["evaluationWallSeconds"]), "%.3f" % (float(end) - float(start)),
                "%.0f" % (s["evaluations"] / (float(end) - float(start))), str(held),
                "%.3f" % cert.get("seconds", 0.0), "%.1f" % (int(rss_kb) / 1024)]))
EOF
}

echo "== $(uptime)"
csv="$out/throughput.csv"
echo "build,solver,threads,run,evaluations,evaluation_wall_s,evaluations_per_s,process_wall_s,evaluations_per_process_s,certificates,certificate_s,peak_rss_mib" > "$csv"
for solver in $solvers; do
    for threads in $threads_list; do
        for n in $(seq 1 "$runs"); do
            run_one current "$hao" "$solver" "$threads" "$n" | tee -a "$csv"
            if [ -n "$before" ] && echo " $before_solvers " | grep -q " $solver "; then
                # The older build has no fast path; its `auto` was GLPK on every candidate.
                run_one before "$before" "$solver" "$threads" "$n" | tee -a "$csv"
            fi
        done
    done
done

# The fast path must not change the default frontier (seed 1, 2 threads): the same build with
# every candidate through GLPK (`--solver glpk`) and with the fast path (`auto`) must give the
# same points (architecture, top-1, latency, resources, configuration); only the `solver` field,
# which names who answered, differs.
for solver in auto glpk; do
    [ -d "$tmp/current-$solver-2-1" ] || run_one current "$hao" "$solver" 2 1 >/dev/null
done
python3 - "$tmp/current-auto-2-1/frontier.json" "$tmp/current-glpk-2-1/frontier.json" <<'EOF'
import json, sys
a, b = ([{k: v for k, v in p.items() if k != "solver"} for p in json.load(open(path))["frontier"]] for path in sys.argv[1:])
print("== default frontier (seed 1), auto vs glpk: %d and %d points, identical apart from the solver field: %s"
      % (len(a), len(b), "yes" if a == b else "NO"))
EOF

# Memory growth per evaluation: peak RSS of the default run and of a run with more generations
# (same population, one thread), difference over the difference in evaluations.
mem="$out/memory.csv"
echo "generations,evaluations,peak_rss_mib" > "$mem"
for gens in $(printf "80\n%s\n" "$long_gens" | sort -nu); do
    dir="$tmp/mem-$gens"
    /usr/bin/time -f "%M" -o "$dir.rss" "$hao" search --out "$dir" --threads 1 --generations "$gens" \
        --predictor "$predictor" --no-baselines >/dev/null 2>"$dir.err" || { tail -5 "$dir.err" >&2; exit 1; }
    evals=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['stats']['evaluations'])" "$dir/frontier.json")
    echo "$gens,$evals,$(python3 -c "print('%.1f' % ($(tail -1 "$dir.rss") / 1024))")" | tee -a "$mem"
done
python3 - "$mem" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
(a, b) = rows[0], rows[-1]
de = int(b["evaluations"]) - int(a["evaluations"])
dm = (float(b["peak_rss_mib"]) - float(a["peak_rss_mib"])) * 1024 * 1024
print("== memory growth: %.0f bytes per evaluation between %s and %s evaluations" % (dm / de if de else 0, a["evaluations"], b["evaluations"]))
EOF
echo "== $(uptime)"

#!/usr/bin/env bash
# The whole benchmark suite in one command (see benchmarks/README.md).
#
#   benchmarks/run.sh                 full run (about 10-15 minutes on a 2-core machine)
#   benchmarks/run.sh --quick         a few minutes: ZU3EG only, fewer repeats and sizes
#   benchmarks/run.sh --only shipped,growth,peers,formulation,search,bitalloc
#   benchmarks/run.sh --out DIR       where results go (default benchmarks/results; --quick: a temp folder)
#
# Builds `hao` (main package, release, scratch .build-bench) and the harness package
# benchmarks/solver (release), installs the peer solvers when missing (glpk-utils and
# coinor-cbc with apt-get, as root or via sudo; highspy in benchmarks/.venv), runs each
# section, and writes benchmarks/results/*.csv and benchmarks/results/summary.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
quick=0
only="shipped,growth,peers,formulation,search,bitalloc"
out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        --only) only="$2"; shift ;;
        --out) out="$2"; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
if [ -z "$out" ]; then
    if [ $quick = 1 ]; then out=$(mktemp -d "${TMPDIR:-/tmp}/hao-bench-quick.XXXXXX"); else out="$here/results"; fi
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
want() { case ",$only," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
log() { printf '\n== %s\n' "$*"; }

# Load averages before and after each section: other jobs on a shared machine skew timings.
echo "section,moment,load1,load5,load15" > "$out/load.csv.tmp"
load() {
    read -r l1 l5 l15 _ < /proc/loadavg
    echo "$1,$2,$l1,$l5,$l15" >> "$out/load.csv.tmp"
}

# ---- machine
{
    echo "nproc: $(nproc)"
    free -h | sed -n '1,2p'
    lscpu | head -20
    echo "swift: $(swift --version 2>&1 | head -1)"
    echo "glpk: $(glpsol --version 2>/dev/null | head -1 || echo 'glpsol missing')"
    echo "mode: $([ $quick = 1 ] && echo quick || echo full); sections: $only"
    echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- Sources Package.swift 2>/dev/null || echo ' (with uncommitted changes in Sources)')"
} > "$out/machine.txt"
load all start

# ---- builds
log "Building hao (release, .build-bench) and the harness (release)"
build() { # dir, swift build arguments...
    local dir=$1; shift
    local try=1
    # Sources edited while compiling (others working in the same tree) fail the build: retry.
    local cleaned=0
    until (cd "$dir" && swift build -c release "$@" > "$out/build.log" 2>&1); do
        if grep -q "modified during the build" "$out/build.log" && [ $try -lt 5 ]; then
            echo "sources changed during the build; retrying in 30 s"; sleep 30; try=$((try + 1))
        elif [ $cleaned = 0 ] && [ $# = 0 ] && [ -d "$dir/.build" ]; then
            # A harness package's cached build of the main package by path can miss files added
            # to it since (seen: "cannot find 'X' in scope"); rebuild it from scratch once.
            echo "build failed in $dir; retrying once from a clean .build"; rm -rf "$dir/.build"; cleaned=1
        else
            break
        fi
    done
    if ! grep -q "Build complete\|Build of product .* complete" "$out/build.log"; then
        grep -E "error" -A3 "$out/build.log" | head -40; echo "build failed in $dir (full log: $out/build.log)" >&2; exit 1
    fi
    tail -1 "$out/build.log"; rm -f "$out/build.log"
}
build "$root" --scratch-path .build-bench --product hao
build "$here/solver"
hao="$root/.build-bench/release/hao"
bench="$here/solver/.build/release/hao-bench"
models="$root/Models"

if [ $quick = 1 ]; then
    devices="--devices zu3eg"; shipped_rep=3; growth="--blocks 10,50,200 --configs 10,50,200 --seeds 1 --repeats 1"
    peer_rep=1; export_opts="--devices zu3eg --synthetic 20x50 --repeats 3"; form="--instances zu3eg:4 --synthetic-seeds 1 --repeats 3"
    search_runs=1; search_solvers="auto"
else
    devices=""; shipped_rep=7; growth="--seeds 3 --repeats 3"
    peer_rep=3; export_opts="--synthetic 20x50,50x50,100x100 --repeats 5"; form="--repeats 5"
    search_runs=3; search_solvers="auto native"
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
ensure_apt() { # command package
    command -v "$1" >/dev/null && return 0
    echo "installing $2 (for $1)"
    as_root apt-get install -y -qq "$2" >/dev/null 2>&1 || { as_root apt-get update -qq >/dev/null 2>&1 && as_root apt-get install -y -qq "$2" >/dev/null 2>&1; } \
        || echo "could not install $2; $1 will be reported as missing" >&2
}

# ---- 1. shipped networks x devices
if want shipped; then
    log "1. Shipped networks x devices, GLPK vs native"
    load shipped start
    "$bench" shipped --models "$models" --out "$out/shipped.csv" $devices --repeats $shipped_rep --warmup 1
    load shipped end
fi

# ---- 2. growth
if want growth; then
    log "2. Growth on synthetic instances"
    load growth start
    "$bench" growth --out "$out/growth.csv" --fit-out "$out/growth_fit.csv" $growth
    load growth end
fi

# ---- 3. peers
if want peers; then
    log "3. Peer solvers on the exported MPS files"
    load peers start
    ensure_apt glpsol glpk-utils
    ensure_apt cbc coinor-cbc
    venv="$here/.venv"
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import highspy" 2>/dev/null; then
        echo "creating $venv with highspy"
        python3 -m venv "$venv" && "$venv/bin/pip" install -q highspy \
            || echo "could not install highspy; HiGHS will be reported as missing" >&2
    fi
    mps=$(mktemp -d "${TMPDIR:-/tmp}/hao-bench-mps.XXXXXX")
    "$bench" export --models "$models" --dir "$mps" --out "$out/peer_instances.csv" $devices $export_opts
    python3 "$here/tools/peers.py" "$out/peer_instances.csv" "$out/peers.csv" --repeats $peer_rep --time-limit 120 \
        --highs-python "$venv/bin/python"
    { echo "glpsol: $(glpsol --version 2>/dev/null | head -1)"; echo "cbc: $(dpkg-query -W -f='${Version}' coinor-cbc 2>/dev/null)";
      echo "highspy: $("$venv/bin/python" -c 'import highspy; print(highspy.Highs().version())' 2>/dev/null | tail -1)"; } > "$out/peer_versions.txt"
    rm -rf "$mps"
    load peers end
fi

# ---- 4. formulation study
if want formulation; then
    log "4. Formulation study"
    load formulation start
    "$bench" formulation --models "$models" --out "$out/formulation.csv" $form
    load formulation end
fi

# ---- 5. search throughput
if want search; then
    log "5. Search throughput (hao search, default settings)"
    load search start
    predictor="${HAO_PREDICTOR:-$models/predictors/ofa-mbv3-w4w8-kernel.json}"
    note=""
    if [ ! -f "$predictor" ]; then
        note="default predictor $predictor missing; used the released once-for-all MLP"
        predictor="$root/../shared/data/ofa_predictor/acc_predictor_mlp.json"
    fi
    echo "solver,threads,run,evaluations,evaluation_wall_s,evaluations_per_s,predictor_s,solver_s,predictor_share,process_wall_s,predictor,note" > "$out/search.csv.tmp"
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/hao-bench-search.XXXXXX")
    for solver in $search_solvers; do
        for threads in 1 2; do
            for run in $(seq 1 $search_runs); do
                dir="$tmp/$solver-$threads-$run"
                start=$(date +%s.%N)
                "$hao" search --out "$dir" --threads "$threads" --solver "$solver" --predictor "$predictor" --no-baselines >/dev/null 2>"$dir.err" \
                    || { echo "hao search failed:"; tail -5 "$dir.err"; exit 1; }
                end=$(date +%s.%N)
                python3 - "$dir/frontier.json" "$solver" "$threads" "$run" "$start" "$end" "$predictor" "$note" >> "$out/search.csv.tmp" <<'EOF'
import json, sys
path, solver, threads, run, start, end, predictor, note = sys.argv[1:]
s = json.load(open(path))["stats"]
p, v = s["phaseSeconds"].get("predictor", 0.0), s["phaseSeconds"].get("solver", 0.0)
print(",".join([solver, threads, run, str(s["evaluations"]), "%.3f" % s["evaluationWallSeconds"],
                "%.1f" % (s["evaluations"] / s["evaluationWallSeconds"]), "%.3f" % p, "%.3f" % v,
                "%.4f" % (p / (p + v) if p + v > 0 else 0), "%.3f" % (float(end) - float(start)),
                predictor.split("/")[-1], '"%s"' % note]))
EOF
                tail -1 "$out/search.csv.tmp"
            done
        done
    done
    rm -rf "$tmp"
    mv "$out/search.csv.tmp" "$out/search.csv"
    load search end
fi

# ---- 6. bit allocation (another helper's harness, when it exists)
if want bitalloc; then
    log "6. Bit allocation"
    load bitalloc start
    if [ -f "$here/bitalloc/run.sh" ]; then
        # The bit-allocation helper's harness: one `hao quantize --json` per network x fps target.
        (cd "$root" && HAO="$hao" sh "$here/bitalloc/run.sh") > "$out/bitalloc.txt" 2>&1 || echo "bitalloc harness failed (see $out/bitalloc.txt)"
        cat "$out/bitalloc.txt"
    else
        echo "benchmarks/bitalloc/run.sh not present: no bit-allocation figures" | tee "$out/bitalloc.txt"
    fi
    load bitalloc end
fi

load all end
mv "$out/load.csv.tmp" "$out/load.csv"
python3 "$here/tools/summarize.py" "$out"
echo
echo "Results: $out/summary.md and $out/*.csv"

#!/usr/bin/env python3
"""Ordinal vs categorical variation on NAS-Bench-Macro: the study behind the default operators.

Usage: ordinal_study.py [--hao PATH] [--data CSV] [--pymoo-python PYTHON] [--quick]
                        [--codesign 48x25,128x80] [--codesign-seeds 1,2,3]
Runs the built `hao search benchmark` (and, for the co-design part, `hao search`) for every
setting below and prints Markdown tables; benchmarks/search/ordinal-results.md holds one run's
output and the reading of it. About 10 minutes on 2 idle cores without pymoo and co-design,
dominated by the co-design runs when they are on (128x80: about a minute each).

Protocol:
- Measure: mean (and sd) over seeds of the hypervolume ratio against the exact frontier after
  exactly B distinct evaluations, B in BUDGETS; and the fewest distinct evaluations at which the
  mean reaches 0.99 (`hao search benchmark` reads it off each run's curve at every budget).
- Stage 1, fixed before measuring: categorical and ordinal (eta_c = eta_m in ORDINAL_ETAS) at
  populations 10/20/40 and mutation rates 1/8 (the default 1/n) and 2/8, selection seeds 1-100.
- Stage 2, added after stage 1 put the best settings of both families on the grid's edges:
  one step beyond each edge (EXTENSION), once, same seeds.
- Confirmation on fresh seeds 1001-1100 (never used to choose): the chosen default, today's
  default, ordinal at today's population, and the fastest setting of each family.
- Reference (--pymoo-python): pymoo's NSGA-II, ordered-integer (SBX + PM, eta 3, rounding) and
  categorical (mixed-variable Choice) setups, same measure (benchmarks/search/pymoo_reference.py).
- Co-design (--codesign): `hao search` on the default space, categorical vs ordinal at the
  default mutation rate 0.1, per size and seed: frontier hypervolume and best fps at >= 72.5%
  (benchmarks/search/hypervolume.py). The native solver gives the same optima as GLPK, faster.
"""
import argparse
import os
import re
import subprocess
import sys

BUDGETS = [100, 150, 200, 250, 300, 400, 600, 800]
POPULATIONS = [10, 20, 40]
ORDINAL_ETAS = [3, 10, 20]   # eta_c = eta_m: pymoo's integer recipe (3) to Deb's NSGA-II default (20)
RATES = {"1/16": 0.0625, "1/8": 0.125, "2/8": 0.25, "3/8": 0.375}   # per-gene mutation probability, always explicit
EXTENSION = ["ordinal eta 1, pop 6, rate 1/8", "ordinal eta 1, pop 10, rate 1/8", "ordinal eta 1, pop 10, rate 2/8",
             "ordinal eta 1, pop 10, rate 3/8", "ordinal eta 3, pop 6, rate 1/8", "ordinal eta 3, pop 6, rate 2/8",
             "ordinal eta 3, pop 10, rate 3/8", "categorical, pop 6, rate 1/8", "categorical, pop 6, rate 1/16",
             "categorical, pop 10, rate 1/16"]
CHOSEN = "ordinal eta 3, pop 10, rate 2/8"      # the new default of `hao search benchmark`
TODAY = "categorical, pop 20, rate 1/8"         # the default before this study
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def benchmark(hao, data, variation, population, rate, eta, first_seed, seeds):
    args = [hao, "search", "benchmark", "--data", data, "--budgets", ",".join(map(str, BUDGETS)),
            "--seeds", str(seeds), "--first-seed", str(first_seed), "--population", str(population),
            "--variation", variation]
    if rate is not None:
        args += ["--mutation-rate", str(rate)]
    if eta is not None:
        args += ["--crossover-eta", str(eta), "--mutation-eta", str(eta)]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        m = re.match(r"\s*(\d+)\s+[\d.]+%\s+([\d.]+) \+- ([\d.]+), ([\d.]+)", line)
        if m:
            rows[int(m.group(1))] = (float(m.group(2)), float(m.group(3)))
    reach = re.search(r"reaches [\d.]+ after (\d+) distinct", out)
    return rows, int(reach.group(1)) if reach else None


def pymoo(python, data, setup, population, first_seed, seeds):
    out = subprocess.run([python, os.path.join(HERE, "pymoo_reference.py"), data, "--setup", setup,
                          "--population", str(population), "--seeds", str(seeds), "--first-seed", str(first_seed),
                          "--budgets", ",".join(map(str, BUDGETS))], check=True, capture_output=True, text=True).stdout
    rows, reach = {}, None
    for line in out.splitlines():
        f = line.split("\t")
        if f[0] == "reach":
            reach = int(f[1]) if f[1].isdigit() else None
        elif f[0].isdigit():
            rows[int(f[0])] = (float(f[1]), float(f[2]))
    return rows, reach


def codesign(hao, size, seed, variation, workdir):
    """One `hao search` run on the default space (ZU3EG; native solver: same optima as GLPK, faster).
    Returns the frontier's hypervolume and best fps at >= 72.5% from hypervolume.py."""
    pop, gens = size.split("x")
    out = os.path.join(workdir, f"{variation}-{size}-s{seed}")
    subprocess.run([hao, "search", "--population", pop, "--generations", gens, "--seed", str(seed), "--variation", variation,
                    "--solver", "native", "--threads", "1", "--no-baselines", "--overwrite", "--out", out],
                   check=True, capture_output=True, text=True)
    line = subprocess.run([sys.executable, os.path.join(HERE, "hypervolume.py"), os.path.join(out, "frontier.json")],
                          check=True, capture_output=True, text=True).stdout.split("\t")
    return float(line[2]), float(line[3])


def codesign_table(hao, sizes, seeds):
    import tempfile
    print("\n### Co-design space (default space and predictor, ZU3EG, mutation rate 0.1)\n")
    print("Hypervolume of predicted top-1 vs latency (reference 60 %, 6 ms; %·ms) and best fps at >= 72.5 %.\n")
    print("| size | seed | categorical HV | ordinal HV | categorical fps | ordinal fps |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as work:
        for size in sizes:
            wins = 0
            for seed in seeds:
                c = codesign(hao, size, seed, "categorical", work)
                o = codesign(hao, size, seed, "ordinal", work)
                wins += o[0] > c[0]
                print(f"| {size} | {seed} | {c[0]:.2f} | {o[0]:.2f} | {c[1]:.1f} | {o[1]:.1f} |")
                sys.stdout.flush()
            print(f"| {size} | ordinal higher HV on {wins}/{len(seeds)} seeds | | | | |")


def table(title, results):
    print(f"\n### {title}\n")
    print("| setting | evals to mean 0.99 | " + " | ".join(f"HV@{b}" for b in BUDGETS) + " |")
    print("|---|---|" + "---|" * len(BUDGETS))
    for label, (rows, reach) in results:
        cells = [f"{rows[b][0]:.4f} ± {rows[b][1]:.4f}" for b in BUDGETS]
        print(f"| {label} | {reach if reach else '> ' + str(BUDGETS[-1])} | " + " | ".join(cells) + " |")
    sys.stdout.flush()


def best(results):
    def key(item):
        rows, reach = item[1]
        return (reach if reach else 10**9, -rows[250][0])
    return min(results, key=key)


def parse(label):
    m = re.match(r"(\w+)(?: eta (\d+))?, pop (\d+), rate (\S+)", label)
    return m.group(1), int(m.group(2)) if m.group(2) else None, int(m.group(3)), m.group(4)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hao", default=os.environ.get("HAO_BIN", os.path.join(ROOT, ".build/release/hao")))
    ap.add_argument("--data", default=os.path.join(ROOT, "../shared/data/nasbench_macro_cifar10.csv"))
    ap.add_argument("--pymoo-python", help="a Python with pymoo installed (skips the reference if absent)")
    ap.add_argument("--quick", action="store_true", help="10 seeds instead of 100 (a smoke run)")
    ap.add_argument("--codesign", default="48x25,128x80", help="co-design sizes (population x generations); '' skips")
    ap.add_argument("--codesign-seeds", default="1,2,3")
    a = ap.parse_args()
    seeds = 10 if a.quick else 100
    for path, what in [(a.hao, "hao executable (swift build -c release)"), (a.data, "NAS-Bench-Macro CSV")]:
        if not os.path.exists(path):
            sys.exit(f"error: {what} not found at {path}")
    print(f"Seeds per setting: {seeds}. Entries: mean ± sd of the HV ratio over seeds.")

    def run(label, first):
        variation, eta, pop, rate = parse(label)
        return (label, benchmark(a.hao, a.data, variation, pop, RATES[rate], eta, first, seeds))

    categorical = [run(f"categorical, pop {p}, rate {r}", 1) for p in POPULATIONS for r in ["1/8", "2/8"]]
    table("Categorical operators, selection seeds 1-" + str(seeds), categorical)
    ordinal = [run(f"ordinal eta {e}, pop {p}, rate {r}", 1) for e in ORDINAL_ETAS for p in POPULATIONS for r in ["1/8", "2/8"]]
    table("Ordinal operators (SBX + polynomial mutation, eta_c = eta_m), selection seeds 1-" + str(seeds), ordinal)
    # The best of both families lay on the grid's edges (smallest eta, smallest population,
    # a rate bound): one step beyond each edge, once, for both families.
    extension = [run(label, 1) for label in EXTENSION]
    table("One step beyond the grid's edges, selection seeds 1-" + str(seeds), extension)

    everything = categorical + ordinal + extension
    fastest = [best([r for r in everything if r[0].startswith(f)])[0] for f in ("categorical", "ordinal")]
    confirm = [run(label, 1001) for label in dict.fromkeys([CHOSEN, TODAY, "ordinal eta 3, pop 20, rate 1/8"] + fastest)]
    table(f"Confirmation on fresh seeds 1001-{1000 + seeds} (chosen default, today's, the fastest of each family)", confirm)

    if a.pymoo_python:
        ref = [(f"pymoo {setup}, pop {p}", pymoo(a.pymoo_python, a.data, setup, p, 1, seeds))
               for setup in ["ordinal", "categorical"] for p in POPULATIONS]
        table("pymoo NSGA-II reference (eta 3 for the ordinal setup), seeds 1-" + str(seeds), ref)
    if a.codesign:
        codesign_table(a.hao, a.codesign.split(","), [int(x) for x in a.codesign_seeds.split(",")])


if __name__ == "__main__":
    main()

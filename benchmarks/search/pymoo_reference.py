#!/usr/bin/env python3
"""Independent reference for the ordinal-operator study: pymoo's NSGA-II on NAS-Bench-Macro.

Usage: pymoo_reference.py CSV --setup ordinal|categorical [--population 20] [--seeds 100]
                          [--first-seed 1] [--eta 3] [--budgets 100,150,...] [--target 0.99]

Needs pymoo (PyPI) in a virtual environment; benchmarks/search/ordinal-study.sh makes one.
Same measurement as `hao search benchmark`: the hypervolume ratio, against the exact frontier,
of the first B *distinct* genomes a run evaluates (objectives: -mean accuracy, FLOPs in millions,
normalised by the space's own range; reference point (1.1, 1.1)). pymoo does not memoise, so
repeats of earlier genomes are served from a cache here and not counted.

Setups (pymoo's documented ones, not tuned here):
- ordinal: integer variables 0..2, IntegerRandomSampling, SBX(prob 1.0, eta) and PM(prob 1.0,
  eta; per-variable probability pymoo's default min(0.5, 1/8)), both with RoundingRepair
  (pymoo's "integer variables" recipe), duplicates eliminated.
- categorical: Choice variables {0, 1, 2} with pymoo's mixed-variable mating (uniform crossover,
  random-choice mutation), duplicates eliminated.
Prints one line per budget: budget, mean, sd, min over seeds; then the first budget at which the
mean reaches the target (searched over every budget 1..max).
"""
import argparse
import csv
import statistics
import sys
import warnings

import numpy as np
from pymoo.algorithms.moo.nsga2 import NSGA2
from pymoo.core.mixed import MixedVariableDuplicateElimination, MixedVariableMating, MixedVariableSampling
from pymoo.core.problem import Problem
from pymoo.core.variable import Choice
from pymoo.operators.crossover.sbx import SBX
from pymoo.operators.mutation.pm import PM
from pymoo.operators.repair.rounding import RoundingRepair
from pymoo.operators.sampling.rnd import IntegerRandomSampling

REFERENCE = 1.1


def load(path):
    table = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            genome = tuple(int(row[f"layer{i}"]) for i in range(8))
            table[genome] = (-float(row["mean_acc"]), float(row["flops"]) / 1e6)
    return table


def hypervolume(points):
    """2-D hypervolume of normalised points (both minimised) below the reference point."""
    volume, ceiling = 0.0, REFERENCE
    for x, y in sorted(p for p in points if p[0] < REFERENCE and p[1] < REFERENCE):
        if y < ceiling:
            volume += (REFERENCE - x) * (ceiling - y)
            ceiling = y
    return volume


class Study:
    def __init__(self, table):
        self.table = table
        values = list(table.values())
        self.lo = [min(v[j] for v in values) for j in range(2)]
        self.hi = [max(v[j] for v in values) for j in range(2)]
        self.exact = hypervolume([self.norm(v) for v in values])

    def norm(self, v):
        return tuple((v[j] - self.lo[j]) / (self.hi[j] - self.lo[j]) for j in range(2))

    def curve(self, order, max_budget):
        """Hypervolume ratio after each of the first max_budget distinct evaluations."""
        out, front = [], []
        for genome in order[:max_budget]:
            p = self.norm(self.table[genome])
            if not any(q == p or (q[0] <= p[0] and q[1] <= p[1]) for q in front):
                front = [q for q in front if not (p[0] <= q[0] and p[1] <= q[1])] + [p]
            out.append(hypervolume(front) / self.exact)
        return out + [out[-1]] * (max_budget - len(out))


class Tracker:
    """Distinct genomes in evaluation order, shared by both problem encodings."""

    def __init__(self, table):
        self.table, self.order, self.seen = table, [], set()

    def score(self, genome):
        if genome not in self.seen:
            self.seen.add(genome)
            self.order.append(genome)
        return self.table[genome]


class OrdinalMacro(Problem):
    def __init__(self, tracker):
        super().__init__(n_var=8, n_obj=2, xl=0, xu=2, vtype=int)
        self.tracker = tracker

    def _evaluate(self, X, out, *args, **kwargs):
        out["F"] = np.array([self.tracker.score(tuple(int(round(v)) for v in x)) for x in X])


class CategoricalMacro(Problem):
    def __init__(self, tracker):
        super().__init__(vars={f"layer{i}": Choice(options=[0, 1, 2]) for i in range(8)}, n_obj=2)
        self.tracker = tracker

    def _evaluate(self, X, out, *args, **kwargs):
        rows = X if isinstance(X[0], dict) else [dict(zip(self.vars, x)) for x in X]
        out["F"] = np.array([self.tracker.score(tuple(int(r[f"layer{i}"]) for i in range(8))) for r in rows])


def run(table, setup, population, seed, eta, max_budget):
    tracker = Tracker(table)
    if setup == "ordinal":
        problem = OrdinalMacro(tracker)
        algorithm = NSGA2(pop_size=population, sampling=IntegerRandomSampling(),
                          crossover=SBX(prob=1.0, eta=eta, vtype=float, repair=RoundingRepair()),
                          mutation=PM(prob=1.0, eta=eta, vtype=float, repair=RoundingRepair()),
                          eliminate_duplicates=True)
    else:
        problem = CategoricalMacro(tracker)
        algorithm = NSGA2(pop_size=population, sampling=MixedVariableSampling(),
                          mating=MixedVariableMating(eliminate_duplicates=MixedVariableDuplicateElimination()),
                          eliminate_duplicates=MixedVariableDuplicateElimination())
    algorithm.setup(problem, seed=seed, termination=("n_gen", 10**6), verbose=False)
    stalled, last = 0, 0
    while len(tracker.order) < max_budget and stalled < 50:
        algorithm.next()
        stalled = stalled + 1 if len(tracker.order) == last else 0
        last = len(tracker.order)
    return tracker.order


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--setup", choices=["ordinal", "categorical"], required=True)
    ap.add_argument("--population", type=int, default=20)
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--eta", type=float, default=3.0)
    ap.add_argument("--budgets", default="100,150,200,250,300,400,600,800")
    ap.add_argument("--target", type=float, default=0.99)
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    table = load(a.csv)
    study = Study(table)
    budgets = [int(b) for b in a.budgets.split(",")]
    top = max(budgets)
    curves = [study.curve(run(table, a.setup, a.population, s, a.eta, top), top)
              for s in range(a.first_seed, a.first_seed + a.seeds)]
    print(f"# pymoo NSGA-II, setup {a.setup}, population {a.population}, eta {a.eta}, seeds {a.first_seed}-{a.first_seed + a.seeds - 1}")
    for b in budgets:
        v = [c[b - 1] for c in curves]
        print(f"{b}\t{statistics.mean(v):.4f}\t{statistics.stdev(v) if len(v) > 1 else 0:.4f}\t{min(v):.4f}")
    means = [statistics.mean(c[k] for c in curves) for k in range(top)]
    reached = next((k + 1 for k, m in enumerate(means) if m >= a.target), None)
    print(f"reach\t{reached if reached else f'>{top}'}")


if __name__ == "__main__":
    sys.exit(main())

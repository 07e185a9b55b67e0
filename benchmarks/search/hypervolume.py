#!/usr/bin/env python3
"""Hypervolume and headline of hao search frontier.json files.

Usage: hypervolume.py frontier.json [...]
Objectives: maximise predicted top-1 (%), minimise latency (ms). The reference point
(60 % top-1, 6 ms) is fixed so runs compare: it is below every frontier point of the default
space on the ZU3EG (top-1 about 66-77 %, latency about 1-4 ms); points beyond it add nothing.
Prints: file, points, hypervolume (%*ms), best fps with top-1 >= 72.5 %, its top-1.
"""
import json
import sys

REF_TOP1, REF_LATENCY = 60.0, 6.0


def hypervolume(points):
    # Sweep by latency ascending; each point adds the strip up to the next faster-or-better top-1.
    pts = sorted((lat, top1) for top1, lat in points if top1 > REF_TOP1 and lat < REF_LATENCY)
    area, best = 0.0, REF_TOP1
    for i, (lat, top1) in enumerate(pts):
        if top1 <= best:
            continue
        # Area dominated by this point but not by faster points: [lat, REF_LATENCY] x [best, top1].
        area += (REF_LATENCY - lat) * (top1 - best)
        best = top1
    return area


for path in sys.argv[1:]:
    report = json.load(open(path))
    pts = [(p["top1"], p["latency_ms"]) for p in report["frontier"]]
    qualified = [(1000 / lat, top1) for top1, lat in pts if top1 >= 72.5]
    fps, top1 = max(qualified) if qualified else (float("nan"), float("nan"))
    print(f"{path}\t{len(pts)}\t{hypervolume(pts):.4f}\t{fps:.1f}\t{top1:.2f}")

#!/usr/bin/env python3
"""Solves the exported MPS files with peer solvers and compares with the project's optimum.

Usage: peers.py MANIFEST.csv OUT.csv [--repeats N] [--time-limit S] [--highs-python PATH]

MANIFEST.csv comes from `hao-bench export` (instance, mps, project_optimum, in-process GLPK time).
Peers: glpsol (GLPK's stand-alone solver), CBC (`cbc`), HiGHS (`highspy`, run by the Python
interpreter given with --highs-python, normally benchmarks/.venv/bin/python). Every peer runs
to proven optimality with a zero relative gap. Each instance and peer gets one untimed warm-up
run (file cache, interpreter start-up) and then N timed runs; the CSV holds the median and the
minimum of two times:
  wall_ms      process start to end, measured here (includes reading the MPS file, and for
               HiGHS starting Python and importing highspy);
  reported_ms  the solver's own figure: glpsol "Time used" (printed in steps of 0.1 s, so 0 means
               < 0.05 s), CBC "Total time (Wallclock seconds)" (steps of 0.01 s), HiGHS the wall
               time of Highs.run() measured inside the Python process (model reading excluded).
A peer that is missing is reported as such, never silently skipped.
"""
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HIGHS_SCRIPT = r"""
import json, sys, time
import highspy
path, limit = sys.argv[1], float(sys.argv[2])
h = highspy.Highs()
h.setOptionValue("output_flag", False)
h.setOptionValue("mip_rel_gap", 0.0)
h.setOptionValue("mip_abs_gap", 0.0)
h.setOptionValue("time_limit", limit)
h.readModel(path)
t0 = time.perf_counter()
h.run()
t1 = time.perf_counter()
status = h.modelStatusToString(h.getModelStatus())
info = h.getInfo()
print(json.dumps({"status": status, "objective": info.objective_function_value,
                  "solve_s": t1 - t0, "version": h.version()}))
"""


def run(cmd, limit):
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit + 30)
    return proc, (time.perf_counter() - start) * 1000


def glpsol(path, limit):
    with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as f:
        out = f.name
    try:
        proc, wall = run(["glpsol", "--freemps", path, "--tmlim", str(int(limit)), "-o", out], limit)
        text = open(out).read() if os.path.exists(out) else ""
    finally:
        if os.path.exists(out):
            os.unlink(out)
    status = re.search(r"^Status:\s+(.+)$", text, re.M)
    objective = re.search(r"^Objective:\s+\S+\s+=\s+(\S+)", text, re.M)
    used = re.search(r"Time used:\s+([\d.]+) secs", proc.stdout)
    status = status.group(1).strip() if status else "error: " + (proc.stdout + proc.stderr)[-200:]
    return {"status": "optimal" if status == "INTEGER OPTIMAL" else status,
            "objective": float(objective.group(1)) if objective and status == "INTEGER OPTIMAL" else None,
            "wall_ms": wall, "reported_ms": float(used.group(1)) * 1000 if used else None}


def cbc(path, limit):
    proc, wall = run(["cbc", path, "-sec", str(int(limit)), "-ratioGap", "0", "-allowableGap", "0", "-solve", "-quit"], limit)
    out = proc.stdout
    result = re.search(r"^Result - (.+)$", out, re.M)
    objective = re.search(r"^Objective value:\s+(\S+)", out, re.M)
    total = re.search(r"Total time \(CPU seconds\):\s+[\d.]+\s+\(Wallclock seconds\):\s+([\d.]+)", out)
    result = result.group(1).strip() if result else "error: " + (out + proc.stderr)[-200:]
    optimal = result.startswith("Optimal solution found")
    return {"status": "optimal" if optimal else result, "objective": float(objective.group(1)) if objective and optimal else None,
            "wall_ms": wall, "reported_ms": float(total.group(1)) * 1000 if total else None}


def highs(python, path, limit):
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(HIGHS_SCRIPT)
        script = f.name
    try:
        proc, wall = run([python, script, path, str(limit)], limit)
    finally:
        os.unlink(script)
    try:
        data = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"status": "error: " + (proc.stdout + proc.stderr)[-200:], "objective": None, "wall_ms": wall, "reported_ms": None}
    optimal = data["status"] == "Optimal"
    return {"status": "optimal" if optimal else data["status"], "objective": data["objective"] if optimal else None,
            "wall_ms": wall, "reported_ms": data["solve_s"] * 1000, "version": data.get("version")}


def main(argv):
    args = argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    manifest, out = args[0], args[1]
    opts = dict(zip(args[2::2], args[3::2]))
    repeats = int(opts.get("--repeats", "3"))
    limit = float(opts.get("--time-limit", "120"))
    python = opts.get("--highs-python")

    peers = []
    if shutil.which("glpsol"):
        peers.append(("glpsol", lambda p: glpsol(p, limit)))
    else:
        print("peers: glpsol not found (Debian package glpk-utils); skipped", file=sys.stderr)
    if python and subprocess.run([python, "-c", "import highspy"], capture_output=True).returncode == 0:
        peers.append(("highs", lambda p: highs(python, p, limit)))
    else:
        print("peers: highspy not importable with %s; HiGHS skipped" % python, file=sys.stderr)
    if shutil.which("cbc"):
        peers.append(("cbc", lambda p: cbc(p, limit)))
    else:
        print("peers: cbc not found (Debian package coinor-cbc); skipped", file=sys.stderr)

    rows = []
    with open(manifest) as f:
        instances = list(csv.DictReader(f))
    for inst in instances:
        reference = float(inst["project_optimum"])
        for name, solve in peers:
            solve(inst["mps"])  # warm-up, untimed
            results = [solve(inst["mps"]) for _ in range(max(repeats, 1))]
            last = results[-1]
            walls = [r["wall_ms"] for r in results]
            reported = [r["reported_ms"] for r in results if r["reported_ms"] is not None]
            agree = all(r["objective"] is not None and abs(r["objective"] - reference) <= 1e-6 * max(1.0, abs(reference))
                        for r in results)
            rows.append({
                "instance": inst["instance"], "peer": name, "status": last["status"],
                "objective": "" if last["objective"] is None else "%.6g" % last["objective"],
                "project_optimum": inst["project_optimum"], "agree": "yes" if agree else "NO",
                "wall_median_ms": "%.3f" % statistics.median(walls), "wall_min_ms": "%.3f" % min(walls),
                "reported_median_ms": "%.3f" % statistics.median(reported) if reported else "",
                "reported_min_ms": "%.3f" % min(reported) if reported else "",
                "glpk_inprocess_median_ms": inst["glpk_inprocess_median_ms"], "repeats": str(len(results)),
            })
            print("%-36s %-7s %-8s wall %9.1f ms  own %9s ms  %s" % (
                inst["instance"], name, last["status"], statistics.median(walls),
                rows[-1]["reported_median_ms"] or "-", "agree" if agree else "DISAGREE"), flush=True)
    with open(out, "w", newline="") as f:
        fields = ["instance", "peer", "status", "objective", "project_optimum", "agree", "wall_median_ms", "wall_min_ms",
                  "reported_median_ms", "reported_min_ms", "glpk_inprocess_median_ms", "repeats"]
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

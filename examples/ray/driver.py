#!/usr/bin/env python3
"""Ray driver for `hao search`'s ask/tell interface (docs/ask-tell.md).

Loop: ask hao for the candidates the search waits for, evaluate each as a Ray task (retried when
it fails or its worker dies), tell every result as soon as it arrives, until hao says the search
is finished. Only tells are state (kept by hao in STATE/asktell.json), so the driver can be
killed and restarted at any time: it then re-asks what was out (--reask) and continues.

  examples/ray/.venv/bin/python examples/ray/driver.py --state runs/ray -- --external both --population 16 --generations 4
  ... --address auto          join the Ray cluster of this node (ray start --head / --address)
"""
import argparse
import importlib
import json
import os
import subprocess
import sys
import time

import ray


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--state", required=True, help="the ask/tell search folder")
    p.add_argument("--hao", default=os.environ.get("HAO", "hao"), help="the hao binary (default: $HAO or hao on PATH)")
    p.add_argument("--evaluator", default="evaluators:models", help="module:function evaluating one candidate (default: evaluators:models)")
    p.add_argument("--address", default=None, help="Ray cluster to join (default: start a local one)")
    p.add_argument("--workers", type=int, default=None, help="CPUs of the local cluster (default: all)")
    p.add_argument("--batch", type=int, default=64, help="candidates asked per call")
    p.add_argument("--retries", type=int, default=3, help="retries of a failed evaluation task")
    p.add_argument("first_ask", nargs=argparse.REMAINDER, help="after --: options of the first ask (--external ..., search options)")
    args = p.parse_args()
    if args.first_ask and args.first_ask[0] == "--":
        args.first_ask = args.first_ask[1:]
    return args


class Hao:
    """The two hao calls, timed (the loop's overhead per candidate)."""

    def __init__(self, binary, state):
        self.binary, self.state, self.seconds = binary, state, 0.0

    def _run(self, arguments, stdin=None):
        start = time.monotonic()
        done = subprocess.run([self.binary, "search", "--state", self.state] + arguments, input=stdin, capture_output=True, text=True)
        self.seconds += time.monotonic() - start
        if done.returncode != 0:
            sys.exit(f"driver: hao {' '.join(arguments)} failed: {done.stderr.strip()}")
        return done.stdout

    def ask(self, count, reask, first):
        lines = [json.loads(l) for l in self._run(["--ask", str(count)] + (["--reask"] if reask else []) + first).splitlines() if l.strip()]
        finished = next((l for l in lines if l.get("finished")), None)
        return [l for l in lines if "id" in l], finished

    def tell(self, results):
        self._run(["--tell", "-"], stdin="".join(json.dumps(r) + "\n" for r in results))


def main():
    args = parse()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    module, function = args.evaluator.split(":")
    evaluate_one = getattr(importlib.import_module(module), function)
    runtime = {"env_vars": {"HAO": os.path.abspath(args.hao) if os.path.exists(args.hao) else args.hao},
               "working_dir": None, "py_modules": [importlib.import_module(module)]}
    ray.init(address=args.address, num_cpus=args.workers if args.address is None else None,
             runtime_env={k: v for k, v in runtime.items() if v is not None}, log_to_driver=False)

    @ray.remote(max_retries=args.retries, retry_exceptions=True)
    def evaluate(candidate):
        return {"id": candidate["id"], **evaluate_one(candidate)}

    hao = Hao(args.hao, args.state)
    in_flight, told, started, first, reask = {}, 0, time.monotonic(), list(args.first_ask), True
    while True:
        candidates, finished = hao.ask(args.batch, reask, first)
        first, reask = [], False
        if finished:
            break
        for c in candidates:
            if c["id"] not in in_flight.values():
                in_flight[evaluate.remote(c)] = c["id"]
        if not in_flight:
            reask = True  # every outstanding candidate was lost: hand them out again
            continue
        done, _ = ray.wait(list(in_flight), num_returns=1)
        done += ray.wait([r for r in in_flight if r not in done], num_returns=len(in_flight) - 1, timeout=0)[0] if len(in_flight) > 1 else []
        results = []
        for ref in done:
            cid = in_flight.pop(ref)
            try:
                results.append(ray.get(ref))
            except Exception as error:  # retries exhausted: it will be re-asked
                print(f"driver: {cid} failed after {args.retries} retries: {error}", file=sys.stderr)
                reask = True
        if results:
            hao.tell(results)
            told += len(results)
        elapsed = time.monotonic() - started
        print(f"driver: {told} told, {len(in_flight)} running, {told / elapsed:.2f} evaluations/s", file=sys.stderr)
    elapsed = time.monotonic() - started
    summary = {"finished": True, "frontier": finished["frontier"], "told": told, "seconds": round(elapsed, 2),
               "evaluations_per_second": round(told / elapsed, 3) if elapsed > 0 else None,
               "loop_overhead_ms_per_candidate": round(1000 * hao.seconds / told, 1) if told else None}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()

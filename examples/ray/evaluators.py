"""Evaluators for the Ray ask/tell driver (driver.py).

An evaluator is a function taking one ask line (a dict: id, point, network, arch_def, ofa_config,
bits, target, device, cap, calibration, external, predicted) and returning the metrics the search takes from outside:
{"top1": percent} and/or {"latency_ms": milliseconds}. It runs inside a Ray task, on any node, so
it must find what it needs there (the hao binary, a GPU, a board).
"""
import json
import os
import subprocess
import tempfile


def _hao():
    return os.environ.get("HAO", "hao")


def _run_json(arguments):
    done = subprocess.run([_hao()] + arguments, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"hao {' '.join(arguments)}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def models(candidate):
    """The built-in models through the command line: `hao predict` for top-1 and `hao solve` for
    the latency of the network on its optimal configuration. It returns exactly what the
    in-process search computes, so a search driven by it reproduces the in-process frontier."""
    files = []

    def written(value):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(value, f)
        files.append(f.name)
        return f.name

    try:
        path = written(candidate["network"])
        result = {}
        if candidate["external"] in ("accuracy", "both"):
            result["top1"] = _run_json(["predict", path, "--json"])["top1"]
        if candidate["external"] in ("latency", "both"):
            # The search's own hardware settings: target, device, cap and calibration profile.
            arguments = ["solve", path, "--target", candidate["target"], "--device", candidate["device"],
                         "--cap", candidate["cap"], "--json"]
            if candidate.get("calibration") is not None:
                arguments += ["--calibration", written(candidate["calibration"])]
            result["latency_ms"] = _run_json(arguments)["latency_ms"]
        return result
    finally:
        for name in files:
            os.unlink(name)


def train_and_measure(candidate):
    """Where real evaluations go (a documented stub; it raises until filled in).

    Accuracy: build the network from candidate["arch_def"] with timm's EfficientNet builder, or
    take the subnet candidate["ofa_config"] from a once-for-all supernet (set_active_subnet(ks, e, d)
    at the given resolution), quantize blocks to candidate["bits"], fine-tune, and return the
    ImageNet validation top-1 in percent as "top1".

    Latency: run `hao solve` on candidate["network"] with --export-config to get the accelerator
    (or use a fixed board design), run the network on the board at batch 1, and return the median
    latency in milliseconds as "latency_ms".

    Raise on failure: the driver retries the task and, if it keeps failing, hands the candidate out
    again later (ask --reask)."""
    raise NotImplementedError("fill in training and on-board measurement (see the docstring)")


def models_with_worker_kills(candidate):
    """`models`, but the worker process running the first attempt at every fourth candidate kills
    itself (SIGKILL), as a crashed node would: the driver's retries must absorb it. For testing
    the driver (benchmarks/README.md, "Ray driver")."""
    import hashlib
    import signal
    marker = os.path.join(tempfile.gettempdir(), "hao-ray-kill-" + hashlib.sha1(candidate["id"].encode()).hexdigest())
    if int(hashlib.sha1(candidate["id"].encode()).hexdigest(), 16) % 4 == 0 and not os.path.exists(marker):
        open(marker, "w").close()
        os.kill(os.getpid(), signal.SIGKILL)
    return models(candidate)

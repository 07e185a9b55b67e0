#!/usr/bin/env python3
"""Checks hao's exports with the field's own tools (not part of CI: it needs PyTorch).

1. ONNX: every shipped network exported weightless passes onnx.checker (full check, with shape
   inference); exported with --weights random it runs in ONNX Runtime (when installed) and
   gives a 1 x classes output.
2. arch_def: every shipped network, and networks imported from the ONNX fixtures, exported as
   arch_def, instantiated with timm's EfficientNet / MobileNetV3 class as docs/interchange.md
   shows, exported to ONNX by PyTorch and imported by hao, give back the same network.
3. once-for-all: the points of a small search's frontier, exported as OFA configs, set on
   OFA's MobileNetV3 supernet (the `ofa` package), exported and imported, give back the same
   network (bit widths aside: OFA has none).

Usage: python3 scripts/check-interchange.py [--hao .build/debug/hao]
Needs torch, timm, onnx (onnxruntime and ofa optional: their checks are skipped, and said so).
"""
import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import warnings

import onnx
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAILURES = []


def hao(binary, *arguments):
    result = subprocess.run([binary, *arguments], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"hao {' '.join(arguments)}: {result.stderr.strip()}")
    return result.stdout


def check(condition, message):
    print(("ok    " if condition else "FAIL  ") + message, flush=True)
    if not condition:
        FAILURES.append(message)


def structure(network):
    """The network without name, reference and bit widths."""
    network = json.loads(json.dumps(network))
    for key in ("name", "reference"):
        network.pop(key, None)
    for part in [network["stem"], network["head"], *network["blocks"]]:
        part.pop("weight_bits", None)
        part.pop("activation_bits", None)
    return network


def torch_to_hao(binary, model, resolution, folder, name):
    path = os.path.join(folder, name + ".onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model.eval(), (torch.zeros(1, 3, resolution, resolution),), path, opset_version=17, dynamo=False)
    return json.loads(hao(binary, "import", path))


def timm_model(document):
    from timm.layers import get_act_layer
    from timm.models._efficientnet_blocks import SqueezeExcite
    from timm.models._efficientnet_builder import decode_arch_def, round_channels
    from timm.models.efficientnet import EfficientNet
    from timm.models.mobilenetv3 import MobileNetV3
    args = document["timm"]
    act = get_act_layer(args["act_layer"])
    if args["se_from_exp"]:
        se = functools.partial(SqueezeExcite, gate_layer=args["se_gate"], force_act_layer=nn.ReLU, rd_round_fn=round_channels)
    else:
        se = functools.partial(SqueezeExcite, gate_layer=args["se_gate"])
    common = dict(block_args=decode_arch_def(document["arch_def"]["stages"]), num_features=args["num_features"],
                  num_classes=args["num_classes"], in_chans=args["in_chans"], stem_size=args["stem_size"], fix_stem=True,
                  act_layer=act, se_layer=se, round_chs_fn=lambda c: c)
    if args["model_class"] == "MobileNetV3":
        return MobileNetV3(**common, se_from_exp=args["se_from_exp"], head_bias=True)
    return EfficientNet(**common, stem_kernel_size=args["stem_kernel_size"])


def check_onnx(binary, names, folder):
    try:
        import onnxruntime
    except ImportError:
        onnxruntime = None
        print("skip  ONNX Runtime checks: onnxruntime is not installed")
    for name in names:
        path = os.path.join(folder, name + ".onnx")
        hao(binary, "export", name, "--format", "onnx", "--out", path)
        try:
            onnx.checker.check_model(onnx.load(path), full_check=True)
            check(True, f"onnx.checker accepts the weightless export of {name} ({os.path.getsize(path) // 1024} KiB)")
        except Exception as error:  # noqa: BLE001 - report any checker failure
            check(False, f"onnx.checker on {name}: {error}")
        if onnxruntime:
            random_path = os.path.join(folder, name + ".random.onnx")
            hao(binary, "export", name, "--format", "onnx", "--weights", "random", "--out", random_path)
            session = onnxruntime.InferenceSession(random_path, providers=["CPUExecutionProvider"])
            shape = session.get_inputs()[0].shape
            import numpy
            output = session.run(None, {"image": numpy.random.default_rng(0).standard_normal(shape).astype(numpy.float32)})[0]
            network = json.loads(hao(binary, "export", name, "--format", "json"))
            check(list(output.shape) == [1, network["head"]["classes"]] and numpy.isfinite(output).all(),
                  f"ONNX Runtime runs the random-weight export of {name}: output {list(output.shape)}")


def check_arch_def(binary, sources, folder):
    for label, source in sources:
        document = json.loads(hao(binary, "export", source, "--format", "arch_def"))
        original = json.loads(hao(binary, "export", source, "--format", "json"))
        try:
            model = timm_model(document)
            rebuilt = torch_to_hao(binary, model, document["resolution"], folder, "timm-" + label)
            same = structure(rebuilt) == structure(original)
            notes = "; ".join(document["timm_notes"])
            check(same or bool(notes), f"timm builds {label} from its arch_def" + ("" if same else f" (differs; notes: {notes})"))
        except Exception as error:  # noqa: BLE001
            check(False, f"timm from the arch_def of {label}: {error}")


def check_ofa(binary, folder):
    try:
        from ofa.imagenet_classification.elastic_nn.networks import OFAMobileNetV3
    except ImportError:
        print("skip  once-for-all checks: the ofa package is not installed")
        return
    out = os.path.join(folder, "search")
    subprocess.run([binary, "search", "--population", "12", "--generations", "3", "--seed", "11", "--no-baselines",
                    "--solver", "native", "--out", out], cwd=ROOT, check=True, capture_output=True)
    with open(os.path.join(out, "frontier.json")) as f:
        points = json.load(f)["frontier"]
    supernet = OFAMobileNetV3(ks_list=[3, 5, 7], expand_ratio_list=[3, 4, 6], depth_list=[2, 3, 4])
    for index, point in enumerate(points):
        reference = f"{out}/frontier.json#{index}"
        config = json.loads(hao(binary, "export", reference, "--format", "ofa"))
        supernet.set_active_subnet(ks=config["ks"], e=config["e"], d=config["d"])
        rebuilt = torch_to_hao(binary, supernet.get_active_subnet(), config["r"][0], folder, f"ofa-{index}")
        check(structure(rebuilt) == structure(point["network"]),
              f"OFA's get_active_subnet of frontier point {index} ({config['d']}, r {config['r'][0]}) is the point's network")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hao", default=os.path.join(ROOT, ".build", "debug", "hao"))
    args = parser.parse_args()
    names = sorted(f[:-5] for f in os.listdir(os.path.join(ROOT, "Models", "networks")) if f.endswith(".json"))
    fixtures = os.path.join(ROOT, "Tests", "HAOInterchangeTests", "Fixtures")
    with tempfile.TemporaryDirectory() as folder:
        check_onnx(args.hao, names, folder)
        sources = [(name, name) for name in names]
        for fixture in ("mobilenetv1_100.timm.ts13", "fbnetc_100.timm.ts13", "efficientnet_b0.timm.ts13", "mnasnet_b1.timm.ts13"):
            path = os.path.join(folder, fixture + ".json")
            with open(path, "w") as f:
                f.write(hao(args.hao, "import", os.path.join(fixtures, fixture + ".onnx")))
            sources.append((fixture, path))
        check_arch_def(args.hao, sources, folder)
        check_ofa(args.hao, folder)
    print(f"{len(FAILURES)} failed" if FAILURES else "all checks passed")
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()

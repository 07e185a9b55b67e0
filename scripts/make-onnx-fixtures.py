#!/usr/bin/env python3
"""Regenerates the ONNX test files in Tests/HAOInterchangeTests/Fixtures/.

Each file is real exporter output: a model built by torchvision, timm or once-for-all (with
random weights; nothing is downloaded), exported by torch.onnx.export with the TorchScript
exporter (dynamo=False) at opset 11, 13 or 17, or the dynamo exporter (opset 18), and then
stripped of its weights so that the committed files stay small:

  every float initializer with more than one element is removed and declared as a graph
  input of the same name, element type and shape (what export_params=False writes), so the
  file keeps every node, attribute and weight shape, and onnx.checker still accepts it.
  Integer initializers (shapes, axes) and float scalars (Clip bounds, the 3 and 6 of a
  decomposed hard-swish) are kept with their values. The dynamo exporter's per-node
  metadata_props (stack traces naming local files) and doc strings are dropped too.

manifest.json records, for every file, how it was made and what PyTorch itself counts for the
model: multiply-accumulates (forward hooks on every Conv2d and Linear), parameters without batch
norm, and conv/linear weight elements, plus the shipped network file or published figures it
is compared with. Negative files (ResNet-18, a transformer block) record the first node that is
not MBConv, which the importer must name.

Usage (needs torch, torchvision, timm, onnx; once-for-all's `ofa` package for the OFA subnets):
    python3 -m venv .venv && .venv/bin/pip install torch torchvision timm onnx onnxscript
    .venv/bin/pip install --no-deps ofa
    .venv/bin/python scripts/make-onnx-fixtures.py [--only NAME]
"""
import argparse
import json
import os
import random
import sys
import warnings

import onnx
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "HAOInterchangeTests", "Fixtures")
NETWORKS = os.path.join(ROOT, "Models", "networks")


def torch_counts(model, resolution):
    """MACs by forward hooks, parameters without batch norm, conv/linear weight elements."""
    macs = 0

    def conv_hook(module, inputs, output):
        nonlocal macs
        kh, kw = module.kernel_size
        macs += output[0].numel() * (module.in_channels // module.groups) * kh * kw

    def linear_hook(module, inputs, output):
        nonlocal macs
        macs += output[0].numel() * module.in_features

    handles = []
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            handles.append(module.register_forward_hook(conv_hook))
        elif isinstance(module, nn.Linear):
            handles.append(module.register_forward_hook(linear_hook))
    with torch.no_grad():
        model(torch.zeros(1, 3, resolution, resolution))
    for handle in handles:
        handle.remove()
    norm = (nn.BatchNorm2d, nn.BatchNorm1d, nn.LayerNorm, nn.GroupNorm)
    params = sum(p.numel() for m in model.modules() if not isinstance(m, norm) for p in m.parameters(recurse=False))
    weights = sum(m.weight.numel() for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear)))
    return {"macs": macs, "params_without_norm": params, "weights": weights,
            "params_total": sum(p.numel() for p in model.parameters())}


def strip_weights(model):
    """Moves every float initializer with more than one element to a graph input, and drops
    the exporter's per-node debugging metadata (stack traces with local paths, FX node text)."""
    graph = model.graph
    for node in graph.node:
        del node.metadata_props[:]
        node.doc_string = ""
    kept = []
    for tensor in graph.initializer:
        count = 1
        for d in tensor.dims:
            count *= d
        if tensor.data_type in (onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.DOUBLE) and count > 1:
            graph.input.append(onnx.helper.make_tensor_value_info(tensor.name, tensor.data_type, list(tensor.dims)))
        else:
            kept.append(tensor)
    del graph.initializer[:]
    graph.initializer.extend(kept)
    return model


def export(model, path, opset, dynamo, resolution=224, sequence=None):
    model.eval()
    example = torch.zeros(1, 3, resolution, resolution) if sequence is None else torch.zeros(*sequence)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if dynamo:
            torch.onnx.export(model, (example,), path, opset_version=opset, dynamo=True, verbose=False)
        else:
            torch.onnx.export(model, (example,), path, opset_version=opset, dynamo=False,
                              input_names=["image" if sequence is None else "tokens"], output_names=["logits"])
    exported = onnx.load(path, load_external_data=True)
    original = sum(int(__import__("numpy").prod(t.dims)) for t in exported.graph.initializer)
    stripped = strip_weights(exported)
    onnx.checker.check_model(stripped)
    onnx.save(stripped, path)
    data_file = path + ".data"
    if os.path.exists(data_file):
        os.remove(data_file)
    return original


def timm_from_network_file(name):
    """A shipped network built by timm's EfficientNet builder from the file's arch_def.

    For networks no library ships (FBNet-B from mobile-vision, ProxylessNAS-Mobile). The file's
    arch_def follows mobile-vision's convention that an `ir` block of expand ratio 1 has no expand
    conv; timm always builds one, so such blocks are written as timm's `ds` blocks."""
    from timm.models._efficientnet_builder import decode_arch_def
    from timm.models.efficientnet import EfficientNet
    with open(os.path.join(NETWORKS, name + ".json")) as f:
        spec = json.load(f)
    arch = spec["reference"]["arch_def"]
    stages = [["ds" + s[2:].replace("_e1_", "_") if s.startswith("ir_") and "_e1_" in s else s for s in stage]
              for stage in arch["stages"]]
    act = {"relu": nn.ReLU, "relu6": nn.ReLU6}[arch["default_activation"]]
    return EfficientNet(block_args=decode_arch_def(stages), stem_size=spec["stem"]["out_channels"], fix_stem=True,
                        num_features=spec["head"]["conv_channels"], act_layer=act, round_chs_fn=lambda c: c)


def ofa_subnet(seed):
    from ofa.imagenet_classification.elastic_nn.networks import OFAMobileNetV3
    supernet = OFAMobileNetV3(ks_list=[3, 5, 7], expand_ratio_list=[3, 4, 6], depth_list=[2, 3, 4])
    rng = random.Random(seed)
    config = {"ks": [rng.choice([3, 5, 7]) for _ in range(20)], "e": [rng.choice([3, 4, 6]) for _ in range(20)],
              "d": [rng.choice([2, 3, 4]) for _ in range(5)], "r": [rng.choice(range(128, 225, 16))]}
    supernet.set_active_subnet(ks=config["ks"], e=config["e"], d=config["d"])
    return supernet.get_active_subnet(preserve_weight=True), config


class TransformerBlock(nn.Module):
    """A pre-norm transformer encoder block on 16 tokens of width 64."""

    def __init__(self):
        super().__init__()
        self.block = nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=128, batch_first=True, norm_first=True)
        self.classifier = nn.Linear(64, 10)

    def forward(self, tokens):
        return self.classifier(self.block(tokens).mean(dim=1))


def fixtures():
    import timm
    import torchvision.models as tv
    published = {
        "fbnetc_100": {"macs_millions": 375, "params_millions": 5.5, "source": "Wu et al., FBNet, CVPR 2019, Table 2 (FBNet-C)"},
        "efficientnet_b0": {"macs_millions": 390, "params_millions": 5.3, "source": "Tan and Le, EfficientNet, ICML 2019, Table 2"},
        "mobilenetv1_100": {"macs_millions": 569, "params_millions": 4.2, "source": "Howard et al., MobileNets, 2017, Table 8"},
        "mnasnet_100": {"macs_millions": 314, "params_millions": 4.383312,
                        "source": "torchvision MNASNet1_0_Weights meta (MnasNet-B1): 0.314 GFLOPS, 4,383,312 parameters with batch norm"},
    }
    # (file stem, builder, exporter, opset, shipped network file, published figures)
    yield ("mobilenet_v2.torchvision.ts11", lambda: tv.mobilenet_v2(), False, 11, "mobilenet_v2_1.0", None)
    yield ("mobilenet_v2.torchvision.dynamo18", lambda: tv.mobilenet_v2(), True, 18, "mobilenet_v2_1.0", None)
    yield ("mobilenet_v3_large.torchvision.ts13", lambda: tv.mobilenet_v3_large(), False, 13, "mobilenet_v3_large_1.0", None)
    yield ("mobilenetv3_large_100.timm.ts17", lambda: timm.create_model("mobilenetv3_large_100"), False, 17, "mobilenet_v3_large_1.0", None)
    yield ("mobilenetv3_large_100.timm.dynamo18", lambda: timm.create_model("mobilenetv3_large_100"), True, 18, "mobilenet_v3_large_1.0", None)
    yield ("mnasnet_a1.timm.ts13", lambda: timm.create_model("semnasnet_100"), False, 13, "mnasnet_a1", None)
    yield ("mnasnet_b1.timm.ts13", lambda: timm.create_model("mnasnet_100"), False, 13, None, published["mnasnet_100"])
    yield ("mnasnet_b1.torchvision.dynamo18", lambda: tv.mnasnet1_0(), True, 18, None, published["mnasnet_100"])
    yield ("fbnetc_100.timm.ts13", lambda: timm.create_model("fbnetc_100"), False, 13, None, published["fbnetc_100"])
    yield ("fbnet_b.timm-builder.ts13", lambda: timm_from_network_file("fbnet_b"), False, 13, "fbnet_b", None)
    yield ("proxylessnas_mobile.timm-builder.ts13", lambda: timm_from_network_file("proxylessnas_mobile"), False, 13,
           "proxylessnas_mobile", None)
    yield ("efficientnet_b0.timm.ts13", lambda: timm.create_model("efficientnet_b0"), False, 13, None, published["efficientnet_b0"])
    yield ("efficientnet_b0.timm.dynamo18", lambda: timm.create_model("efficientnet_b0"), True, 18, None, published["efficientnet_b0"])
    yield ("mobilenetv1_100.timm.ts13", lambda: timm.create_model("mobilenetv1_100"), False, 13, None, published["mobilenetv1_100"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="regenerate only files whose name contains this")
    args = parser.parse_args()
    import timm
    import torchvision
    os.makedirs(FIXTURES, exist_ok=True)
    manifest_path = os.path.join(FIXTURES, "manifest.json")
    entries = {}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            entries = {e["file"]: e for e in json.load(f)["files"]}
    versions = {"torch": torch.__version__, "torchvision": torchvision.__version__, "timm": timm.__version__,
                "onnx": onnx.__version__}

    def record(file, model, dynamo, opset, resolution, extra):
        torch.manual_seed(0)
        path = os.path.join(FIXTURES, file)
        original = export(model, path, opset, dynamo, resolution)
        counts = torch_counts(model, resolution)
        entry = {"file": file, "exporter": "dynamo" if dynamo else "torchscript", "opset": opset,
                 "resolution": resolution, "expect": "import", "torch": counts,
                 "exported_initializer_elements": original, **extra}
        entries[file] = entry
        print(f"{file}: {counts['macs'] / 1e6:.2f}M MACs, {counts['params_without_norm'] / 1e6:.3f}M params "
              f"without norm, {os.path.getsize(path) // 1024} KiB", flush=True)

    for stem, build, dynamo, opset, network, figures in fixtures():
        file = stem + ".onnx"
        if args.only and args.only not in file:
            continue
        torch.manual_seed(0)
        model = build().eval()
        record(file, model, dynamo, opset, 224, {"builder": stem.split(".")[1], "network": network,
                                                 "published": figures})
    if not args.only or "ofa" in args.only:
        try:
            for seed in (1, 2):
                subnet, config = ofa_subnet(seed)
                record(f"ofa_mbv3_subnet{seed}.ofa.ts13.onnx", subnet.eval(), False, 13, config["r"][0],
                       {"builder": "ofa", "network": None, "published": None, "ofa_config": config})
        except ImportError:
            print("ofa not installed: OFA subnets skipped", file=sys.stderr)
    negatives = [("resnet18.torchvision.ts13.onnx", lambda: torchvision.models.resnet18(), "MaxPool", None),
                 ("transformer_block.torch.ts17.onnx", TransformerBlock, None, (1, 16, 64))]
    for file, build, first_op, sequence in negatives:
        if args.only and args.only not in file:
            continue
        torch.manual_seed(0)
        path = os.path.join(FIXTURES, file)
        opset = 13 if sequence is None else 17  # attention exports from opset 14, LayerNormalization at 17
        export(build().eval(), path, opset, False, 224, sequence)
        graph = onnx.load(path).graph
        if first_op:
            refused = next(n for n in graph.node if n.op_type == first_op)
        else:
            refused = next(n for n in graph.node if graph.input[0].name in n.input)
        entries[file] = {"file": file, "exporter": "torchscript", "opset": opset, "expect": "refuse",
                         "refused_node": refused.name, "refused_op": refused.op_type}
        print(f"{file}: refused at {refused.name} ({refused.op_type})", flush=True)
    with open(manifest_path, "w") as f:
        json.dump({"generated_with": versions, "files": sorted(entries.values(), key=lambda e: e["file"])}, f,
                  indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes Models/targets/dpu/pg338_resources.json from the PG338 transcription in the shared
data (dpu_pg338_resources.csv): the per-core DPUCZDX8G resources the dpu target uses, with
their sources. Standard library only.

    python3 scripts/dpu-pg338-resources.py ../shared/data/dpu_pg338_resources.csv \
        > Models/targets/dpu/pg338_resources.json

The dpu target compiles the same table in (Sources/HAOHardware/Targets/DPU/DPUArchitecture.swift);
a test keeps the two, and this file and the CSV, equal.
"""
import csv
import json
import sys


def main(path: str) -> None:
    rows = list(csv.DictReader(open(path, newline="")))
    archs = []
    for r in rows:
        archs.append({
            "architecture": r["arch"],
            "pixel_parallelism": int(r["pixel_parallelism"]),
            "input_channel_parallelism": int(r["input_channel_parallelism"]),
            "output_channel_parallelism": int(r["output_channel_parallelism"]),
            "peak_ops_per_clock": int(r["peak_ops_per_clock"]),
            "high_dsp_usage": {"lut": int(r["hiDSP_lut"]), "ff": int(r["hiDSP_ff"]), "dsp": int(r["hiDSP_dsp"])},
            "low_dsp_usage": {"lut": int(r["loDSP_lut"]), "ff": int(r["loDSP_ff"]), "dsp": int(r["loDSP_dsp"])},
            "bram36_low_ram_usage": int(float(r["bram36_lowRAM_pg338v4.0"])),
            "bram36_high_ram_usage": int(float(r["bram36_highRAM_pg338v4.0"])),
            "depthwise_extra": {"lut": int(r["depthwise_extra_lut"]), "dsp": int(r["depthwise_extra_dsp"]),
                                "bram36": float(r["depthwise_extra_bram36"])},
            "channel_augmentation_extra_lut": int(r["chaug_extra_lut"]),
        })
    doc = {
        "format": "hao-dpu-pg338-resources-v1",
        "what": "Per-core resources of the Xilinx DPUCZDX8G for each architecture, as the dpu target uses them.",
        "generated_by": "python3 scripts/dpu-pg338-resources.py ../shared/data/dpu_pg338_resources.csv",
        "sources": {
            "parallelism": "PG338 v4.1 'Architecture of the DPUCZDX8G' (PP x ICP x OCP; peak ops per clock = 2 x PP x ICP x OCP)",
            "lut_ff_dsp": "PG338 v1.2 (2019-03-26) table 9: one core on a ZCU102, no depthwise, average pooling, ReLU6 or leaky ReLU, low RAM usage",
            "bram36": "PG338 v4.0 'RAM usage' pages: per core, depthwise included, at low and high RAM usage",
            "depthwise_extra": "PG338 v3.4 'DepthwiseConv' table of extra resources (its BRAM is already inside the v4.0 RAM figures)",
            "channel_augmentation_extra_lut": "PG338 v4.1 'Channel Augmentation'",
        },
        "notes": [
            "The dpu target counts one core as: DSP = dsp(usage) + depthwise DSP; LUT = lut(usage) + depthwise LUT + channel-augmentation LUT; FF = ff(usage); BRAM18 = 2 x bram36(RAM usage).",
            "PG338 gives no per-architecture UltraRAM figure and no flip-flop extras for depthwise or channel augmentation.",
            "The DSP array runs at twice the DPU clock (PG338 port table: dpu_2x_clk).",
        ],
        "architectures": archs,
    }
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: dpu-pg338-resources.py PATH/dpu_pg338_resources.csv")
    main(sys.argv[1])

#!/bin/sh
# Solve times of the bit-allocation program, GLPK vs native, release build, in-process solve
# time as `hao quantize --json` reports it (tables, all precision keys, the final polish excluded
# from neither: solve_ms covers the solver call only). Run from the package root after
# `swift build -c release --scratch-path .build-quant-rel`.
HAO=${HAO:-.build-quant-rel/release/hao}
echo "load: $(uptime)"
printf "%-26s %8s %10s %10s %8s\n" network target glpk_ms native_ms status
for net in fbnet_b mnasnet_a1 mobilenet_v2_1.0 mobilenet_v3_large_1.0 proxylessnas_mobile; do
  for fps in 200 250 300 350; do
    g=$("$HAO" quantize "$net" --target-fps "$fps" --solver glpk --json 2>/dev/null | python3 -c "import json,sys; d=json.load(sys.stdin); print(f\"{d['solve_ms']:.1f} {d['status']} {d.get('penalty')}\")")
    n=$("$HAO" quantize "$net" --target-fps "$fps" --solver native --json 2>/dev/null | python3 -c "import json,sys; d=json.load(sys.stdin); print(f\"{d['solve_ms']:.1f} {d['status']} {d.get('penalty')}\")")
    set -- $g; gm=$1; st=$2; gp=$3
    set -- $n; nm=$1; np=$3
    [ "$gp" = "$np" ] || st="$st DISAGREE($gp vs $np)"
    printf "%-26s %8s %10s %10s %8s\n" "$net" "${fps}fps" "$gm" "$nm" "$st"
  done
done
echo "load: $(uptime)"

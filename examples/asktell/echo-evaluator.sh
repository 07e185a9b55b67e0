#!/usr/bin/env bash
# An evaluator that "measures" a candidate by telling back the built-in models' figures from its
# ask line (keys are sorted, so the predicted block is {"latency_ms":..,"top1":..,...}). With it,
# the ask/tell search reproduces the in-process search exactly; replace it with a training job or
# an on-board measurement (docs/ask-tell.md).
set -euo pipefail
line="$(cat)"
id="$(printf '%s' "$line" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')"
latency="$(printf '%s' "$line" | sed -n 's/.*"predicted":{"latency_ms":\([^,}]*\).*/\1/p')"
top1="$(printf '%s' "$line" | sed -n 's/.*"predicted":{[^}]*"top1":\([^,}]*\).*/\1/p')"
[ -n "$id" ] && [ -n "$latency" ] && [ -n "$top1" ] || { echo "echo-evaluator: unexpected ask line" >&2; exit 1; }
printf '{"id":"%s","top1":%s,"latency_ms":%s}\n' "$id" "$top1" "$latency"

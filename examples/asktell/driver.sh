#!/usr/bin/env bash
# A minimal ask/tell driver: ask for candidates, evaluate each with EVALUATOR (a command that reads
# one ask line on stdin and prints one tell line), tell the results, until the search is finished.
#
#   examples/asktell/driver.sh STATE_DIR [BATCH] [-- options of the first ask, e.g. --external both]
#
# HAO (default: hao on PATH) is the binary; EVALUATOR (default: the echo evaluator next to this
# script, which tells the built-in predictions back) is the measurement. See docs/ask-tell.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
state="$1"; shift
batch="${1:-16}"; [ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
hao="${HAO:-hao}"
evaluator="${EVALUATOR:-$here/echo-evaluator.sh}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
first=("$@")
while true; do
    "$hao" search --state "$state" --ask "$batch" --reask "${first[@]}" > "$work/ask"
    first=()
    if grep -q '"finished":true' "$work/ask"; then cat "$work/ask"; exit 0; fi
    [ -s "$work/ask" ] || { echo "driver: nothing to evaluate and the search is not finished" >&2; exit 1; }
    : > "$work/tell"
    while IFS= read -r line; do printf '%s\n' "$line" | "$evaluator" >> "$work/tell"; done < "$work/ask"
    "$hao" search --state "$state" --tell "$work/tell"
done

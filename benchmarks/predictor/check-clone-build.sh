#!/bin/sh
# Regression check for Package.swift: builds this harness from a fresh clone of the repository
# in a folder whose name differs from the original checkout's, so that a dependency reference
# tied to the folder name (it once was `package: "main"`) fails here. Clones the committed HEAD:
# uncommitted edits are not seen. Usage: benchmarks/predictor/check-clone-build.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
clone="$tmp/clone-of-$(basename "$repo")"
git clone -q "$repo" "$clone"
cd "$clone/benchmarks/predictor"
swift build -c release
echo "ok: the predictor benchmark builds from a clone in $(basename "$clone")"

#!/usr/bin/env bash
# Creates examples/ray/.venv with Ray from PyPI (the driver's only dependency).
#   examples/ray/setup.sh            then: examples/ray/.venv/bin/python examples/ray/driver.py --help
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python3 -m venv "$here/.venv"
"$here/.venv/bin/pip" install --quiet --upgrade pip
"$here/.venv/bin/pip" install --quiet "ray[default]==2.60.0"
"$here/.venv/bin/python" -c 'import ray; print("ray", ray.__version__, "ready in", "'"$here"'/.venv")'

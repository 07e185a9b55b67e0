#!/usr/bin/env bash
# Regenerates Sources/HAOInterchange/Generated/onnx.pb.swift from the vendored
# third_party/onnx/onnx.proto3. Run it only when that proto or the swift-protobuf
# version changes: the generated file is committed, so neither CI nor a normal build
# needs protoc or the protoc-gen-swift plugin (building the plugin takes ~7-10 minutes).
#
# Needs: protoc (Debian: apt-get install protobuf-compiler) and a protoc-gen-swift of the
# swift-protobuf version Package.swift resolves (1.39.x), built outside the repository:
#   git clone --branch 1.39.0 https://github.com/apple/swift-protobuf WORK/swift-protobuf
#   swift build -c release --product protoc-gen-swift --package-path WORK/swift-protobuf
# then:
#   PROTOC_GEN_SWIFT=WORK/swift-protobuf/.build/release/protoc-gen-swift scripts/generate-onnx-swift.sh
set -euo pipefail
cd "$(dirname "$0")/.."

plugin="${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || true)}"
if [ -z "$plugin" ] || [ ! -x "$plugin" ]; then
  echo "generate-onnx-swift: set PROTOC_GEN_SWIFT to a protoc-gen-swift executable (see the comment at the top)" >&2
  exit 1
fi
command -v protoc >/dev/null || { echo "generate-onnx-swift: protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }

out=Sources/HAOInterchange/Generated
mkdir -p "$out"
# Internal visibility: the protobuf types are an implementation detail of HAOInterchange.
(cd third_party/onnx && protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Internal \
  --swift_out="../../$out" onnx.proto3)
echo "wrote $out/onnx.pb.swift"

#!/usr/bin/env bash
# Configures and builds diareid (Release) into build/, using both cores.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DDIAREID_BUILD_TESTS="${DIAREID_BUILD_TESTS:-ON}" \
  -DDIAREID_BUILD_BENCH="${DIAREID_BUILD_BENCH:-ON}" >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
echo "build: $BUILD_DIR/src/cli/diareid"

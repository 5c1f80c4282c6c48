#!/usr/bin/env bash
# Installs dependencies, checks formatting, builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/check-format.sh
tools/build.sh
cd "${BUILD_DIR:-build}"
# Spinning OpenMP threads starve parallel tests on small machines.
export OMP_WAIT_POLICY=PASSIVE
ctest --output-on-failure -j"$(nproc)" --timeout 600

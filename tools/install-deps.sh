#!/usr/bin/env bash
# Installs every build and run dependency of diareid from Debian 12's
# archive. Idempotent and non-interactive; run as root or with sudo.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  clang-format
  libtorch-dev libopencv-dev libeigen3-dev
  libcli11-dev libspdlog-dev nlohmann-json3-dev libtomlplusplus-dev
  libsqlite3-dev sqlite3 libssl-dev libserialport-dev
  libgtest-dev libgmock-dev
  darknet
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

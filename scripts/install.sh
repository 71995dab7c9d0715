#!/usr/bin/env bash
# Installs everything zbb needs on a fresh Debian 12 machine, builds the C++ library, the CLI and
# the tests (build/), installs the Python package into .venv, and runs `zbb demo`.
# Safe to run again: every step is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

echo "== apt: C++ toolchain and libraries"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  g++ make pkg-config git \
  libeigen3-dev libboost-dev catch2 nlohmann-json3-dev libsimdjson-dev libbenchmark-dev clang-format clang-tidy \
  coinor-libclp-dev coinor-libcbc-dev libsuitesparse-dev clang-14 libclang-rt-14-dev libreoffice-calc >/dev/null

echo "== Python virtual environment (.venv) with build tools and analyst packages"
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r scripts/requirements.txt

echo "== C++ build (build/)"
export PATH="$PWD/.venv/bin:$PATH"
# CI (CI=true) also turns on -Wconversion -Wshadow and makes every warning an error.
strict=()
if [ "${CI:-}" = "true" ]; then strict=(-DZBB_STRICT_WARNINGS=ON -DZBB_WARNINGS_AS_ERRORS=ON); fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DZBB_BUILD_BENCHMARKS=ON "${strict[@]}" >/dev/null
cmake --build build

echo "== Python package zbb (pip install .)"
pip_strict=()
if [ "${CI:-}" = "true" ]; then
  pip_strict=(--config-settings=cmake.define.ZBB_STRICT_WARNINGS=ON --config-settings=cmake.define.ZBB_WARNINGS_AS_ERRORS=ON)
fi
.venv/bin/python -m pip install -q --no-build-isolation "${pip_strict[@]}" .

echo "== zbb demo"
./build/zbb demo

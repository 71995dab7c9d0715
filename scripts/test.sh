#!/usr/bin/env bash
# Runs every test: the C++ suite and the CLI tests through CTest (build/), then pytest (Python
# package, cross-checks of the CLI against an exact rational reference, notebooks, docs examples).
# Expects scripts/install.sh to have run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

cmake --build build
echo "== CTest (C++ unit and property tests, CLI tests, find_package test)"
ctest --test-dir build --output-on-failure -j2
echo "== pytest"
ZBB_CLI="$PWD/build/zbb" .venv/bin/python -m pytest -q

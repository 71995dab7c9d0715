#!/usr/bin/env bash
# Builds the libFuzzer harness for read -> link -> budget -> reports (tests/fuzz/fuzz_model.cpp) with
# clang 14, AddressSanitizer and UndefinedBehaviorSanitizer (build-fuzz/), and runs it for SECONDS
# (default 60) from the committed seed corpus, the CLI test models and the examples. Any crash,
# leak, sanitizer report or input slower than 10 s fails (exit non-zero; the input is saved in
# build-fuzz/). Usage: bash scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
seconds="${1:-60}"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++-14 \
  -DZBB_BUILD_FUZZ=ON -DZBB_BUILD_TESTS=OFF -DZBB_BUILD_CLI=OFF -DZBB_INSTALL=OFF >/dev/null
cmake --build build-fuzz --target fuzz_model
work=build-fuzz/corpus
mkdir -p "$work"
cp -n tests/fuzz/corpus/*.json tests/cli/models/*.json examples/*.json "$work"/ 2>/dev/null || true
cd build-fuzz
ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" ./tests/fuzz/fuzz_model corpus \
  -dict=../tests/fuzz/model.dict -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
  -max_len=16384 -print_final_stats=1

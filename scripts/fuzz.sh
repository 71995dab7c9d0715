#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang 14, AddressSanitizer and UndefinedBehaviorSanitizer
# (build-fuzz/) and runs them from the committed seed corpus, the CLI test models and the examples:
#   fuzz_model     read -> link -> budget -> reports (tests/fuzz/fuzz_model.cpp) for SECONDS
#   fuzz_optimize  read -> link -> least cost, max effect, packages (fuzz_optimize.cpp) for
#                  OTHER_SECONDS (default: half of SECONDS)
#   fuzz_prior     prior budget files against the example (fuzz_prior.cpp) for OTHER_SECONDS
#   fuzz_variant   variant files against the example, and a comparison's column bytes
#                  (fuzz_variant.cpp) for OTHER_SECONDS
#   fuzz_simulate  read -> link -> Monte Carlo over the ranges -> reports, one thread against two
#                  (fuzz_simulate.cpp) for OTHER_SECONDS
# Any crash, abort, leak, sanitizer report, untrusted status or input slower than 10 s fails (exit
# non-zero; the input is saved in build-fuzz/). Usage: bash scripts/fuzz.sh [SECONDS [OTHER_SECONDS]]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
seconds="${1:-60}"
other_seconds="${2:-$((seconds / 2))}"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++-14 \
  -DZBB_BUILD_FUZZ=ON -DZBB_BUILD_TESTS=OFF -DZBB_BUILD_CLI=OFF -DZBB_INSTALL=OFF >/dev/null
cmake --build build-fuzz --target fuzz_model fuzz_optimize fuzz_prior fuzz_variant fuzz_simulate
cd build-fuzz
run() {  # harness, corpus directory, seconds[, seed files]
  mkdir -p "$2"
  if [ -n "${4:-}" ]; then
    cp -n $4 "$2"/ 2>/dev/null || true
  else
    cp -n ../tests/fuzz/corpus/*.json ../tests/cli/models/*.json ../examples/*.json "$2"/ 2>/dev/null || true
  fi
  echo "== $1 for $3 s"
  ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" \
  LSAN_OPTIONS="suppressions=$PWD/../tests/fuzz/lsan.supp:print_suppressions=0" \
    "./tests/fuzz/$1" "$2" -dict=../tests/fuzz/model.dict -max_total_time="$3" -timeout=10 \
    -rss_limit_mb=4096 -max_len=16384 -print_final_stats=1
}
run fuzz_model corpus "$seconds"
run fuzz_optimize corpus-optimize "$other_seconds"
run fuzz_prior corpus-prior "$other_seconds" "../examples/prior-year.csv ../tests/cli/prior/*"
run fuzz_variant corpus-variant "$other_seconds" "../examples/variants/*.json ../tests/cli/variants/*.json ../tests/fuzz/corpus-variant/*"
run fuzz_simulate corpus-simulate "$other_seconds"

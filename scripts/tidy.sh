#!/usr/bin/env bash
# Runs clang-tidy (preset: .clang-tidy) on every header of the library: one translation unit that
# includes each header under libzbb/include/zbb, so every finding in a header counts, as an error.
set -euo pipefail
cd "$(dirname "$0")/.."
tu="$(mktemp -d)/all_headers.cpp"
for h in $(cd libzbb/include && find zbb -name '*.hpp' | sort); do echo "#include \"$h\""; done > "$tu"
echo "== clang-tidy on $(wc -l < "$tu") headers"
clang-tidy --quiet --config-file=.clang-tidy --warnings-as-errors='*' "$tu" -- -std=c++20 -Ilibzbb/include \
  -isystem /usr/include/eigen3 -isystem /usr/include/coin -isystem /usr/include/suitesparse
echo "clang-tidy: clean"

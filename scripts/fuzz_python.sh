#!/usr/bin/env bash
# Runs the atheris harnesses of the Python entry points (tests/fuzz/python) from the committed seed
# corpora, each for SECONDS (default 30):
#   fuzz_dataframes  zbb.from_dataframes on generated DataFrames, then every question
#   fuzz_excel       zbb.read_excel on mutated workbooks (and raw bytes), then every question
#   fuzz_state       zbb's unpickling path (the state a Model restores from), then every question
# Any exception other than a zbb error, a crash, an untrusted status, a report that does not
# cross-foot or an input slower than 10 s fails (exit non-zero; the input is saved in
# build-fuzz/python/). Needs atheris in .venv (pip install atheris). The C++ core is not
# instrumented here (coverage guides through the Python layer); tests/fuzz/*.cpp fuzz it under
# AddressSanitizer. Usage: bash scripts/fuzz_python.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
python="$PWD/.venv/bin/python"
out="$PWD/build-fuzz/python"
mkdir -p "$out"
for harness in dataframes excel state; do
  corpus="$out/corpus-$harness"
  mkdir -p "$corpus"
  cp -n tests/fuzz/python/corpus-$harness/* "$corpus"/ 2>/dev/null || true
  echo "== fuzz_$harness for $seconds s"
  (cd "$out" && PYTHONPATH="$OLDPWD/tests/fuzz/python" "$python" "$OLDPWD/tests/fuzz/python/fuzz_$harness.py" \
    "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=16384 \
    -print_final_stats=1 2>&1 | grep -v '^INFO: Instrumenting')
done

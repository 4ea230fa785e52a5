#!/usr/bin/env bash
# Builds the metrics fuzzer with clang (libFuzzer + ASan + UBSan) in its own build directory and
# runs it for a short while (default 30 s) over the committed seed corpus.
#   tests/fuzz/run-short.sh [SECONDS] [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
seconds="${1:-30}"
build="${2:-$repo/build-fuzz}"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DOPS_FUZZ=ON -DOPS_BUILD_TESTS=ON >/dev/null
cmake --build "$build" --target fuzz_metrics_parser -j2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here"/corpus/metrics/* "$work"/
fuzzer="$build/bin/fuzz_metrics_parser"
[ -x "$fuzzer" ] || fuzzer="$build/tests/fuzz/fuzz_metrics_parser"
ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
mkdir -p "$build/fuzz-artifacts"
"$fuzzer" "$work" -artifact_prefix="$build/fuzz-artifacts/" -max_total_time="$seconds" -max_len=65536 \
  -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 2>&1 | tail -25

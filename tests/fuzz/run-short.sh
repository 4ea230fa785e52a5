#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (libFuzzer + ASan + UBSan, UBSan fatal) in their own
# build directory and runs each for a short while over its committed seed corpus:
#   fuzz_metrics_parser (corpus/metrics), fuzz_health_decoder (corpus/health),
#   fuzz_workflow_decoder (corpus/workflow), fuzz_deploy_decoder (corpus/deploy).
#   tests/fuzz/run-short.sh [TOTAL_SECONDS] [BUILD_DIR]
# TOTAL_SECONDS (default 40) is shared: the metrics parser gets 40 %, each decoder 20 %.
# Any crash, sanitizer report, leak or timeout fails the run (exit status of the fuzzer).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
total="${1:-40}"
build="${2:-$repo/build-fuzz}"
targets=(metrics_parser:metrics:40 health_decoder:health:20 workflow_decoder:workflow:20
  deploy_decoder:deploy:20)
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DOPS_FUZZ=ON -DOPS_BUILD_TESTS=ON >/dev/null
names=()
for t in "${targets[@]}"; do names+=("fuzz_${t%%:*}"); done
cmake --build "$build" --target "${names[@]}" -j2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/fuzz-artifacts"
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "${targets[@]}"; do
  IFS=: read -r name corpus share <<<"$t"
  seconds=$(((total * share + 99) / 100))
  mkdir -p "$work/$corpus"
  cp "$here/corpus/$corpus"/* "$work/$corpus"/
  fuzzer="$build/bin/fuzz_$name"
  [ -x "$fuzzer" ] || fuzzer="$build/tests/fuzz/fuzz_$name"
  echo "== fuzz_$name: ${seconds} s over corpus/$corpus =="
  status=0
  "$fuzzer" "$work/$corpus" -artifact_prefix="$build/fuzz-artifacts/$name-" \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 >"$work/$name.log" 2>&1 || status=$?
  grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added)|ERROR|SUMMARY|runtime error' \
    "$work/$name.log" || true
  if [ "$status" -ne 0 ]; then
    tail -40 "$work/$name.log"
    echo "fuzz_$name failed (exit $status); artifacts in $build/fuzz-artifacts" >&2
    exit "$status"
  fi
done

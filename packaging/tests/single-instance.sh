#!/usr/bin/env bash
# Single instance: a second launch hands its arguments to the first and exits 0 quickly; the
# first prints what it received. --new-instance and verbs do not hand over; a socket left by a
# killed console is taken over by the next one.
set -euo pipefail
bin=$1
scratch=$(mktemp -d /tmp/bhiv-ops-single.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT
export HOME=$scratch/home XDG_CONFIG_HOME=$scratch/home/.config XDG_RUNTIME_DIR=$scratch/run
export QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME" && mkdir -m 700 "$XDG_RUNTIME_DIR"
socket=$XDG_RUNTIME_DIR/org.bhiv.OpsConsole.socket
fail() {
  echo "FAIL: $*" >&2
  for f in "$scratch"/*.err; do echo "--- $f"; cat "$f"; done >&2
  exit 1
}
now_ms() { date +%s%3N; }
wait_for() { # wait_for SECONDS COMMAND...
  local until=$(($(now_ms) + $1 * 1000)); shift
  until "$@"; do (($(now_ms) < until)) || return 1; sleep 0.05; done
}

start_first() { # start_first NAME URL: a console that becomes the running one
  "$bin" --url "$2" 2>"$scratch/$1.err" &
  pids+=($!)
  wait_for 15 test -S "$socket" || fail "$1 never listened on $socket"
}

start_first first http://127.0.0.1:1
first=${pids[-1]}

began=$(now_ms)
rc=0; timeout 10 "$bin" --url http://127.0.0.1:2 --interval 7 2>"$scratch/second.err" || rc=$?
took=$(($(now_ms) - began))
[[ $rc -eq 0 ]] || fail "second launch exited $rc"
((took < 3000)) || fail "second launch took ${took} ms"
wait_for 5 grep -q "activated by another launch: --url http://127.0.0.1:2 --interval 7" \
  "$scratch/first.err" || fail "the first console did not receive the arguments"
kill -0 "$first" || fail "the first console is gone"
echo "second launch handed over in ${took} ms"

# A verb is not single-instance: it runs itself (and fails: nothing listens on port 1).
rc=0; timeout 10 "$bin" status --url http://127.0.0.1:1 --timeout 1 >/dev/null 2>&1 || rc=$?
[[ $rc -ne 0 && $rc -ne 124 ]] || fail "status verb exited $rc"
# --new-instance runs a console of its own: still running after 2 s, nothing handed over.
rc=0; timeout 2 "$bin" --new-instance --url http://127.0.0.1:3 2>"$scratch/own.err" || rc=$?
[[ $rc -eq 124 ]] || fail "--new-instance console exited $rc instead of running"
if grep -q "activated by another launch: \(status\|--new-instance\)" "$scratch/first.err"; then
  fail "a verb or --new-instance was handed to the first console"
fi

# A console killed hard leaves its socket; the next console takes it over.
kill -9 "$first"
wait "$first" 2>/dev/null || true
[[ -S $socket ]] || fail "expected a stale socket after kill -9"
"$bin" --url http://127.0.0.1:4 2>"$scratch/third.err" &
pids+=($!)
third=$!
probe() { python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])' "$1" 2>/dev/null; }
wait_for 15 probe "$socket" || fail "the third console did not take over the stale socket"
rc=0; timeout 10 "$bin" --url http://127.0.0.1:5 2>"$scratch/fourth.err" || rc=$?
[[ $rc -eq 0 ]] || fail "fourth launch exited $rc"
wait_for 5 grep -q "activated by another launch: --url http://127.0.0.1:5" "$scratch/third.err" ||
  fail "the console that took over did not receive the arguments"
kill "$third"
echo "single instance ok"

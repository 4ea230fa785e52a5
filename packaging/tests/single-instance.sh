#!/usr/bin/env bash
# Single instance: a second launch hands its arguments to the first and exits 0 quickly; the
# first acts on them (--target switches to that saved target, --url watches a temporary target,
# --page shows the page) and prints what it did, never the arguments. --new-instance and verbs
# do not hand over; a socket left by a killed console is taken over by the next one.
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

start_first() { # start_first NAME [ARGS...]: a console that becomes the running one
  local name=$1; shift
  "$bin" "$@" 2>"$scratch/$name.err" &
  pids+=($!)
  wait_for 15 test -S "$socket" || fail "$name never listened on $socket"
}
handed() { # handed CONSOLE TEXT: the running console said it did TEXT
  wait_for 5 grep -qF "activated by another launch: $2" "$scratch/$1.err"
}

# Two saved targets (nothing listens on their ports: the console watches them anyway).
"$bin" targets add alpha --url http://127.0.0.1:1 >/dev/null 2>&1 || fail "targets add alpha"
"$bin" targets add beta --url http://127.0.0.1:2 >/dev/null 2>&1 || fail "targets add beta"
start_first first --target alpha
first=${pids[-1]}

began=$(now_ms)
rc=0; timeout 10 "$bin" --target beta --page audit 2>"$scratch/second.err" || rc=$?
took=$(($(now_ms) - began))
[[ $rc -eq 0 ]] || fail "second launch exited $rc"
((took < 3000)) || fail "second launch took ${took} ms"
grep -q "passed to the console that is already running" "$scratch/second.err" ||
  fail "the second launch did not say where its arguments went"
handed first "switched to target beta; showing page audit" ||
  fail "the first console did not switch to beta and show the Audit page"
kill -0 "$first" || fail "the first console is gone"
echo "second launch handed over in ${took} ms"

# A URL no target watches becomes a temporary target; the same URL again is only switched to.
timeout 10 "$bin" --url http://127.0.0.1:3 --interval 7 2>/dev/null || fail "--url launch"
handed first "watching http://127.0.0.1:3 as a temporary target" ||
  fail "the first console did not watch the new URL"
timeout 10 "$bin" --url http://127.0.0.1:3 2>/dev/null || fail "second --url launch"
handed first "switched to http://127.0.0.1:3" || fail "the same URL was not switched to"
# Names that do not exist are said, and the arguments themselves are never printed.
timeout 10 "$bin" --target gamma --page nosuch --alert-webhook-stdin </dev/null 2>/dev/null ||
  true
handed first "no target named gamma (bhiv-ops targets list); no page named nosuch" ||
  fail "an unknown target or page was not reported"
if grep -q -- "--target\|--url\|--alert-webhook" "$scratch/first.err"; then
  fail "the running console printed a launch's arguments"
fi

# A verb is not single-instance: it runs itself (and fails: nothing listens on port 1).
handovers=$(grep -c "activated by another launch" "$scratch/first.err")
rc=0; timeout 10 "$bin" status --url http://127.0.0.1:1 --timeout 1 >/dev/null 2>&1 || rc=$?
[[ $rc -ne 0 && $rc -ne 124 ]] || fail "status verb exited $rc"
# --new-instance runs a console of its own: still running after 2 s, nothing handed over.
rc=0; timeout 2 "$bin" --new-instance --url http://127.0.0.1:3 2>"$scratch/own.err" || rc=$?
[[ $rc -eq 124 ]] || fail "--new-instance console exited $rc instead of running"
(($(grep -c "activated by another launch" "$scratch/first.err") == handovers)) ||
  fail "a verb or --new-instance was handed to the first console"

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
handed third "watching http://127.0.0.1:5 as a temporary target" ||
  fail "the console that took over did not act on the arguments"
kill "$third"
echo "single instance ok"

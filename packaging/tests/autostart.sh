#!/usr/bin/env bash
# bhiv-ops --autostart on|off writes and removes ~/.config/autostart/org.bhiv.OpsConsole.desktop.
set -euo pipefail
bin=$1
scratch=$(mktemp -d /tmp/bhiv-ops-autostart.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
export HOME=$scratch/home XDG_CONFIG_HOME=$scratch/home/.config QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME"
entry=$XDG_CONFIG_HOME/autostart/org.bhiv.OpsConsole.desktop
fail() { echo "FAIL: $*" >&2; exit 1; }

rc=0; "$bin" --autostart on >/dev/null 2>&1 || rc=$?
[[ $rc -eq 3 ]] || fail "--autostart on without a target should exit 3, got $rc"
[[ ! -e $entry ]] || fail "entry written without a target"

"$bin" --autostart on --url 'http://127.0.0.1:9/x?a=1&b=%20' --minimized
[[ -f $entry ]] || fail "no entry at $entry"
cat "$entry"
desktop-file-validate "$entry" || fail "the entry does not validate"
grep -q '^Exec=.*bhiv-ops --url "http://127.0.0.1:9/x?a=1&b=%%20" --minimized$' "$entry" ||
  fail "unexpected Exec line"

"$bin" --autostart off
[[ ! -e $entry ]] || fail "entry still there after --autostart off"
"$bin" --autostart off # idempotent
rc=0; "$bin" --autostart maybe >/dev/null 2>&1 || rc=$?
[[ $rc -eq 3 ]] || fail "--autostart maybe should exit 3, got $rc"
echo "autostart: on/off ok"

#!/usr/bin/env bash
# Runs a command with a real notification daemon: dunst on a private virtual display (Xvfb) and
# a private D-Bus session. dunst's context menu ("dmenu") is a script that logs the entries it
# is offered to $OPS_DUNST_SCRATCH/menu.log and picks the first one containing
# $OPS_DUNST_PICK (default "Acknowledge"): `dunstctl context` is then the operator's click.
# Everything started here is stopped, and the scratch folder removed, when the command ends.
#   with-dunst.sh COMMAND [ARGS...]
set -euo pipefail

if [[ -z "${OPS_WITH_DUNST_INNER:-}" ]]; then
  scratch=$(mktemp -d /tmp/bhiv-ops-dunst.XXXXXX)
  export OPS_WITH_DUNST_INNER=1 OPS_DUNST_SCRATCH="$scratch"
  # Xvfb picks a free display and writes its number to fd 3.
  Xvfb -displayfd 3 -nolisten tcp -screen 0 1280x800x24 3>"$scratch/display" \
    2>"$scratch/xvfb.log" &
  xvfb_pid=$!
  trap 'kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; rm -rf "$scratch"' EXIT
  for _ in $(seq 1 100); do
    [[ -s "$scratch/display" ]] && break
    sleep 0.05
  done
  if [[ ! -s "$scratch/display" ]]; then
    echo "with-dunst: Xvfb did not start" >&2
    cat "$scratch/xvfb.log" >&2
    exit 1
  fi
  export DISPLAY=":$(head -n1 "$scratch/display")"
  status=0
  dbus-run-session -- "$0" "$@" || status=$?
  exit $status
fi

# Inside the private session.
cat >"$OPS_DUNST_SCRATCH/menu.sh" <<'MENU'
#!/bin/sh
tee -a "$OPS_DUNST_SCRATCH/menu.log" | grep -m1 -F "${OPS_DUNST_PICK:-Acknowledge}"
MENU
chmod +x "$OPS_DUNST_SCRATCH/menu.sh"
cat >"$OPS_DUNST_SCRATCH/dunstrc" <<CONF
[global]
    dmenu = $OPS_DUNST_SCRATCH/menu.sh
    browser = /bin/true
    history_length = 50
CONF
dunst -config "$OPS_DUNST_SCRATCH/dunstrc" >"$OPS_DUNST_SCRATCH/dunst.log" 2>&1 &
dunst_pid=$!
trap 'kill "$dunst_pid" 2>/dev/null || true; wait "$dunst_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null |
    grep -q 'boolean true'; then
    break
  fi
  sleep 0.05
done
export OPS_NOTIFICATION_DAEMON=dunst
status=0
"$@" || status=$?
if [[ $status -ne 0 ]]; then
  echo "--- dunst log ---" >&2
  tail -n 20 "$OPS_DUNST_SCRATCH/dunst.log" >&2 || true
fi
exit $status

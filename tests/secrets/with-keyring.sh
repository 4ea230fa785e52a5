#!/usr/bin/env bash
# Runs a command against a real Secret Service: gnome-keyring-daemon (secrets component) on a
# private D-Bus session, unlocked with a test password, with HOME and the XDG folders in a
# temporary folder. The daemon is killed and the folder removed afterwards.
#   with-keyring.sh [--no-keyring | --locked] COMMAND [ARGS...]
# --no-keyring: a private D-Bus session with no Secret Service and nothing activatable, to test
# the "no keychain backend" path.
# --locked: the login keyring exists (made with a password, holding one item) but the daemon
# serving it was started without the password, and no unlock prompt can appear: a locked
# keychain.
# A private session (not the one scripts/test provides) so that parallel suites never share or
# race for org.freedesktop.secrets.
set -euo pipefail

mode=keyring
if [[ "${1:-}" == "--no-keyring" ]]; then
  mode=none
  shift
elif [[ "${1:-}" == "--locked" ]]; then
  mode=locked
  shift
fi

if [[ -z "${OPS_WITH_KEYRING_INNER:-}" ]]; then
  scratch=$(mktemp -d /tmp/bhiv-ops-keyring.XXXXXX)
  trap 'rm -rf "$scratch"' EXIT
  export HOME="$scratch/home" XDG_RUNTIME_DIR="$scratch/run"
  export XDG_CONFIG_HOME="$scratch/home/.config" XDG_DATA_HOME="$scratch/home/.local/share"
  export XDG_CACHE_HOME="$scratch/home/.cache" OPS_TEST_SCRATCH="$scratch"
  mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
  chmod 700 "$XDG_RUNTIME_DIR"
  export OPS_WITH_KEYRING_INNER=1
  # No servicedir: nothing (gnome-keyring included) can be started by D-Bus activation.
  cat >"$scratch/session.conf" <<'CONF'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
  status=0
  if [[ $mode == none ]]; then
    dbus-run-session --config-file="$scratch/session.conf" -- "$0" --no-keyring "$@" || status=$?
  elif [[ $mode == locked ]]; then
    dbus-run-session --config-file="$scratch/session.conf" -- "$0" --locked "$@" || status=$?
  else
    dbus-run-session --config-file="$scratch/session.conf" -- "$0" "$@" || status=$?
  fi
  exit $status
fi

# Inside the private session.
if [[ $mode == none ]]; then
  exec "$@"
fi

wait_for_secrets() {
  for _ in $(seq 1 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
      grep -q 'boolean true'; then
      return 0
    fi
    sleep 0.05
  done
}

if [[ $mode == locked ]]; then
  # Make the login keyring with a password and one item, then serve it without the password.
  printf '%s' testpass | gnome-keyring-daemon --foreground --unlock --components=secrets \
    >"$OPS_TEST_SCRATCH/keyring-setup.log" 2>&1 &
  setup_pid=$!
  wait_for_secrets
  printf '%s' placeholder | secret-tool store --label=setup bhiv-ops-test setup
  kill "$setup_pid"
  wait "$setup_pid" 2>/dev/null || true
  while dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
    grep -q 'boolean true'; do
    sleep 0.05
  done
  gnome-keyring-daemon --foreground --components=secrets >"$OPS_TEST_SCRATCH/keyring.log" 2>&1 &
else
  printf '%s' testpass | gnome-keyring-daemon --foreground --unlock --components=secrets \
    >"$OPS_TEST_SCRATCH/keyring.log" 2>&1 &
fi
keyring_pid=$!
trap 'kill "$keyring_pid" 2>/dev/null || true; wait "$keyring_pid" 2>/dev/null || true' EXIT
wait_for_secrets
status=0
"$@" || status=$?
exit $status

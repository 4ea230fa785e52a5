#!/usr/bin/env bash
# bhiv-ops --version and --help, the German translation, and the man page made from --help.
# Usage: cli.sh BHIV_OPS MAN_PAGE
set -euo pipefail
bin=$1 man=$2
export QT_QPA_PLATFORM=offscreen
fail() { echo "FAIL: $*" >&2; exit 1; }

version=$(LC_ALL=C "$bin" --version)
[[ $version == "bhiv-ops 0.1.0" ]] || fail "--version printed '$version'"

help=$(LC_ALL=C LANG=C "$bin" --help)
for option in --demo --url --minimized --new-instance --autostart --screenshot; do
  grep -q -- "$option" <<<"$help" || fail "--help does not mention $option"
done

# The German translation is embedded and picked by the locale.
german=$(LC_ALL= LANGUAGE= LANG=de_DE.UTF-8 "$bin" --help)
grep -q "Gateway-Simulator" <<<"$german" || fail "German --help not translated: $german"

[[ -s $man ]] || fail "no man page at $man"
for option in new-instance autostart minimized screenshot-delay; do
  # roff escapes every hyphen: --new-instance is written \-\-new\-instance
  grep -qF -- "\\-\\-${option//-/\\-}" "$man" || fail "man page misses --$option"
done
grep -q '^\.TH BHIV-OPS "1"' "$man" || fail "man page has no .TH header"
echo "cli: version, help, German help and man page ok"

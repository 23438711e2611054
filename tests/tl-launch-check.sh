#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Stands in for a trading program in the app's tests: checks what the app
# hands over (environment, the session on the inherited descriptor) and
# records it in RESULT for the test to compare. With "wait" it keeps
# running until RESULT.stop exists, so that the test sees it run.
#
# usage: tl-launch-check.sh RESULT [wait] [EXIT-STATUS]
set -eu

result="$1"
fd="${TL_SESSION_FD:-}"

case "$fd" in
  ''|*[!0-9]*) echo "TL_SESSION_FD is not a descriptor number: '$fd'" >&2; exit 90 ;;
esac

# One JSON line on the pipe, then end of file.
line=$(eval "head -n 1 <&$fd")
rest=$(eval "cat <&$fd")

{
  printf 'TL_SERVER_URL=%s\n' "${TL_SERVER_URL:-}"
  printf 'TL_MODE=%s\n' "${TL_MODE:-}"
  printf 'TL_USERNAME=%s\n' "${TL_USERNAME:-}"
  printf 'TL_SESSION_FD=%s\n' "$fd"
  printf 'ARGC=%s\n' "$#"
  printf 'REST=%s\n' "$rest"
  printf 'SESSION=%s\n' "$line"
} > "$result.tmp"
mv "$result.tmp" "$result"

if [ "${2:-}" = wait ]; then
  i=0
  while [ ! -e "$result.stop" ] && [ "$i" -lt 600 ]; do
    sleep 0.1
    i=$((i + 1))
  done
fi

exit "${3:-0}"

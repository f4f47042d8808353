#!/usr/bin/env bash
# CrumbleCracker: builds the guest agent (kernel/agent/*.c) as one static musl
# binary, OUTDIR/crumble-agent. Rebuilds only when a source (or this script) is
# newer than the binary. Prints the binary's path on stdout.
#
#   kernel/agent/build.sh OUTDIR
#
# Needs musl-gcc (Debian/Ubuntu package musl-tools). The protocol it serves is
# docs/agent-protocol.md.
set -euo pipefail

readonly HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"

die() { printf 'agent: error: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 1 && -n "$1" && "$1" != -* ]] || die "usage: kernel/agent/build.sh OUTDIR"
command -v musl-gcc >/dev/null 2>&1 \
  || die "musl-gcc not found; install the musl-tools package (apt-get install musl-tools)"

mkdir -p "$1"
readonly OUT="$(cd "$1" && pwd)/crumble-agent"
shopt -s nullglob
readonly SOURCES=("$HERE"/*.c)
readonly HEADERS=("$HERE"/*.h)
((${#SOURCES[@]} > 0)) || die "no sources in $HERE"

stale=1
if [[ -x "$OUT" ]]; then
  stale=0
  for f in "${SOURCES[@]}" "${HEADERS[@]}" "$SELF"; do
    [[ "$f" -nt "$OUT" ]] && { stale=1; break; }
  done
fi

if ((stale)); then
  tmp="$OUT.tmp.$$"
  trap 'rm -f "$tmp"' EXIT
  musl-gcc -std=c11 -static -Os -s \
    -Wall -Wextra -Werror \
    -ffunction-sections -fdata-sections -Wl,--gc-sections \
    -fno-asynchronous-unwind-tables -fno-unwind-tables \
    -o "$tmp" "${SOURCES[@]}" \
    || die "compilation failed"
  mv -f "$tmp" "$OUT"
  trap - EXIT
  printf 'agent: built %s (%s bytes)\n' "$OUT" "$(stat -c %s "$OUT")" >&2
fi
printf '%s\n' "$OUT"

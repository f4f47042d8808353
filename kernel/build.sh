#!/usr/bin/env bash
# CrumbleCracker: reproducible, cached build of the guest kernel from Debian's
# linux-source-6.1 package. See kernel/README.md for the why; `--help` for use.
set -euo pipefail

readonly HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
readonly FRAGMENT="$HERE/config/crumble.config"
readonly PATCH_DIR="$HERE/patches"
readonly SRC_PKG=linux-source-6.1
readonly SRC_TARBALL=/usr/src/linux-source-6.1.tar.xz
readonly BUILD_PKGS=(build-essential flex bison bc libelf-dev libssl-dev cpio "$SRC_PKG")
readonly CACHE_ROOT="${CRUMBLE_CACHE:-${HOME:?HOME is not set; set CRUMBLE_CACHE}/.cache/crumblecracker}/kernel"

export LC_ALL=C TZ=UTC

usage() {
  cat <<EOF
Usage: kernel/build.sh [--print-dir | --hash | --help]

Builds the CrumbleCracker guest kernel (make tinyconfig + config/crumble.config,
patches/*.patch applied to Debian's $SRC_PKG) unless a build for the same
inputs is already cached. Build packages are installed with apt-get if missing.

Outputs: \${CRUMBLE_CACHE:-\$HOME/.cache/crumblecracker}/kernel/<hash>/
           vmlinux bzImage config build.log inputs
         .../kernel/current -> <hash>   (the last build or cache hit)
The last line on stdout is the output directory.

  --print-dir  print the output directory for the current inputs without
               building; exit 3 if it has not been built yet
  --hash       print the input hash only
  --help       this text

Environment: CRUMBLE_CACHE (cache root), CRUMBLE_KEEP_BUILD_TREE=1 (keep the
kernel build tree after a successful build, under <cache>/kernel/.work/).
EOF
}

say() { printf 'kernel: %s\n' "$*" >&2; }
die() { printf 'kernel: error: %s\n' "$*" >&2; exit "${2:-1}"; }

# Prints the installed version of a package, or nothing if it is not installed.
installed_version() {
  dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null \
    | awk '$1 == "install" && $3 == "installed" { print $4 }'
}

# Installs the build packages that are missing; does nothing (and needs no
# network) when all are present.
ensure_packages() {
  local missing=() pkg
  for pkg in "${BUILD_PKGS[@]}"; do
    [[ -n "$(installed_version "$pkg")" ]] || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  local sudo=()
  if ((EUID != 0)); then
    sudo -n true 2>/dev/null \
      || die "missing packages: ${missing[*]}; run as root: apt-get update && apt-get install -y ${BUILD_PKGS[*]}"
    sudo=(sudo -n)
  fi
  say "installing build packages: ${missing[*]}…"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${BUILD_PKGS[@]}" >&2
}

# The hash inputs, one line each: the source package version, then the sha256
# of the config fragment, of every patch (in name order) and of this script.
hash_inputs() {
  local version f
  version="$(installed_version "$SRC_PKG")"
  [[ -n "$version" ]] || return 1
  printf 'crumble-kernel v1\n'
  printf 'package %s %s\n' "$SRC_PKG" "$version"
  printf 'file config/%s %s\n' "$(basename "$FRAGMENT")" "$(sha256sum <"$FRAGMENT" | cut -d' ' -f1)"
  for f in "$PATCH_DIR"/*.patch; do
    [[ -e "$f" ]] || continue
    printf 'file patches/%s %s\n' "$(basename "$f")" "$(sha256sum <"$f" | cut -d' ' -f1)"
  done
  printf 'file %s %s\n' "$(basename "$SELF")" "$(sha256sum <"$SELF" | cut -d' ' -f1)"
}

input_hash() { hash_inputs | sha256sum | cut -d' ' -f1; }

is_built() { [[ -f "$1/vmlinux" && -f "$1/bzImage" && -f "$1/config" ]]; }

# Points <cache>/kernel/current at the given hash, atomically.
set_current() {
  local tmp="$CACHE_ROOT/.current.$$"
  ln -sfn "$1" "$tmp"
  mv -Tf "$tmp" "$CACHE_ROOT/current"
}

# Checks that every value the fragment asks for survived olddefconfig.
verify_config() {
  local fragment="$1" final="$2" line sym bad=0
  while IFS= read -r line; do
    if [[ "$line" =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
      if ! grep -qxF -- "$line" "$final"; then
        sym="${BASH_REMATCH[1]}"
        say "config: asked for '$line', got '$(grep -E "^(# )?$sym[= ]" "$final" || echo "$sym absent")'"
        bad=1
      fi
    elif [[ "$line" =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
      sym="${BASH_REMATCH[1]}"
      if grep -qE "^$sym=" "$final"; then
        say "config: asked for '$sym' off, got '$(grep -E "^$sym=" "$final")'"
        bad=1
      fi
    fi
  done <"$fragment"
  ((bad == 0)) || { say "error: config fragment not satisfied after olddefconfig (missing dependencies?)"; return 1; }
}

build() {
  local hash="$1" out="$2"
  local work="$CACHE_ROOT/.work/$hash"
  local tmp="$CACHE_ROOT/.tmp.$hash.$$"
  local log="$work/build.log"
  local src="$work/linux-source-6.1"
  local start=$SECONDS

  rm -rf "$CACHE_ROOT/.work" "$CACHE_ROOT"/.tmp.*   # leftovers of interrupted builds; we hold the lock
  mkdir -p "$work" "$tmp"
  trap "rm -rf '$tmp'" EXIT   # never leave a half-filled output directory behind
  : >"$log"
  hash_inputs >"$tmp/inputs"

  # Runs a step with its output in build.log; on failure shows the tail and exits.
  step() {
    if ! "$@" >>"$log" 2>&1; then
      say "FAILED: $*"
      say "last 40 lines of $log:"
      tail -n 40 "$log" >&2
      say "build tree kept in $work"
      exit 1
    fi
  }

  # Reproducible build identity: no host name, user or wall-clock time.
  export KBUILD_BUILD_USER=crumble KBUILD_BUILD_HOST=crumblecracker KBUILD_BUILD_VERSION=1
  export KBUILD_BUILD_TIMESTAMP="$(date -u -R -d "@$(stat -c %Y "$SRC_TARBALL")")"
  export LOCALVERSION=   # set but empty: no "+" suffix from scripts/setlocalversion

  say "extracting $SRC_PKG $(installed_version "$SRC_PKG")…"
  step tar -xf "$SRC_TARBALL" -C "$work"
  [[ -d "$src" ]] || die "$SRC_TARBALL did not contain linux-source-6.1/"

  local p
  for p in "$PATCH_DIR"/*.patch; do
    [[ -e "$p" ]] || continue
    say "applying $(basename "$p")…"
    step patch -p1 -N --no-backup-if-mismatch -d "$src" -i "$p"
  done

  cd "$src"   # merge_config.sh puts its temporary files in the current directory
  say "configuring…"
  step make tinyconfig
  step scripts/kconfig/merge_config.sh -m .config "$FRAGMENT"
  step make olddefconfig
  verify_config "$FRAGMENT" .config || { say "build tree kept in $work"; exit 1; }

  say "building (takes ~3-4 min on 2 cores)…"
  step make -j"$(nproc)" bzImage

  cp "$src/vmlinux" "$tmp/vmlinux"
  cp "$src/arch/x86/boot/bzImage" "$tmp/bzImage"
  cp "$src/.config" "$tmp/config"
  cp "$log" "$tmp/build.log"
  rm -rf "$out"   # only an incomplete directory can be here
  mv -T "$tmp" "$out"
  set_current "$hash"
  cd /
  if [[ "${CRUMBLE_KEEP_BUILD_TREE:-}" != 1 ]]; then rm -rf "$CACHE_ROOT/.work"; fi
  say "built in $(((SECONDS - start) / 60))m$(((SECONDS - start) % 60))s: $out"
}

main() {
  local mode=build
  case "${1:-}" in
    "") ;;
    --print-dir) mode=print-dir ;;
    --hash) mode=hash ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  (($# <= 1)) || { usage >&2; exit 2; }
  [[ "$(uname -m)" == x86_64 ]] || die "the guest kernel is built natively on x86_64 hosts only"

  local hash out
  case "$mode" in
    hash)
      [[ -n "$(installed_version "$SRC_PKG")" ]] || die "$SRC_PKG is not installed; run kernel/build.sh once" 2
      input_hash
      exit 0 ;;
    print-dir)
      [[ -n "$(installed_version "$SRC_PKG")" ]] || { say "not built ($SRC_PKG is not installed)"; exit 3; }
      out="$CACHE_ROOT/$(input_hash)"
      is_built "$out" || { say "not built yet: $out"; exit 3; }
      echo "$out"
      exit 0 ;;
  esac

  ensure_packages
  [[ -f "$SRC_TARBALL" ]] || die "$SRC_TARBALL is missing although $SRC_PKG is installed"
  hash="$(input_hash)"
  out="$CACHE_ROOT/$hash"
  if is_built "$out"; then
    set_current "$hash"
    echo "$out"
    exit 0
  fi

  mkdir -p "$CACHE_ROOT"
  exec 9>"$CACHE_ROOT/.lock"
  if ! flock -n 9; then
    say "waiting for another kernel build to finish ($CACHE_ROOT/.lock)…"
    flock 9
  fi
  if ! is_built "$out"; then   # the build we waited for may have been this one
    build "$hash" "$out"
  fi
  set_current "$hash"
  echo "$out"
}

main "$@"

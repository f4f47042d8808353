#!/usr/bin/env bash
# Installs every Debian package the project needs to build, boot and test, and checks the JDK.
# Idempotent: when everything is present it touches no network and takes well under a second.
set -euo pipefail

PACKAGES=(
  # guest kernel build (kernel/build.sh)
  build-essential flex bison bc libelf-dev libssl-dev cpio linux-source-6.1
  # the qemu engine, and tools the tests use as oracles
  qemu-system-x86 erofs-utils busybox-static musl-tools
)

JAVA_HOME_DEFAULT=/usr/lib/jvm/temurin-25-jdk-amd64
java_home="${JAVA_HOME:-$JAVA_HOME_DEFAULT}"
if [[ ! -x "$java_home/bin/java" ]] || ! "$java_home/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
  if [[ -x "$JAVA_HOME_DEFAULT/bin/java" ]]; then
    java_home="$JAVA_HOME_DEFAULT"
  else
    echo "install-deps: JDK 25 not found (looked at \$JAVA_HOME and $JAVA_HOME_DEFAULT)." >&2
    echo "install-deps: install Temurin 25 and set JAVA_HOME to it." >&2
    exit 1
  fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done
if ! command -v mvn >/dev/null 2>&1; then
  missing+=(maven)
fi

if (( ${#missing[@]} > 0 )); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: missing packages: ${missing[*]}; run this script as root (or install them)." >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
echo "$java_home"

#!/usr/bin/env bash
# The agent protocol's own cost, side by side with its floor on this host: the JMH HostAgentBenchmark
# (the real agent as a host process on a UNIX socket, driven by the real client) against C doing only
# what cannot be avoided (posix_spawn + waitpid of the same /bin/true; a UNIX socket round trip).
# Protocol overhead per process = execTrue - spawn. Usage: benchmarks/agent-exec-comparison.sh [OUTPUT_FILE]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/benchmarks/results/agent-exec.txt}"
JAVA_HOME="$("$root/scripts/install-deps.sh")"
export JAVA_HOME
(cd "$root" && mvn -B -q -ntp -DskipTests install -pl benchmarks -am) >&2

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -O2 -Wall -o "$work/spawn_bench" "$root/benchmarks/native/spawn_bench.c"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
c_spawn=$(for i in 1 2 3 4 5; do "$work/spawn_bench" spawn /bin/true 500; done | sed 's/.*=//' | median)
c_rtt=$(for i in 1 2 3 4 5; do "$work/spawn_bench" socket 20000; done | sed 's/.*=//' | median)

(cd "$work" && "$JAVA_HOME/bin/java" -jar "$root/benchmarks/target/benchmarks.jar" 'agent\.HostAgentBenchmark' \
  -rf csv -rff "$work/jmh.csv") >&2
score() { tr -d '\r' < "$work/jmh.csv" | awk -F, -v b="$1" '$1 ~ b {print $5}'; }
j_exec=$(score 'execTrue')
j_ping=$(score 'ping')
j_read=$(score 'pread1MiB')

{
  echo "# agent protocol, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, kernel $(uname -r)"
  echo "# command: benchmarks/agent-exec-comparison.sh"
  printf "%-52s %10s\n" "measure" "us"
  printf "%-52s %10.1f\n" "java: exec /bin/true round trip (connect..EOF)" "$j_exec"
  printf "%-52s %10.1f\n" "c: posix_spawn + waitpid /bin/true" "$(echo "$c_spawn / 1000" | bc -l)"
  printf "%-52s %10.1f\n" "protocol overhead per process (java - c)" "$(echo "$j_exec - $c_spawn / 1000" | bc -l)"
  printf "%-52s %10.1f\n" "java: ping (one request/reply, pooled connection)" "$j_ping"
  printf "%-52s %10.1f\n" "c: UNIX socket round trip" "$(echo "$c_rtt / 1000" | bc -l)"
  printf "%-52s %10.1f\n" "java: pread 1 MiB (one op)" "$j_read"
} | tee "$out"

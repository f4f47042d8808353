#!/usr/bin/env bash
# Runs the KVM exit benchmarks side by side: the Java VMM (JMH) and the C program over raw ioctls,
# on identical hand-assembled guests, and prints the Java/C ratios.
# Usage: benchmarks/kvm-exit-comparison.sh [OUTPUT_FILE]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/benchmarks/results/kvm-exits.txt}"
JAVA_HOME="$("$root/scripts/install-deps.sh")"
export JAVA_HOME
kernel_dir="$("$root/kernel/build.sh" | tail -n 1)"
export CRUMBLE_KERNEL_DIR="$kernel_dir"
(cd "$root" && mvn -B -q -ntp -DskipTests install -pl benchmarks -am) >&2

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -O2 -Wall -o "$work/exit_bench" "$root/benchmarks/native/exit_bench.c"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
c_pio=$("$work/exit_bench" exits pio 20000 15 | sed 's/.*ns_per_exit=//' | median)
c_mmio=$("$work/exit_bench" exits mmio 20000 15 | sed 's/.*ns_per_exit=//' | median)
c_first=$("$work/exit_bench" first "$kernel_dir/vmlinux" 25 | tail -n 20 | sed 's/.*=//' | median)

"$JAVA_HOME/bin/java" -jar "$root/benchmarks/target/benchmarks.jar" 'kvm\.(ExitRoundTrip|FirstInstruction)' \
  -rf csv -rff "$work/jmh.csv" >&2
# JMH CSV: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: kind"
score() { tr -d '\r' < "$work/jmh.csv" | awk -F, -v b="$1" -v p="$2" '$1 ~ b && ($8 == p || $8 == "\"" p "\"") {print $5}'; }
j_pio=$(score 'ExitRoundTripBenchmark.exits' pio)
j_mmio=$(score 'ExitRoundTripBenchmark.exits' mmio)
j_first=$(score 'firstInstruction' '')

{
  echo "# KVM exit benchmarks, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, kernel $(uname -r)"
  echo "# command: benchmarks/kvm-exit-comparison.sh"
  printf "%-34s %12s %12s %8s\n" "measure" "java" "c" "java/c"
  printf "%-34s %12.0f %12.0f %8.2f\n" "port-I/O exit round trip (ns)" "$j_pio" "$c_pio" "$(echo "$j_pio / $c_pio" | bc -l)"
  printf "%-34s %12.0f %12.0f %8.2f\n" "MMIO exit round trip (ns)" "$j_mmio" "$c_mmio" "$(echo "$j_mmio / $c_mmio" | bc -l)"
  printf "%-34s %12.0f %12.0f %8.2f\n" "API call to first instruction (us)" "$j_first" "$c_first" "$(echo "$j_first / $c_first" | bc -l)"
} | tee "$out"

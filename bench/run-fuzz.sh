#!/usr/bin/env bash
# Issue 11's long fuzz run: 1,000,000 inputs (default) through the decoder, the metadata-text
# parser, the importer and the whole report path, with the heap capped at 256 MiB.
# usage: bench/run-fuzz.sh [--inputs N] [--seed S] [--out DIR] [--targets decode,parse,import,report]
#                          [--replay target:seed]
# Prints inputs/s, crashes by cause (reproducers saved under --out, default bench/results/fuzz),
# slow inputs (> 200 ms CPU) with their times, and the heap peak and used-after-GC figures.
# Exits 1 when any input failed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ ! -f bench/target/benchmarks.jar ] || [ -n "${REBUILD:-}" ]; then
  mvn -q -B -pl bench -am package -DskipTests
fi
# -XX:-OmitStackTraceInFastThrow: after many throws of one exception HotSpot drops its stack
# trace, and crashes could then no longer be grouped by where they come from.
exec java -Xmx256m -XX:-OmitStackTraceInFastThrow -Dlvmcoord.fixtures="$ROOT/testdata/lvm2" -cp bench/target/benchmarks.jar \
  io.lvmcoord.bench.FuzzBench "$@"

#!/usr/bin/env bash
# JMH benchmark of decoding lvm2 fixture s06 (300 LVs, ~100 KB metadata text).
# usage: bench/run-decode.sh [extra JMH args, e.g. -f 2 -wi 10]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[ -f bench/target/benchmarks.jar ] || mvn -q -B -DskipTests install
exec java -Dlvmcoord.fixtures="$ROOT/testdata/lvm2" -jar bench/target/benchmarks.jar DecodeBenchmark "$@"

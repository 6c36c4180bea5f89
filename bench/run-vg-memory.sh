#!/usr/bin/env bash
# Heap per VG aggregate: 2000 VGs x 5 PVs reported into sharded, H2-journaled entities in one
# JVM; prints live and passivated (idle) bytes per VG.  usage: bench/run-vg-memory.sh [VGS] [PVS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[ -f bench/target/benchmarks.jar ] || mvn -q -B -Dstyle.color=never -DskipTests install
exec java -Xmx2g -cp bench/target/benchmarks.jar io.lvmcoord.bench.VgMemoryBench "${1:-2000}" "${2:-5}"

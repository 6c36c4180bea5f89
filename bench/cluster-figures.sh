#!/usr/bin/env bash
# Cluster figures: runs the multi-JVM suite (three real agent JVMs per class, one embedded
# PostgreSQL 16 as the shared journal, a shared "SAN" directory of lvm2-written images) and
# prints the lines the tests measure: propagation of 100 writes from A to B and C (p50/p99),
# failover after kill -9 of sanvg's shard host, rejoin, aeron-udp propagation and the ten
# kill/restart cycles.
#
#   bench/cluster-figures.sh            # all classes (~6-8 min on 2 cores)
#   bench/cluster-figures.sh ThreeNodeClusterTest
set -euo pipefail
cd "$(dirname "$0")/.."
tests="${1:-ThreeNodeClusterTest,AeronUdpClusterTest,FaultTest}"
mvn -B -q -DskipTests install >/dev/null
mvn -B -pl multi-jvm-tests verify -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false 2>&1 | tee /tmp/lvmcoord-cluster-figures.log \
  | grep -E "^MJVM|Tests run:|FAIL" || true

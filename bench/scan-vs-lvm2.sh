#!/usr/bin/env bash
# Benchmark: lvmcoord's scan vs lvm2's pvs over N loop devices carrying real PVs made by lvm2.
# usage: sudo bench/scan-vs-lvm2.sh [N=1000] [RUNS=3]
# Needs root, losetup and lvm2 (installed with apt-get when missing). Cleans up the loop devices
# and files it created, also on failure or Ctrl-C.
set -euo pipefail
N=${1:-1000}
RUNS=${2:-3}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/node-agent/target/lvmcoord.jar"
[ "$(id -u)" = 0 ] || { echo "bench: must run as root (loop devices, lvm2)" >&2; exit 1; }
command -v losetup >/dev/null || { echo "bench: losetup is required" >&2; exit 1; }
if ! command -v pvs >/dev/null; then
  echo "== installing lvm2" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q lvm2 >/dev/null
fi
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B -Dstyle.color=never -DskipTests install >&2)

WORK=$(mktemp -d /var/tmp/lvmcoord-bench.XXXXXX)
LOOPS=()
cleanup() {
  for l in "${LOOPS[@]}"; do losetup -d "$l" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
export LVM_SUPPRESS_FD_WARNINGS=1
# lvm2 report commands write backups and hints unless told not to.
LVMCONF='devices { hints="none" } backup { backup=0 archive=0 }'

echo "== creating $N loop devices with lvm2 PVs (VGs of 10 PVs, one 4 MiB LV each)" >&2
for i in $(seq 1 "$N"); do
  truncate -s 8M "$WORK/d$i.img"
  LOOPS+=("$(losetup -f --show "$WORK/d$i.img")")
done
printf '%s\n' "${LOOPS[@]}" > "$WORK/devices.txt"
ALL=$(paste -sd, "$WORK/devices.txt")
for ((s = 0; s < N; s += 10)); do
  grp=("${LOOPS[@]:s:10}")
  list=$(IFS=,; echo "${grp[*]}")
  pvcreate -q -y --config "$LVMCONF" --devices "$list" "${grp[@]}" >/dev/null
  vg="benchvg$((s / 10))"
  vgcreate -q --config "$LVMCONF" --devices "$list" -s 1m "$vg" "${grp[@]}" >/dev/null
  lvcreate -q --config "$LVMCONF" --devices "$list" --driverloaded n -an -Zn -L 4m -n lv "$vg" >/dev/null 2>&1 || true
done
sync

ms() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "== lvm2 pvs (1 warm-up + $RUNS timed runs)" >&2
pvs --config "$LVMCONF" --devices "$ALL" >/dev/null 2>&1
LVM_TIMES=()
for r in $(seq 1 "$RUNS"); do
  t0=$(ms); pvs --config "$LVMCONF" --devices "$ALL" > "$WORK/lvm2-pvs.txt" 2>/dev/null; t1=$(ms)
  LVM_TIMES+=($(( (t1 - t0) / 1000000 )))
done
LVM_MS=$(printf '%s\n' "${LVM_TIMES[@]}" | median)
LVM_PVS=$(($(wc -l < "$WORK/lvm2-pvs.txt") - 1))

declare -A SCAN_MS WALL_MS READS BYTES SYSC PVSN FAULTS
for engine in io_uring pread; do
  echo "== lvmcoord scan --engine $engine: $RUNS warm runs (20th scan in one JVM, every text re-read and re-parsed)" >&2
  scans=(); walls=()
  for r in $(seq 1 "$RUNS"); do
    java -jar "$JAR" scan --devices-file "$WORK/devices.txt" --engine "$engine" --stats --repeat 20 --no-metadata-reuse \
      >/dev/null 2> "$WORK/stats.txt" || true
    line=$(grep '^scan-stats' "$WORK/stats.txt")
    scans+=("$(sed 's/.*elapsed_ms=\([0-9]*\).*/\1/' <<<"$line")")
  done
  echo "   last: $line" >&2
  echo "== lvmcoord scan --engine $engine: $RUNS one-shot processes (JVM start included)" >&2
  for r in $(seq 1 "$RUNS"); do
    t0=$(ms); java -jar "$JAR" scan --devices-file "$WORK/devices.txt" --engine "$engine" >/dev/null 2>&1 || true; t1=$(ms)
    walls+=($(( (t1 - t0) / 1000000 )))
  done
  SCAN_MS[$engine]=$(printf '%s\n' "${scans[@]}" | median)
  WALL_MS[$engine]=$(printf '%s\n' "${walls[@]}" | median)
  READS[$engine]=$(sed 's/.* reads=\([0-9]*\).*/\1/' <<<"$line")
  BYTES[$engine]=$(sed 's/.* bytes=\([0-9]*\).*/\1/' <<<"$line")
  SYSC[$engine]=$(sed 's/.* syscalls=\([0-9]*\).*/\1/' <<<"$line")
  PVSN[$engine]=$(sed 's/.* pvs=\([0-9]*\).*/\1/' <<<"$line")
  FAULTS[$engine]=$(sed 's/.* faults=\([0-9]*\).*/\1/' <<<"$line")
done

echo
echo "scan of $N loop-device PVs (lvm2 $(pvs --version | awk '/LVM version/ {print $3}'), medians of $RUNS runs)"
printf '%-28s %9s %9s %10s %11s %13s %6s\n' "what" "wall_ms" "ratio" "reads/dev" "bytes/dev" "syscalls/dev" "pvs"
printf '%-28s %9d %9s %10s %11s %13s %6d\n' "lvm2 pvs (warm)" "$LVM_MS" "1.00" "-" "-" "-" "$LVM_PVS"
for engine in io_uring pread; do
  for kind in scan process; do
    if [ $kind = scan ]; then t=${SCAN_MS[$engine]}; label="lvmcoord scan $engine (warm)"; else t=${WALL_MS[$engine]}; label="  one-shot JVM process"; fi
    printf '%-28s %9d %9s %10s %11s %13s %6s\n' "$label" "$t" "$(awk -v a="$t" -v b="$LVM_MS" 'BEGIN {printf "%.3f", a / b}')" \
      "$(awk -v a="${READS[$engine]}" -v n="$N" 'BEGIN {printf "%.3f", a / n}')" \
      "$(awk -v a="${BYTES[$engine]}" -v n="$N" 'BEGIN {printf "%.0f", a / n}')" \
      "$(awk -v a="${SYSC[$engine]}" -v n="$N" 'BEGIN {printf "%.3f", a / n}')" "${PVSN[$engine]}"
  done
done
echo "faults: io_uring=${FAULTS[io_uring]} pread=${FAULTS[pread]}"
echo "targets: warm scan <= 0.25x lvm2; reads/dev <= 1.05; io_uring syscalls/dev <= 3"

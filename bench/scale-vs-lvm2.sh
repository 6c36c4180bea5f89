#!/usr/bin/env bash
# Scale benchmark (issue 12): the agent's start-up, memory, queries and rescans, and the one-shot
# scan, over N loop-device PVs made by real lvm2, beside lvm2's own pvs/vgs on the same devices in
# the same run.
#
# usage: sudo bench/scale-vs-lvm2.sh N        (N = 1000 or 10000 for the issue's figures)
#
# Layout of the N PVs (8 MiB sparse images, extent size 1 MiB, one 4 MiB inactive LV per VG):
#   ORPHANS (N/10) PVs in no VG; one wide VG `benchwide` of WIDE (min(1000, N/2)) PVs; the rest in
#   VGs of PER_VG (5) PVs, benchvg0...
#
# What it does (see bench/SCALE-BENCH.md):
#   1. attaches N loop devices to sparse images in a fresh mktemp dir under /var/tmp, makes them PVs
#      (pvcreate in batches of PV_BATCH), then the VGs and LVs in JOBS parallel lanes, every lvm2
#      command confined to the bench's loops with --devices, no hints, no metadata backups,
#      autoactivation off, device-mapper never touched;
#   2. times lvm2 `pvs` and `vgs` over all N devices (1 warm-up + LVM_ROUNDS timed, median);
#   3. times the one-shot `bin/lvmcoord scan --devices-file <the loops> --stats` (1 warm-up +
#      SCAN_RUNS timed): elapsed_ms from its scan-stats line, wall time, max RSS (GNU time);
#   4. agent start #1 (no class-data archive: the build's is set aside; fresh state dir): wall
#      time from launch to "lvmcoord agent ready on" and to "start-up scan persisted"; SIGTERM
#      (it writes an archive at exit);
#   5. agent start #2 (fresh state dir) with the archive the build recorded, as shipped (or, when
#      there is none, the one #1 wrote): the same times; then its live heap
#      after a full GC (jcmd GC.run + GC.heap_info) and RSS; `bin/lvmcoord vgs` and `pvs` end to
#      end (VGS_WARMUP + VGS_ROUNDS, median/p90), their outputs compared with lvm2's (MISMATCH);
#      the warm rescan (`bin/lvmcoord pvscan --cache`, every device, RESCAN_WARMUP discarded +
#      RESCANS timed: last_batch_ms from `status`, median);
#      SIGTERM;
#   6. agent restart #3 on #2's state dir (the journal holds every device): the same start times,
#      heap and RSS; SIGTERM;
#   7. prints the table: each figure, lvm2's beside it where there is one, the ratio, the issue's
#      target. Exit status 1 when an lvmcoord report differed from lvm2's.
#
# Environment knobs:
#   WIDE=min(1000,N/2)  PVs in benchwide     ORPHANS=N/10   PVs in no VG
#   PER_VG=5            PVs per small VG     JOBS=2*nproc   parallel vgcreate/lvcreate lanes
#   PV_BATCH=1000       devices per pvcreate call
#   DEV_CHUNK=1000      devices per --devices argument (lvm2 and the agent take it repeated; one
#                       argv string is capped at 128 KiB by the kernel, ~9000 loop names)
#   LVM_ROUNDS=3  VGS_WARMUP=2  VGS_ROUNDS=10  SCAN_RUNS=3  RESCAN_WARMUP=2  RESCANS=5
#   READY_TIMEOUT=900   seconds to wait for an agent line (ready, persisted)
#   STOP_TIMEOUT=300    seconds an agent may take to exit after SIGTERM (writing its archive)
#   KEEP=1              leave loops and temp dir in place (prints how to clean up by hand)
#   LVMCOORD=...        the lvmcoord launcher (default bin/lvmcoord of this checkout)
#   AGENT_JAVA_OPTS=... JVM options for the agent only (LVMCOORD_JAVA_OPTS of its launch), e.g. the
#                       README's huge-host setting at 10,000 devices: "-Xms128m -Xmn48m -Xmx512m".
#                       Default empty: the launcher's shipped defaults. Printed with the table.
#
# Cleanup (on exit, error, Ctrl-C or TERM, unless KEEP=1) touches only what this run made: the
# agent and setup lanes it started (by PID), the loop devices it attached (by name, plus any loop
# whose backing file lies in its own temp dir), the loop devices that did not exist before it
# (LOOP_CTL_REMOVE), the /dev/loopN nodes it created with mknod, and its temp dir.
set -euo pipefail

N=${1:?usage: $0 N}
[[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 20 ] || { echo "bench: N must be an integer >= 20" >&2; exit 2; }
ORPHANS=${ORPHANS:-$(( N / 10 ))}
WIDE=${WIDE:-$(( N / 2 < 1000 ? N / 2 : 1000 ))}
PER_VG=${PER_VG:-5}
JOBS=${JOBS:-$(( $(nproc) * 2 ))}
PV_BATCH=${PV_BATCH:-1000}
DEV_CHUNK=${DEV_CHUNK:-1000}
LVM_ROUNDS=${LVM_ROUNDS:-3}
VGS_WARMUP=${VGS_WARMUP:-2}
VGS_ROUNDS=${VGS_ROUNDS:-10}
SCAN_RUNS=${SCAN_RUNS:-3}
RESCANS=${RESCANS:-5}
RESCAN_WARMUP=${RESCAN_WARMUP:-2}
READY_TIMEOUT=${READY_TIMEOUT:-900}
STOP_TIMEOUT=${STOP_TIMEOUT:-300}
KEEP=${KEEP:-0}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LVMCOORD=${LVMCOORD:-$ROOT/bin/lvmcoord}
# The agent's class-data archive as the launcher names it (bin/lvmcoord, agent_cds).
AGENT_CDS="$(cd "$(dirname "$LVMCOORD")/.." && pwd)/node-agent/target/lvmcoord-agent.jsa"
IMG_SIZE=8M
VGS_FLAGS='-o vg_name,pv_count,lv_count,vg_attr,vg_size,vg_free --units b --nosuffix'
PVS_FLAGS='-o pv_name,vg_name,pv_size,pv_free --units b --nosuffix'

REST=$(( N - ORPHANS - WIDE ))
[ "$WIDE" -ge 1 ] && [ "$ORPHANS" -ge 0 ] && [ "$REST" -ge 0 ] && [ "$PER_VG" -ge 1 ] \
  || { echo "bench: bad layout: N=$N ORPHANS=$ORPHANS WIDE=$WIDE PER_VG=$PER_VG" >&2; exit 2; }
NSMALL=$(( (REST + PER_VG - 1) / PER_VG ))
NVG=$(( NSMALL + 1 ))

# shellcheck source=bench/lib-bench.sh
. "$ROOT/bench/lib-bench.sh"   # LVMCONF, log, now_us, LOOPS, LANES, attach, wait_lanes, stop_lanes, stop_pid, loops_release
bench_preflight losetup truncate mknod perl jcmd
if [ ! -x /usr/bin/time ]; then
  echo "== installing GNU time (max RSS of the one-shot scan)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null
fi
ms_since() { echo $(( ($(now_us) - $1) / 1000 )); }

WORK=$(mktemp -d /var/tmp/lvmcoord-scale-bench.XXXXXX)
AGENT_PID=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_lanes
  if [ "$KEEP" = 1 ]; then
    {
      echo "== KEEP=1: left in place:"
      [ -n "$AGENT_PID" ] && echo "   agent pid $AGENT_PID, socket $WORK/agent.sock (kill $AGENT_PID)"
      echo "   ${#LOOPS[@]} loop devices, listed in $WORK/devices.txt"
      echo "   temp dir $WORK (agent logs agent.*.log, lvm2 outputs lvm2-*.out)"
      echo "   clean up: ${AGENT_PID:+kill $AGENT_PID; }xargs -n1 losetup -d < $WORK/devices.txt; rm -rf $WORK"
    } >&2
    exit "$rc"
  fi
  stop_pid "$AGENT_PID" 300
  log "cleanup: ${#LOOPS[@]} loop devices, $WORK"
  loops_release
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


# devargs FIRST COUNT: prints the --devices arguments (one per line) naming LOOPS[FIRST..+COUNT),
# DEV_CHUNK names per argument.
devargs() {
  local first=$1 count=$2 i end=$(( $1 + $2 )) s
  for ((i = first; i < end; i += DEV_CHUNK)); do
    local grp=("${LOOPS[@]:i:$(( end - i < DEV_CHUNK ? end - i : DEV_CHUNK ))}")
    s=$(IFS=,; echo "${grp[*]}")
    printf -- '--devices\n%s\n' "$s"
  done
}

# The launcher builds the jar on first use; do that now, before minutes of setup, and not inside
# a timed call.
log "checking the lvmcoord launcher ($LVMCOORD)"
"$LVMCOORD" status --socket "$WORK/none.sock" >/dev/null 2>&1 || true

loops_record_existing

# ---------------------------------------------------------------------------------------- setup
T_SETUP0=$(now_us)
log "layout: $ORPHANS orphan PVs, benchwide of $WIDE PVs, $NSMALL VGs of <= $PER_VG PVs ($N PVs, $NVG VGs)"
log "creating $N sparse $IMG_SIZE images in $WORK and attaching loop devices"
seq 0 $(( N - 1 )) | sed "s|.*|$WORK/d&.img|" | xargs truncate -s "$IMG_SIZE"
for ((i = 0; i < N; i++)); do
  attach "$WORK/d$i.img"
  if (( (i + 1) % 1000 == 0 )); then log "  $((i + 1))/$N attached (last $ATTACHED)"; fi
done
printf '%s\n' "${LOOPS[@]}" > "$WORK/devices.txt"
mapfile -t ALLARGS < <(devargs 0 "$N")
T_LOOPS=$(now_us)

# One pvcreate per PV_BATCH devices: a single call for all grows faster than linearly in its
# device count (AGENT-BENCH.md: 2.9 s at 1000, 35 s at 4000).
log "pvcreate: $N devices, $PV_BATCH per call"
for ((i = 0; i < N; i += PV_BATCH)); do
  cnt=$(( N - i < PV_BATCH ? N - i : PV_BATCH ))
  mapfile -t args < <(devargs "$i" "$cnt")
  pvcreate -q -y --config "$LVMCONF" "${args[@]}" "${LOOPS[@]:i:cnt}" >>"$WORK/pvcreate.log" 2>&1 \
    || { tail -20 "$WORK/pvcreate.log" >&2; exit 1; }
  if (( N > PV_BATCH )); then log "  $(( i + cnt ))/$N PVs"; fi
done
T_PVS=$(now_us)

# make_vg NAME FIRST COUNT: VG NAME from LOOPS[FIRST..+COUNT) and one 4 MiB LV, every command
# confined to those PVs.
make_vg() {
  local vg=$1 first=$2 count=$3 args
  mapfile -t args < <(devargs "$first" "$count")
  # --setautoactivation n: on a host running udev + lvm2's 69-dm-lvm.rules, pvscan would
  # otherwise activate the LV, and its dm device would pin the loops at cleanup.
  vgcreate -q --config "$LVMCONF" "${args[@]}" --setautoactivation n -s 1m "$vg" "${LOOPS[@]:first:count}" || return 1
  # -an -Zn --driverloaded n: metadata only, device-mapper never touched.
  lvcreate -q --config "$LVMCONF" "${args[@]}" --driverloaded n -an -Zn -L 4m -n lv0 "$vg" || return 1
}
log "vgcreate: benchwide ($WIDE PVs) and $NSMALL VGs of <= $PER_VG PVs, one inactive LV each, $JOBS+1 parallel lanes"
# Every lvm2 command stats all of /dev and reads sysfs for every block device on the host, so one
# command costs more the more loops exist: the small VGs go in JOBS lanes (vgcreate holds lvm2's
# global lock, but each command's device scan and the lvcreates overlap), the wide VG in its own.
(
  trap - EXIT INT TERM
  make_vg benchwide "$ORPHANS" "$WIDE" >>"$WORK/vgcreate.wide.log" 2>&1 || { echo "bench: creating benchwide failed" >&2; exit 1; }
) &
LANES+=($!)
S0=$(( ORPHANS + WIDE ))
for ((j = 0; j < JOBS; j++)); do
  (
    trap - EXIT INT TERM
    for ((g = j; g < NSMALL; g += JOBS)); do
      first=$(( S0 + g * PER_VG ))
      cnt=$(( N - first < PER_VG ? N - first : PER_VG ))
      make_vg "benchvg$g" "$first" "$cnt" >>"$WORK/vgcreate.$j.log" 2>&1 || { echo "bench: creating benchvg$g failed" >&2; exit 1; }
      if (( j == 0 && (g / JOBS + 1) % 100 == 0 )); then log "  ~$((g + 1))/$NSMALL VGs"; fi
    done
  ) &
  LANES+=($!)
done
wait_lanes
LASTVG=$([ "$NSMALL" -gt 0 ] && echo "benchvg$((NSMALL - 1))" || echo benchwide)
T_SETUP1=$(now_us)
SETUP_LINE="setup $(( (T_SETUP1 - T_SETUP0) / 1000 )) ms: loops $(( (T_LOOPS - T_SETUP0) / 1000 )), pvcreate $(( (T_PVS - T_LOOPS) / 1000 )), vgcreate+lvcreate $(( (T_SETUP1 - T_PVS) / 1000 )) ($JOBS+1 lanes)"
log "$SETUP_LINE"

# stats US...: prints "median p90" in ms (median of an even count = mean of the middle two;
# p90 = nearest rank).
stats() {
  printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1}
    END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
          k = int(0.9 * NR); if (k < 0.9 * NR) k++; if (k < 1) k = 1
          printf "%.1f %.1f\n", m / 1000, a[k] / 1000 }'
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END { printf "%.0f\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# ------------------------------------------------------------------------------ lvm2 pvs and vgs
# shellcheck disable=SC2206  # the flags are meant to be split into words
VGSV=($VGS_FLAGS); PVSV=($PVS_FLAGS)
log "lvm2 pvs and vgs over all $N devices: 1 warm-up + $LVM_ROUNDS timed each"
LVM_PVS_T=(); LVM_VGS_T=()
for ((r = 0; r <= LVM_ROUNDS; r++)); do
  t0=$(now_us)
  pvs --config "$LVMCONF" "${ALLARGS[@]}" "${PVSV[@]}" >"$WORK/lvm2-pvs.out" 2>"$WORK/lvm2-pvs.err" \
    || { echo "bench: lvm2 pvs failed:" >&2; tail -5 "$WORK/lvm2-pvs.err" >&2; exit 1; }
  t1=$(now_us)
  vgs --config "$LVMCONF" "${ALLARGS[@]}" "${VGSV[@]}" >"$WORK/lvm2-vgs.out" 2>"$WORK/lvm2-vgs.err" \
    || { echo "bench: lvm2 vgs failed:" >&2; tail -5 "$WORK/lvm2-vgs.err" >&2; exit 1; }
  t2=$(now_us)
  if (( r > 0 )); then LVM_PVS_T+=($(( t1 - t0 ))); LVM_VGS_T+=($(( t2 - t1 ))); fi
done
read -r LVM_PVS_MED _ < <(stats "${LVM_PVS_T[@]}")
read -r LVM_VGS_MED _ < <(stats "${LVM_VGS_T[@]}")
LVM_PV_ROWS=$(( $(wc -l < "$WORK/lvm2-pvs.out") - 1 ))
LVM_VG_ROWS=$(( $(wc -l < "$WORK/lvm2-vgs.out") - 1 ))
[ "$LVM_PV_ROWS" = "$N" ] || echo "bench: warning: lvm2 pvs listed $LVM_PV_ROWS PVs, expected $N" >&2
[ "$LVM_VG_ROWS" = "$NVG" ] || echo "bench: warning: lvm2 vgs listed $LVM_VG_ROWS VGs, expected $NVG" >&2
log "lvm2: pvs $LVM_PVS_MED ms, vgs $LVM_VGS_MED ms (medians)"

# ----------------------------------------------------------------------------- one-shot scan
log "one-shot scan: 1 warm-up + $SCAN_RUNS timed runs of lvmcoord scan --devices-file --stats"
SC_EL=(); SC_WALL=(); SC_RSS=(); SC_PVS=""
for ((r = 0; r <= SCAN_RUNS; r++)); do
  t0=$(now_us)
  /usr/bin/time -v -o "$WORK/scan.time" "$LVMCOORD" scan --devices-file "$WORK/devices.txt" --stats \
    >"$WORK/scan.out" 2>"$WORK/scan.err" || { echo "bench: lvmcoord scan failed:" >&2; tail -5 "$WORK/scan.err" >&2; exit 1; }
  t1=$(now_us)
  line=$(grep '^scan-stats' "$WORK/scan.err") || { echo "bench: no scan-stats line:" >&2; tail -5 "$WORK/scan.err" >&2; exit 1; }
  SC_PVS=$(sed 's/.* pvs=\([0-9]*\).*/\1/' <<<"$line")
  if (( r > 0 )); then
    SC_EL+=("$(sed 's/.*elapsed_ms=\([0-9]*\).*/\1/' <<<"$line")")
    SC_WALL+=($(( (t1 - t0) / 1000 )))
    SC_RSS+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/scan.time")")
  fi
done
SCAN_LINE=$line
[ "$SC_PVS" = "$N" ] || echo "bench: warning: the one-shot scan found $SC_PVS PVs, expected $N" >&2
SC_EL_MED=$(median "${SC_EL[@]}"); SC_WALL_MED=$(median "${SC_WALL[@]}"); SC_RSS_MED=$(median "${SC_RSS[@]}")
log "one-shot scan: elapsed_ms $SC_EL_MED, wall $SC_WALL_MED ms, max RSS $SC_RSS_MED KiB (medians)"

# -------------------------------------------------------------------------------------- agents
mapfile -t AGENT_DEVARGS < <(devargs 0 "$N")
SOCK="$WORK/agent.sock"

# start_agent LABEL STATE_DIR: launches the agent, waits for its ready and persisted lines; sets
# AGENT_PID, A_READY_MS, A_PERSIST_MS (wall from launch), A_BATCH_MS and A_DEVS (from the line),
# A_LOADED (aggregates from the journal), A_CDS (how the launcher ran it with class-data sharing).
start_agent() {
  local label=$1 state=$2 logf="$WORK/agent.$1.log" t0 deadline line
  mkdir -p "$state"
  log "agent $label: starting (state dir $state)"
  t0=$(now_us)
  LVMCOORD_JAVA_OPTS="${AGENT_JAVA_OPTS:-}" "$LVMCOORD" agent "${AGENT_DEVARGS[@]}" --socket "$SOCK" --state-dir "$state" --node-name bench \
    >"$WORK/agent.$label.out" 2>"$logf" &
  AGENT_PID=$!
  deadline=$(( SECONDS + READY_TIMEOUT ))
  A_READY_MS=""; A_PERSIST_MS=""
  while [ -z "$A_PERSIST_MS" ]; do
    if [ -z "$A_READY_MS" ] && grep -q 'lvmcoord agent ready on' "$logf" 2>/dev/null; then A_READY_MS=$(ms_since "$t0"); fi
    if grep -q 'lvmcoord agent: start-up scan persisted' "$logf" 2>/dev/null; then
      A_PERSIST_MS=$(ms_since "$t0")
      [ -n "$A_READY_MS" ] || A_READY_MS=$A_PERSIST_MS
      break
    fi
    if ! kill -0 "$AGENT_PID" 2>/dev/null; then
      echo "bench: agent $label exited before persisting its start-up scan; its log:" >&2; tail -30 "$logf" >&2; exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "bench: agent $label: no persisted line after ${READY_TIMEOUT}s; its log:" >&2; tail -30 "$logf" >&2; exit 1
    fi
    sleep 0.02
  done
  line=$(grep -m1 'start-up scan persisted' "$logf")
  A_DEVS=$(sed 's/.*persisted (\([0-9]*\) devices.*/\1/' <<<"$line")
  A_BATCH_MS=$(sed 's/.* devices, \([0-9]*\) ms[):].*/\1/' <<<"$line")
  # "list L ms, read+decode S ms, report R ms": where the start-up batch went (ScanLoop.Phases)
  A_PHASES=$(sed -n 's/.* ms: \(list .*\))$/\1/p' <<<"$line")
  A_LOADED=$(grep -m1 'lvmcoord agent ready on' "$logf" | sed -n 's/.*, \([0-9]*\) aggregates from the journal.*/\1/p')
  local cmd
  cmd=$(tr '\0' ' ' < "/proc/$AGENT_PID/cmdline" 2>/dev/null || true)
  case "$cmd" in
    *SharedArchiveFile=*) A_CDS="archive" ;;
    *ArchiveClassesAtExit=*) A_CDS="none (writes one at exit)" ;;
    *) A_CDS="none" ;;
  esac
  [ "$A_DEVS" = "$N" ] || echo "bench: warning: agent $label scanned $A_DEVS devices, expected $N" >&2
  log "agent $label (pid $AGENT_PID, class data: $A_CDS): ready $A_READY_MS ms, persisted $A_PERSIST_MS ms (batch $A_BATCH_MS ms, $A_DEVS devices, $A_LOADED aggregates loaded; ${A_PHASES:-no phases})"
}

# stop_agent: SIGTERM, wait for the exit (an agent that ran without an archive writes it now);
# sets A_STOP_MS.
stop_agent() {
  local t0 deadline
  t0=$(now_us)
  kill -TERM "$AGENT_PID" 2>/dev/null || true
  deadline=$(( SECONDS + STOP_TIMEOUT ))
  while kill -0 "$AGENT_PID" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "bench: agent pid $AGENT_PID still running ${STOP_TIMEOUT}s after SIGTERM; killing it" >&2
      kill -KILL "$AGENT_PID" 2>/dev/null || true
    fi
    sleep 0.05
  done
  wait "$AGENT_PID" 2>/dev/null || true
  A_STOP_MS=$(ms_since "$t0")
  AGENT_PID=""
}

# memory LABEL: the running agent's RSS now and its peak, then its live heap after a full GC
# (serial GC: "def new generation total X, used Y" + "tenured generation total X, used Y").
memory() {
  local label=$1
  M_RSS=$(awk '/^VmRSS:/ {print $2}' "/proc/$AGENT_PID/status")
  M_HWM=$(awk '/^VmHWM:/ {print $2}' "/proc/$AGENT_PID/status")
  jcmd "$AGENT_PID" GC.run >"$WORK/gc.$label.txt" 2>&1 \
    && jcmd "$AGENT_PID" GC.heap_info >"$WORK/heap.$label.txt" 2>&1 \
    || { echo "bench: jcmd on agent $label (pid $AGENT_PID) failed:" >&2; cat "$WORK/gc.$label.txt" "$WORK/heap.$label.txt" >&2 2>/dev/null; exit 1; }
  M_HEAP=$(awk '/(def new|tenured) generation/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); s += v } }
                END { print s + 0 }' "$WORK/heap.$label.txt")
  M_HEAPCAP=$(awk '/(def new|tenured) generation/ { for (i = 1; i <= NF; i++) if ($i == "total") { v = $(i + 1); sub(/K.*/, "", v); s += v } }
                   END { print s + 0 }' "$WORK/heap.$label.txt")
  M_RSS_GC=$(awk '/^VmRSS:/ {print $2}' "/proc/$AGENT_PID/status")
  [ "$M_HEAP" -gt 0 ] || { echo "bench: no heap figures from jcmd GC.heap_info:" >&2; cat "$WORK/heap.$label.txt" >&2; exit 1; }
  log "agent $label memory: live heap $M_HEAP KiB (capacity $M_HEAPCAP KiB), RSS $M_RSS KiB (peak $M_HWM KiB, after GC $M_RSS_GC KiB)"
}

# Start #1 must run without an archive: the build's archive is set aside (start #2 uses it: what
# ships), archives left by agents that are gone are dropped (an archive of a running agent,
# named by its PID, is left alone).
SHIPPED_CDS=""
if [ -f "$AGENT_CDS" ] && [ "$AGENT_CDS" -nt "$(dirname "$AGENT_CDS")/lvmcoord.jar" ]; then
  SHIPPED_CDS="$WORK/lvmcoord-agent.jsa.shipped"
  cp -p "$AGENT_CDS" "$SHIPPED_CDS"
fi
for f in "$AGENT_CDS" "$AGENT_CDS".*; do
  [ -f "$f" ] || continue
  pid=${f##*.}
  if [ "$f" = "$AGENT_CDS" ] || { [[ $pid =~ ^[0-9]+$ ]] && ! kill -0 "$pid" 2>/dev/null; }; then rm -f "$f"; fi
done

start_agent 1 "$WORK/state1"
S1_READY=$A_READY_MS; S1_PERSIST=$A_PERSIST_MS; S1_BATCH=$A_BATCH_MS; S1_CDS=$A_CDS; S1_PHASES=$A_PHASES
stop_agent; S1_STOP=$A_STOP_MS
log "agent 1 stopped in $S1_STOP ms (archive written at exit: $(ls "$AGENT_CDS".* 2>/dev/null | wc -l) file(s))"
S2_ARCHIVE="the one start #1 wrote at exit"
if [ -n "$SHIPPED_CDS" ]; then
  # Start #2 runs as an installed agent does: with the archive the build recorded (on testdata/demo).
  rm -f "$AGENT_CDS".*
  cp -p "$SHIPPED_CDS" "$AGENT_CDS"
  S2_ARCHIVE="the build's (bin/lvmcoord train-cds)"
fi

start_agent 2 "$WORK/state2"
S2_READY=$A_READY_MS; S2_PERSIST=$A_PERSIST_MS; S2_BATCH=$A_BATCH_MS; S2_CDS=$A_CDS; S2_PHASES=$A_PHASES
# The persisted line comes when the batch's reports are durable; queries read the view that the
# node cache then assembles: wait until it holds the last VGs made.
"$LVMCOORD" wait "$LASTVG" --timeout "${READY_TIMEOUT}s" --socket "$SOCK" >/dev/null \
  && "$LVMCOORD" wait benchwide --timeout "${READY_TIMEOUT}s" --socket "$SOCK" >/dev/null \
  || { echo "bench: lvmcoord wait failed; agent log:" >&2; tail -30 "$WORK/agent.2.log" >&2; exit 1; }
memory 2
S2_HEAP=$M_HEAP; S2_RSS=$M_RSS; S2_HWM=$M_HWM; S2_RSS_GC=$M_RSS_GC

log "lvmcoord vgs and pvs through the agent: $VGS_WARMUP warm-up + $VGS_ROUNDS timed each, outputs compared with lvm2's"
AG_VGS_T=(); AG_PVS_T=(); VGS_DIFF=0; PVS_DIFF=0; PVS_ORDER_ONLY=0
for ((r = 0; r < VGS_WARMUP + VGS_ROUNDS; r++)); do
  t0=$(now_us)
  "$LVMCOORD" vgs --socket "$SOCK" "${VGSV[@]}" >"$WORK/agent-vgs.out" 2>"$WORK/agent-vgs.err" \
    || { echo "bench: lvmcoord vgs failed:" >&2; tail -5 "$WORK/agent-vgs.err" >&2; exit 1; }
  t1=$(now_us)
  "$LVMCOORD" pvs --socket "$SOCK" "${PVSV[@]}" >"$WORK/agent-pvs.out" 2>"$WORK/agent-pvs.err" \
    || { echo "bench: lvmcoord pvs failed:" >&2; tail -5 "$WORK/agent-pvs.err" >&2; exit 1; }
  t2=$(now_us)
  if (( r >= VGS_WARMUP )); then AG_VGS_T+=($(( t1 - t0 ))); AG_PVS_T+=($(( t2 - t1 ))); fi
  if ! cmp -s "$WORK/lvm2-vgs.out" "$WORK/agent-vgs.out"; then
    if [ "$VGS_DIFF" = 0 ]; then
      echo "MISMATCH: lvm2 vgs and lvmcoord vgs differ (round $r); first differences:"
      diff "$WORK/lvm2-vgs.out" "$WORK/agent-vgs.out" | head -20 || true
    fi
    VGS_DIFF=$(( VGS_DIFF + 1 ))
  fi
  if ! cmp -s "$WORK/lvm2-pvs.out" "$WORK/agent-pvs.out"; then
    if [ "$PVS_DIFF" = 0 ]; then
      if cmp -s <(sort "$WORK/lvm2-pvs.out") <(sort "$WORK/agent-pvs.out"); then
        echo "MISMATCH: lvm2 pvs and lvmcoord pvs have the same rows in a different order (round $r); first differences:"
        PVS_ORDER_ONLY=1
      else
        echo "MISMATCH: lvm2 pvs and lvmcoord pvs differ (round $r); first differences:"
      fi
      diff "$WORK/lvm2-pvs.out" "$WORK/agent-pvs.out" | head -20 || true
    fi
    PVS_DIFF=$(( PVS_DIFF + 1 ))
  fi
done
read -r AG_VGS_MED AG_VGS_P90 < <(stats "${AG_VGS_T[@]}")
read -r AG_PVS_MED AG_PVS_P90 < <(stats "${AG_PVS_T[@]}")
log "lvmcoord vgs $AG_VGS_MED/$AG_VGS_P90 ms, pvs $AG_PVS_MED/$AG_PVS_P90 ms (median/p90); differing rounds: vgs $VGS_DIFF, pvs $PVS_DIFF"

# status_field KEY: a number from the agent's status JSON.
status_field() {
  { "$LVMCOORD" status --socket "$SOCK" 2>/dev/null || true; } | grep -o "\"$1\": [0-9-]*" | awk 'NR == 1 {print $2}' || true
}
log "warm rescan: $RESCAN_WARMUP warm-up + $RESCANS timed lvmcoord pvscan --cache (every device)"
RS_BATCH=(); RS_WALL=(); RS_ALL=()
for ((r = 0; r < RESCAN_WARMUP + RESCANS; r++)); do
  before=$(status_field full_rescans)
  t0=$(now_us)
  "$LVMCOORD" pvscan --cache --socket "$SOCK" >"$WORK/pvscan.out" 2>&1 \
    || { echo "bench: lvmcoord pvscan --cache failed:" >&2; tail -5 "$WORK/pvscan.out" >&2; exit 1; }
  t1=$(now_us)
  after=$(status_field full_rescans)
  [ "$after" -gt "$before" ] || echo "bench: warning: full_rescans did not grow ($before -> $after) over pvscan --cache" >&2
  b=$(status_field last_batch_ms)
  RS_ALL+=("$b/$(( (t1 - t0) / 1000 ))")
  if (( r >= RESCAN_WARMUP )); then RS_BATCH+=("$b"); RS_WALL+=($(( (t1 - t0) / 1000 ))); fi
done
RS_BATCH_MED=$(median "${RS_BATCH[@]}"); RS_WALL_MED=$(median "${RS_WALL[@]}")
log "warm rescan: last_batch_ms/pvscan wall ms ${RS_ALL[*]} (median of the last $RESCANS: $RS_BATCH_MED/$RS_WALL_MED)"
stop_agent

start_agent 3 "$WORK/state2"
S3_READY=$A_READY_MS; S3_PERSIST=$A_PERSIST_MS; S3_BATCH=$A_BATCH_MS; S3_CDS=$A_CDS; S3_LOADED=$A_LOADED; S3_PHASES=$A_PHASES
memory 3
S3_HEAP=$M_HEAP; S3_RSS=$M_RSS; S3_HWM=$M_HWM; S3_RSS_GC=$M_RSS_GC
stop_agent

# ---------------------------------------------------------------------------------------- table
kb2mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
# The issue's targets: at 1000 devices and at 10,000 (fewer there); N up to 3000 is held to the
# former, larger N to the latter.
BIG=$([ "$N" -gt 3000 ] && echo 1 || echo 0)
TN=$([ "$BIG" = 1 ] && echo 10000 || echo 1000)
T_PERSIST=$([ "$BIG" = 1 ] && echo 10000 || echo 3000)
T_HEAP=$([ "$BIG" = 1 ] && echo 320 || echo 64)
T_RSS=$([ "$BIG" = 1 ] && echo "" || echo 300)
T_SCAN_RSS=$([ "$BIG" = 1 ] && echo "" || echo 250)
T_VGS=100
T_RESCAN_X=$([ "$BIG" = 1 ] && echo "" || echo 0.10)
T_SCAN_X=$([ "$BIG" = 1 ] && echo "" || echo 1.00)
# row FIGURE LVMCOORD LVM2 [LIMIT UNIT]: one line of the table; the ratio is lvmcoord / lvm2;
# with a LIMIT, the target and whether the figure meets it (ok) or not (OVER). UNIT "x" makes
# the limit a bound on the ratio.
row() {
  local fig=$1 ours=$2 theirs=$3 limit=${4:-} unit=${5:-} ratio="-" target="" verdict=""
  if [ "$theirs" != - ] && [ "$ours" != - ]; then
    ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { if (b > 0) printf "%.3f", a / b; else printf "-" }')
  fi
  if [ -n "$limit" ]; then
    if [ "$unit" = x ]; then
      target="<= ${limit}x lvm2"
      verdict=$(awk -v a="$ratio" -v b="$limit" 'BEGIN { print (a != "-" && a + 0 <= b + 0) ? "ok" : "OVER" }')
    else
      target="<= $limit $unit"
      verdict=$(awk -v a="$ours" -v b="$limit" 'BEGIN { print (a + 0 <= b + 0) ? "ok" : "OVER" }')
    fi
  fi
  printf '%-48s %10s %9s %7s  %-17s %s\n' "$fig" "$ours" "$theirs" "$ratio" "$target" "$verdict"
}
LVMV=$(vgs --version 2>/dev/null | awk '/LVM version/ {print $3}')

echo
echo "scale bench: N=$N loop-device PVs: $ORPHANS orphans, benchwide of $WIDE PVs, $NSMALL VGs of <= $PER_VG PVs"
echo "  ($NVG VGs, one inactive 4 MiB LV each); lvm2 $LVMV; $(nproc) CPUs"
echo "$SETUP_LINE"
echo "lvm2: 1 warm-up + $LVM_ROUNDS timed, median; lvmcoord vgs/pvs: $VGS_WARMUP warm-up + $VGS_ROUNDS timed;"
echo "one-shot scan: 1 warm-up + $SCAN_RUNS timed, medians; warm rescan: $RESCAN_WARMUP warm-up + $RESCANS timed, median"
echo "ratio = lvmcoord / lvm2; targets: issue 12 at N=$TN"
echo
printf '%-48s %10s %9s %7s  %-17s %s\n' figure lvmcoord lvm2 ratio target verdict
row "lvm2 pvs wall ms" - "$LVM_PVS_MED"
row "lvm2 vgs wall ms" - "$LVM_VGS_MED"
row "start #1 (archive removed, fresh journal): ready ms" "$S1_READY" -
row "  persisted ms (launch to persisted line)" "$S1_PERSIST" "$LVM_PVS_MED"
row "  start-up scan batch ms (from that line)" "$S1_BATCH" "$LVM_PVS_MED"
row "  exit after SIGTERM ms (archive written)" "$S1_STOP" -
row "start #2 (archive, fresh journal): ready ms" "$S2_READY" -
row "  persisted ms (launch to persisted line)" "$S2_PERSIST" "$LVM_PVS_MED" "$T_PERSIST" ms
row "  start-up scan batch ms (from that line)" "$S2_BATCH" "$LVM_PVS_MED"
row "  live heap after full GC MB" "$(kb2mb "$S2_HEAP")" - "$T_HEAP" MB
row "  RSS MB (persisted, before the GC)" "$(kb2mb "$S2_RSS")" - "$T_RSS" MB
row "  RSS peak (VmHWM) MB" "$(kb2mb "$S2_HWM")" -
row "  RSS after the full GC MB" "$(kb2mb "$S2_RSS_GC")" -
row "restart #3 (archive, journal full): ready ms" "$S3_READY" -
row "  persisted ms (launch to persisted line)" "$S3_PERSIST" "$LVM_PVS_MED" "$T_PERSIST" ms
row "  start-up scan batch ms (from that line)" "$S3_BATCH" "$LVM_PVS_MED"
row "  live heap after full GC MB" "$(kb2mb "$S3_HEAP")" - "$T_HEAP" MB
row "  RSS MB (persisted, before the GC)" "$(kb2mb "$S3_RSS")" - "$T_RSS" MB
row "  RSS peak (VmHWM) MB" "$(kb2mb "$S3_HWM")" -
row "lvmcoord vgs end to end ms, median" "$AG_VGS_MED" "$LVM_VGS_MED" "$T_VGS" ms
row "  p90" "$AG_VGS_P90" -
row "lvmcoord pvs end to end ms, median" "$AG_PVS_MED" "$LVM_PVS_MED"
row "  p90" "$AG_PVS_P90" -
row "warm rescan: last_batch_ms of a full rescan" "$RS_BATCH_MED" "$LVM_PVS_MED" "$T_RESCAN_X" x
row "  pvscan --cache wall ms" "$RS_WALL_MED" "$LVM_PVS_MED"
row "one-shot scan: elapsed_ms (scan-stats)" "$SC_EL_MED" "$LVM_PVS_MED" "$T_SCAN_X" x
row "  wall ms (JVM start included)" "$SC_WALL_MED" "$LVM_PVS_MED"
row "  max RSS MB" "$(kb2mb "$SC_RSS_MED")" - "$T_SCAN_RSS" MB
echo
echo "agent JVM options beyond the launcher's defaults: ${AGENT_JAVA_OPTS:-none}"
echo "class data: start #1 $S1_CDS; start #2 $S2_CDS ($S2_ARCHIVE); restart #3 $S3_CDS"
echo "start-up batch phases: #1 ${S1_PHASES:-?}; #2 ${S2_PHASES:-?}; #3 ${S3_PHASES:-?}"
echo "restart #3 loaded $S3_LOADED aggregates from the journal; start-up scans saw $A_DEVS devices"
echo "warm rescans, last_batch_ms/pvscan wall ms, warm-ups first: ${RS_ALL[*]}"
echo "one-shot scan, last run: $SCAN_LINE"
ROUNDS_ALL=$(( VGS_WARMUP + VGS_ROUNDS ))
if [ "$VGS_DIFF" = 0 ]; then
  echo "vgs: identical to lvm2's in all $ROUNDS_ALL rounds ($LVM_VG_ROWS VGs)"
else
  echo "vgs: MISMATCH with lvm2's in $VGS_DIFF of $ROUNDS_ALL rounds"
fi
if [ "$PVS_DIFF" = 0 ]; then
  echo "pvs: identical to lvm2's in all $ROUNDS_ALL rounds ($LVM_PV_ROWS PVs)"
elif [ "$PVS_ORDER_ONLY" = 1 ]; then
  echo "pvs: MISMATCH with lvm2's in $PVS_DIFF of $ROUNDS_ALL rounds (the first: same rows, different order)"
else
  echo "pvs: MISMATCH with lvm2's in $PVS_DIFF of $ROUNDS_ALL rounds"
fi
[ "$VGS_DIFF" = 0 ] && [ "$PVS_DIFF" = 0 ]

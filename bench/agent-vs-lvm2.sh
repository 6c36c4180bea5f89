#!/usr/bin/env bash
# Benchmark: `vgs` answered by the resident lvmcoord agent vs lvm2's own `vgs` (which reads every
# device on every call), over N loop-device PVs made by real lvm2.
#
# usage: sudo bench/agent-vs-lvm2.sh N [ROUNDS=10]
#
# What it does (see bench/AGENT-BENCH.md):
#   1. creates N sparse 8 MiB images under a fresh mktemp dir in /var/tmp and attaches each to a
#      loop device (losetup -f, creating /dev/loopN nodes with mknod where the kernel made none);
#   2. makes them PVs with one batched pvcreate, then VGs of PER_VG (4) PVs with one vgcreate per
#      group, and LVS_PER_VG (1) inactive 4 MiB LV per VG, all confined to the bench's own loops
#      with --devices, no hints, no metadata backups, autoactivation off;
#   3. starts `bin/lvmcoord agent --devices <the loops>` on a private socket and state dir, waits
#      for its "lvmcoord agent ready on" line and for `lvmcoord wait <last VG>`;
#   4. runs, interleaved, WARMUP (2) discarded + ROUNDS timed rounds of
#        (a) lvm2:     vgs --devices <loops> --config '<no hints, no backups>' $FLAGS
#        (b) lvmcoord: bin/lvmcoord vgs --socket <socket> $FLAGS
#      measuring each command's end-to-end wall time, and compares the two outputs (MISMATCH);
#   5. prints N, lvm2 median/p90 ms, lvmcoord median/p90 ms and the ratio lvm2/lvmcoord.
#
# Environment knobs:
#   KEEP=1          leave loops, agent and temp dir in place (prints how to clean up by hand)
#   LVM2_ONLY=1     steps 1, 2 and the lvm2 half of 4 only (no agent, no Java build)
#   PER_VG=4        PVs per VG            LVS_PER_VG=1   LVs per VG (0 = none)
#   WARMUP=2        discarded rounds      LVMCOORD=...   the lvmcoord command (default bin/lvmcoord)
#   JOBS=2*nproc    parallel vgcreate/lvcreate lanes during setup
#   FLAGS='...'     report flags given to both vgs commands
#   READY_TIMEOUT=600  seconds to wait for the agent's ready line and for `lvmcoord wait`
#
# Cleanup (on exit, error, Ctrl-C or TERM, unless KEEP=1) touches only what this run made: the
# agent it started (by PID), the loop devices it attached (by name, plus any loop whose backing
# file lies in its own temp dir), the /dev/loopN nodes it created with mknod, and its temp dir.
set -euo pipefail

N=${1:?usage: $0 N [ROUNDS]}
ROUNDS=${2:-10}
PER_VG=${PER_VG:-4}
LVS_PER_VG=${LVS_PER_VG:-1}
WARMUP=${WARMUP:-2}
JOBS=${JOBS:-$(( $(nproc) * 2 ))}
KEEP=${KEEP:-0}
LVM2_ONLY=${LVM2_ONLY:-0}
READY_TIMEOUT=${READY_TIMEOUT:-600}
FLAGS=${FLAGS:--o vg_name,pv_count,lv_count,vg_attr,vg_size,vg_free --units b --nosuffix}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LVMCOORD=${LVMCOORD:-$ROOT/bin/lvmcoord}
IMG_SIZE=8M

[[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] || { echo "bench: N must be a positive integer" >&2; exit 2; }
[[ $ROUNDS =~ ^[0-9]+$ ]] && [ "$ROUNDS" -ge 1 ] || { echo "bench: ROUNDS must be a positive integer" >&2; exit 2; }
# shellcheck source=bench/lib-bench.sh
. "$ROOT/bench/lib-bench.sh"   # LVMCONF, log, now_us, LOOPS, LANES, attach, wait_lanes, stop_lanes, stop_pid, loops_release
bench_preflight losetup truncate mknod

WORK=$(mktemp -d /var/tmp/lvmcoord-agent-bench.XXXXXX)
AGENT_PID=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$KEEP" = 1 ]; then
    {
      echo "== KEEP=1: left in place:"
      [ -n "$AGENT_PID" ] && echo "   agent pid $AGENT_PID (kill $AGENT_PID)"
      echo "   ${#LOOPS[@]} loop devices, listed in $WORK/devices.txt"
      echo "   temp dir $WORK"
      echo "   clean up: kill $AGENT_PID; xargs -n1 losetup -d < $WORK/devices.txt; rm -rf $WORK"
    } >&2
    exit "$rc"
  fi
  log "cleanup: agent, ${#LOOPS[@]} loop devices, $WORK"
  stop_lanes
  stop_pid "$AGENT_PID" 100
  loops_release
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


if [ "$LVM2_ONLY" != 1 ]; then
  # The launcher builds the jar on first use; do that now, before minutes of setup, and not
  # inside a timed call or the agent's ready wait.
  log "checking the lvmcoord launcher ($LVMCOORD)"
  "$LVMCOORD" status --socket "$WORK/none.sock" >/dev/null 2>&1 || true
fi

loops_record_existing

T_SETUP0=$(now_us)
log "creating $N sparse $IMG_SIZE images in $WORK and attaching loop devices"
for ((i = 0; i < N; i++)); do
  truncate -s "$IMG_SIZE" "$WORK/d$i.img"
  attach "$WORK/d$i.img"
  if (( (i + 1) % 500 == 0 )); then log "  $((i + 1))/$N attached (last $ATTACHED)"; fi
done
printf '%s\n' "${LOOPS[@]}" > "$WORK/devices.txt"
ALL=$(paste -sd, "$WORK/devices.txt")
# Linux caps one argv string at 128 KiB (MAX_ARG_STRLEN): lvm2's and the agent's --devices list
# must fit in it (~9000 loop devices).
if [ "${#ALL}" -ge 131072 ]; then
  echo "bench: the --devices list is ${#ALL} bytes, over the kernel's 128 KiB argument limit; use N <= ~9000" >&2
  exit 1
fi
T_LOOPS=$(now_us)

log "pvcreate: one call for all $N devices"
xargs -s 2000000 -a "$WORK/devices.txt" pvcreate -q -y --config "$LVMCONF" --devices "$ALL" >"$WORK/pvcreate.log" 2>&1 \
  || { tail -20 "$WORK/pvcreate.log" >&2; exit 1; }
T_PVS=$(now_us)

NVG=$(( (N + PER_VG - 1) / PER_VG ))
log "vgcreate: $NVG VGs of $PER_VG PVs, $LVS_PER_VG inactive LV(s) each, $JOBS parallel lanes"
# make_vg G: VG benchvgG from PVs G*PER_VG.. and its LVs, each command confined to those PVs.
make_vg() {
  local g=$1 k vg="benchvg$1" list
  local grp=("${LOOPS[@]:g*PER_VG:PER_VG}")
  list=$(IFS=,; echo "${grp[*]}")
  # --setautoactivation n: on a host running udev + lvm2's 69-dm-lvm.rules, pvscan would
  # otherwise activate the LVs, and their dm devices would pin the loops at cleanup.
  vgcreate -q --config "$LVMCONF" --devices "$list" --setautoactivation n -s 1m "$vg" "${grp[@]}" || return 1
  for ((k = 0; k < LVS_PER_VG; k++)); do
    # -an -Zn --driverloaded n: metadata only, device-mapper never touched (works in containers
    # without dm, and never creates a dm device that would pin a loop at cleanup).
    lvcreate -q --config "$LVMCONF" --devices "$list" --driverloaded n -an -Zn -L 4m -n "lv$k" "$vg" || return 1
  done
}
# Every lvm2 command stats all of /dev and reads sysfs for every block device on the host, so
# one command costs more the more loops exist (~50 ms at 1000, see AGENT-BENCH.md). vgcreate
# holds lvm2's global lock, but lvcreate and each command's device scan overlap across lanes.
for ((j = 0; j < JOBS; j++)); do
  (
    trap - EXIT INT TERM
    for ((g = j; g < NVG; g += JOBS)); do
      make_vg "$g" >>"$WORK/vgcreate.$j.log" 2>&1 || { echo "bench: creating benchvg$g failed" >&2; exit 1; }
      if (( j == 0 && (g / JOBS + 1) % 50 == 0 )); then log "  ~$((g + 1))/$NVG VGs"; fi
    done
  ) &
  LANES+=($!)
done
wait_lanes
LASTVG="benchvg$((NVG - 1))"
T_SETUP1=$(now_us)
log "setup done in $(( (T_SETUP1 - T_SETUP0) / 1000 )) ms: loops $(( (T_LOOPS - T_SETUP0) / 1000 )) ms, pvcreate $(( (T_PVS - T_LOOPS) / 1000 )) ms, vgcreate+lvcreate $(( (T_SETUP1 - T_PVS) / 1000 )) ms"

if [ "$LVM2_ONLY" != 1 ]; then
  mkdir -p "$WORK/state"
  SOCK="$WORK/agent.sock"
  log "starting the agent on $SOCK"
  T_A0=$(now_us)
  "$LVMCOORD" agent --devices "$ALL" --socket "$SOCK" --state-dir "$WORK/state" --node-name bench \
    >"$WORK/agent.out" 2>"$WORK/agent.log" &
  AGENT_PID=$!
  deadline=$(( SECONDS + READY_TIMEOUT ))
  until grep -q 'lvmcoord agent ready on' "$WORK/agent.log" 2>/dev/null; do
    if ! kill -0 "$AGENT_PID" 2>/dev/null; then
      echo "bench: the agent exited before it was ready; its log:" >&2; tail -30 "$WORK/agent.log" >&2; exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "bench: no ready line after ${READY_TIMEOUT}s; agent log:" >&2; tail -30 "$WORK/agent.log" >&2; exit 1
    fi
    sleep 0.05
  done
  T_A1=$(now_us)
  log "agent ready after $(( (T_A1 - T_A0) / 1000 )) ms; waiting for $LASTVG"
  "$LVMCOORD" wait "$LASTVG" --timeout "${READY_TIMEOUT}s" --socket "$SOCK" >/dev/null \
    || { echo "bench: lvmcoord wait $LASTVG failed; agent log:" >&2; tail -30 "$WORK/agent.log" >&2; exit 1; }
  T_A2=$(now_us)
  log "agent knows all $NVG VGs after $(( (T_A2 - T_A0) / 1000 )) ms from start"
fi

# shellcheck disable=SC2206  # FLAGS is meant to be split into words
FLAGV=($FLAGS)
LVM_T=(); AG_T=(); MISMATCH=0
total=$(( WARMUP + ROUNDS ))
log "timing: $WARMUP discarded + $ROUNDS timed rounds, interleaved"
for ((r = 0; r < total; r++)); do
  t0=$(now_us)
  vgs --devices "$ALL" --config "$LVMCONF" "${FLAGV[@]}" >"$WORK/lvm2.out" 2>"$WORK/lvm2.err" \
    || { echo "bench: lvm2 vgs failed:" >&2; tail -5 "$WORK/lvm2.err" >&2; exit 1; }
  t1=$(now_us)
  (( r >= WARMUP )) && LVM_T+=($(( t1 - t0 )))
  if [ "$LVM2_ONLY" != 1 ]; then
    t0=$(now_us)
    "$LVMCOORD" vgs --socket "$SOCK" "${FLAGV[@]}" >"$WORK/agent-vgs.out" 2>"$WORK/agent-vgs.err" \
      || { echo "bench: lvmcoord vgs failed:" >&2; tail -5 "$WORK/agent-vgs.err" >&2; exit 1; }
    t1=$(now_us)
    (( r >= WARMUP )) && AG_T+=($(( t1 - t0 )))
    if ! cmp -s "$WORK/lvm2.out" "$WORK/agent-vgs.out"; then
      if [ "$MISMATCH" = 0 ]; then
        echo "MISMATCH: lvm2 vgs and lvmcoord vgs differ (round $r); first differences:"
        diff "$WORK/lvm2.out" "$WORK/agent-vgs.out" | head -20 || true
      fi
      MISMATCH=$(( MISMATCH + 1 ))
    fi
  fi
done
LVM_ROWS=$(( $(wc -l < "$WORK/lvm2.out") - 1 ))
[ "$LVM_ROWS" = "$NVG" ] || echo "bench: warning: lvm2 vgs listed $LVM_ROWS VGs, expected $NVG" >&2

# stats US...: prints "median p90" in ms (median of an even count = mean of the middle two;
# p90 = nearest rank).
stats() {
  printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1}
    END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
          k = int(0.9 * NR); if (k < 0.9 * NR) k++; if (k < 1) k = 1
          printf "%.1f %.1f\n", m / 1000, a[k] / 1000 }'
}
read -r LVM_MED LVM_P90 < <(stats "${LVM_T[@]}")
LVMV=$(vgs --version 2>/dev/null | awk '/LVM version/ {print $3}')
echo
echo "vgs over $N loop-device PVs in $NVG VGs ($PER_VG PVs, $LVS_PER_VG LV each), lvm2 $LVMV, $ROUNDS rounds after $WARMUP warm-up"
echo "flags: $FLAGS"
if [ "$LVM2_ONLY" = 1 ]; then
  printf '%6s %14s %14s\n' N lvm2_med_ms lvm2_p90_ms
  printf '%6d %14s %14s\n' "$N" "$LVM_MED" "$LVM_P90"
else
  read -r AG_MED AG_P90 < <(stats "${AG_T[@]}")
  RATIO=$(awk -v a="$LVM_MED" -v b="$AG_MED" 'BEGIN { printf (b > 0 ? "%.2f" : "-"), a / b }')
  printf '%6s %14s %14s %16s %16s %18s\n' N lvm2_med_ms lvm2_p90_ms lvmcoord_med_ms lvmcoord_p90_ms ratio_lvm2/agent
  printf '%6d %14s %14s %16s %16s %18s\n' "$N" "$LVM_MED" "$LVM_P90" "$AG_MED" "$AG_P90" "$RATIO"
  if [ "$MISMATCH" = 0 ]; then
    echo "outputs: identical in all $total rounds ($LVM_ROWS VGs)"
  else
    echo "outputs: MISMATCH in $MISMATCH of $total rounds (last pair kept in $WORK when KEEP=1)"
  fi
fi
echo "setup: $(( (T_SETUP1 - T_SETUP0) / 1000 )) ms (loops $(( (T_LOOPS - T_SETUP0) / 1000 )), pvcreate $(( (T_PVS - T_LOOPS) / 1000 )), vgcreate+lvcreate $(( (T_SETUP1 - T_PVS) / 1000 )))"
[ "$LVM2_ONLY" = 1 ] || echo "agent: ready $(( (T_A1 - T_A0) / 1000 )) ms, all VGs known $(( (T_A2 - T_A0) / 1000 )) ms after start"
[ "$MISMATCH" = 0 ]

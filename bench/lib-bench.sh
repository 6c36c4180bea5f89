# What the loop-device benches share (sourced by agent-vs-lvm2.sh and scale-vs-lvm2.sh): attach
# images to loop devices, and at the end stop what the run started and give back exactly what it
# took, nothing else.
#
# The sourcing script calls bench_preflight first, then sets WORK (its temp dir, where its images
# live); it calls loops_record_existing before attaching anything, attach IMG for each image, and from its cleanup
# stop_lanes, stop_pid and loops_release.

export LVM_SUPPRESS_FD_WARNINGS=1
# No hints file, no /etc/lvm/backup or archive writes: every lvm2 command reads the devices and
# leaves the host's lvm2 state alone.
LVMCONF='devices { hints="none" } backup { backup=0 archive=0 }'

log() { echo "[$(date +%T)] $*" >&2; }
now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }   # no fork: a date(1) fork costs ~1 ms

# bench_preflight TOOL...: root, the tools named, lvm2 (installed with apt-get when vgs is
# missing) and bash >= 5 (EPOCHREALTIME), or exit saying which is missing.
bench_preflight() {
  [ "$(id -u)" = 0 ] || { echo "bench: must run as root (loop devices, lvm2)" >&2; exit 1; }
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null || { echo "bench: $c is required" >&2; exit 1; }
  done
  if ! command -v vgs >/dev/null; then
    echo "== installing lvm2" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q lvm2 >/dev/null
  fi
  [ -n "${EPOCHREALTIME:-}" ] || { echo "bench: needs bash >= 5 (EPOCHREALTIME)" >&2; exit 1; }
}

LANES=()          # background setup lanes (bash subshells running lvm2 commands) still running

# Stops the setup lanes and the lvm2 command each is running (its child), by PID.
stop_lanes() {
  local p
  for p in "${LANES[@]}"; do
    kill -TERM $(pgrep -P "$p" 2>/dev/null) "$p" 2>/dev/null || true
  done
  for p in "${LANES[@]}"; do wait "$p" 2>/dev/null || true; done
}

# Waits for every setup lane; when one failed, shows the end of the lanes' logs
# ($WORK/vgcreate.*.log) and exits.
wait_lanes() {
  local pid fail=0
  for pid in "${LANES[@]}"; do wait "$pid" || fail=1; done
  LANES=()
  if [ "$fail" = 1 ]; then tail -n 20 "$WORK"/vgcreate.*.log >&2; exit 1; fi
}

# stop_pid PID TENTHS: SIGTERM, up to TENTHS tenths of a second to exit, then SIGKILL.
stop_pid() {
  local pid=$1 tenths=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 "$tenths"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

LOOPS=()          # every loop device this run attached, recorded right after attaching
MADE_NODES=()     # /dev/loopN nodes this run created with mknod
declare -A PRE_LOOPS=()   # loop devices that existed before this run: never removed

loops_record_existing() {
  local l
  for l in /sys/block/loop*; do [ -e "$l" ] && PRE_LOOPS[${l##*/}]=1; done
}

# attach IMG: attach a free loop device to IMG, set ATTACHED to its name and record it.
# losetup -f asks /dev/loop-control for a free (or new) device, so max_loop does not cap the
# count; the kernel then creates /dev/loopN through devtmpfs. Where /dev is not devtmpfs (some
# containers) the node may be missing: create it with mknod from the major:minor in sysfs.
ATTACHED=""
attach() {
  local img=$1 dev num mm try
  for try in 1 2 3 4 5; do
    if dev=$(losetup -f --show "$img" 2>"$WORK/losetup.err"); then
      LOOPS+=("$dev"); ATTACHED=$dev; return 0
    fi
    dev=$(losetup -f 2>/dev/null) || break
    num=${dev#/dev/loop}
    if [ ! -b "$dev" ] && [ -r "/sys/block/loop$num/dev" ]; then
      mm=$(cat "/sys/block/loop$num/dev")
      mknod -m 0660 "$dev" b "${mm%%:*}" "${mm##*:}" && MADE_NODES+=("$dev")
    fi
  done
  echo "bench: could not attach a loop device for $img: $(cat "$WORK/losetup.err")" >&2
  echo "bench: attached ${#LOOPS[@]} so far; see bench/AGENT-BENCH.md (loop limits)" >&2
  return 1
}

# Detaches this run's loops, removes the loop devices it added and the nodes it made.
loops_release() {
  local l back
  for l in "${LOOPS[@]}"; do losetup -d "$l" 2>/dev/null || true; done
  # A loop attached but not yet recorded (signal between losetup and LOOPS+=): find it by its
  # backing file, which can only be one of this run's images.
  while read -r l back; do
    case "$back" in "$WORK"/*) losetup -d "$l" 2>/dev/null || true ;; esac
  done < <(losetup -l -n --raw -O NAME,BACK-FILE 2>/dev/null || true)
  # Loop devices that did not exist before this run (losetup -f had /dev/loop-control add them)
  # are removed again with LOOP_CTL_REMOVE, so the host's device count (which every lvm2 command
  # pays for) is what it was. The kernel refuses (EBUSY) for a device someone else has bound.
  local nums=()
  for l in "${LOOPS[@]}"; do
    [ -n "${PRE_LOOPS[${l#/dev/}]:-}" ] || nums+=("${l#/dev/loop}")
  done
  # Each removal waits ~45 ms in the kernel (disk teardown), 3000 of them 2+ minutes one after
  # another; 32 removers in parallel take a few seconds.
  if [ "${#nums[@]}" -gt 0 ] && command -v perl >/dev/null; then
    log "cleanup: removing ${#nums[@]} loop devices this run added"
    local j k sl
    for ((j = 0; j < 32; j++)); do
      sl=()
      for ((k = j; k < ${#nums[@]}; k += 32)); do sl+=("${nums[k]}"); done
      [ "${#sl[@]}" -gt 0 ] || continue
      perl -e 'open(my $c, "<", "/dev/loop-control") or exit 0; ioctl($c, 0x4C81, $_ + 0) for @ARGV' "${sl[@]}" &
    done
    wait
  fi
  for l in "${MADE_NODES[@]}"; do
    # only if still unattached (losetup -d is synchronous, so it is unless someone else took it)
    losetup "$l" >/dev/null 2>&1 || rm -f "$l"
  done
}

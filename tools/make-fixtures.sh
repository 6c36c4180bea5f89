#!/bin/bash
# The project's own LVM2 fixture generator, for scenarios beyond the shared set in testdata/lvm2
# (s01-s13 were made by ../shared/tools/make-lvm-fixtures.sh). Builds PV images with the real
# lvm2 on loop devices, records lvm2's own JSON reports of exactly those devices, renames loop
# device names to image names, and writes OUTDIR/<scenario>/{*.img.gz,images.txt,expected/}.
# Needs root and lvm2. usage: sudo tools/make-fixtures.sh testdata/lvm2 [scenario...]
# Scenarios with thin pools, raid, mirrors, integrity, writecache and cachevol (s16-s19) are
# written by lvm2 2.03.16 built with ../shared/tools/lvm2-noact (stock lvm2 refuses to write them
# without a device-mapper kernel): LVM2_NOACT=/path/to/tools/lvm, or built into $LVM2_NOACT_DIR
# (default /work/lvm2-noact) when missing. Every report is recorded with the stock lvm2.
# `record-all testdata/lvm2 s01-single-linear ...` re-attaches existing scenarios' images and
# records only the `-o all` reports (for scenarios made before those were recorded).
set -eu
if [ "${1:-}" = record-all ]; then RECORD_ALL_ONLY=1; shift; else RECORD_ALL_ONLY=0; fi
OUT=$(realpath -m "$1"); shift
export LVM_SUPPRESS_FD_WARNINGS=1
WORK=$(mktemp -d /tmp/lvmcoord-fix.XXXX)
LOOPS=()
# No backups, archives or hints: the generator must leave nothing behind in /etc/lvm.
NOWRITE='devices { hints="none" } backup { backup=0 archive=0 }'
PVF=pv_name,pv_uuid,vg_name,pv_fmt,pv_attr,pv_size,dev_size,pv_free,pv_used,pe_start,pv_pe_count,pv_pe_alloc_count,pv_mda_count,pv_mda_used_count,pv_mda_size,pv_mda_free,pv_tags,pv_missing,pv_in_use,pv_duplicate,pv_ext_vsn
VGF=vg_name,vg_uuid,vg_attr,vg_size,vg_free,vg_extent_size,vg_extent_count,vg_free_count,vg_seqno,pv_count,lv_count,snap_count,max_lv,max_pv,vg_tags,vg_systemid,vg_mda_count,vg_mda_used_count,vg_mda_copies,vg_missing_pv_count,vg_exported,vg_partial,vg_permissions,vg_allocation_policy,vg_lock_type
LVF=lv_name,vg_name,lv_uuid,lv_attr,lv_size,seg_count,lv_tags,lv_layout,lv_role,pool_lv,origin,data_lv,metadata_lv
SEGF=lv_name,vg_name,lv_uuid,seg_start_pe,seg_size_pe,segtype,stripes,stripe_size,devices

detach_all() { local l; for l in "${LOOPS[@]}"; do losetup -d "$l" 2>/dev/null || true; done; LOOPS=(); }
trap 'detach_all; rm -rf "$WORK"' EXIT

scenario() { S=$1; mkdir -p "$WORK/$S/expected"; : > "$WORK/$S/devices.tsv"; echo "== $S" >&2; }
# image NAME MiB -> attached loop device in $DEV
image() { truncate -s "$2M" "$WORK/$S/$1.img"; DEV=$(losetup -f --show "$WORK/$S/$1.img"); LOOPS+=("$DEV"); printf '%s\t%s\n' "$1.img" "$DEV" >> "$WORK/$S/devices.tsv"; }
run() { "$@" --config "$NOWRITE" >> "$WORK/$S/build.log" 2>&1 || failed "$*"; }
failed() { echo "FAILED in $S: $1" >&2; tail -15 "$WORK/$S/build.log" >&2; exit 1; }
record() {
  local d; d=$(cut -f2 "$WORK/$S/devices.tsv" | paste -sd,)
  local c=(--devices "$d" --config "$NOWRITE" --reportformat json --units b --nosuffix)
  pvs -a "${c[@]}" -o $PVF > "$WORK/$S/expected/pvs.json" 2> "$WORK/$S/expected/pvs.stderr" || true
  vgs "${c[@]}" -o $VGF > "$WORK/$S/expected/vgs.json" 2> "$WORK/$S/expected/vgs.stderr" || true
  lvs -a "${c[@]}" -o $LVF > "$WORK/$S/expected/lvs.json" 2> "$WORK/$S/expected/lvs.stderr" || true
  lvs -a --segments "${c[@]}" -o $SEGF > "$WORK/$S/expected/segs.json" 2> "$WORK/$S/expected/segs.stderr" || true
  record_all
}
# Every field lvm2 has for each report (kernel-state fields as lvm2 prints them without
# device-mapper). TZ=UTC: lv_time is printed in local time, and the tests compare in UTC.
record_all() {
  local d; d=$(cut -f2 "$WORK/$S/devices.tsv" | paste -sd,)
  local c=(--devices "$d" --config "$NOWRITE" --reportformat json --units b --nosuffix -o all)
  local e="$WORK/$S/expected"
  TZ=UTC pvs -a "${c[@]}" > "$e/pvs-all.json" 2> "$e/pvs-all.stderr" || true
  TZ=UTC pvs -a --segments "${c[@]}" > "$e/pvsegs-all.json" 2> "$e/pvsegs-all.stderr" || true
  TZ=UTC vgs "${c[@]}" > "$e/vgs-all.json" 2> "$e/vgs-all.stderr" || true
  TZ=UTC lvs -a "${c[@]}" > "$e/lvs-all.json" 2> "$e/lvs-all.stderr" || true
  TZ=UTC lvs -a --segments "${c[@]}" > "$e/segs-all.json" 2> "$e/segs-all.stderr" || true
  # Historical LVs are listed only with -H (--history); recorded where a scenario makes one.
  # lvm2 2.03.16 crashes printing lv_modules of a historical LV, so that report has every column of
  # lvs -o all but lv_modules (taken from the lvs-all.json just recorded).
  if [ "${RECORD_HISTORY:-0}" = 1 ]; then
    local cols; cols=$(grep -m1 '{"lv_uuid"' "$e/lvs-all.json" | grep -o '"[a-z_0-9]*":' | tr -d '":' | grep -vx lv_modules | paste -sd,)
    TZ=UTC lvs -a -H "${c[@]:0:9}" -o "$cols" > "$e/lvshist-all.json" 2> "$e/lvshist-all.stderr" || true
  fi
  # lvm2 2.03.16 prints "Retrying metadata scan." on stdout, in the middle of its JSON (s13):
  # moved to the warnings, where it belongs, so the JSON parses.
  local f
  for f in "$e"/*-all.json; do
    if grep -q '^ *Retrying metadata scan\.$' "$f"; then
      grep '^ *Retrying metadata scan\.$' "$f" >> "${f%.json}.stderr"; sed -i '/^ *Retrying metadata scan\.$/d' "$f"
    fi
  done
}
# lvm2 built with the noact patch, for what stock lvm2 cannot write without device-mapper.
noact_lvm() {
  if [ -z "${LVM2_NOACT:-}" ]; then
    local dir=${LVM2_NOACT_DIR:-/work/lvm2-noact}
    LVM2_NOACT=$dir/LVM2.2.03.16/tools/lvm
    [ -x "$LVM2_NOACT" ] || LVM2_NOACT=$(bash "$(dirname "$0")/../../shared/tools/lvm2-noact/build.sh" "$dir" | tail -1)
  fi
  echo "$LVM2_NOACT"
}
# nrun CMD ARGS...: an lvm2 command run by the noact build, without activation.
nrun() { local c=$1; shift; LVM2_NOACT_OK=1 "$(noact_lvm)" "$c" "$@" --driverloaded n --config "$NOWRITE ${EXTRA_CONF:-}" >> "$WORK/$S/build.log" 2>&1 || failed "$c $*"; }
# vg_setup VG MiB N: N images of MiB each as PVs of VG (1 MiB extents); $ALLDEVS lists them.
vg_setup() {
  local vg=$1 mib=$2 n=$3 i devs=()
  for i in $(seq 1 "$n"); do image "pv$i" "$mib"; devs+=("$DEV"); done
  ALLDEVS=$(IFS=,; echo "${devs[*]}"); PVDEVS=("${devs[@]}")
  run pvcreate --devices "$ALLDEVS" "${devs[@]}"
  run vgcreate --devices "$ALLDEVS" -s 1m "$vg" "${devs[@]}"
}
finish() {
  record; detach_all
  local img dev args=()
  while IFS=$'\t' read -r img dev; do args+=(-e "s#$dev\\b#$img#g"); done < "$WORK/$S/devices.tsv"
  sed -i "${args[@]}" -e '/leaked on/d;/device-mapper/d;/libdevmapper/d;/dev\/mapper\/control/d' "$WORK/$S"/expected/*
  mkdir -p "$OUT/$S/expected"; cp "$WORK/$S"/expected/* "$OUT/$S/expected/"
  cut -f1 "$WORK/$S/devices.tsv" | sort > "$OUT/$S/images.txt"
  for img in $(cat "$OUT/$S/images.txt"); do gzip -9 -n -c "$WORK/$S/$img" > "$OUT/$S/$img.gz"; done
  sed '/leaked on/d' "$WORK/$S/build.log" > "$OUT/$S/build.log"
}

# Two VGs with one name, each made while lvm2 saw only its own disk (as when a disk from another
# host is attached). lvm2 lists both, and warns about the duplicate name.
s14_same_vg_name() {
  scenario s14-same-vg-name
  image pv1 32; local a=$DEV; image pv2 32; local b=$DEV
  run pvcreate --devices "$a" "$a"; run vgcreate --devices "$a" -s 1m vgtwin "$a"; run lvcreate --devices "$a" --driverloaded n -an -Zn -L 4m -n first vgtwin
  run pvcreate --devices "$b" "$b"; run vgcreate --devices "$b" -s 1m vgtwin "$b"; run lvcreate --devices "$b" --driverloaded n -an -Zn -L 8m -n second vgtwin
  finish
}

# One VG through a series of metadata commits, each raising the seqno by exactly one, for tests
# that replay a writer host's commits onto a shared "SAN" one state at a time. The devices stay
# attached throughout so that every state is what lvm2 left on the same two disks; after each
# commit both images and lvm2's pvs/vgs/lvs of that state are saved as state-<seqno>/ (a state
# folder is laid out like a one-state scenario: images.txt, *.img.gz, expected/).
# state-001: after vgcreate; state-002: after lvcreate (one linear LV spanning both PVs); then
# COMMITS tag swaps on the VG (state N carries the single tag wN), so the text stays ~1 KB.
s15_seqno_series() {
  scenario s15-seqno-series
  local commits=${S15_COMMITS:-120}
  image pv1 8; local a=$DEV; image pv2 8; local b=$DEV
  local both="$a,$b"
  run pvcreate --devices "$both" "$a" "$b"
  run vgcreate --devices "$both" -s 1m sanvg "$a" "$b"
  snapshot sanvg 1
  run lvcreate --devices "$both" --driverloaded n -an -Zn -l 10 -n data sanvg "$a" "$b"
  snapshot sanvg 2
  local n
  for n in $(seq 3 $((commits + 2))); do
    if [ "$n" -eq 3 ]; then run vgchange --devices "$both" --addtag "w$n" sanvg
    else run vgchange --devices "$both" --deltag "w$((n - 1))" --addtag "w$n" sanvg; fi
    snapshot sanvg "$n"
  done
  detach_all
  local img dev args=()
  while IFS=$'\t' read -r img dev; do args+=(-e "s#$dev\\b#$img#g"); done < "$WORK/$S/devices.tsv"
  mkdir -p "$OUT/$S"
  for d in "$WORK/$S"/state-*; do
    sed -i "${args[@]}" -e '/leaked on/d;/device-mapper/d;/libdevmapper/d;/dev\/mapper\/control/d' "$d"/expected/*
    # Keep a warning file only where lvm2 warned: 120 empty files say nothing.
    find "$d/expected" -name '*.stderr' -empty -delete
    rm -rf "$OUT/$S/${d##*/}"; cp -r "$d" "$OUT/$S/"
  done
  sed '/leaked on/d' "$WORK/$S/build.log" > "$OUT/$S/build.log"
}

# snapshot VG SEQNO: checks lvm2 sees VG at exactly SEQNO (one commit per step, nothing more), then
# saves the attached images and lvm2's pvs/vgs/lvs of them as $WORK/$S/state-<SEQNO>/.
snapshot() {
  local devs; devs=$(cut -f2 "$WORK/$S/devices.tsv" | paste -sd,)
  local c=(--devices "$devs" --config "$NOWRITE")
  local seen; seen=$(vgs "${c[@]}" --noheadings -o vg_seqno "$1" 2>/dev/null | tr -d ' ')
  [ "$seen" = "$2" ] || { echo "$1 is at seqno '$seen', expected $2 (see $WORK/$S/build.log)" >&2; exit 1; }
  local d; d=$(printf '%s/state-%03d' "$WORK/$S" "$2")
  mkdir -p "$d/expected"
  c+=(--reportformat json --units b --nosuffix)
  pvs -a "${c[@]}" -o $PVF > "$d/expected/pvs.json" 2> "$d/expected/pvs.stderr" || true
  vgs "${c[@]}" -o $VGF > "$d/expected/vgs.json" 2> "$d/expected/vgs.stderr" || true
  lvs -a "${c[@]}" -o $LVF > "$d/expected/lvs.json" 2> "$d/expected/lvs.stderr" || true
  cut -f1 "$WORK/$S/devices.tsv" | sort > "$d/images.txt"
  local img
  for img in $(cat "$d/images.txt"); do gzip -9 -n -c "$WORK/$S/$img" > "$d/$img.gz"; done
}

# Thin provisioning: two pools (one zeroing, discards nopassdown, error when full, 128 KiB chunks),
# thin LVs with tags, thin snapshots (a chain, and two of one origin), an external origin
# (read-only linear LV) with its thin snapshot, and a historical LV (the middle of a snapshot chain
# removed; lvm2 keeps a removed LV only while it has descendants
# -- metadata/record_lvs_history).
s16_thin() {
  scenario s16-thin
  vg_setup vgthin 48 3; local d=$ALLDEVS
  nrun lvcreate --devices "$d" --type thin-pool -L 12m -n pool vgthin
  nrun lvcreate --devices "$d" --type thin-pool -L 8m --chunksize 128k -Zy --discards nopassdown \
    --poolmetadatasize 4m -n pool2 vgthin "${PVDEVS[2]}"
  nrun lvchange --devices "$d" --errorwhenfull y vgthin/pool2
  nrun lvcreate --devices "$d" -V 32m -T vgthin/pool -n thin1
  nrun lvcreate --devices "$d" -V 16m -T vgthin/pool2 -n thin2 --addtag db --addtag tier-1
  nrun lvcreate --devices "$d" -s vgthin/thin1 -n tsnap
  nrun lvcreate --devices "$d" -s vgthin/tsnap -kn -n tsnap2
  nrun lvcreate --devices "$d" -s vgthin/thin1 -n tsnap3
  nrun lvcreate --devices "$d" -L 4m -n ext vgthin
  nrun lvchange --devices "$d" -pr vgthin/ext
  nrun lvcreate --devices "$d" -s vgthin/ext --thinpool vgthin/pool -n extsnap
  EXTRA_CONF="metadata { record_lvs_history=1 }" nrun lvremove --devices "$d" -y vgthin/tsnap
  RECORD_HISTORY=1 finish
}

# Raid of every level and layout lvm2 writes: raid0 (with and without rmeta), raid1 (one made
# --nosync, one with integrity, one with recovery rates), raid4, raid5 (ls, la, ra, rs, n), raid6
# (zr, nr, nc, n_6, la_6, ra_6, ls_6, rs_6) and raid10.
s17_raid() {
  scenario s17-raid
  vg_setup vgraid 96 6; local d=$ALLDEVS
  nrun lvcreate --devices "$d" --type raid0 -i 2 -I 64k -L 8m -n r0 vgraid
  nrun lvcreate --devices "$d" --type raid0_meta -i 3 -L 6m -n r0m vgraid
  nrun lvcreate --devices "$d" --type raid1 -m 1 -L 4m -n r1 vgraid
  nrun lvcreate --devices "$d" --type raid1 -m 2 --nosync -L 4m -n r1ns vgraid
  nrun lvcreate --devices "$d" --type raid1 -m 1 --raidintegrity y -L 4m -n r1i vgraid
  nrun lvcreate --devices "$d" --type raid1 -m 1 --maxrecoveryrate 256k --minrecoveryrate 64k -L 4m -n r1rate vgraid
  nrun lvcreate --devices "$d" --type raid4 -i 2 -L 4m -n r4 vgraid
  nrun lvcreate --devices "$d" --type raid5 -i 2 -L 4m -n r5 vgraid
  nrun lvcreate --devices "$d" --type raid5_la -i 3 -L 6m -n r5la vgraid
  nrun lvcreate --devices "$d" --type raid5_n -i 2 -L 4m -n r5n vgraid
  nrun lvcreate --devices "$d" --type raid6 -i 3 -L 6m -n r6 vgraid
  nrun lvcreate --devices "$d" --type raid6_nc -i 3 -L 6m -n r6nc vgraid
  nrun lvcreate --devices "$d" --type raid10 -i 2 -m 1 -L 4m -n r10 vgraid
  local layout
  for layout in raid5_ra raid5_rs raid6_nr raid6_n_6 raid6_la_6 raid6_ra_6 raid6_ls_6 raid6_rs_6; do
    nrun lvcreate --devices "$d" --type "$layout" -i 3 -L 3m -n "${layout//_/}" vgraid
  done
  finish
}

# Mirrors (disk and core logs; one --nosync; lvm2 2.03.16 fails to create a mirrored log, which
# it calls deprecated, even on a device-mapper kernel), old-style COW snapshots (two of one
# origin, one with 8 KiB chunks; lvconvert --merge needs the kernel's snapshot-merge target even
# in the noact build, so merging is not written here), a sparse snapshot of a
# virtual origin, and zero/error LVs.
s18_mirror_cow() {
  scenario s18-mirror-cow
  vg_setup vgmir 32 4; local d=$ALLDEVS
  nrun lvcreate --devices "$d" --type mirror -m 1 --mirrorlog disk -L 4m -n mir vgmir
  nrun lvcreate --devices "$d" --type mirror -m 1 --mirrorlog core --nosync -L 4m -n mirc vgmir
  nrun lvcreate --devices "$d" -L 8m -n orig vgmir
  nrun lvcreate --devices "$d" -s -L 4m -n cow1 vgmir/orig
  nrun lvcreate --devices "$d" -s -L 4m -c 8k -n cow2 vgmir/orig
  nrun lvcreate --devices "$d" --type snapshot -V 8m -L 4m -n sparse vgmir
  nrun lvcreate --devices "$d" --type zero -L 4m -n zer vgmir
  nrun lvcreate --devices "$d" --type error -L 4m -n err vgmir
  finish
}

# Caching: a cache pool attached in writeback mode with smq, a cachevol, a writecache with
# settings, a cached thin pool (its data LV cached), and an unattached cache pool.
s19_cache() {
  scenario s19-cache
  vg_setup vgcache 48 4; local d=$ALLDEVS
  nrun lvcreate --devices "$d" -L 16m -n corig vgcache
  nrun lvcreate --devices "$d" --type cache-pool -L 8m -n cpool vgcache
  nrun lvconvert --devices "$d" -y --type cache --cachepool vgcache/cpool --cachemode writeback --cachepolicy smq vgcache/corig
  nrun lvcreate --devices "$d" -L 16m -n slow vgcache
  nrun lvcreate --devices "$d" -L 8m -n fast vgcache
  nrun lvconvert --devices "$d" -y --type cache --cachevol vgcache/fast vgcache/slow
  nrun lvcreate --devices "$d" -L 16m -n wslow vgcache
  nrun lvcreate --devices "$d" -L 8m -n wfast vgcache
  nrun lvconvert --devices "$d" -y --type writecache --cachevol vgcache/wfast --cachesettings high_watermark=80 vgcache/wslow
  nrun lvcreate --devices "$d" --type thin-pool -L 12m -n tpool vgcache
  nrun lvcreate --devices "$d" --type cache-pool -L 4m -n tcpool vgcache
  nrun lvconvert --devices "$d" -y --type cache --cachepool vgcache/tcpool vgcache/tpool
  nrun lvcreate --devices "$d" --type cache-pool -L 4m -n loosepool vgcache
  finish
}

# VDO: a VDO pool and its VDO LV (compression off, write policy sync, 128 MiB slabs). lvm2 runs
# vdoformat on the pool's data LV, which needs the kernel to have activated it and a vdoformat
# binary (Debian 12 ships none); the formatter only writes VDO's own on-disk structures into the
# LV, so /bin/true stands in for it and the LVM metadata is what lvm2 writes after a format.
s21_vdo() {
  scenario s21-vdo
  vg_setup vgvdo 640 1; local d=$ALLDEVS
  EXTRA_CONF='global { vdo_format_executable = "/bin/true" }' nrun lvcreate --devices "$d" --type vdo -L 512M -V 2G \
    --compression n --vdosettings 'slab_size_mb=128 write_policy=sync' -n vdo1 vgvdo/vpool
  finish
}

# States only a device-mapper kernel can write, made in a vmlab VM (../shared/tools/vmlab, QEMU
# with the Debian 12 kernel; VMLAB_DIR default /work/vmlab, built by its build-rootfs.sh) by the
# guest's stock lvm2 2.03.16, then recorded on this host as every other scenario (no kernel state):
# a COW snapshot whose merge into its origin waits for the next activation, a raid1 image split
# off with --trackchanges (a visible raid image), and a pvmove in progress (its poller checks every
# 10 minutes, so the VM, stopped hard a second after the start, leaves the move in the metadata, as
# a host that crashed during a pvmove).
s20_kernel_written() {
  scenario s20-kernel-written
  local vmlab; vmlab=$(cd "$(dirname "$0")/../../shared/tools/vmlab" && pwd)
  export VMLAB_DIR=${VMLAB_DIR:-/work/vmlab}
  local i files=()
  for i in 1 2 3 4; do
    truncate -s 64M "$WORK/$S/pv$i.img"; files+=("$WORK/$S/pv$i.img")
  done
  local vm=fixs20
  MEM=1024 LAN=0 "$vmlab/boot.sh" "$vm" "${files[@]}" >> "$WORK/$S/build.log" 2>&1 || failed "boot.sh"
  "$vmlab/vmssh.sh" "$vm" 'set -ex
    pvcreate -q /dev/vdb /dev/vdc /dev/vdd /dev/vde
    vgcreate -q -s 1m vgk /dev/vdb /dev/vdc /dev/vdd /dev/vde
    lvcreate -q -y -L 8m -n origin vgk /dev/vdb
    lvcreate -q -y -s -L 4m -n msnap vgk/origin /dev/vdb
    vgchange -q -an vgk
    lvconvert -y --merge vgk/msnap
    lvcreate -q -y --type raid1 -m 1 --nosync -L 4m -n rsplit vgk /dev/vdb /dev/vdc
    lvconvert -y --splitmirrors 1 --trackchanges vgk/rsplit
    lvcreate -q -y -L 24m -n moving vgk /dev/vdd
    sync' >> "$WORK/$S/build.log" 2>&1 || { python3 "$vmlab/tools/qmp.py" "$VMLAB_DIR/run/$vm/qmp.sock" quit >/dev/null 2>&1; failed "guest commands"; }
  # The pvmove's destination (vde, drive d3) is throttled to 256 KiB/s, so the 24 MiB copy is
  # still running when the VM stops.
  python3 "$vmlab/tools/qmp.py" "$VMLAB_DIR/run/$vm/qmp.sock" block_set_io_throttle \
    '{"device": "d3", "bps": 0, "bps_rd": 0, "bps_wr": 262144, "iops": 0, "iops_rd": 0, "iops_wr": 0}' >> "$WORK/$S/build.log" 2>&1
  "$vmlab/vmssh.sh" "$vm" 'set -ex
    pvmove -b -i 600 /dev/vdd /dev/vde
    sleep 2
    lvs -a -o name,attr,copy_percent,move_pv vgk
    sync' >> "$WORK/$S/build.log" 2>&1 || { python3 "$vmlab/tools/qmp.py" "$VMLAB_DIR/run/$vm/qmp.sock" quit >/dev/null 2>&1; failed "pvmove"; }
  # A hard stop: a clean one would deactivate (and could finish) the pvmove.
  python3 "$vmlab/tools/qmp.py" "$VMLAB_DIR/run/$vm/qmp.sock" quit >> "$WORK/$S/build.log" 2>&1 || true
  for i in $(seq 1 50); do [ -e "/proc/$(cat "$VMLAB_DIR/run/$vm/qemu.pid" 2>/dev/null)" ] || break; sleep 0.2; done
  for i in 1 2 3 4; do
    DEV=$(losetup -f --show "$WORK/$S/pv$i.img"); LOOPS+=("$DEV"); printf '%s\t%s\n' "pv$i.img" "$DEV" >> "$WORK/$S/devices.tsv"
  done
  finish
}

# record-all: attach an existing scenario's images (or a state folder's) and record the -o all reports.
rerecord_all() {
  local dir=$OUT/$1 img
  S=$1; mkdir -p "$WORK/$S/expected"; : > "$WORK/$S/devices.tsv"; echo "== record-all $S" >&2
  for img in $(cat "$dir/images.txt"); do
    gunzip -c "$dir/$img.gz" > "$WORK/$S/$img"
    DEV=$(losetup -f --show "$WORK/$S/$img"); LOOPS+=("$DEV"); printf '%s\t%s\n' "$img" "$DEV" >> "$WORK/$S/devices.tsv"
  done
  record_all; detach_all
  local dev args=()
  while IFS=$'\t' read -r img dev; do args+=(-e "s#$dev\\b#$img#g"); done < "$WORK/$S/devices.tsv"
  sed -i "${args[@]}" -e '/leaked on/d;/device-mapper/d;/libdevmapper/d;/dev\/mapper\/control/d' "$WORK/$S"/expected/*-all.*
  find "$WORK/$S/expected" -name '*-all.stderr' -empty -delete
  cp "$WORK/$S"/expected/*-all.* "$dir/expected/"
}

if [ "$RECORD_ALL_ONLY" = 1 ]; then for s in "$@"; do rerecord_all "$s"; done; exit 0; fi

ALL=(s14_same_vg_name s15_seqno_series s16_thin s17_raid s18_mirror_cow s19_cache s20_kernel_written s21_vdo)
for s in "${@:-${ALL[@]}}"; do "${s//-/_}"; done

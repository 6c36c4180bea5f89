#!/bin/bash
# The project's own LVM2 fixture generator, for scenarios beyond the shared set in testdata/lvm2
# (s01-s13 were made by ../shared/tools/make-lvm-fixtures.sh). Builds PV images with the real
# lvm2 on loop devices, records lvm2's own JSON reports of exactly those devices, renames loop
# device names to image names, and writes OUTDIR/<scenario>/{*.img.gz,images.txt,expected/}.
# Needs root and lvm2. usage: sudo tools/make-fixtures.sh testdata/lvm2 [scenario...]
set -eu
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
run() { "$@" --config "$NOWRITE" >> "$WORK/$S/build.log" 2>&1; }
record() {
  local d; d=$(cut -f2 "$WORK/$S/devices.tsv" | paste -sd,)
  local c=(--devices "$d" --config "$NOWRITE" --reportformat json --units b --nosuffix)
  pvs -a "${c[@]}" -o $PVF > "$WORK/$S/expected/pvs.json" 2> "$WORK/$S/expected/pvs.stderr" || true
  vgs "${c[@]}" -o $VGF > "$WORK/$S/expected/vgs.json" 2> "$WORK/$S/expected/vgs.stderr" || true
  lvs -a "${c[@]}" -o $LVF > "$WORK/$S/expected/lvs.json" 2> "$WORK/$S/expected/lvs.stderr" || true
  lvs -a --segments "${c[@]}" -o $SEGF > "$WORK/$S/expected/segs.json" 2> "$WORK/$S/expected/segs.stderr" || true
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

ALL=(s14_same_vg_name s15_seqno_series)
for s in "${@:-${ALL[@]}}"; do "${s//-/_}"; done

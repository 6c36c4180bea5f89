# capture: NDISKS=4 DISK_SIZE=256M MEM=1024
# dm-l01-faults (lvmcoord's own scenario, for ../shared/tools/vmlab/capture-dm.sh): kernel states the shared
# recordings lack, in VG lf on vdb..vde.
#   o1 (32M) with a 4M COW snapshot s1, overflowed by 12 MiB written into the origin: the snapshot is invalid
#   tpf: thin pool of 8M, errorwhenfull (lvchange: lvcreate refuses the option for pools); thin tf (32M) written past it: out of data space
#   r1: raid1 of 128M created with --maxrecoveryrate 256k, frozen (dm message) a few seconds into its resync, so that
#       every report sees the same part in sync (Cpy%Sync < 100, images not in sync, sync action frozen)
#   it: an inactive LV whose dm device exists with only an inactive table (dmsetup create --notable + load)
pvcreate -y /dev/vdb /dev/vdc /dev/vdd /dev/vde
vgcreate lf /dev/vdb /dev/vdc /dev/vdd /dev/vde
lvcreate -y -n o1 -L 32M lf /dev/vdb
lvcreate -y -s -n s1 -L 4M lf/o1
fill /dev/lf/o1 12 || true
lvcreate -y --type thin-pool -n tpf -L 8M lf /dev/vdc
lvchange --errorwhenfull y lf/tpf
lvcreate -y -n tf -V 32M --thinpool lf/tpf
fill /dev/lf/tf 16 || true
lvcreate -y --type raid1 -m 1 -n r1 -L 128M --maxrecoveryrate 256k lf /dev/vdd /dev/vde
sleep 3
dmsetup message lf-r1 0 frozen
sleep 1
dmsetup status lf-r1
lvcreate -y -n it -L 8M lf /dev/vdb
lvchange -an lf/it
VGU=$(vgs --noheadings -o vg_uuid lf | tr -d ' -')
LVU=$(lvs --noheadings -o lv_uuid lf/it | tr -d ' -')
dmsetup create lf-it --notable -u "LVM-$VGU$LVU"
dmsetup load lf-it --table "0 16384 linear /dev/vdb 2048"
sync
udevadm settle
dmsetup info -c lf-it
lvs -a -o lv_name,lv_attr,data_percent,snap_percent,sync_percent,lv_health_status lf

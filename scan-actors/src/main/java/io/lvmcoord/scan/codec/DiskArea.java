package io.lvmcoord.scan.codec;

/** A {offset, size} pair from the pv_header, both in bytes from the start of the device. */
public record DiskArea(long offset, long size) {
}

package io.lvmcoord.scan.codec;

import io.lvmcoord.scan.metadata.ConfigParser;
import io.lvmcoord.scan.metadata.MetadataImporter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one device: label, pv_header, each metadata area's header and committed text.
 *
 * <p>Read plan: one read of the first {@link #HEAD_BYTES} (label, mda1 header and, with default
 * sizes, the text), then further reads only for what lies beyond it: text past the head, and
 * mda2 at the end of the device. Sizes claimed on disk are validated against the device size
 * and {@link DecodeLimits} before anything is allocated for them.
 *
 * <p>The ring buffer: text lives in {@code [start+512, start+size)}; a copy whose
 * {@code offset+size} passes the end of the area continues at {@code start+512}. The CRC is
 * chained over the two parts.
 */
public final class PvDecoder {
    /** One aligned 128 KiB read covers the label, mda1's header and usually its text. */
    public static final int HEAD_BYTES = 128 * 1024;
    /** The sectors searched for a label. */
    public static final int LABEL_BYTES = Label.SCAN_SECTORS * Label.SECTOR_SIZE;

    private final DecodeLimits limits;
    private final ParsedTexts texts;

    /** A decoder sharing the node's parsed texts for {@code limits} ({@link ParsedTexts#of}). */
    public PvDecoder(DecodeLimits limits) {
        this(ParsedTexts.of(limits));
    }

    /** A decoder whose texts are parsed (once each) by {@code texts}, under its limits. */
    public PvDecoder(ParsedTexts texts) {
        this.limits = texts.limits();
        this.texts = texts;
    }

    public DeviceScan decode(BlockSource src) {
        String dev = src.name();
        long size;
        byte[] head;
        try {
            size = src.size();
            head = src.read(0, (int) Math.min(HEAD_BYTES, size));
        } catch (IOException e) {
            return new DeviceScan.DeviceFault(dev, new DecodeError(dev, 0, DecodeError.Kind.IO_ERROR, "read failed: " + e.getMessage()));
        }
        return decode(src, size, head, null, true);
    }

    /** One step of an incremental decode: the result, or the bytes it needs next. */
    public sealed interface Step permits Step.Done, Step.NeedBytes {
        record Done(DeviceScan scan) implements Step {
        }

        /** A range the decoder needs that {@code cache} does not hold. */
        record NeedBytes(long offset, int length) implements Step {
        }
    }

    /**
     * Decodes from what {@code cache} holds, for callers that fetch bytes asynchronously: repeat
     * with the requested bytes added until {@link Step.Done}. Text already parsed for an
     * unchanged committed slot is taken from {@code parsed} instead of being read again; texts
     * parsed here are remembered in it, so a retry never parses twice.
     */
    public Step step(String device, long size, BlockCache cache, ParsedMetadata parsed) {
        return step(device, size, cache, parsed, true);
    }

    /**
     * A step that parses no metadata text: the outcome when the label, the area headers and
     * {@code parsed} settle it (an unchanged device: every in-use area's slot is remembered, or
     * no label at all), the bytes it needs next, or null when a text would have to be parsed.
     * What it does is bounded by the device's first sectors and headers (no text, no recursion,
     * a few KiB), so a rescan may run it on its own thread and leave only parsing to a
     * thread whose time is budgeted (see DeviceScanner).
     */
    public Step stepWithoutParsing(String device, long size, BlockCache cache, ParsedMetadata parsed) {
        try {
            return step(device, size, cache, parsed, false);
        } catch (TextToParse needed) {
            return null;
        }
    }

    private Step step(String device, long size, BlockCache cache, ParsedMetadata parsed, boolean mayParse) {
        // Only the label sectors are needed up front; everything else is asked for when decoding
        // reaches it. How much to read first (a whole head, or only what an unchanged device needs)
        // is the reader's choice.
        int labelLength = (int) Math.min(LABEL_BYTES, size);
        if (!cache.covers(0, labelLength, size)) {
            return new Step.NeedBytes(0, labelLength);
        }
        byte[] head = cache.get(0, labelLength, size);
        BlockSource view = new BlockSource() {
            @Override
            public String name() {
                return device;
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public byte[] read(long offset, int length) {
                byte[] b = cache.get(offset, length, size);
                if (b == null) {
                    throw new MissingBytes(offset, length);
                }
                return b;
            }
        };
        try {
            return new Step.Done(decode(view, size, head, parsed, mayParse));
        } catch (MissingBytes m) {
            return new Step.NeedBytes(m.offset, m.length);
        }
    }

    /** Control flow of {@link #stepWithoutParsing}: a text would have to be parsed; never escapes this class. */
    private static final class TextToParse extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final TextToParse INSTANCE = new TextToParse();

        private TextToParse() {
            super(null, null, false, false);
        }
    }

    /** Control flow of {@link #step}: the view lacks bytes; never escapes this class. */
    private static final class MissingBytes extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final long offset;
        final int length;

        MissingBytes(long offset, int length) {
            super(null, null, false, false);
            this.offset = offset;
            this.length = length;
        }
    }

    private DeviceScan decode(BlockSource src, long size, byte[] head, ParsedMetadata parsed, boolean mayParse) {
        String dev = src.name();
        Decoded<Label> label = Label.find(dev, head);
        if (!label.isOk()) {
            return new DeviceScan.NotAPv(dev, size, label.error());
        }
        Label l = label.value();
        List<MdaScan> mdas = new ArrayList<>();
        for (int i = 0; i < l.metadataAreas().size(); i++) {
            mdas.add(scanArea(src, size, head, i, l.metadataAreas().get(i), l.metadataAreaEntryOffset(i), parsed, mayParse));
        }
        return new DeviceScan.PvScan(dev, size, l, mdas);
    }

    private MdaScan scanArea(BlockSource src, long devSize, byte[] head, int index, DiskArea area, long entryAt,
                             ParsedMetadata parsed, boolean mayParse) {
        String dev = src.name();
        if (area.offset() < 0 || area.offset() > devSize - MdaHeader.HEADER_SIZE) {
            // The bad value is the pv_header's claim, so that is where the error points.
            return bad(index, area, null, MdaScan.Status.BAD_HEADER, new DecodeError(dev, entryAt, DecodeError.Kind.TRUNCATED,
                    "pv_header lists metadata area " + (index + 1) + " at " + Long.toUnsignedString(area.offset())
                            + ", beyond the device end (" + devSize + " bytes)"));
        }
        byte[] hb;
        try {
            hb = slice(src, head, area.offset(), MdaHeader.HEADER_SIZE);
        } catch (IOException e) {
            return bad(index, area, null, MdaScan.Status.BAD_HEADER,
                    new DecodeError(dev, area.offset(), DecodeError.Kind.IO_ERROR, "mda header read failed: " + e.getMessage()));
        }
        Decoded<MdaHeader> hdr = MdaHeader.decode(dev, area.offset(), hb);
        if (!hdr.isOk()) {
            return bad(index, area, null, MdaScan.Status.BAD_HEADER, hdr.error());
        }
        MdaHeader h = hdr.value();
        RawLocn slot = h.committed();
        if (slot.ignored()) {
            return new MdaScan(index, area, h, MdaScan.Status.IGNORED, null, null);
        }
        if (slot.empty()) {
            return new MdaScan(index, area, h, MdaScan.Status.EMPTY, null, null);
        }
        // Until the slot is validated, errors point at the slot inside the header, where the bad value is stored.
        long slotAt = area.offset() + MdaHeader.COMMITTED_SLOT_OFFSET;
        if (h.size() <= MdaHeader.HEADER_SIZE || h.size() > devSize - area.offset()) {
            return bad(index, area, h, MdaScan.Status.BAD_TEXT, new DecodeError(dev, area.offset(), DecodeError.Kind.TRUNCATED,
                    "metadata area claims " + Long.toUnsignedString(h.size()) + " bytes, past the device end (" + devSize + " bytes)"));
        }
        if (slot.offset() < MdaHeader.HEADER_SIZE || slot.offset() >= h.size() || slot.size() <= 0
                || slot.size() > h.size() - MdaHeader.HEADER_SIZE) {
            return bad(index, area, h, MdaScan.Status.BAD_TEXT, new DecodeError(dev, slotAt, DecodeError.Kind.BAD_TEXT_LOCATION,
                    "metadata text location {offset " + Long.toUnsignedString(slot.offset()) + ", size "
                            + Long.toUnsignedString(slot.size()) + "} does not fit a " + h.size() + "-byte area"));
        }
        long textAt = area.offset() + slot.offset();
        if (slot.size() > limits.maxTextBytes()) {
            return bad(index, area, h, MdaScan.Status.BAD_TEXT, new DecodeError(dev, textAt, DecodeError.Kind.TOO_LARGE,
                    "metadata text of " + slot.size() + " bytes exceeds the cap of " + limits.maxTextBytes()));
        }
        ParsedMetadata.Known known = parsed == null ? null : parsed.lookup(area.offset(), slot);
        if (known != null) {
            return new MdaScan(index, area, h, MdaScan.Status.IN_USE, known.vg(), null, known.text());
        }
        if (!mayParse) {
            throw TextToParse.INSTANCE;
        }
        byte[] text;
        int crc;
        try {
            int total = (int) slot.size();
            long wrap = slot.offset() + slot.size() - h.size();
            if (wrap > 0) {
                byte[] part1 = slice(src, head, textAt, (int) (total - wrap));
                byte[] part2 = slice(src, head, area.offset() + MdaHeader.HEADER_SIZE, (int) wrap);
                text = new byte[total];
                System.arraycopy(part1, 0, text, 0, part1.length);
                System.arraycopy(part2, 0, text, part1.length, part2.length);
                crc = LvmCrc.update(LvmCrc.update(LvmCrc.INITIAL, part1, 0, part1.length), part2, 0, part2.length);
            } else {
                text = slice(src, head, textAt, total);
                crc = LvmCrc.of(text, 0, text.length);
            }
        } catch (IOException e) {
            return bad(index, area, h, MdaScan.Status.BAD_TEXT,
                    new DecodeError(dev, textAt, DecodeError.Kind.IO_ERROR, "metadata text read failed: " + e.getMessage()));
        }
        if (crc != slot.checksum()) {
            return bad(index, area, h, MdaScan.Status.BAD_TEXT, new DecodeError(dev, textAt, DecodeError.Kind.TEXT_CHECKSUM,
                    String.format("Checksum error (stored %08x, computed %08x)", slot.checksum(), crc)));
        }
        if (text[text.length - 1] != 0) {
            return bad(index, area, h, MdaScan.Status.BAD_TEXT,
                    new DecodeError(dev, textAt, DecodeError.Kind.BAD_TEXT, "metadata text is not NUL-terminated"));
        }
        try {
            // Every PV of the VG carries this text: one parse and one copy of the bytes serve them all.
            ParsedTexts.Shared shared = texts.parse(slot.checksum(), slot.size(), text);
            if (parsed != null) {
                parsed.remember(area.offset(), slot, shared.vg(), shared.text());
            }
            return new MdaScan(index, area, h, MdaScan.Status.IN_USE, shared.vg(), null, shared.text());
        } catch (ConfigParser.SyntaxError | MetadataImporter.ImportError e) {
            return bad(index, area, h, MdaScan.Status.BAD_TEXT,
                    new DecodeError(dev, textAt, DecodeError.Kind.BAD_TEXT, "invalid metadata text: " + e.getMessage()));
        }
    }

    private static MdaScan bad(int index, DiskArea area, MdaHeader h, MdaScan.Status status, DecodeError e) {
        return new MdaScan(index, area, h, status, null, e);
    }

    /** Bytes at an absolute offset, from the head buffer when it covers them. */
    private static byte[] slice(BlockSource src, byte[] head, long offset, int length) throws IOException {
        if (offset + length <= head.length) {
            byte[] out = new byte[length];
            System.arraycopy(head, (int) offset, out, 0, length);
            return out;
        }
        byte[] b = src.read(offset, length);
        if (b.length < length) {
            throw new IOException("short read: " + b.length + " of " + length + " bytes at " + offset);
        }
        return b;
    }
}

package io.lvmcoord.scan.fuzz;

import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.MdaScan;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.metadata.ConfigParser;
import io.lvmcoord.scan.metadata.ConfigSection;
import io.lvmcoord.scan.metadata.MetadataImporter;
import io.lvmcoord.scan.metadata.VgMetadata;

import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz targets (a) to (c) of issue 11: the label/pv_header/mda decoder, the metadata-text parser
 * and the importer. Each returns what the code under test returned and throws only when that
 * result breaks the codec's contract (a decode result is one of its documented shapes, an error
 * names the device and an offset); anything the code itself throws escapes to the oracle.
 */
public final class ScanTargets {
    private ScanTargets() {
    }

    /** (a) Decodes every device of the input with the production limits. */
    public static List<DeviceScan> decode(FuzzInputs.Devices in) {
        PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);
        List<DeviceScan> out = new ArrayList<>();
        for (SparseImage img : in.images()) {
            DeviceScan r = decoder.decode(img);
            checkShape(img.name(), r);
            out.add(r);
        }
        return out;
    }

    private static void checkShape(String dev, DeviceScan r) {
        if (r == null || !r.device().equals(dev)) {
            throw new AssertionError("decode of " + dev + " returned " + r);
        }
        if (r instanceof DeviceScan.PvScan pv) {
            for (MdaScan m : pv.mdas()) {
                if ((m.status() == MdaScan.Status.IN_USE) != (m.vg() != null)) {
                    throw new AssertionError("vg present iff in use, broken by " + m);
                }
                boolean bad = m.status() == MdaScan.Status.BAD_HEADER || m.status() == MdaScan.Status.BAD_TEXT;
                if ((m.error() != null) != bad) {
                    throw new AssertionError("error present iff bad, broken by " + m);
                }
                if (m.error() != null && (!m.error().device().equals(dev) || m.error().offset() < 0)) {
                    throw new AssertionError("error does not name device and offset: " + m.error());
                }
            }
        } else if (r instanceof DeviceScan.NotAPv n && n.reason() != null && !n.reason().device().equals(dev)) {
            throw new AssertionError("not-a-PV reason names another device: " + n.reason());
        }
    }

    /** (b) Parses the text: a tree or a syntax error with a position inside the text. */
    public static ConfigSection parse(FuzzInputs.Text in) {
        try {
            return ConfigParser.parse(in.bytes(), in.bytes().length, DecodeLimits.DEFAULT.maxParseDepth());
        } catch (ConfigParser.SyntaxError e) {
            if (e.position() < 0 || e.position() > in.bytes().length) {
                throw new AssertionError("syntax error outside the text: " + e.getMessage());
            }
            return null;
        }
    }

    /** (c) Parses and imports the text: a VG model, or an import error naming the key path. */
    public static VgMetadata importVg(FuzzInputs.Text in) {
        ConfigSection root = parse(in);
        if (root == null) {
            return null;
        }
        try {
            return MetadataImporter.importVg(root);
        } catch (MetadataImporter.ImportError e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("/")) {
                throw new AssertionError("import error without a key path: " + e.getMessage());
            }
            return null;
        }
    }
}

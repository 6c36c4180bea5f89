package io.lvmcoord.coordinator.vg;

import io.lvmcoord.persistence.CborSerializable;
import io.lvmcoord.scan.report.PvReport;

import java.util.Arrays;

/** A metadata text, stored once per key however many devices and nodes report it. */
public record StoredText(PvReport.TextKey key, byte[] text) implements CborSerializable {

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredText t && t.key.equals(key) && Arrays.equals(t.text, text);
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + Arrays.hashCode(text);
    }

    @Override
    public String toString() {
        return "StoredText[" + key + ", " + text.length + " bytes]";
    }
}

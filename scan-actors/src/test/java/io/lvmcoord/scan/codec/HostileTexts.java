package io.lvmcoord.scan.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Edits lvm2 metadata texts the way a fuzzer aimed at the importer would: values swapped for
 * hostile ones (wrong types, extreme and negative numbers, odd segment types, lists of the wrong
 * length) or, rarely, removed. The result usually still parses, so it reaches the importer.
 */
public final class HostileTexts {
    /** A value: a whole array, a quoted string or a number after {@code = }, or a number inside an array. */
    static final Pattern VALUE = Pattern.compile(
            "(?<== )(\\[[^\\]]*\\]|\"[^\"\\n]*\"|-?[0-9][0-9x.]*)|(?<=[ \\n])-?[0-9]+(?=\\s*[\\],\\n])");
    static final List<String> HOSTILE = List.of("-1", "0", "1", "3", "-9223372036854775808", "9223372036854775807",
            "4611686018427387904", "18014398509481983", "99999999999999999999", "0x7fffffffffffffff", "1.5", "\"+\"",
            "\"striped+\"", "\"raid1\"", "\"mirror\"", "\"thin\"", "\"cache\"", "\"\"", "\"pv0\"", "\"pv9\"", "[]", "[1]",
            "[\"pv0\"]", "[\"pv0\", -1]", "[\"pv0\", 0, \"pv1\", 0]", "[\"a\", \"b\", \"c\"]", "x");

    private HostileTexts() {
    }

    public static String mutate(String text, Random rnd, int edits) {
        for (int e = 0; e < edits; e++) {
            List<int[]> spans = new ArrayList<>();
            Matcher m = VALUE.matcher(text);
            while (m.find()) {
                spans.add(new int[]{m.start(), m.end()});
            }
            int[] span = spans.get(rnd.nextInt(spans.size()));
            String replacement = rnd.nextInt(40) == 0 ? "" : HOSTILE.get(rnd.nextInt(HOSTILE.size()));
            text = text.substring(0, span[0]) + replacement + text.substring(span[1]);
        }
        return text;
    }
}

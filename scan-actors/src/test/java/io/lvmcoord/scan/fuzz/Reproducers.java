package io.lvmcoord.scan.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Saves what a failing input was, so it can be replayed without the fuzzer: a README with the
 * target, seed, verdict and stack trace, the metadata text, and each device as a sparse image
 * file of the original size (usable as {@code lvmcoord pvs --devices <files>} and by lvm2).
 */
public final class Reproducers {
    private Reproducers() {
    }

    /** Writes the input under {@code dir/<target>-<seed>/} and returns that directory. */
    public static Path save(Path dir, String target, FuzzOracle.Outcome outcome, FuzzInputs.Devices in) {
        return save(dir, target, outcome, in, "");
    }

    /** As {@link #save(Path, String, FuzzOracle.Outcome, FuzzInputs.Devices)}, with a note on what the target did with the input. */
    public static Path save(Path dir, String target, FuzzOracle.Outcome outcome, FuzzInputs.Devices in, String note) {
        Path d = dir.resolve(target + "-" + in.seed());
        try {
            Files.createDirectories(d);
            Files.writeString(d.resolve("README.txt"), readme(target, in.seed(), outcome, in.describe() + (note.isEmpty() ? "" : "\n" + note)),
                    StandardCharsets.UTF_8);
            if (in.text() != null) {
                Files.write(d.resolve("metadata.txt"), in.text());
            }
            for (SparseImage img : in.images()) {
                try (RandomAccessFile f = new RandomAccessFile(d.resolve(img.name()).toFile(), "rw")) {
                    f.setLength(0);
                    for (Map.Entry<Long, byte[]> c : img.chunks().entrySet()) {
                        f.seek(c.getKey());
                        f.write(c.getValue(), 0, (int) Math.min(c.getValue().length, img.size() - c.getKey()));
                    }
                    f.setLength(img.size());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("saving reproducer " + d, e);
        }
        return d;
    }

    public static Path save(Path dir, String target, FuzzOracle.Outcome outcome, FuzzInputs.Text in) {
        Path d = dir.resolve(target + "-" + in.seed());
        try {
            Files.createDirectories(d);
            Files.writeString(d.resolve("README.txt"), readme(target, in.seed(), outcome, in.describe()), StandardCharsets.UTF_8);
            Files.write(d.resolve("metadata.txt"), in.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException("saving reproducer " + d, e);
        }
        return d;
    }

    private static String readme(String target, long seed, FuzzOracle.Outcome o, String input) {
        StringBuilder sb = new StringBuilder();
        sb.append("target: ").append(target).append('\n');
        sb.append("seed: ").append(seed).append("  (replay: FuzzInputs for this target with this seed)\n");
        sb.append("verdict: ").append(o.describe()).append('\n');
        sb.append("input: ").append(input).append('\n');
        if (o.error() != null) {
            StringWriter w = new StringWriter();
            o.error().printStackTrace(new PrintWriter(w));
            String trace = w.toString();
            // A StackOverflowError's trace is 1024 identical frames; the first 60 lines say enough.
            sb.append('\n').append(String.join("\n", trace.lines().limit(60).toList())).append('\n');
        }
        return sb.toString();
    }
}

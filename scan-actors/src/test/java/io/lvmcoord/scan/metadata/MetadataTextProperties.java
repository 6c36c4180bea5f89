package io.lvmcoord.scan.metadata;

import io.lvmcoord.scan.fuzz.FuzzInputs;
import io.lvmcoord.scan.fuzz.FuzzOracle;
import io.lvmcoord.scan.fuzz.Reproducers;
import io.lvmcoord.scan.fuzz.ScanTargets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Fuzz targets (b) and (c) of issue 11: metadata texts of every fixture, structurally mutated
 * (sections and keys duplicated, dropped, renamed; values of other types; huge numbers; LVs
 * naming themselves or each other as pools, origins, mirror legs; deep nesting; long lists;
 * thousands of LVs and segments; raw byte edits), must parse to a tree or a syntax error, and
 * import to a VG model or an import error, each within 200 ms and 256 MB of heap. Seeds are
 * fixed; a failure prints the input's seed ({@code FuzzInputs.text(seed)}) and saves the text
 * under target/fuzz-failures.
 */
class MetadataTextProperties {
    private static final Path FUZZ_FAILURES = Path.of("target", "fuzz-failures");
    private static final FuzzOracle ORACLE = new FuzzOracle(FuzzOracle.Budget.ISSUE_11);

    /** Inputs are timed against 200 ms; a cold JVM would fail that while still interpreting. */
    @BeforeContainer
    static void warmUp() {
        FuzzInputs.warmUp(ScanTargets::decode, 20);
    }

    @AfterContainer
    static void stopOracle() {
        ORACLE.close();
    }

    @Property(tries = 3000, seed = "1100012", shrinking = ShrinkingMode.OFF)
    void mutatedTextsParseToATreeOrASyntaxError(@ForAll long seed) {
        check("parse", FuzzInputs.text(seed), ScanTargets::parse);
    }

    @Property(tries = 3000, seed = "1100013", shrinking = ShrinkingMode.OFF)
    void mutatedTextsImportToAVgOrAnImportError(@ForAll long seed) {
        check("import", FuzzInputs.text(seed), ScanTargets::importVg);
    }

    private static void check(String target, FuzzInputs.Text in, Consumer<FuzzInputs.Text> run) {
        FuzzOracle.Outcome o = ORACLE.run(() -> run.accept(in));
        if (!o.ok()) {
            Path saved = Reproducers.save(FUZZ_FAILURES, target, o, in);
            throw new AssertionError(target + " target: " + o.describe() + "\n  input: " + in.describe() + "\n  saved: " + saved,
                    o.error());
        }
    }
}

package io.lvmcoord.scan.codec;

import io.lvmcoord.scan.metadata.ConfigParser;
import io.lvmcoord.scan.metadata.MetadataImporter;
import io.lvmcoord.scan.metadata.VgMetadata;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One parse per distinct metadata text, shared by every device and every holder on the node.
 *
 * <p>Every PV of a VG carries the same text, so a VG of N PVs would otherwise be parsed N times
 * and held as N models of N PVs each: O(N²) memory and parse time per VG. Here a text is keyed by
 * {checksum, size} (the key the journal stores texts under) and parsed once; whoever asks again
 * gets the same immutable {@link VgMetadata} and the same byte array. The key is only a hint: a
 * text is shared only when its bytes equal the held ones, so a CRC collision (which anyone
 * writing a device can craft) is parsed on its own and never shown as another VG's metadata.
 *
 * <p>Lifetime: an entry lives as long as someone holds its model (a device scanner's memo, a
 * scan rebuilt for a view): the model is held weakly, the text strongly by the entry. Once the
 * last holder drops the model the collector clears it and the entry is removed on the next call,
 * so the cache holds only texts that some device still carries and needs no size setting.
 *
 * <p>Concurrency: many decode threads meet the same text at once when a wide VG is scanned cold.
 * The first to claim a key parses it outside any lock; the others wait for that parse instead of
 * doing it again. A parse that fails (a bad text, or anything thrown) is not kept: the claim is
 * withdrawn and each waiter parses for itself, so a failure is always reported for the device
 * that hit it, as before. Values are immutable, so the map is the only shared state.
 *
 * <p>{@link #of(DecodeLimits)} gives the node's instance for a set of limits: texts parse to the
 * same model for the same limits whichever actor system, scanner or aggregate asks, so the process
 * shares one table per limits (like the JVM's string table) rather than each component wiring its
 * own. Tests that count parses create their own with the constructor.
 */
public final class ParsedTexts {

    private static final Map<DecodeLimits, ParsedTexts> NODE = new ConcurrentHashMap<>();

    /** A parsed text: the shared model and the shared bytes it came from (NUL included). */
    public record Shared(VgMetadata vg, byte[] text) {
    }

    private record Key(int checksum, long size) {
    }

    /** Clears itself when the model is collected; the entry it belongs to is then removed. */
    private static final class Held extends WeakReference<VgMetadata> {
        final Key key;
        final Claim claim;

        Held(VgMetadata vg, ReferenceQueue<VgMetadata> queue, Key key, Claim claim) {
            super(vg, queue);
            this.key = key;
            this.claim = claim;
        }
    }

    /** One key's text and its parse, done or in progress; completes with null when the parse failed. */
    private static final class Claim {
        final byte[] text;
        final CompletableFuture<Held> parsed = new CompletableFuture<>();

        Claim(byte[] text) {
            this.text = text;
        }
    }

    private final DecodeLimits limits;
    private final ConcurrentHashMap<Key, Claim> claims = new ConcurrentHashMap<>();
    private final ReferenceQueue<VgMetadata> collected = new ReferenceQueue<>();
    private final AtomicLong parses = new AtomicLong();

    public ParsedTexts(DecodeLimits limits) {
        this.limits = limits;
    }

    /** The node's table for {@code limits}. */
    public static ParsedTexts of(DecodeLimits limits) {
        return NODE.computeIfAbsent(limits, ParsedTexts::new);
    }

    public DecodeLimits limits() {
        return limits;
    }

    /**
     * The model of {@code text} (the whole committed text, NUL included), parsed under this
     * table's limits, shared with every other caller holding the same bytes.
     *
     * @throws ConfigParser.SyntaxError       the text is not valid metadata syntax
     * @throws MetadataImporter.ImportError   the text parses but is not a valid VG, or exceeds a cap
     */
    public Shared parse(int checksum, long size, byte[] text) throws ConfigParser.SyntaxError, MetadataImporter.ImportError {
        Key key = new Key(checksum, size);
        while (true) {
            purge();
            Claim held = claims.get(key);
            if (held == null) {
                Claim mine = new Claim(text);
                held = claims.putIfAbsent(key, mine);
                if (held == null) {
                    return parseClaimed(key, mine);
                }
            }
            if (held.text != text && !Arrays.equals(held.text, text)) {
                // Same key, other bytes: a collision. Parsed on its own, never shared.
                parses.incrementAndGet();
                return new Shared(parseNow(text), text);
            }
            Held h = held.parsed.join();
            VgMetadata vg = h == null ? null : h.get();
            if (vg != null) {
                return new Shared(vg, held.text);
            }
            // The parse failed (each caller then parses for itself) or its model was collected: claim again.
            claims.remove(key, held);
        }
    }

    private Shared parseClaimed(Key key, Claim mine) throws ConfigParser.SyntaxError, MetadataImporter.ImportError {
        VgMetadata vg;
        try {
            parses.incrementAndGet();
            vg = parseNow(mine.text);
        } catch (ConfigParser.SyntaxError | MetadataImporter.ImportError | RuntimeException | Error e) {
            claims.remove(key, mine);
            mine.parsed.complete(null);
            throw e;
        }
        mine.parsed.complete(new Held(vg, collected, key, mine));
        return new Shared(vg, mine.text);
    }

    private VgMetadata parseNow(byte[] text) throws ConfigParser.SyntaxError, MetadataImporter.ImportError {
        return MetadataImporter.importVg(ConfigParser.parse(text, text.length, limits.text()), limits.text());
    }

    /** Removes the entries whose model no one holds any more. */
    private void purge() {
        for (Object r = collected.poll(); r != null; r = collected.poll()) {
            Held h = (Held) r;
            claims.remove(h.key, h.claim);
        }
    }

    /** How many texts this table has parsed (each distinct text once while it is held). */
    public long parses() {
        return parses.get();
    }

    /** Texts held now (entries whose model was collected are counted until the next call purges them). */
    public int size() {
        purge();
        return claims.size();
    }

    /**
     * Forgets every text, so the next request for each parses it again (a benchmark of cold parsing
     * uses this; models handed out before stay valid and unshared with later ones).
     */
    public void clear() {
        claims.clear();
    }
}

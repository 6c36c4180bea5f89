package io.lvmcoord.coordinator.report.select;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A resolver over the project's lvm2-fields.txt with lvm2's name rules, for the tests (the lead wires
 * the production one): libdevmapper's implicit fields first, then ids compared without underscores and
 * case, with or without the report's prefix.
 */
final class TestFields implements FieldResolver {
    private static final Map<String, FieldType> TYPES = load();

    private final String prefix;

    TestFields(String prefix) {
        this.prefix = prefix;
    }

    static FieldType type(String id) {
        FieldType t = TYPES.get(id);
        if (t == null) {
            throw new IllegalArgumentException("no field " + id + " in lvm2-fields.txt");
        }
        return t;
    }

    @Override
    public Optional<SelectField> resolve(String typedName) {
        String canon = canonical(typedName);
        for (String implicit : new String[] {"selected", "help", "?"}) {
            if (same(implicit, canon)) {
                return Optional.of(new SelectField(implicit, FieldType.NUM, implicit.equals("selected")));
            }
        }
        for (Map.Entry<String, FieldType> e : TYPES.entrySet()) {
            if (same(canonical(e.getKey()), canon)) {
                return Optional.of(SelectField.of(e.getKey(), e.getValue()));
            }
        }
        return Optional.empty();
    }

    /** libdevmapper's _is_same_field: the canonical id equals the name, or does after the report prefix. */
    private boolean same(String canonicalId, String canon) {
        if (canonicalId.equalsIgnoreCase(canon)) {
            return true;
        }
        String p = prefix.substring(0, prefix.length() - 1);
        return canonicalId.toLowerCase(Locale.ROOT).startsWith(p) && canonicalId.substring(p.length()).equalsIgnoreCase(canon);
    }

    private static String canonical(String name) {
        return name.replace("_", "");
    }

    private static Map<String, FieldType> load() {
        Map<String, FieldType> types = new LinkedHashMap<>();
        String path = "/io/lvmcoord/coordinator/report/lvm2-fields.txt";
        try (InputStream in = TestFields.class.getResourceAsStream(path);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\\|");
                types.putIfAbsent(f[0], FieldType.valueOf(f[2]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return types;
    }
}

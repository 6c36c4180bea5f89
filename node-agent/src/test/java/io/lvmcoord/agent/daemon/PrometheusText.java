package io.lvmcoord.agent.daemon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader of the Prometheus text exposition format (version 0.0.4) for tests: the Prometheus
 * Java client 1.x writes this format but ships no parser of it (its modules are core, model,
 * exposition writers and exporters), so this is the format's grammar and nothing more.
 *
 * <p>Lines are {@code # HELP name text}, {@code # TYPE name type}, other comments, blank lines, or
 * samples {@code name[{label="value",...}] value [timestamp]}; label values escape backslash,
 * double quote and newline ({@code \\ \" \n}). A sample must belong to a family a {@code TYPE}
 * line declared (its name, or the name plus a histogram/summary/counter suffix): an undeclared or
 * malformed line fails the parse, so a test reading through this also checks the output's shape.
 */
final class PrometheusText {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** Families by name with their declared type, and every sample in order. */
    record Exposition(Map<String, String> types, List<Sample> samples) {
        List<Sample> named(String name) {
            return samples.stream().filter(s -> s.name().equals(name)).toList();
        }

        /** The one sample of {@code name} whose labels include {@code labels}; fails unless there is exactly one. */
        double value(String name, Map<String, String> labels) {
            List<Sample> found = named(name).stream().filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
            if (found.size() != 1) {
                throw new AssertionError(found.size() + " samples of " + name + " with " + labels + ": " + found);
            }
            return found.get(0).value();
        }
    }

    private PrometheusText() {
    }

    static Exposition parse(String text) {
        Map<String, String> types = new LinkedHashMap<>();
        List<Sample> samples = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 4 && parts[1].equals("TYPE")) {
                    types.put(parts[2], parts[3]);
                }
                continue;
            }
            samples.add(sample(line, lineNo, types));
        }
        return new Exposition(types, samples);
    }

    private static Sample sample(String line, int lineNo, Map<String, String> types) {
        int i = 0;
        while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_' || line.charAt(i) == ':')) {
            i++;
        }
        String name = line.substring(0, i);
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            throw new IllegalArgumentException("line " + lineNo + ": no metric name: " + line);
        }
        if (family(name, types) == null) {
            throw new IllegalArgumentException("line " + lineNo + ": sample of " + name + " without a TYPE line: " + line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("line " + lineNo + ": label " + label + " has no quoted value: " + line);
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char e = line.charAt(++j);
                        value.append(e == 'n' ? '\n' : e);
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label, value.toString()) != null) {
                    throw new IllegalArgumentException("line " + lineNo + ": label " + label + " twice: " + line);
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new IllegalArgumentException("line " + lineNo + ": no value after the name and labels: " + line);
        }
        String[] rest = line.substring(i + 1).trim().split(" ");
        return new Sample(name, labels, number(rest[0], lineNo));
    }

    private static double number(String s, int lineNo) {
        return switch (s) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + lineNo + ": not a number: " + s, e);
                }
            }
        };
    }

    /** The declared family a sample name belongs to, or null. */
    private static String family(String name, Map<String, String> types) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : List.of("_total", "_created", "_bucket", "_count", "_sum", "_info")) {
            if (name.endsWith(suffix) && types.containsKey(name.substring(0, name.length() - suffix.length()))) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return null;
    }
}

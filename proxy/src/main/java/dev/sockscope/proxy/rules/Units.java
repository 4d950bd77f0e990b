package dev.sockscope.proxy.rules;

import java.util.Locale;
import java.util.regex.Matcher;

import com.fasterxml.jackson.databind.JsonNode;

/** Durations ({@code 1500ms}, {@code 1.5s}, a bare number is milliseconds) and sizes ({@code 64kB}, a bare number is bytes) in rules files. */
final class Units {
    private static final java.util.regex.Pattern AMOUNT = java.util.regex.Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)\\s*");

    /** Makes the loader's error for a value that is not what was expected. */
    interface Bad {
        RuleFileException because(String reason);
    }

    private Units() {
    }

    static long micros(JsonNode v, Bad bad) throws RuleFileException {
        if (v.isNumber()) {
            return nonNegative(Math.round(v.asDouble() * 1000), v, bad, "a duration");
        }
        Matcher m = v.isTextual() ? AMOUNT.matcher(v.asText()) : null;
        if (m == null || !m.matches()) {
            throw bad.because("'" + v.asText() + "' is not a duration (1500ms, 1.5s, 2m; a bare number is milliseconds)");
        }
        double n = Double.parseDouble(m.group(1));
        double scale = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "ms" -> 1_000;
            case "us" -> 1;
            case "s" -> 1_000_000;
            case "m", "min" -> 60_000_000;
            default -> throw bad.because("'" + v.asText() + "': unknown unit '" + m.group(2) + "' (us, ms, s, m)");
        };
        return Math.round(n * scale);
    }

    static long bytes(JsonNode v, Bad bad) throws RuleFileException {
        if (v.isNumber()) {
            return nonNegative(v.asLong(), v, bad, "a size");
        }
        Matcher m = v.isTextual() ? AMOUNT.matcher(v.asText()) : null;
        if (m == null || !m.matches()) {
            throw bad.because("'" + v.asText() + "' is not a size (512, 64kB, 1MB; a bare number is bytes)");
        }
        return Math.round(Double.parseDouble(m.group(1)) * scale(m.group(2), v, bad));
    }

    static long bytesPerSecond(JsonNode v, Bad bad) throws RuleFileException {
        if (v.isTextual() && v.asText().trim().endsWith("/s")) {
            String t = v.asText().trim();
            v = com.fasterxml.jackson.databind.node.TextNode.valueOf(t.substring(0, t.length() - 2));
        }
        long n = bytes(v, bad);
        if (n < 1) {
            throw bad.because("a throttle is at least 1 byte a second");
        }
        return n;
    }

    private static long scale(String unit, JsonNode v, Bad bad) throws RuleFileException {
        return switch (unit) {
            case "", "B", "b" -> 1;
            case "kB", "KB", "k" -> 1_000;
            case "KiB" -> 1024;
            case "MB", "M" -> 1_000_000;
            case "MiB" -> 1024 * 1024;
            default -> throw bad.because("'" + v.asText() + "': unknown unit '" + unit + "' (B, kB, KiB, MB, MiB)");
        };
    }

    private static long nonNegative(long n, JsonNode v, Bad bad, String what) throws RuleFileException {
        if (n < 0) {
            throw bad.because(v.asText() + " is not " + what + ": it is negative");
        }
        return n;
    }
}

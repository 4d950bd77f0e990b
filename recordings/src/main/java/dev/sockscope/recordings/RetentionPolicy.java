package dev.sockscope.recordings;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A team store's retention policy: keep ended sessions {@code keepDays} days (by when they ended), and keep the store's
 * recorded bytes under {@code keepBytes} by deleting the oldest ended sessions first; either, both or neither (null:
 * no such limit). Starred sessions and sessions a replay refers to are never deleted by it.
 */
public record RetentionPolicy(Integer keepDays, Long keepBytes) {
    public static final RetentionPolicy KEEP_ALL = new RetentionPolicy(null, null);
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KIB|MIB|GIB|TIB)?");

    public RetentionPolicy {
        if (keepDays != null && keepDays < 1) {
            throw new IllegalArgumentException("keep sessions at least one day");
        }
        if (keepBytes != null && keepBytes < 1) {
            throw new IllegalArgumentException("keep at least one byte");
        }
    }

    public boolean keepsAll() {
        return keepDays == null && keepBytes == null;
    }

    /** For people: "ended sessions 30 days, at most 5 GiB recorded" or "every session". */
    public String describe() {
        if (keepsAll()) {
            return "every session";
        }
        String days = keepDays == null ? null : "ended sessions " + keepDays + " days";
        String size = keepBytes == null ? null : "at most " + formatSize(keepBytes) + " recorded (the oldest ended sessions go first)";
        return days == null ? size : size == null ? days : days + ", " + size;
    }

    /** A size as {@code 5GiB}, {@code 500MiB}, {@code 64KiB} or a number of bytes (binary units, any case). */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: write it as 5GiB, 500MiB, 64KiB or bytes");
        }
        int shift = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "KIB" -> 10;
            case "MIB" -> 20;
            case "GIB" -> 30;
            case "TIB" -> 40;
            default -> 0;
        };
        long n = Long.parseLong(m.group(1));
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return n << shift;
    }

    /** The largest binary unit that divides {@code bytes} exactly: 5368709120 is "5 GiB", 1000 is "1000 B". */
    public static String formatSize(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        long n = bytes;
        while (u < units.length - 1 && n != 0 && n % 1024 == 0) {
            n /= 1024;
            u++;
        }
        return n + " " + units[u];
    }
}

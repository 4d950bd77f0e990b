package dev.sockscope.ui.cli;

import java.util.Locale;

/** Byte sizes as people write them: 65536, 64KiB, 64MiB, 1GiB, 10MB. */
final class Sizes {
    private Sizes() {
    }

    static long parse(String text) {
        return parse(text, Integer.MAX_VALUE - 8, "2 GiB");
    }

    /** As above, up to {@code most} bytes (said as {@code mostText} when refused). */
    static long parse(String text, long most, String mostText) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        long unit = 1;
        String[][] units = {{"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"},
                {"kb", "1000"}, {"mb", "1000000"}, {"gb", "1000000000"}, {"k", "1024"}, {"m", "1048576"}, {"g", "1073741824"}, {"b", "1"}};
        for (String[] u : units) {
            if (t.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                t = t.substring(0, t.length() - u[0].length());
                break;
            }
        }
        try {
            long count = Long.parseLong(t);
            if (count <= 0 || count > most / unit) {
                throw new IllegalArgumentException("size out of range (1 byte to " + mostText + "): " + text);
            }
            long n = count * unit;
            if (n > most) {
                throw new IllegalArgumentException("size out of range (1 byte to " + mostText + "): " + text);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: '" + text + "' (examples: 65536, 64KiB, 64MiB)");
        }
    }
}

package dev.sockscope.ui.views;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Microsecond timestamps as people and scripts read them. */
public final class Times {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS").withZone(ZoneId.systemDefault());

    private Times() {
    }

    public static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    /** ISO-8601 in UTC with microseconds, e.g. 2026-11-23T08:15:02.123456Z. */
    public static String iso(Long micros) {
        return micros == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant(micros));
    }

    public static String local(long micros) {
        return LOCAL.format(instant(micros));
    }

    public static String clock(long micros) {
        return CLOCK.format(instant(micros));
    }

    /** A latency as people read it: 0.4 ms, 41 ms, 2.5 s. */
    public static String millis(Long micros) {
        if (micros == null) {
            return "";
        }
        if (micros < 10_000) {
            return String.format(java.util.Locale.ROOT, "%.1f ms", micros / 1000.0);
        }
        if (micros < 10_000_000) {
            return (micros / 1000) + " ms";
        }
        return String.format(java.util.Locale.ROOT, "%.1f s", micros / 1_000_000.0);
    }
}

package dev.sockscope.decode;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How summary values are shown: the formatting behind each {@link Filter}, and the helpers every decoder uses to
 * keep a summary one readable line. This is where Java adds what a spec cannot express.
 */
public final class Filters {
    private static final DateTimeFormatter HUMAN_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Filters() {
    }

    /** A value as a summary shows it: text unquoted, numbers without exponents, containers as compact JSON. */
    public static String plain(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isFloatingPointNumber()) {
            return v.decimalValue().stripTrailingZeros().toPlainString();
        }
        if (v.isValueNode()) {
            return v.asText();
        }
        return v.toString();
    }

    public static String truncate(String s, int max) {
        String oneLine = s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 ? s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ') : s;
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 1) + "…";
    }

    /** Seconds as a person says them: 45 s, 10 min, 1 h 30 min, 2 d 3 h. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        long d = seconds / 86400, h = seconds % 86400 / 3600, m = seconds % 3600 / 60, s = seconds % 60;
        if (d > 0) {
            return d + " d" + (h > 0 ? " " + h + " h" : "");
        }
        if (h > 0) {
            return h + " h" + (m > 0 ? " " + m + " min" : "");
        }
        return m + " min" + (s > 0 ? " " + s + " s" : "");
    }

    /** An ISO-8601 timestamp, or epoch seconds / milliseconds / microseconds (told apart by size), in UTC. */
    static String time(JsonNode v) {
        Instant instant = null;
        if (v.isNumber()) {
            BigDecimal n = v.decimalValue();
            double abs = Math.abs(n.doubleValue());
            if (abs >= 1e14) {
                instant = Instant.ofEpochSecond(0, n.longValue() * 1000);
            } else if (abs >= 1e11) {
                instant = Instant.ofEpochMilli(n.longValue());
            } else {
                instant = Instant.ofEpochSecond(n.longValue(), n.remainder(BigDecimal.ONE).movePointRight(9).longValue());
            }
        } else if (v.isTextual()) {
            String s = v.asText().trim();
            try {
                instant = Instant.parse(s);
            } catch (DateTimeParseException e) {
                try {
                    instant = java.time.OffsetDateTime.parse(s.replace(' ', 'T').replaceFirst("([+-]\\d\\d)$", "$1:00")).toInstant();
                } catch (DateTimeParseException e2) {
                    return s;
                }
            }
        }
        return instant == null ? plain(v) : HUMAN_TIME.format(instant);
    }

    static String bitrate(double bitsPerSecond) {
        if (bitsPerSecond >= 1e6) {
            return String.format(Locale.ROOT, "%.1f Mbit/s", bitsPerSecond / 1e6);
        }
        if (bitsPerSecond >= 1e3) {
            return String.format(Locale.ROOT, "%.0f kbit/s", bitsPerSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f bit/s", bitsPerSecond);
    }

    /** A size as people read it: 512 B, 4 KiB, 1.5 MiB. Hand-rolled: it runs for every binary frame recorded. */
    public static String bytes(long n) {
        return bytes(new StringBuilder(12), n).toString();
    }

    /** {@link #bytes(long)} appended to {@code out}: a binary frame's summary starts with it, so no string of its own. */
    static StringBuilder bytes(StringBuilder out, long n) {
        if (n < 1024) {
            return out.append(n).append(" B");
        }
        if (n < 1024 * 1024) {
            return out.append((n + 512) / 1024).append(" KiB");
        }
        long tenths = (n * 10 + 512 * 1024) / (1024 * 1024);
        return out.append(tenths / 10).append('.').append(tenths % 10).append(" MiB");
    }

    /** Readable text of a message body of unknown shape: strings, arrays of parts, objects with a text field. */
    static String text(JsonNode v) {
        if (v.isTextual() || v.isValueNode()) {
            return plain(v);
        }
        if (v.isArray()) {
            StringBuilder out = new StringBuilder();
            for (JsonNode item : v) {
                String t = text(item);
                if (t != null) {
                    out.append(t);
                }
            }
            return out.toString();
        }
        for (String field : List.of("text", "content", "msg", "data")) {
            JsonNode inner = v.get(field);
            if (inner != null && !inner.isNull()) {
                return text(inner);
            }
        }
        JsonNode type = v.get("type");
        return type == null ? v.toString() : "[" + type.asText() + "]";
    }

    /**
     * maim_message segments as a line of text: text as is, {@code @user} for mentions, {@code [reply to id]},
     * {@code [image 512 KiB]} for base64 images (size of the decoded bytes), nested seglists flattened.
     */
    static String segments(JsonNode seg) {
        StringBuilder out = new StringBuilder();
        appendSegment(seg, out, 0);
        return out.toString().replaceAll(" {2,}", " ").replaceAll(" ([!,.?:;。，！？])", "$1").trim();
    }

    private static void appendSegment(JsonNode seg, StringBuilder out, int depth) {
        if (seg == null || depth > 32) {
            return;
        }
        if (seg.isArray()) {
            for (JsonNode s : seg) {
                appendSegment(s, out, depth + 1);
            }
            return;
        }
        String type = seg.path("type").asText("");
        JsonNode data = seg.get("data");
        switch (type) {
            case "text" -> out.append(data == null ? "" : data.asText());
            case "seglist" -> appendSegment(data, out, depth + 1);
            case "at" -> out.append('@').append(data == null ? "?" : data.asText()).append(' ');
            case "reply" -> out.append("[reply to ").append(data == null ? "?" : data.asText()).append("] ");
            case "image", "emoji", "voice", "file" -> out.append('[').append(type)
                    .append(data != null && data.isTextual() && data.asText().length() > 16
                            ? " " + bytes(base64Bytes(data.asText())) : data == null ? "" : " " + data.asText())
                    .append(']');
            default -> out.append('[').append(type.isEmpty() ? "segment" : type).append(']');
        }
    }

    private static long base64Bytes(String b64) {
        int len = b64.length();
        int pad = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
        return Math.max(0, len * 3L / 4 - pad);
    }

    static List<String> fieldNames(JsonNode v) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}

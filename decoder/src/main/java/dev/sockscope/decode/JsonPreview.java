package dev.sockscope.decode;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The first characters of a tree's compact JSON, written by hand and stopped once there are enough: every JSON frame's
 * summary starts as one, and Jackson's generator wrote a whole 1 KiB document into its own buffer (escaping every
 * string) to give back 121 characters (issue 20's profile). The text is exactly Jackson's: strings escaped as its
 * default generator escapes them, numbers other than integers written by Jackson itself.
 */
final class JsonPreview {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private final StringBuilder out;
    private final int keep;

    private JsonPreview(int keep) {
        this.keep = keep;
        this.out = new StringBuilder(keep + 32);
    }

    /** The first {@code keep} characters (or fewer: all of it) of {@code MAPPER.writeValueAsString(tree)}. */
    static String prefix(JsonNode tree, int keep) {
        JsonPreview p = new JsonPreview(keep);
        p.value(tree);
        if (p.out.length() > keep) {
            p.out.setLength(keep);
        }
        return p.out.toString();
    }

    private boolean full() {
        return out.length() >= keep;
    }

    private void value(JsonNode node) {
        if (full()) {
            return;
        }
        switch (node.getNodeType()) {
            case OBJECT -> {
                out.append('{');
                boolean first = true;
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext() && !full(); first = false) {
                    Map.Entry<String, JsonNode> field = it.next();
                    if (!first) {
                        out.append(',');
                    }
                    string(field.getKey());
                    out.append(':');
                    value(field.getValue());
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size() && !full(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    value(node.get(i));
                }
                out.append(']');
            }
            case STRING -> string(node.textValue());
            case BOOLEAN -> out.append(node.booleanValue());
            case NULL -> out.append("null");
            default -> {
                if (node.isInt() || node.isLong()) {
                    out.append(node.longValue());
                } else {
                    scalar(node);
                }
            }
        }
    }

    /** Decimals, big integers and whatever else a tree may hold: as Jackson writes them. */
    private void scalar(JsonNode node) {
        try {
            out.append(JsonText.MAPPER.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            out.append(node);
        }
    }

    /** A JSON string as Jackson's default generator escapes it: quote, backslash and control characters only. */
    private void string(String s) {
        out.append('"');
        for (int i = 0, n = s.length(); i < n && !full(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                out.append(c);
                continue;
            }
            out.append('\\');
            switch (c) {
                case '"', '\\' -> out.append(c);
                case '\n' -> out.append('n');
                case '\r' -> out.append('r');
                case '\t' -> out.append('t');
                case '\b' -> out.append('b');
                case '\f' -> out.append('f');
                default -> out.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        out.append('"');
    }
}

package dev.sockscope.ui.views;

import java.util.HexFormat;

import dev.sockscope.wire.RecordedFrame;

/** One-line, terminal-safe previews of payloads: control characters escaped, long payloads cut. */
public final class Preview {
    private Preview() {
    }

    public static String of(RecordedFrame f, int width) {
        String body = switch (f.type()) {
            case TEXT -> f.text();
            case CLOSE -> f.closeCode() == null ? "(no code)" : f.closeCode() + (f.closeReason().isEmpty() ? "" : " " + f.closeReason());
            case PING, PONG -> isPrintable(f.payload()) ? f.text() : hex(f.payload(), width / 3 + 1);
            default -> hex(f.payload(), width / 3 + 1);
        };
        String line = oneLine(body, width);
        return f.note() == null ? line : line + "  [" + f.note() + "]";
    }

    public static String oneLine(String s, int width) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), width + 8));
        for (int i = 0; i < s.length() && out.length() < width; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (out.length() >= width && s.length() > width) {
            out.setLength(width - 1);
            out.append('…');
        }
        return out.toString();
    }

    private static String hex(byte[] bytes, int max) {
        int n = Math.min(bytes.length, max);
        String h = HexFormat.ofDelimiter(" ").formatHex(bytes, 0, n);
        return bytes.length > n ? h + " …" : h;
    }

    /** Heartbeat payloads are often short ASCII words: show them as such. */
    private static boolean isPrintable(byte[] bytes) {
        if (!dev.sockscope.wire.Utf8Validator.isValid(bytes)) {
            return false;
        }
        for (byte b : bytes) {
            if (b >= 0 && b < 0x20) {
                return false;
            }
        }
        return true;
    }
}

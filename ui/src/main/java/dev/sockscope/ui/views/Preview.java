package dev.sockscope.ui.views;

/** One-line, terminal-safe previews of text: control characters escaped, long text cut. */
public final class Preview {
    private Preview() {
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
}

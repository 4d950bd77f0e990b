package dev.sockscope.wire;

import java.util.Locale;

/** Who ended a session: a peer that sent the first close frame, or the proxy itself (faults, shutdown, limits). */
public enum ClosedBy {
    CLIENT, SERVER, PROXY;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ClosedBy fromLabel(String label) {
        return label == null ? null : valueOf(label.toUpperCase(Locale.ROOT));
    }
}

package dev.sockscope.wire;

import java.util.Locale;

/** What a recorded frame is. Data messages are recorded whole (fragments counted); control frames one by one. */
public enum FrameType {
    TEXT, BINARY, PING, PONG, CLOSE;

    /** The lower-case name used in recordings and output. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isControl() {
        return this == PING || this == PONG || this == CLOSE;
    }

    public static FrameType fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}

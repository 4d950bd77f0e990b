package dev.sockscope.capture;

import java.util.Arrays;

import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * A frame recorded with only the start of its payload, and a note that says how much and why: what the recording keeps
 * of a message when keeping all of it would hold the relay or a stopping proxy back. The frame itself is never
 * dropped.
 */
public final class PartialPayload {
    /** The phrase every note about a cut payload starts with (the relay's own cuts say it too). */
    public static final String NOTE = "recorded in part";

    private PartialPayload() {
    }

    /** The frame with its first {@code keep} bytes (a text frame's cut falls between characters); the frame itself when it is no longer. */
    public static RecordedFrame cut(RecordedFrame f, int keep, String why) {
        if (f.size() <= keep) {
            return f;
        }
        int at = keep;
        if (f.type() == FrameType.TEXT) {
            while (at > 0 && (f.payload()[at] & 0xC0) == 0x80) {
                at--; // not inside a UTF-8 sequence
            }
        }
        long whole = f.wire() != null ? Math.max(f.wire().messageBytes(), f.size()) : f.size();
        String note = NOTE + ": the first " + at + " of " + whole + " bytes, because " + why;
        return new RecordedFrame(f.sessionId(), f.seq(), f.timeMicros(), f.from(), f.type(), Arrays.copyOf(f.payload(), at),
                f.fragments(), f.note() == null ? note : f.note() + "; " + note, f.wire());
    }

    /** Whether the frame's recorded payload is shorter than the message was. */
    public static boolean isCut(RecordedFrame f) {
        if (f.wire() != null && f.wire().messageBytes() > f.size()) {
            return true;
        }
        return f.note() != null && f.note().contains(NOTE);
    }
}

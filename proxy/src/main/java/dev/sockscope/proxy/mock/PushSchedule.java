package dev.sockscope.proxy.mock;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * When a mock sends the server's pushes (server frames that answer nothing): each is anchored to what it followed in
 * the recording, the last client message before it, and goes out as long after the live message matched to that one
 * as it came after it in the recording; a push before any client message is anchored to the connection's start. So a
 * client that is slower than the recorded one still gets MAX's sync push after the answer to its login, not before
 * its handshake.
 */
final class PushSchedule {
    /** A push, the recorded client message it followed (null: the connection's start), and how long after it. */
    record Push(StoredFrame frame, StoredFrame anchor, long delayMicros) {
    }

    private final List<Push> pushes;

    private PushSchedule(List<Push> pushes) {
        this.pushes = List.copyOf(pushes);
    }

    /**
     * @param frames    a recorded session's frames, in order
     * @param answers   the server frames that answered a client message (sent with their answer, not here)
     * @param startedAt when the recorded session opened, in µs
     */
    static PushSchedule of(List<StoredFrame> frames, Set<StoredFrame> answers, long startedAt) {
        List<Push> out = new ArrayList<>();
        StoredFrame anchor = null;
        boolean clientClosed = false;
        for (StoredFrame f : frames) {
            FrameType type = f.frame().type();
            if (f.frame().from() == Direction.CLIENT_TO_SERVER) {
                clientClosed |= type == FrameType.CLOSE;
                if (!type.isControl()) {
                    anchor = f;
                }
                continue;
            }
            // A server close after the client's was its reply: the live client's own close gets that reply.
            boolean reply = clientClosed && type == FrameType.CLOSE;
            if (answers.contains(f) || type == FrameType.PONG || reply) {
                continue;
            }
            long since = anchor == null ? startedAt : anchor.frame().timeMicros();
            out.add(new Push(f, anchor, Math.max(0, f.frame().timeMicros() - since)));
        }
        return new PushSchedule(out);
    }

    /** The pushes sent from the connection's start. */
    List<Push> atStart() {
        return pushes.stream().filter(p -> p.anchor() == null).toList();
    }

    /** The pushes sent after the live message matched to the recorded client message {@code anchor}. */
    List<Push> after(StoredFrame anchor) {
        return pushes.stream().filter(p -> p.anchor() == anchor).toList();
    }
}

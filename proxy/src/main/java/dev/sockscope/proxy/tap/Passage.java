package dev.sockscope.proxy.tap;

import java.util.ArrayList;
import java.util.List;

import dev.sockscope.wire.Direction;

/** One direction: its tap and where its bytes are in their way through the proxy. */
final class Passage {
    final Direction direction;
    final FrameTap tap;
    /** Frames whose last byte is in the write in progress. */
    final List<PublishOrder.Pending> inFlight = new ArrayList<>(2);
    boolean writing;
    boolean closeWanted;
    boolean swallowing;
    boolean closeSeen;
    boolean eof;
    boolean shutDown;
    /** Set while this direction is read message by message (intercepting or injecting); else null. */
    volatile InterceptedDirection mode;
    /** Resumes reading once an intercepted backlog has gone down. */
    Runnable resume;

    Passage(Direction direction, FrameTap tap) {
        this.direction = direction;
        this.tap = tap;
    }
}

package dev.sockscope.proxy.tap;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * permessage-deflate (RFC 7692) for one direction's recording: its own {@link Inflater}, context kept between
 * messages unless negotiated otherwise. After the first data it cannot inflate it stops, remembering why: later
 * messages of this direction are then recorded compressed.
 */
final class MessageInflater {
    private static final byte[] DEFLATE_TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    /** Where inflated bytes go, in order. */
    interface Sink {
        void accept(byte[] b, int off, int n);
    }

    private final Inflater inflater = new Inflater(true);
    private final boolean noContextTakeover;
    private String failure;

    MessageInflater(boolean noContextTakeover) {
        this.noContextTakeover = noContextTakeover;
    }

    /** Why inflating failed (a note for the recording), or null while it works. */
    String failure() {
        return failure;
    }

    /**
     * Inflates {@code n} compressed bytes that sit in {@code scratch}'s upper half from {@code at}, writing the output
     * through its lower half to {@code sink}; returns true when this made inflating fail.
     */
    boolean inflate(byte[] scratch, int at, int n, Sink sink) {
        inflater.setInput(scratch, at, n);
        return inflate(scratch, sink);
    }

    /** Ends a message: its stripped tail inflated, the context reset when it is not taken over; true when this failed. */
    boolean endMessage(byte[] scratch, Sink sink) {
        inflater.setInput(DEFLATE_TAIL);
        boolean failed = inflate(scratch, sink);
        if (noContextTakeover) {
            inflater.reset();
        }
        return failed;
    }

    private boolean inflate(byte[] scratch, Sink sink) {
        if (failure != null) {
            return false;
        }
        try {
            int half = scratch.length / 2;
            while (true) {
                int n = inflater.inflate(scratch, 0, half);
                if (n > 0) {
                    sink.accept(scratch, 0, n);
                }
                if (inflater.finished()) {
                    // The peer ended its DEFLATE stream (BFINAL): the next message starts a new one.
                    inflater.reset();
                    return false;
                }
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return false;
                }
            }
        } catch (DataFormatException e) {
            failure = "permessage-deflate data could not be inflated (" + e.getMessage() + "); later messages of this direction are recorded compressed";
            return true;
        }
    }
}

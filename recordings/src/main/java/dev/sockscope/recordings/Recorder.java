package dev.sockscope.recordings;

import java.util.List;

import dev.sockscope.capture.Backlog;
import dev.sockscope.capture.BusListener;
import dev.sockscope.decode.DecodedEvent;

/**
 * The writer: a lossless subscriber of the decoding stage that stores every decoded event, in order, one batch per
 * transaction. Runs on its own subscription's thread, never on a relay thread, so the database never slows the relay;
 * when it falls behind, the stage waits for it, and the relay waits at most the capture bus's bound before messages
 * are recorded in part (nothing dropped).
 */
public final class Recorder implements BusListener<DecodedEvent> {
    private final RecordingStore store;
    private volatile boolean abandoned;
    private final Backlog.Counter skipped = new Backlog.Counter();

    public Recorder(RecordingStore store) {
        this.store = store;
    }

    @Override
    public void onEvents(List<DecodedEvent> events) throws RecordingException {
        if (abandoned) {
            synchronized (skipped) {
                for (DecodedEvent e : events) {
                    if (e instanceof DecodedEvent.FrameDecoded f) {
                        skipped.frame(f.sessionId(), f.frame().size());
                    } else {
                        skipped.session(e.sessionId());
                    }
                }
            }
            return;
        }
        try {
            store.append(events);
        } catch (RecordingException e) {
            // The bus fails with this at once (the relay reads nothing more); what was relayed and not written is noted
            // in each open session's recording first, while the relay is stopping.
            String done = store.stopRecording(e);
            if (!done.isEmpty()) {
                throw new RecordingException(e.getMessage() + "; " + done, e);
            }
            throw e;
        }
    }

    /**
     * Writes nothing from the next batch on, and counts what it did not write: for a proxy whose stop deadline has
     * come, so that the store can close while nothing writes to it.
     */
    public void abandon() {
        abandoned = true;
    }

    /** Adds what was not written since {@link #abandon()} to {@code counter}. */
    public void countSkipped(Backlog.Counter counter) {
        synchronized (skipped) {
            counter.add(skipped);
        }
    }
}

package dev.sockscope.recordings;

import java.util.List;

import dev.sockscope.capture.BusListener;
import dev.sockscope.decode.DecodedEvent;

/**
 * The writer: a lossless subscriber of the decoding stage that stores every decoded event, in order, one batch per
 * transaction. Runs on its own subscription's thread, never on a relay thread, so the database never slows the relay;
 * when it falls behind, the stage waits for it and the relay stops reading (backpressure, nothing dropped).
 */
public final class Recorder implements BusListener<DecodedEvent> {
    private final RecordingStore store;

    public Recorder(RecordingStore store) {
        this.store = store;
    }

    @Override
    public void onEvents(List<DecodedEvent> events) throws RecordingException {
        store.append(events);
    }
}

package dev.sockscope.recordings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.SessionEnd;

/**
 * A recording process that dies (halts, as a kill would leave it) right after two batches whose journal ends lag
 * ({@link #record}): for {@link JournalEndLagTest}.
 */
public final class RecordLaggingAndDie {
    static final int PER_BATCH = 50;

    private RecordLaggingAndDie() {
    }

    public static void main(String[] args) throws Exception {
        H2RecordingStore store = H2RecordingStore.open(Path.of(args[0]));
        record(store);
        Runtime.getRuntime().halt(0);
    }

    /**
     * Session 1 opened with frames in one batch (its journal end stays 0) and more frames in the next, left open;
     * session 2 the same, ended in the second batch; session 3 opened and ended in the first.
     */
    static void record(H2RecordingStore store) throws Exception {
        List<CaptureEvent> first = new ArrayList<>();
        for (long id = 1; id <= 3; id++) {
            first.add(new CaptureEvent.SessionOpened(Fixtures.session(id)));
            first.addAll(frames(id, 1));
        }
        first.add(end(3));
        store.append(Fixtures.decoded(store, first));
        List<CaptureEvent> second = new ArrayList<>(frames(1, PER_BATCH + 1));
        second.addAll(frames(2, PER_BATCH + 1));
        second.add(end(2));
        store.append(Fixtures.decoded(store, second));
    }

    /** Frames {@code from}..{@code from + PER_BATCH - 1} of session {@code id}. */
    static List<CaptureEvent> frames(long id, long from) {
        List<CaptureEvent> out = new ArrayList<>();
        for (long seq = from; seq < from + PER_BATCH; seq++) {
            out.add(new CaptureEvent.FrameCaptured(Fixtures.text(id, seq, seq % 2 == 0 ? Direction.SERVER_TO_CLIENT
                    : Direction.CLIENT_TO_SERVER, "{\"session\":" + id + ",\"n\":" + seq + "}")));
        }
        return out;
    }

    private static CaptureEvent end(long id) {
        return new CaptureEvent.SessionClosed(id, new SessionEnd(Fixtures.T0 + 999_000, 1000, "", ClosedBy.CLIENT, null));
    }
}

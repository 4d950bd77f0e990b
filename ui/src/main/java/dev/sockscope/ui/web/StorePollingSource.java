package dev.sockscope.ui.web;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.recordings.ChangeSignal;
import dev.sockscope.recordings.FramePage;
import dev.sockscope.recordings.FrameQuery;
import dev.sockscope.recordings.RecordingException;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.SessionQuery;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;

/**
 * Live events found by reading the store every {@code interval}: new and changed sessions among the newest, and
 * frames recorded since the last look in sessions that are open (or just ended). For {@code sockscope ui}, which
 * browses a folder another process records into; it polls only while someone listens. On a team store it reads
 * when a writer's NOTIFY says something changed, and falls back to polling while that connection is down.
 */
public final class StorePollingSource implements LiveSource {
    private static final Logger LOG = LoggerFactory.getLogger(StorePollingSource.class);
    private static final int SESSIONS_WATCHED = 100;
    private static final int FRAMES_PER_LOOK = 2000;

    /** How often a store that signals its changes is still read, in case a signal was missed. */
    private static final Duration SIGNALLED_LOOK = Duration.ofSeconds(5);

    private final RecordingStore store;
    private final List<Consumer<LiveEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;
    private final ChangeSignal signal;
    private final Duration signalledLook;
    /** What was last seen of each watched session: its state, and the last frame seq delivered. */
    private final Map<Long, Seen> seen = new HashMap<>();
    private boolean primed;
    private volatile Problem problem;

    private record Seen(SessionRecord session, long lastSeq) {
    }

    public StorePollingSource(RecordingStore store, long intervalMillis) {
        this(store, intervalMillis, null);
    }

    /**
     * Reads the store when {@code signal} says a writer committed (a team store's LISTEN/NOTIFY), and every
     * {@code intervalMillis} while the signal is down; null: every {@code intervalMillis}. Closes the signal.
     */
    public StorePollingSource(RecordingStore store, long intervalMillis, ChangeSignal signal) {
        this(store, intervalMillis, signal, SIGNALLED_LOOK);
    }

    /** As above; {@code signalledLook}: how often it still reads while the signal is up (tests make it long). */
    StorePollingSource(RecordingStore store, long intervalMillis, ChangeSignal signal, Duration signalledLook) {
        this.store = store;
        this.signalledLook = signalledLook;
        this.signal = signal;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sockscope-live-poll");
            t.setDaemon(true);
            return t;
        });
        if (signal == null) {
            timer.scheduleWithFixedDelay(this::poll, 0, intervalMillis, TimeUnit.MILLISECONDS);
        } else {
            timer.execute(() -> lookWhenSignalled(Duration.ofMillis(intervalMillis)));
        }
    }

    private void lookWhenSignalled(Duration interval) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                poll();
                signal.await(signal.live() ? signalledLook : interval);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closed
        }
    }

    /** Whether changes come by signal now (false: polled every interval). */
    public boolean signalled() {
        return signal != null && signal.live();
    }

    @Override
    public AutoCloseable subscribe(Consumer<LiveEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private synchronized void poll() {
        try {
            boolean listening = !listeners.isEmpty();
            List<SessionRecord> newest = store.sessions(SessionQuery.newest(SESSIONS_WATCHED)).sessions();
            for (SessionRecord s : newest) {
                Seen before = seen.get(s.id());
                long last;
                if (before == null && !primed) {
                    last = lastSeq(s.id()); // what was there when we started is not news
                } else {
                    if (listening && (before == null || changed(before.session(), s))) {
                        emit(new LiveEvent.SessionChanged(s));
                    }
                    boolean mayHaveMore = before == null || before.session().isOpen();
                    if (!mayHaveMore) {
                        last = before.lastSeq();
                    } else if (listening) {
                        last = deliverFrames(s.id(), before == null ? 0 : before.lastSeq());
                    } else {
                        last = lastSeq(s.id()); // nobody listens: catch up without reading the frames
                    }
                }
                seen.put(s.id(), new Seen(s, last));
            }
            seen.keySet().retainAll(newest.stream().map(SessionRecord::id).toList());
            primed = true;
            if (problem != null) {
                LOG.info("live updates resumed: the recordings can be read again");
                problem = null;
            }
        } catch (RecordingException | RuntimeException e) {
            String text = e.getMessage() == null ? e.toString() : e.getMessage();
            if (problem == null) {
                // Once per streak: the user sees it here and in the pages' header (/api/status), not at every look.
                LOG.warn("live updates stopped: reading the recordings failed: {} (trying again every look)", text);
                problem = new Problem("live updates stopped: reading the recordings failed: " + text, System.currentTimeMillis());
            }
        }
    }

    @Override
    public Problem problem() {
        return problem;
    }

    private long deliverFrames(long sessionId, long after) throws RecordingException {
        FramePage page = store.frames(sessionId, FrameQuery.after(after, FRAMES_PER_LOOK));
        for (StoredFrame f : page.frames()) {
            emit(new LiveEvent.FrameAdded(sessionId, f));
            after = f.seq();
        }
        return after;
    }

    private long lastSeq(long sessionId) throws RecordingException {
        FramePage last = store.frames(sessionId, new FrameQuery(null, 0, Long.MAX_VALUE, 1));
        return last.frames().isEmpty() ? 0 : last.frames().get(0).seq();
    }

    private static boolean changed(SessionRecord a, SessionRecord b) {
        return a.isOpen() != b.isOpen() || !Objects.equals(a.protocol(), b.protocol());
    }

    private void emit(LiveEvent event) {
        for (Consumer<LiveEvent> l : listeners) {
            l.accept(event);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (signal != null) {
            signal.close();
        }
    }
}

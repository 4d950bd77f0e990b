package dev.sockscope.proxy.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.capture.CaptureListener;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/** A capture subscriber that keeps every event, for asserting what the relay published. */
public final class EventRecorder implements CaptureListener {
    private final List<CaptureEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvents(List<CaptureEvent> batch) {
        events.addAll(batch);
    }

    public List<CaptureEvent> events() {
        return List.copyOf(events);
    }

    public SessionInfo awaitOpened() {
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> events.stream().anyMatch(e -> e instanceof CaptureEvent.SessionOpened));
        return events.stream().filter(e -> e instanceof CaptureEvent.SessionOpened)
                .map(e -> ((CaptureEvent.SessionOpened) e).session()).findFirst().orElseThrow();
    }

    /** Waits for the session to close and returns how it ended. */
    public SessionEnd awaitClosed(long sessionId) {
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> end(sessionId) != null);
        return end(sessionId);
    }

    private SessionEnd end(long sessionId) {
        return events.stream().filter(e -> e instanceof CaptureEvent.SessionClosed c && c.sessionId() == sessionId)
                .map(e -> ((CaptureEvent.SessionClosed) e).end()).findFirst().orElse(null);
    }

    public List<RecordedFrame> frames(long sessionId) {
        List<RecordedFrame> out = new ArrayList<>();
        for (CaptureEvent e : events) {
            if (e instanceof CaptureEvent.FrameCaptured f && f.sessionId() == sessionId) {
                out.add(f.frame());
            }
        }
        return out;
    }
}

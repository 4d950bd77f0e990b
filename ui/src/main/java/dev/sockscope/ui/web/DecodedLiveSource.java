package dev.sockscope.ui.web;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.sockscope.capture.BusListener;
import dev.sockscope.capture.EventBus;
import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.decode.ProtocolChoice;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.recordings.Traffic;

/**
 * Live events of this process's own proxy: a lossy subscriber of the decoding stage, so that the live view sees
 * frames as they are decoded, never waits for the database, and can never hold the relay back (when it falls
 * behind, the bus drops its events, not the recorder's). Keeps what it has seen of each open session, so that a
 * session event carries the same fields as the API's.
 */
public final class DecodedLiveSource implements LiveSource, BusListener<DecodedEvent> {
    /**
     * The live view's own queue on the bus: what it may fall behind by before the bus drops its events. It gathers
     * events for 25 ms (no one sees that) rather than waking for every frame at tens of thousands a second.
     */
    static final EventBus.Limits LIMITS = new EventBus.Limits(32L << 20, 20_000).withLinger(java.time.Duration.ofMillis(25));

    private final List<Consumer<LiveEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Map<Long, SessionRecord> open = new HashMap<>();

    private DecodedLiveSource() {
    }

    public static DecodedLiveSource attach(EventBus<DecodedEvent> decoded) {
        DecodedLiveSource source = new DecodedLiveSource();
        decoded.subscribe("live view", source, EventBus.Delivery.LOSSY, LIMITS);
        return source;
    }

    @Override
    public AutoCloseable subscribe(Consumer<LiveEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void onEvents(List<DecodedEvent> events) {
        for (DecodedEvent e : events) {
            if (e instanceof DecodedEvent.SessionStarted started) {
                SessionRecord r = chosen(new SessionRecord(started.session(), null, 0, null, null, null, null, Traffic.NONE), started.protocol());
                open.put(r.id(), r);
                emit(new LiveEvent.SessionChanged(r));
            } else if (e instanceof DecodedEvent.ProtocolChosen chosen) {
                SessionRecord r = open.get(chosen.sessionId());
                if (r != null) {
                    r = chosen(r, chosen.choice());
                    open.put(r.id(), r);
                    emit(new LiveEvent.SessionChanged(r));
                }
            } else if (e instanceof DecodedEvent.FrameDecoded frame) {
                SessionRecord r = open.get(frame.sessionId());
                if (r != null) {
                    open.put(r.id(), new SessionRecord(r.info(), null, r.frames() + 1, r.protocol(), r.protocolReason(),
                            r.handshakeDecoded(), null, r.traffic().plus(frame.frame().from(), frame.frame().size())));
                }
                emit(new LiveEvent.FrameAdded(frame.sessionId(), new StoredFrame(frame.frame(), frame.decoding())));
            } else if (e instanceof DecodedEvent.SessionEnded ended) {
                SessionRecord r = open.remove(ended.sessionId());
                if (r != null) {
                    emit(new LiveEvent.SessionChanged(new SessionRecord(r.info(), ended.end(), r.frames(), r.protocol(),
                            r.protocolReason(), r.handshakeDecoded(), ended.unanswered(), r.traffic())));
                }
            }
        }
    }

    private static SessionRecord chosen(SessionRecord r, ProtocolChoice choice) {
        if (choice == null) {
            return r;
        }
        return new SessionRecord(r.info(), r.end(), r.frames(), choice.protocol(), choice.reason(),
                choice.handshake() == null ? null : choice.handshake().toString(), r.unanswered(), r.traffic());
    }

    private void emit(LiveEvent event) {
        for (Consumer<LiveEvent> l : listeners) {
            l.accept(event);
        }
    }

    /** Stops delivering; the bus subscription ends with the bus. */
    @Override
    public void close() {
        listeners.clear();
    }
}

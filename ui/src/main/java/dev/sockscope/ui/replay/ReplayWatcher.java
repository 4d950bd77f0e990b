package dev.sockscope.ui.replay;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.sockscope.capture.BusListener;
import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.wire.Direction;

/**
 * Follows the replay's own session as the decoding stage sees it, so that the replay can wait for answers: which of
 * its client messages (by position) have been answered, and how many server messages have come.
 */
final class ReplayWatcher implements BusListener<DecodedEvent> {
    private Long sessionId;
    private String listen;
    private final List<Long> clientSeqs = new ArrayList<>();
    private final Set<Integer> answered = new HashSet<>();
    private int serverMessages;
    private boolean ended;

    @Override
    public synchronized void onEvents(List<DecodedEvent> events) {
        for (DecodedEvent e : events) {
            if (e instanceof DecodedEvent.SessionStarted s && sessionId == null && s.session().listen().equals(listen)) {
                sessionId = s.sessionId();
            } else if (e instanceof DecodedEvent.FrameDecoded f && sessionId != null && f.sessionId() == sessionId
                    && !f.frame().type().isControl()) {
                if (f.frame().from() == Direction.CLIENT_TO_SERVER) {
                    clientSeqs.add(f.frame().seq());
                } else {
                    serverMessages++;
                    Long request = f.decoding().correlatesWith();
                    if (request != null) {
                        answered.add(clientSeqs.indexOf(request));
                    }
                }
            } else if (e instanceof DecodedEvent.SessionEnded end && sessionId != null && end.sessionId() == sessionId) {
                ended = true;
            }
        }
        notifyAll();
    }

    /** The replay's session is the first to open on this listen address (the replay's own loopback route). */
    synchronized void follow(String listenAddress) {
        listen = listenAddress;
    }

    synchronized Long sessionId() {
        return sessionId;
    }

    /** Waits until the client messages at these positions are answered, the session ended, or the deadline passed. */
    synchronized boolean awaitAnswers(Set<Integer> positions, long deadlineNanos) throws InterruptedException {
        while (!answered.containsAll(positions) && !ended) {
            if (!waitUntil(deadlineNanos)) {
                return false;
            }
        }
        return answered.containsAll(positions);
    }

    /**
     * Waits until at least {@code count} server messages have come (or the session ended, or the deadline passed);
     * returns how many have come.
     */
    synchronized int awaitServerMessages(int count, long deadlineNanos) throws InterruptedException {
        while (serverMessages < count && !ended && waitUntil(deadlineNanos)) {
            // woken by onEvents
        }
        return serverMessages;
    }

    synchronized boolean ended() {
        return ended;
    }

    private boolean waitUntil(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        wait(Math.max(1, left / 1_000_000));
        return true;
    }
}

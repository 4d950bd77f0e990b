package dev.sockscope.proxy.jetty;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.proxy.MessageAssembler;
import dev.sockscope.proxy.WireOpcode;
import dev.sockscope.proxy.tap.Describe;
import dev.sockscope.proxy.tap.PassThroughSession;
import dev.sockscope.proxy.tap.SessionEnding;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.MicroClock;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;

/**
 * One proxied session: the client leg (frames from the client) and the upstream leg (frames from the
 * server), each a Jetty core {@link FrameHandler}. Every frame is relayed unchanged, fragment by fragment,
 * and published to the bus; the next frame is read only when the previous one has been written to the
 * other side and the bus has room, so a slow peer or a slow recorder turns into TCP backpressure.
 *
 * <p>Close handshakes are relayed end to end: a close from one peer is held (Jetty would otherwise answer
 * it itself) until the other peer's answer has been relayed back.
 */
final class RelaySession implements OpenSessions.Live {
    private static final Logger LOG = LoggerFactory.getLogger(RelaySession.class);
    /** Frames read from one peer but not yet written to the other: beyond this, reading pauses. */
    static final int MAX_IN_FLIGHT_FRAMES = 256;
    static final long MAX_IN_FLIGHT_BYTES = 4L << 20;

    private final long id;
    private final CaptureBus bus;
    private final MicroClock clock;
    private final Consumer<RelaySession> onEnded;
    private final AtomicLong seq = new AtomicLong();
    /** The client leg's onOpen and the end of the 101 write can come in either order; the later one starts the session. */
    private final AtomicInteger openSteps = new AtomicInteger(2);
    private volatile Runnable onBothOpen;
    final Leg client;
    final Leg upstream;

    // Guarded by this: how the session is ending, decided by the first close or fault.
    private final SessionEnding ending = new SessionEnding();
    private boolean ended;

    RelaySession(long id, CaptureBus bus, MicroClock clock, long maxMessageBytes, Consumer<RelaySession> onEnded) {
        this.id = id;
        this.bus = bus;
        this.clock = clock;
        this.onEnded = onEnded;
        this.client = new Leg(Direction.CLIENT_TO_SERVER, maxMessageBytes);
        this.upstream = new Leg(Direction.SERVER_TO_CLIENT, maxMessageBytes);
    }

    public long id() {
        return id;
    }

    /** What to run (once) when the client leg is open and its 101 has been written. */
    void onBothOpen(Runnable r) {
        this.onBothOpen = r;
    }

    /** One of the two steps of opening the client leg is done; the second one runs {@link #onBothOpen}. */
    void openStepDone() {
        if (openSteps.decrementAndGet() == 0) {
            onBothOpen.run();
        }
    }

    /** Both legs are open: start reading from both. */
    void start() {
        client.startReading();
        upstream.startReading();
    }

    @Override
    public void closeByProxy(int code, String reason, String why) {
        closeBoth(code, reason, why);
    }

    /** Closes both sides with the same code, as the proxy's own decision (shutdown, limits, faults). */
    void closeBoth(int code, String reason, String why) {
        noteEnding(ClosedBy.PROXY, code, reason, why);
        client.closeQuietly(code, reason);
        upstream.closeQuietly(code, reason);
    }

    /** The client could not be upgraded after the upstream accepted: close the upstream and end here. */
    void clientUpgradeFailed(Throwable cause) {
        noteEnding(ClosedBy.PROXY, CloseStatus.SHUTDOWN, "client went away", "client went away during the handshake: " + describe(cause));
        client.closed = true;
        upstream.closeQuietly(CloseStatus.SHUTDOWN, "client went away");
        maybeEnd();
    }

    private synchronized void noteEnding(ClosedBy by, Integer code, String reason, String why) {
        ending.note(by, code, reason, why);
    }

    /** Numbers and publishes a frame; both legs publish through here, so seq order is the order on the bus. */
    private RecordedFrame publish(RecordedFrame frame) {
        if (frame == null) {
            return null;
        }
        synchronized (seq) {
            RecordedFrame numbered = frame.withSeq(seq.incrementAndGet());
            bus.publish(new CaptureEvent.FrameCaptured(numbered));
            return numbered;
        }
    }

    private void maybeEnd() {
        SessionEnd end;
        synchronized (this) {
            if (ended || !client.closed || !upstream.closed) {
                return;
            }
            ended = true;
            end = ending.at(clock.nowMicros());
        }
        publish(client.assembler.unfinished("incomplete: the session ended in the middle of this message"));
        publish(upstream.assembler.unfinished("incomplete: the session ended in the middle of this message"));
        bus.publish(new CaptureEvent.SessionClosed(id, end));
        onEnded.accept(this);
    }

    /** A failure in plain words, without exception class names (they reach close reasons and recordings). */
    static String describe(Throwable t) {
        return t == null ? "unknown error" : Describe.failure(t);
    }

    /** A close reason must fit in a control frame: 123 bytes of UTF-8 (null stays null). */
    static String fitReason(String reason) {
        return reason == null ? null : dev.sockscope.proxy.tap.ProxyClose.fitReason(reason);
    }

    /** One side of the session. Frames it receives are relayed to the other leg. */
    final class Leg implements FrameHandler {
        final Direction from;
        final MessageAssembler assembler;
        volatile CoreSession session;
        /** The callback of a close frame from this peer, held until the other peer has answered it. */
        private Callback heldClose;
        private volatile boolean closeReceived;
        // Flow control, guarded by this leg: one outstanding demand, bounded unwritten frames.
        private boolean demanding;
        private boolean paused;
        private boolean waitingForBus;
        private int inFlightFrames;
        private long inFlightBytes;
        private volatile Throwable failure;
        volatile boolean closed;

        Leg(Direction from, long maxMessageBytes) {
            this.from = from;
            this.assembler = new MessageAssembler(id, from, maxMessageBytes, clock);
        }

        private Leg other() {
            return this == client ? upstream : client;
        }

        private ClosedBy peer() {
            return from == Direction.CLIENT_TO_SERVER ? ClosedBy.CLIENT : ClosedBy.SERVER;
        }

        private String name() {
            return from == Direction.CLIENT_TO_SERVER ? "client" : "upstream";
        }

        @Override
        public void onOpen(CoreSession coreSession, Callback callback) {
            this.session = coreSession;
            callback.succeeded();
            // Reading starts in start(), once both legs are open and the handshake is published.
            if (this == client) {
                openStepDone();
            }
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            WireOpcode opcode = WireOpcode.of(frame.getOpCode());
            if (opcode == WireOpcode.CLOSE) {
                onCloseFrame(frame, callback);
                return;
            }
            MessageAssembler.Step step = assembler.onFrame(opcode, frame.isFin(), frame.getPayload());
            if (step instanceof MessageAssembler.Step.Relay relay) {
                publish(relay.completed());
                int size = frame.getPayloadLength();
                Frame out = new Frame(frame.getOpCode(), frame.isFin(), frame.getPayload());
                synchronized (this) {
                    demanding = false;
                    inFlightFrames++;
                    inFlightBytes += size;
                }
                other().session.sendFrame(out, Callback.from(() -> {
                    callback.succeeded();
                    written(size);
                }, x -> {
                    callback.succeeded();
                    LOG.debug("session {}: relaying to {} failed: {}", id, other().name(), x.toString());
                }), false);
                // Keep reading while the other side keeps up: Jetty then gathers queued frames into one write.
                maybeDemand();
            } else if (step instanceof MessageAssembler.Step.Refuse refuse) {
                publish(refuse.refused());
                pause();
                callback.succeeded();
                closeBoth(refuse.closeCode(), refuse.reason(), name() + " sent a message that was not relayed: " + refuse.reason());
            }
        }

        private void onCloseFrame(Frame frame, Callback callback) {
            closeReceived = true;
            RecordedFrame recorded = publish(assembler.onFrame(WireOpcode.CLOSE, true, frame.getPayload()) instanceof MessageAssembler.Step.Relay r
                    ? r.completed() : null);
            noteEnding(peer(), recorded == null ? null : recorded.closeCode(), recorded == null ? null : recorded.closeReason(), null);
            Leg other = other();
            boolean answerExpected;
            synchronized (RelaySession.this) {
                // If we have not closed this peer yet, its close starts a handshake that the other peer answers.
                answerExpected = session.isOutputOpen() && other.canSend();
                if (answerExpected) {
                    heldClose = callback;
                }
            }
            if (other.canSend()) {
                Frame out = new Frame(OpCode.CLOSE, true, frame.getPayload());
                Callback sent = Callback.from(() -> {
                    other.releaseHeldClose();
                    if (!answerExpected) {
                        callback.succeeded();
                    }
                }, x -> {
                    other.releaseHeldClose();
                    releaseHeldClose();
                    if (!answerExpected) {
                        callback.succeeded();
                    }
                });
                other.session.sendFrame(out, sent, false);
            } else {
                callback.succeeded();
            }
        }

        private void written(int size) {
            synchronized (this) {
                inFlightFrames--;
                inFlightBytes -= size;
            }
            maybeDemand();
        }

        /**
         * Asks Jetty for the next frame unless a read is already asked for, too much is still unwritten on
         * the other side, or the capture bus is full (then the bus calls back when it has drained).
         */
        void maybeDemand() {
            boolean waitForBus = false;
            boolean demandNow = false;
            synchronized (this) {
                if (demanding || paused || inFlightFrames >= MAX_IN_FLIGHT_FRAMES || inFlightBytes >= MAX_IN_FLIGHT_BYTES) {
                    return;
                }
                if (bus.hasCapacity()) {
                    demanding = true;
                    demandNow = true;
                } else if (bus.failure().isPresent()) {
                    return; // a failed bus never has room again: stop reading for good
                } else if (!waitingForBus) {
                    waitingForBus = true;
                    waitForBus = true;
                }
            }
            if (waitForBus) {
                bus.whenCapacity(() -> {
                    synchronized (this) {
                        waitingForBus = false;
                    }
                    maybeDemand();
                });
                return;
            }
            if (demandNow) {
                session.demand();
            }
        }

        /** The first read of the session. */
        void startReading() {
            maybeDemand();
        }

        /** Stops asking for frames (a refused message: the session is closing). */
        void pause() {
            synchronized (this) {
                paused = true;
            }
        }

        boolean canSend() {
            CoreSession s = session;
            return s != null && s.isOutputOpen();
        }

        /** Lets Jetty finish this peer's close handshake (it answers with the peer's own code if we did not). */
        void releaseHeldClose() {
            Callback held;
            synchronized (RelaySession.this) {
                held = heldClose;
                heldClose = null;
            }
            if (held != null) {
                held.succeeded();
            }
        }

        void closeQuietly(int code, String reason) {
            CoreSession s = session;
            if (s != null && s.isOutputOpen()) {
                s.close(code, fitReason(reason), Callback.NOOP);
            }
            releaseHeldClose();
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            failure = cause;
            LOG.debug("session {}: {} failed: {}", id, name(), cause.toString());
            callback.succeeded();
        }

        @Override
        public void onClosed(CloseStatus status, Callback callback) {
            closed = true;
            Leg other = other();
            // A leg we closed by relaying the other peer's close ends with that peer's answer: no fault, even
            // when Jetty completes the handshake without showing us the answering frame.
            if (!closeReceived && !other.closeReceived) {
                // This peer is gone without a close handshake, or Jetty closed it for a protocol fault.
                String cause = failure != null ? describe(failure) : status.getReason() != null ? status.getReason() : "connection closed";
                int code = status.getCode();
                int otherCode;
                String otherReason;
                if (code == CloseStatus.NO_CLOSE || code == CloseStatus.NO_CODE || !CloseStatus.isTransmittableStatusCode(code)) {
                    otherCode = this == upstream ? CloseStatus.BAD_GATEWAY : CloseStatus.SHUTDOWN;
                    otherReason = this == upstream ? "upstream connection lost: " + cause : "client went away: " + cause;
                } else {
                    otherCode = code;
                    otherReason = name() + " closed by the proxy: " + cause;
                }
                String why = this == upstream
                        ? "upstream connection lost without a close frame: " + cause
                        : "client connection lost without a close frame: " + cause;
                if (code != CloseStatus.NO_CLOSE && code != CloseStatus.NO_CODE) {
                    why = name() + " connection failed (" + code + "): " + cause;
                }
                noteEnding(ClosedBy.PROXY, otherCode, fitReason(otherReason), why);
                other.closeQuietly(otherCode, otherReason);
            }
            // If the other peer was waiting for this one's answer to its close, it will not come now.
            other.releaseHeldClose();
            callback.succeeded();
            maybeEnd();
        }
    }
}

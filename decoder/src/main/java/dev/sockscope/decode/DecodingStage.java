package dev.sockscope.decode;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import dev.sockscope.capture.Backlog;
import dev.sockscope.capture.BusListener;
import dev.sockscope.capture.BusSubscription;
import dev.sockscope.capture.CaptureBus;
import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.capture.CaptureListener;
import dev.sockscope.capture.EventBus;
import dev.sockscope.capture.PartialPayload;

/**
 * The decoding stage: a lossless subscriber of the capture bus that runs every event through one
 * {@link CaptureDecoder} and publishes the decoded events on a bus of its own, to live views (lossy) and watchers.
 *
 * <p>A stage {@linkplain #attach(CaptureBus, CaptureDecoder, EventBus.Limits, BusListener, EventBus.Limits) attached
 * with a writer} (the proxy's recorder) also hands the decoded events to it, on its own thread, in batches it gathers
 * for the writer's linger: one thread from the capture bus to the disk, rather than a second thread and queue behind
 * the stage (issue 20). A live view on the decoded bus sees each event as it is decoded, not when it is written.
 *
 * <p>Backpressure goes through it: while a lossless subscriber of {@link #decoded()} is full, the stage waits before
 * it takes the next batch (on its own thread), so the capture bus fills and the relay stops reading. A failed lossless
 * subscriber behind the stage fails the capture bus at once, so the relay stops rather than relay what nobody records.
 */
public final class DecodingStage implements CaptureListener {
    /** Decoded events cost a little more than capture events: the decoding's label and summary. */
    private static final int EVENT_OVERHEAD = 512;
    /** How long closing waits for the subscribers behind the stage to write what they hold. */
    private static final Duration DRAIN = Duration.ofSeconds(60);

    private final CaptureDecoder decoder;
    private final EventBus<DecodedEvent> decoded = new EventBus<>(DecodingStage::weightOf);
    private volatile CountDownLatch waitingForRoom;
    private volatile String hurry;
    private BusSubscription<CaptureEvent> subscription;
    /** The writer fed on this stage's thread, or null (writers subscribe to {@link #decoded()}). */
    private final HeldBack heldBack;
    /** Where each decoded event goes: the decoded bus, and the writer's batch when there is a writer. */
    private final Consumer<DecodedEvent> emit;

    private DecodingStage(CaptureDecoder decoder, HeldBack heldBack) {
        this.decoder = decoder;
        this.heldBack = heldBack;
        this.emit = heldBack == null ? decoded::publish : this::publishAndHold;
        decoded.onFailure(f -> wake());
    }

    /** Subscribes a stage to {@code capture}; subscribe writers and views to {@link #decoded()} before publishing. */
    public static DecodingStage attach(CaptureBus capture, CaptureDecoder decoder, EventBus.Limits limits) {
        return attach(capture, decoder, limits, "decoding", null);
    }

    /**
     * Subscribes a stage to {@code capture} that hands every decoded event to {@code writer} on its own thread, in
     * batches gathered for {@code writerLimits.linger()} and at most {@code writerLimits}' bytes and events. Its thread
     * is named for the writer ({@code sockscope-recorder}); the writer throwing fails the capture bus, as a failed
     * lossless subscriber does.
     */
    public static DecodingStage attach(CaptureBus capture, CaptureDecoder decoder, EventBus.Limits limits,
                                       BusListener<DecodedEvent> writer, EventBus.Limits writerLimits) {
        return attach(capture, decoder, limits, "recorder", new HeldBack(writer, writerLimits, DecodingStage::weightOf));
    }

    private static DecodingStage attach(CaptureBus capture, CaptureDecoder decoder, EventBus.Limits limits, String name,
                                        HeldBack heldBack) {
        DecodingStage stage = new DecodingStage(decoder, heldBack);
        capture.failWhen(stage.decoded);
        capture.countBehindWith(stage::countQueued);
        stage.subscription = capture.subscribe(name, stage, EventBus.Delivery.LOSSLESS, limits);
        return stage;
    }

    /** The limits of what the stage holds back for its writer (null without one). */
    public EventBus.Limits writerLimits() {
        return heldBack == null ? null : heldBack.limits();
    }

    /** Events handed to the writer, which returned (for the recorder: written); 0 without one. */
    public long written() {
        return heldBack == null ? 0 : heldBack.written();
    }

    /** Events decoded and not yet handed to the writer, or being handed to it now. */
    public int heldBackCount() {
        return heldBack == null ? 0 : heldBack.count();
    }

    /** The limits of its queue on the capture bus. */
    public EventBus.Limits limits() {
        return subscription.limits();
    }

    /** The decoded events, in order. */
    public EventBus<DecodedEvent> decoded() {
        return decoded;
    }

    /**
     * Completes once every capture event published before this call has been decoded and handed to every lossless
     * subscriber behind the stage, which has returned (for the recorder: written and committed).
     */
    public CompletableFuture<Void> flush() {
        return subscription.flush().thenCompose(v -> decoded.flush());
    }

    @Override
    public void onEvents(List<CaptureEvent> events) throws InterruptedException {
        for (CaptureEvent e : events) {
            String why = hurry;
            if (why != null && e instanceof CaptureEvent.FrameCaptured f && f.frame().size() > CaptureBus.LAG_KEPT_BYTES) {
                e = new CaptureEvent.FrameCaptured(PartialPayload.cut(f.frame(), CaptureBus.LAG_KEPT_BYTES, why));
            }
            decoder.decode(e, emit);
        }
        awaitRoomBehind();
    }

    private void publishAndHold(DecodedEvent e) {
        decoded.publish(e);
        heldBack.add(e);
    }

    @Override
    public long dueAt() {
        return heldBack == null ? NEVER : heldBack.dueAt();
    }

    /** Hands what is held back to the writer (the capture bus calls this after a batch, at a barrier, and at the end). */
    @Override
    public void onDue() throws Exception {
        if (heldBack != null) {
            heldBack.handOn();
        }
    }

    /**
     * From now on, frames still queued are decoded and recorded with their first {@value CaptureBus#LAG_KEPT_BYTES}
     * bytes, and a note saying {@code why}: for a proxy that must stop by a deadline, so that every frame is written
     * in time, if not every byte.
     */
    public void hurry(String why) {
        this.hurry = why;
    }

    /** Adds what waits for the recorder behind the stage to {@code counter}. */
    private void countQueued(Backlog.Counter counter) {
        Consumer<DecodedEvent> count = e -> {
            if (e instanceof DecodedEvent.FrameDecoded f) {
                counter.frame(f.sessionId(), f.frame().size());
            } else {
                counter.session(e.sessionId());
            }
        };
        decoded.forEachQueued(count);
        if (heldBack != null) {
            heldBack.forEach(count);
        }
    }

    /** Holds this thread (never a relay thread) while the writer behind is full; returns at once if it failed. */
    private void awaitRoomBehind() throws InterruptedException {
        while (!decoded.hasCapacity() && decoded.failure().isEmpty()) {
            CountDownLatch room = new CountDownLatch(1);
            waitingForRoom = room;
            decoded.whenCapacity(room::countDown);
            if (decoded.failure().isEmpty()) {
                room.await();
            }
        }
    }

    private void wake() {
        CountDownLatch room = waitingForRoom;
        if (room != null) {
            room.countDown();
        }
    }

    /** The capture bus is closing: let everything decoded be written before the subscribers behind are stopped. */
    @Override
    public void onShutdown() {
        decoded.close(DRAIN);
    }

    private static long weightOf(DecodedEvent event) {
        if (event instanceof DecodedEvent.FrameDecoded f) {
            return EVENT_OVERHEAD + f.frame().payload().length;
        }
        return EVENT_OVERHEAD * 2L;
    }
}

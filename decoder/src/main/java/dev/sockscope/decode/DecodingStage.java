package dev.sockscope.decode;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import dev.sockscope.capture.Backlog;
import dev.sockscope.capture.CaptureBus;
import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.capture.CaptureListener;
import dev.sockscope.capture.EventBus;
import dev.sockscope.capture.PartialPayload;

/**
 * The decoding stage: a lossless subscriber of the capture bus that runs every event through one
 * {@link CaptureDecoder} and publishes the decoded events on a bus of its own, to the recorder (lossless) and live
 * views (lossy).
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
    private EventBus<CaptureEvent>.Subscription subscription;

    private DecodingStage(CaptureDecoder decoder) {
        this.decoder = decoder;
        decoded.onFailure(f -> wake());
    }

    /** Subscribes a stage to {@code capture}; subscribe writers and views to {@link #decoded()} before publishing. */
    public static DecodingStage attach(CaptureBus capture, CaptureDecoder decoder, EventBus.Limits limits) {
        DecodingStage stage = new DecodingStage(decoder);
        capture.failWhen(stage.decoded);
        capture.countBehindWith(stage::countQueued);
        stage.subscription = capture.subscribe("decoding", stage, EventBus.Delivery.LOSSLESS, limits);
        return stage;
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
            decoder.decode(e, decoded::publish);
        }
        awaitRoomBehind();
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
        decoded.forEachQueued(e -> {
            if (e instanceof DecodedEvent.FrameDecoded f) {
                counter.frame(f.sessionId(), f.frame().size());
            } else {
                counter.session(e.sessionId());
            }
        });
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

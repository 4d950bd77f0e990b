package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sockscope.capture.Backlog;
import dev.sockscope.capture.BusListener;
import dev.sockscope.capture.CaptureBus;
import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.capture.EventBus;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * A stage with its writer (the proxy's recorder) on its own thread: one thread from the capture bus to the disk. The
 * writer gets every event in order, in batches of its linger; a barrier, a full batch and the bus closing hand it on
 * at once; a writer that throws stops the relay; the lag counts what is held back exactly once.
 */
class StageWriterTest {
    private static final Duration LONG = Duration.ofHours(1);
    private final CaptureBus bus = new CaptureBus();

    @AfterEach
    void closeBus() {
        bus.close(Duration.ofSeconds(5));
    }

    /** What the writer got: each batch, when, and on which thread. */
    private static final class Writer implements BusListener<DecodedEvent> {
        final List<List<DecodedEvent>> batches = new CopyOnWriteArrayList<>();
        final List<Long> at = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void onEvents(List<DecodedEvent> events) throws Exception {
            at.add(System.nanoTime());
            threads.add(Thread.currentThread().getName());
            batches.add(new ArrayList<>(events));
        }

        List<DecodedEvent> all() {
            return batches.stream().flatMap(List::stream).toList();
        }
    }

    private DecodingStage stage(BusListener<DecodedEvent> writer, EventBus.Limits writerLimits) {
        return DecodingStage.attach(bus, new CaptureDecoder(ProtocolRegistry.builtIn(), SecretMasker.ephemeral(), false),
                EventBus.Limits.DEFAULT, writer, writerLimits);
    }

    private static EventBus.Limits lingering(Duration linger) {
        return new EventBus.Limits(64L << 20, 100_000, linger);
    }

    private static SessionInfo session(long id) {
        Handshake h = new Handshake("/ws", null, List.of(), 101, List.of(), null, List.of());
        return new SessionInfo(id, "127.0.0.1:1", "ws://127.0.0.1:2", "127.0.0.1:3", h, 1_000);
    }

    /** A JSON frame, or with {@code size} above 0 a text frame of exactly that many bytes. */
    private static CaptureEvent frame(long id, long seq, int size) {
        String text = size > 0 ? "x".repeat(size) : "{\"n\":" + seq + "}";
        return new CaptureEvent.FrameCaptured(new RecordedFrame(id, seq, 1_000 + seq, Direction.CLIENT_TO_SERVER,
                FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8), 1, null));
    }

    @Test
    void theWriterGetsEveryEventInOrderOnTheStagesOwnThreadAndABarrierHandsOnWhatIsHeldBack() throws Exception {
        Writer writer = new Writer();
        List<DecodedEvent> live = new CopyOnWriteArrayList<>();
        DecodingStage stage = stage(writer, lingering(LONG));
        stage.decoded().subscribe("live", live::addAll, EventBus.Delivery.LOSSY, EventBus.Limits.DEFAULT);
        bus.publish(new CaptureEvent.SessionOpened(session(1)));
        for (int seq = 1; seq <= 3; seq++) {
            bus.publish(frame(1, seq, 0));
        }
        bus.publish(new CaptureEvent.SessionClosed(1, new SessionEnd(2_000, 1000, "bye", ClosedBy.CLIENT, null)));

        // A live view sees each event as it is decoded; the writer's hour-long linger holds them back until the barrier.
        await().atMost(Duration.ofSeconds(10)).until(() -> !live.isEmpty() && live.get(live.size() - 1) instanceof DecodedEvent.SessionEnded);
        assertThat(writer.batches).isEmpty();
        assertThat(stage.heldBackCount()).isEqualTo(live.size());
        stage.flush().get(10, TimeUnit.SECONDS);

        assertThat(writer.all()).containsExactlyElementsOf(live);
        assertThat(writer.all().get(0)).isInstanceOf(DecodedEvent.SessionStarted.class);
        assertThat(writer.all().stream().filter(e -> e instanceof DecodedEvent.FrameDecoded))
                .extracting(e -> ((DecodedEvent.FrameDecoded) e).frame().seq()).containsExactly(1L, 2L, 3L);
        assertThat(writer.batches).hasSize(1);
        assertThat(writer.threads).containsOnly("sockscope-recorder");
        assertThat(stage.written()).isEqualTo(live.size());
        assertThat(stage.heldBackCount()).isZero();
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .as("no second thread between the stage and the writer").doesNotContain("sockscope-decoding");
    }

    @Test
    void whatIsHeldBackIsWrittenOnceItsLingerHasPassedThoughNothingElseComes() {
        Writer writer = new Writer();
        Duration linger = Duration.ofMillis(150);
        stage(writer, lingering(linger));
        long published = System.nanoTime();
        bus.publish(new CaptureEvent.SessionOpened(session(1)));

        await().atMost(Duration.ofSeconds(10)).until(() -> !writer.batches.isEmpty());
        assertThat(writer.all()).extracting(e -> e.getClass().getSimpleName()).containsExactly("SessionStarted");
        assertThat(writer.at.get(0) - published).as("held back for its linger, no less").isGreaterThanOrEqualTo(linger.toNanos());
    }

    @Test
    void aFullBatchIsWrittenAtOnceWithoutWaitingForTheLinger() {
        Writer writer = new Writer();
        DecodingStage stage = stage(writer, new EventBus.Limits(64L << 20, 10, LONG));
        bus.publish(new CaptureEvent.SessionOpened(session(1)));
        for (int seq = 1; seq <= 30; seq++) {
            bus.publish(frame(1, seq, 0));
        }
        // Whenever the stage holds 10 it writes what it holds at once; what is left over (fewer than 10, depending on
        // how the bus batched the 31 events) waits for the hour-long linger. So at least 22 events, frame 21 among
        // them, are written well within the deadline, each write a full batch.
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.all().stream()
                .anyMatch(e -> e instanceof DecodedEvent.FrameDecoded f && f.frame().seq() == 21));
        assertThat(writer.batches).as("only full batches, none after the linger").allSatisfy(b -> assertThat(b).hasSizeGreaterThanOrEqualTo(10));
        assertThat(writer.all().stream().filter(e -> e instanceof DecodedEvent.FrameDecoded))
                .as("in order").extracting(e -> ((DecodedEvent.FrameDecoded) e).frame().seq())
                .isSorted();
        await().atMost(Duration.ofSeconds(10)).until(() -> stage.heldBackCount() < 10);
    }

    @Test
    void aWriterThatThrowsFailsTheCaptureBusSoThatTheRelayStopsReading() {
        DecodingStage stage = stage(events -> {
            throw new IllegalStateException("disk full");
        }, lingering(Duration.ZERO));
        bus.publish(new CaptureEvent.SessionOpened(session(1)));

        await().atMost(Duration.ofSeconds(10)).until(() -> bus.failure().isPresent());
        assertThat(bus.failure().get().describe()).isEqualTo("subscriber 'recorder' failed: disk full");
        assertThat(bus.hasCapacity()).as("the relay stops reading").isFalse();
        assertThat(stage.flush()).failsWithin(Duration.ofSeconds(5));
    }

    @Test
    void theLagCountsWhatIsHeldBackBeingWrittenAndQueuedEachExactlyOnce() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Writer seen = new Writer();
        DecodingStage stage = stage(events -> {
            writing.countDown();
            release.await(); // a disk that stopped answering
            seen.onEvents(events);
        }, lingering(Duration.ZERO));
        bus.publish(new CaptureEvent.SessionOpened(session(1)));
        for (int seq = 1; seq <= 5; seq++) {
            bus.publish(frame(1, seq, 100));
        }
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        for (int seq = 6; seq <= 12; seq++) {
            bus.publish(frame(1, seq, 100)); // queued on the capture bus behind the stuck write
        }

        assertThat(bus.backlog()).isEqualTo(new Backlog(1, 12, 1_200));
        release.countDown();
        stage.flush().get(10, TimeUnit.SECONDS);
        assertThat(seen.all().stream().filter(e -> e instanceof DecodedEvent.FrameDecoded)).hasSize(12);
        assertThat(bus.backlog()).isEqualTo(Backlog.NONE);
    }

    @Test
    void closingTheBusWritesWhatIsHeldBack() {
        Writer writer = new Writer();
        DecodingStage stage = stage(writer, lingering(LONG));
        bus.publish(new CaptureEvent.SessionOpened(session(1)));
        bus.publish(frame(1, 1, 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> stage.heldBackCount() >= 2);
        int held = stage.heldBackCount();

        bus.close(Duration.ofSeconds(10));
        assertThat(writer.all()).hasSize(held);
        assertThat(writer.all().get(held - 1)).isInstanceOf(DecodedEvent.FrameDecoded.class);
        assertThat(stage.written()).isEqualTo(held);
    }
}

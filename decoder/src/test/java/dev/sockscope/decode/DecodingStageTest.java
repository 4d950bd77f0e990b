package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.capture.EventBus;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/** The stage between the capture bus and the writers: order, masking, backpressure, failure, the drain barrier. */
class DecodingStageTest {
    private static final String TOKEN = "Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0";

    private static SessionInfo session(long id) {
        Handshake h = new Handshake("/ws", null, List.of(new Header("Authorization", TOKEN)), 101, List.of(), null, List.of());
        return new SessionInfo(id, "127.0.0.1:1", "ws://127.0.0.1:2", "127.0.0.1:3", h, 1_000);
    }

    private static CaptureEvent text(long id, long seq, Direction from, String json) {
        return new CaptureEvent.FrameCaptured(new RecordedFrame(id, seq, 1_000 + seq, from, FrameType.TEXT,
                json.getBytes(StandardCharsets.UTF_8), 1, null));
    }

    private static DecodingStage stage(CaptureBus bus, boolean keepSecrets) {
        return DecodingStage.attach(bus, new CaptureDecoder(ProtocolRegistry.builtIn(), SecretMasker.ephemeral(), keepSecrets),
                EventBus.Limits.DEFAULT);
    }

    @Test
    void publishesTypedDecodedEventsInOrderWithSecretsMasked() throws Exception {
        List<DecodedEvent> seen = new CopyOnWriteArrayList<>();
        CaptureBus bus = new CaptureBus();
        DecodingStage stage = stage(bus, false);
        stage.decoded().subscribe("writer", seen::addAll, EventBus.Delivery.LOSSLESS, EventBus.Limits.DEFAULT);
        bus.publish(new CaptureEvent.SessionOpened(session(1)));
        bus.publish(text(1, 1, Direction.CLIENT_TO_SERVER, "{\"ver\":11,\"cmd\":0,\"seq\":1,\"opcode\":6,\"payload\":{\"deviceId\":\"d\"}}"));
        bus.publish(text(1, 2, Direction.SERVER_TO_CLIENT, "{\"ver\":11,\"cmd\":1,\"seq\":1,\"opcode\":6,\"payload\":{}}"));
        bus.publish(text(1, 3, Direction.CLIENT_TO_SERVER, "{\"ver\":11,\"cmd\":0,\"seq\":2,\"opcode\":19,\"payload\":{\"token\":\"" + TOKEN + "\"}}"));
        bus.publish(new CaptureEvent.SessionClosed(1, new SessionEnd(2_000, 1000, "bye " + TOKEN, ClosedBy.CLIENT, null)));
        stage.flush().get(5, TimeUnit.SECONDS);

        assertThat(seen).extracting(e -> e.getClass().getSimpleName()).containsExactly(
                "SessionStarted", "ProtocolChosen", "FrameDecoded", "FrameDecoded", "FrameDecoded", "SessionEnded");
        DecodedEvent.SessionStarted started = (DecodedEvent.SessionStarted) seen.get(0);
        assertThat(started.session().handshake().requestHeaders().get(0).value()).doesNotContain("9f8e7d6c5b4a39281706f5e4d3c2b1a0");
        assertThat(((DecodedEvent.ProtocolChosen) seen.get(1)).choice().protocol()).isEqualTo("max");
        DecodedEvent.FrameDecoded answer = (DecodedEvent.FrameDecoded) seen.get(3);
        assertThat(answer.decoding().correlatesWith()).isEqualTo(1L);
        DecodedEvent.FrameDecoded login = (DecodedEvent.FrameDecoded) seen.get(4);
        assertThat(login.frame().text()).doesNotContain("9f8e7d6c5b4a39281706f5e4d3c2b1a0");
        DecodedEvent.SessionEnded ended = (DecodedEvent.SessionEnded) seen.get(5);
        assertThat(ended.end().closeReason()).startsWith("bye ").doesNotContain("9f8e7d6c5b4a39281706f5e4d3c2b1a0");
        assertThat(ended.unanswered()).containsExactly(3L);
        bus.close(Duration.ofSeconds(5));
    }

    @Test
    void aFullWriterBehindTheStageStopsTheCaptureBusUntilItDrains() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<DecodedEvent> written = new CopyOnWriteArrayList<>();
        CaptureBus bus = new CaptureBus();
        DecodingStage stage = DecodingStage.attach(bus, new CaptureDecoder(ProtocolRegistry.builtIn(), SecretMasker.ephemeral(), false),
                new EventBus.Limits(1 << 20, 10));
        stage.decoded().subscribe("writer", batch -> {
            release.await();
            written.addAll(batch);
        }, EventBus.Delivery.LOSSLESS, new EventBus.Limits(1 << 20, 10));
        bus.publish(new CaptureEvent.SessionOpened(session(1)));
        // The relay publishes while it has capacity: the writer's queue fills, the stage waits, then the capture bus fills.
        java.util.concurrent.atomic.AtomicInteger published = new java.util.concurrent.atomic.AtomicInteger();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
            int seq = published.incrementAndGet();
            bus.publish(text(1, seq, Direction.CLIENT_TO_SERVER, "{\"n\":" + seq + "}"));
            return !bus.hasCapacity();
        });
        AtomicBoolean resumed = new AtomicBoolean();
        bus.whenCapacity(() -> resumed.set(true));
        assertThat(resumed).as("the relay stays paused while the writer is stuck").isFalse();
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).untilTrue(resumed);
        stage.flush().get(5, TimeUnit.SECONDS);
        assertThat(written.stream().filter(e -> e instanceof DecodedEvent.FrameDecoded)).hasSize(published.get());
        assertThat(bus.dropped() + stage.decoded().dropped()).isZero();
        bus.close(Duration.ofSeconds(5));
    }

    @Test
    void aFailedWriterBehindTheStageFailsTheCaptureBusWithItsOwnName() throws Exception {
        CaptureBus bus = new CaptureBus();
        DecodingStage stage = stage(bus, false);
        stage.decoded().subscribe("recorder", batch -> {
            throw new IllegalStateException("disk full");
        }, EventBus.Delivery.LOSSLESS, EventBus.Limits.DEFAULT);
        bus.publish(new CaptureEvent.SessionOpened(session(1)));
        await().atMost(Duration.ofSeconds(5)).until(() -> bus.failure().isPresent());
        assertThat(bus.failure().get().describe()).isEqualTo("subscriber 'recorder' failed: disk full");
        assertThat(bus.hasCapacity()).as("the relay stops reading").isFalse();
        assertThat(stage.flush()).failsWithin(Duration.ofSeconds(5));
        bus.close(Duration.ofSeconds(5));
    }

    @Test
    void aLossyViewThatFallsBehindNeverHoldsUpTheWriter() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        List<DecodedEvent> written = new CopyOnWriteArrayList<>();
        CaptureBus bus = new CaptureBus();
        DecodingStage stage = stage(bus, false);
        stage.decoded().subscribe("writer", written::addAll, EventBus.Delivery.LOSSLESS, EventBus.Limits.DEFAULT);
        stage.decoded().subscribe("live", batch -> stuck.await(), EventBus.Delivery.LOSSY, new EventBus.Limits(1 << 20, 5));
        bus.publish(new CaptureEvent.SessionOpened(session(1)));
        for (int seq = 1; seq <= 200; seq++) {
            bus.publish(text(1, seq, Direction.CLIENT_TO_SERVER, "{\"n\":" + seq + "}"));
        }
        stage.flush().get(5, TimeUnit.SECONDS);
        assertThat(written.stream().filter(e -> e instanceof DecodedEvent.FrameDecoded)).hasSize(200);
        assertThat(stage.decoded().dropped()).as("the view lost events, not the writer").isPositive();
        stuck.countDown();
        bus.close(Duration.ofSeconds(5));
    }
}

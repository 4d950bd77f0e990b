package dev.sockscope.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

class CaptureBusTest {

    private static CaptureEvent frame(long seq, int size) {
        return new CaptureEvent.FrameCaptured(new RecordedFrame(1, seq, seq, Direction.CLIENT_TO_SERVER, FrameType.BINARY,
                new byte[size], 1, null));
    }

    @Test
    void everySubscriberGetsEveryEventInOrder() {
        List<Long> a = new CopyOnWriteArrayList<>();
        List<Long> b = new CopyOnWriteArrayList<>();
        try (CaptureBus bus = new CaptureBus()) {
            bus.subscribe("a", events -> events.forEach(e -> a.add(((CaptureEvent.FrameCaptured) e).frame().seq())),
                    CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
            bus.subscribe("b", events -> events.forEach(e -> b.add(((CaptureEvent.FrameCaptured) e).frame().seq())),
                    CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
            for (long i = 1; i <= 10_000; i++) {
                bus.publish(frame(i, 8));
            }
        }
        assertThat(a).hasSize(10_000).isSorted();
        assertThat(b).isEqualTo(a);
    }

    @Test
    void aFullLosslessQueuePausesInsteadOfDroppingAndResumesWhenDrained() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger received = new AtomicInteger();
        CaptureBus bus = new CaptureBus();
        bus.subscribe("slow", events -> {
            release.await();
            received.addAndGet(events.size());
        }, CaptureBus.Delivery.LOSSLESS, new CaptureBus.Limits(10_000, 1_000));
        for (int i = 0; i < 20; i++) {
            bus.publish(frame(i, 1_000));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !bus.hasCapacity());
        AtomicBoolean resumed = new AtomicBoolean();
        bus.whenCapacity(() -> resumed.set(true));
        assertThat(resumed).isFalse();
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).untilTrue(resumed);
        bus.close(Duration.ofSeconds(5));
        assertThat(received.get()).isEqualTo(20);
        assertThat(bus.dropped()).isZero();
    }

    @Test
    void aLossySubscriberDropsWhenFullAndCountsIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CaptureBus bus = new CaptureBus();
        bus.subscribe("live", events -> release.await(), CaptureBus.Delivery.LOSSY, new CaptureBus.Limits(1 << 20, 5));
        for (int i = 0; i < 50; i++) {
            bus.publish(frame(i, 10));
        }
        assertThat(bus.hasCapacity()).as("lossy subscribers never pause the relay").isTrue();
        assertThat(bus.dropped()).isGreaterThan(0);
        release.countDown();
        bus.close(Duration.ofSeconds(5));
    }

    @Test
    void aFailingLosslessSubscriberFailsTheBusLoudlyWithoutStoppingTheOthers() {
        AtomicInteger good = new AtomicInteger();
        AtomicInteger badCalls = new AtomicInteger();
        List<CaptureBus.Failure> reported = new CopyOnWriteArrayList<>();
        CaptureBus bus = new CaptureBus();
        bus.onFailure(reported::add);
        BusSubscription<CaptureEvent> bad = bus.subscribe("recorder", events -> {
            badCalls.incrementAndGet();
            throw new IllegalStateException("disk full");
        }, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        bus.subscribe("good", events -> good.addAndGet(events.size()), CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        assertThat(bus.hasCapacity()).isTrue();
        bus.publish(frame(1, 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> bus.failure().isPresent());
        assertThat(bus.failure().get().subscriber()).isEqualTo("recorder");
        assertThat(bus.failure().get().describe()).isEqualTo("subscriber 'recorder' failed: disk full");
        assertThat(bad.failure()).get().extracting(Throwable::getMessage).isEqualTo("disk full");
        assertThat(reported).hasSize(1);
        assertThat(bus.hasCapacity()).as("the relay must stop reading: nothing more would be recorded").isFalse();
        AtomicBoolean resumed = new AtomicBoolean();
        bus.whenCapacity(() -> resumed.set(true));
        bus.publish(frame(2, 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> good.get() == 2);
        assertThat(resumed).as("a failed bus never resumes a paused reader before it closes").isFalse();
        List<CaptureBus.Failure> late = new CopyOnWriteArrayList<>();
        bus.onFailure(late::add);
        assertThat(late).as("onFailure after the fact runs at once").hasSize(1);
        bus.close(Duration.ofSeconds(5));
        assertThat(resumed).as("closing lets paused readers go so that sockets can close").isTrue();
        assertThat(badCalls.get()).as("a failed subscriber gets no more batches").isEqualTo(1);
    }

    @Test
    void anErrorSuchAsOutOfMemoryFailsTheBusToo() {
        CaptureBus bus = new CaptureBus();
        BusSubscription<CaptureEvent> recorder = bus.subscribe("recorder", events -> {
            throw new OutOfMemoryError("Java heap space");
        }, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        bus.publish(frame(1, 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> bus.failure().isPresent());
        assertThat(bus.failure().get().cause()).isInstanceOf(OutOfMemoryError.class);
        assertThat(bus.hasCapacity()).isFalse();
        bus.publish(frame(2, 1));
        bus.close(Duration.ofSeconds(5));
        assertThat(recorder.delivered()).isZero();
        assertThat(bus.dropped()).as("the batch it failed on and the event after it").isEqualTo(2);
    }

    @Test
    void aFailingLossySubscriberStopsOnlyItself() {
        CaptureBus bus = new CaptureBus();
        BusSubscription<CaptureEvent> live = bus.subscribe("live", events -> {
            throw new IllegalStateException("view gone");
        }, CaptureBus.Delivery.LOSSY, CaptureBus.Limits.DEFAULT);
        bus.publish(frame(1, 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> live.failure().isPresent());
        assertThat(bus.failure()).isEmpty();
        assertThat(bus.hasCapacity()).isTrue();
        bus.close(Duration.ofSeconds(5));
    }

    @Test
    void aLingeringSubscriberGetsATrickleInFewerBatches() throws Exception {
        List<Integer> batches = new CopyOnWriteArrayList<>();
        CaptureBus bus = new CaptureBus();
        bus.subscribe("recorder", events -> batches.add(events.size()), CaptureBus.Delivery.LOSSLESS,
                CaptureBus.Limits.DEFAULT.withLinger(Duration.ofMillis(200)));
        for (int i = 0; i < 10; i++) {
            bus.publish(frame(i, 10));
        }
        bus.close(Duration.ofSeconds(5));
        assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
        assertThat(batches).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void closeDeliversEverythingQueuedAndCallsShutdown() throws Exception {
        AtomicInteger received = new AtomicInteger();
        CountDownLatch shutdown = new CountDownLatch(1);
        CaptureBus bus = new CaptureBus();
        bus.subscribe("recorder", new CaptureListener() {
            @Override
            public void onEvents(List<CaptureEvent> events) {
                received.addAndGet(events.size());
            }

            @Override
            public void onShutdown() {
                shutdown.countDown();
            }
        }, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        for (int i = 0; i < 5_000; i++) {
            bus.publish(frame(i, 100));
        }
        bus.close(Duration.ofSeconds(10));
        assertThat(received.get()).isEqualTo(5_000);
        assertThat(shutdown.await(1, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void flushCompletesOnlyOnceEverythingPublishedBeforeItHasBeenHandled() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (CaptureBus bus = new CaptureBus()) {
            BusSubscription<CaptureEvent> s = bus.subscribe("slow", events -> {
                release.await();
                events.forEach(e -> seen.add(((CaptureEvent.FrameCaptured) e).frame().seq()));
            }, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT.withLinger(Duration.ofMillis(50)));
            for (long i = 1; i <= 1_000; i++) {
                bus.publish(frame(i, 8));
            }
            java.util.concurrent.CompletableFuture<Void> flushed = s.flush();
            bus.publish(frame(1_001, 8));
            assertThat(flushed).as("the listener is still holding the first batch").isNotDone();
            release.countDown();
            flushed.get(5, TimeUnit.SECONDS);
            assertThat(seen).as("every event before the marker, seen when the marker is").startsWith(1L, 2L, 3L)
                    .contains(1_000L).hasSizeGreaterThanOrEqualTo(1_000);
            assertThat(bus.flush()).succeedsWithin(Duration.ofSeconds(5));
            assertThat(seen).hasSize(1_001);
        }
    }

    @Test
    void flushFailsWithWhatAFailedListenerThrewAndCompletesAfterClose() throws Exception {
        CaptureBus bus = new CaptureBus();
        BusSubscription<CaptureEvent> s = bus.subscribe("broken", events -> {
            throw new IllegalStateException("disk full");
        }, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        bus.publish(frame(1, 8));
        assertThat(s.flush()).failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class).withMessageContaining("disk full");
        bus.close(Duration.ofSeconds(5));
        assertThat(s.flush()).as("a closed subscription settles a flush at once").isCompletedExceptionally();

        CaptureBus healthy = new CaptureBus();
        BusSubscription<CaptureEvent> h = healthy.subscribe("ok", events -> { }, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        healthy.close(Duration.ofSeconds(5));
        assertThat(h.flush()).succeedsWithin(Duration.ofSeconds(1));
    }

    @Test
    void closingReleasesPausedReadersOnceAndNeverSpinsOnOneThatWaitsAgain() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CaptureBus bus = new CaptureBus();
        BusSubscription<CaptureEvent> s = bus.subscribe("stuck", events -> stuck.await(), CaptureBus.Delivery.LOSSLESS,
                new CaptureBus.Limits(1 << 20, 3));
        bus.publish(frame(0, 8));
        await().atMost(Duration.ofSeconds(5)).until(() -> s.queued() == 0); // the subscriber holds its first batch
        for (int i = 1; i < 10; i++) {
            bus.publish(frame(i, 8));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !bus.hasCapacity());
        AtomicInteger resumed = new AtomicInteger();
        Runnable[] reader = new Runnable[1];
        // A reader that, resumed, reads one more frame and waits for room again while there is none, as the relay does
        // (with room it would read on, asynchronously).
        reader[0] = () -> {
            resumed.incrementAndGet();
            bus.publish(frame(100, 8));
            if (!bus.hasCapacity()) {
                bus.whenCapacity(reader[0]);
            }
        };
        bus.whenCapacity(reader[0]);
        assertThat(resumed).hasValue(0);
        Thread closer = new Thread(() -> bus.close(Duration.ofMillis(200)));
        closer.start();
        closer.join(10_000);
        assertThat(closer.isAlive()).as("close returned").isFalse();
        stuck.countDown();
        assertThat(bus.hasCapacity()).as("a closed, drained bus keeps nobody waiting").isTrue();
        assertThat(bus.dropped()).as("what was published after the close is counted, not queued").isPositive();
        assertThat(resumed.get()).as("the reader ran; it did not spin").isBetween(1, 2);
    }

    @Test
    void theRelayWaitsForAStuckRecorderOnlyWithinTheBoundThenMessagesAreRecordedInPartAndSaySo() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<RecordedFrame> written = new CopyOnWriteArrayList<>();
        CaptureBus bus = new CaptureBus(Duration.ofMillis(200));
        bus.subscribe("stuck recorder", events -> {
            release.await();
            events.forEach(e -> written.add(((CaptureEvent.FrameCaptured) e).frame()));
        }, CaptureBus.Delivery.LOSSLESS, new CaptureBus.Limits(150_000, 1_000));
        for (int i = 1; i <= 20; i++) {
            bus.publish(frame(i, 10_000));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !bus.hasCapacity());
        long waitFrom = System.nanoTime();
        CountDownLatch resumed = new CountDownLatch(1);
        bus.whenCapacity(resumed::countDown);
        assertThat(resumed.await(10, TimeUnit.SECONDS)).as("the reader resumed without the recorder draining").isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waitFrom)).as("waited ms").isGreaterThanOrEqualTo(150);
        assertThat(bus.hasCapacity()).as("past the bound, the relay may read").isTrue();
        CaptureBus.Lag lag = bus.lag();
        assertThat(lag.lagging()).isTrue();
        assertThat(lag.behind().frames()).as("frames queued").isGreaterThanOrEqualTo(10);
        assertThat(lag.behind().sessions()).isEqualTo(1);
        bus.publish(frame(21, 10_000));
        bus.publish(frame(22, 100));
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> written.size() == 22);
        assertThat(written.get(0).size()).as("published before the lag: whole").isEqualTo(10_000);
        RecordedFrame cut = written.get(20);
        assertThat(cut.size()).isEqualTo(CaptureBus.LAG_KEPT_BYTES);
        assertThat(cut.note()).isEqualTo("recorded in part: the first 1024 of 10000 bytes, because the recorder was more than"
                + " 200 ms behind (--record-wait)");
        assertThat(written.get(21).size()).as("a small message is kept whole").isEqualTo(100);
        assertThat(written.get(21).note()).isNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> !bus.lag().lagging());
        assertThat(bus.lag().cutFrames()).isEqualTo(1);
        bus.close(Duration.ofSeconds(5));
        assertThat(bus.dropped()).isZero();
    }

    @Test
    void pastTwiceItsLimitsTheQueueHoldsTheRelayAgainSoMemoryStaysBounded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch taken = new CountDownLatch(1);
        CaptureBus bus = new CaptureBus(Duration.ZERO);
        bus.subscribe("stuck recorder", events -> {
            taken.countDown();
            release.await();
        }, CaptureBus.Delivery.LOSSLESS, new CaptureBus.Limits(1 << 20, 10));
        // The first event is taken by the stuck recorder; the queue holds the rest.
        bus.publish(frame(1, 10));
        assertThat(taken.await(5, TimeUnit.SECONDS)).isTrue();
        for (int i = 2; i <= 11; i++) {
            bus.publish(frame(i, 10));
        }
        assertThat(bus.hasCapacity()).as("full, but a zero bound never waits").isTrue();
        for (int i = 12; i <= 21; i++) {
            bus.publish(frame(i, 10));
        }
        assertThat(bus.hasCapacity()).as("at twice the limit").isFalse();
        AtomicBoolean resumed = new AtomicBoolean();
        bus.whenCapacity(() -> resumed.set(true));
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).untilTrue(resumed);
        bus.close(Duration.ofSeconds(5));
    }
}

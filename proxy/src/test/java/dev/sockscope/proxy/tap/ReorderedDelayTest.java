package dev.sockscope.proxy.tap;

import static dev.sockscope.proxy.testing.WireFrames.text;
import static dev.sockscope.wire.Direction.CLIENT_TO_SERVER;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.proxy.intercept.Decision;
import dev.sockscope.proxy.intercept.DecisionSource;
import dev.sockscope.proxy.intercept.InterceptPoint;
import dev.sockscope.proxy.intercept.InterceptedMessage;
import dev.sockscope.proxy.intercept.SessionFacts;
import dev.sockscope.proxy.testing.EventRecorder;
import dev.sockscope.proxy.testing.WireFrames;
import dev.sockscope.wire.MicroClock;

/**
 * A delay that lets later messages overtake the delayed one ({@code reorder: true}), without sockets: however many
 * messages wait, their direction has one timer armed, for the soonest; when it fires, everything due goes in one
 * write, soonest first, and nothing goes before its time. Issue 18: one timer task and one write per message on the
 * relay's single scheduler thread fell behind by hundreds of milliseconds at a few thousand messages a second.
 */
class ReorderedDelayTest {
    private static final int COUNT = 100;
    private CaptureBus bus;
    private PassThroughSessionTest.Fake net;
    private PassThroughSession session;
    private final ByNumber source = new ByNumber();

    /** Delays "m17" by 10, 60 or 110 ms (17 mod 3 = 2: 110 ms), letting later messages overtake it; notes when each is due. */
    private static final class ByNumber implements DecisionSource {
        final long[] dueNanos = new long[COUNT];

        @Override
        public Decision decide(InterceptedMessage message) {
            int n = number(message.payload());
            dueNanos[n] = System.nanoTime() + Duration.ofMillis(delayOf(n)).toNanos();
            return new Decision.Delay(Duration.ofMillis(delayOf(n)), true, Decision.Cause.rule("jitter"));
        }

        @Override
        public boolean active() {
            return true;
        }
    }

    private static long delayOf(int n) {
        return 10 + 50L * (n % 3);
    }

    private static int number(byte[] payload) {
        return Integer.parseInt(new String(payload, StandardCharsets.UTF_8).substring(1));
    }

    @BeforeEach
    void start() {
        bus = new CaptureBus();
        bus.subscribe("events", new EventRecorder(), CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        net = new PassThroughSessionTest.Fake();
        InterceptPoint point = InterceptPoint.withoutLabels();
        point.addSource(source);
        session = new PassThroughSession(1, NegotiatedExtensions.NONE, 1 << 20, MessageBudget.unlimited(), bus, new MicroClock(), net,
                s -> { }, point, new SessionFacts(1, "127.0.0.1:1", "ws://up", null, null));
    }

    @AfterEach
    void stop() {
        bus.close(Duration.ofSeconds(5));
    }

    @Test
    void manyMessagesWaitingForTheirOwnDelayShareOneTimerAndGoTogetherSoonestFirst() {
        long readAt = System.nanoTime();
        for (int i = 0; i < COUNT; i++) {
            ByteBuffer[] out = session.onRead(CLIENT_TO_SERVER, ByteBuffer.wrap(text(true, "m" + i)));
            assertThat(out).as("a delayed message is not written as it is read").isEmpty();
        }
        assertThat(net.timers).as("one timer for the direction, not one per message").hasSize(1);
        runTimers();
        if (System.nanoTime() - readAt < Duration.ofMillis(10).toNanos()) {
            assertThat(delivered()).as("nothing before its delay").isEmpty();
        }
        // By now every message is due: one firing sends them all, in one write.
        Awaitility.await().pollInSameThread().pollDelay(Duration.ofMillis(125)).atMost(Duration.ofSeconds(10)).until(() -> {
            runTimers();
            return delivered().size() == COUNT;
        });
        assertThat(writes()).as("what was due together went in one write").isLessThanOrEqualTo(2);
        List<Integer> got = delivered();
        assertThat(got).as("each message once").containsExactlyInAnyOrderElementsOf(IntStream.range(0, COUNT).boxed().toList());
        for (int k = 1; k < COUNT; k++) {
            // Due as the source saw it (decided + delay): the relay's own clock reading comes a few µs later.
            assertThat(source.dueNanos[got.get(k - 1)]).as("soonest due first: m%d before m%d", got.get(k - 1), got.get(k))
                    .isLessThanOrEqualTo(source.dueNanos[got.get(k)] + Duration.ofMillis(5).toNanos());
        }
        assertThat(delivered()).as("later messages did overtake earlier ones").isNotEqualTo(IntStream.range(0, COUNT).boxed().toList());
        assertThat(net.timers).as("nothing is left to wait for: no timer is armed again").isEmpty();
    }

    /** Runs the timers armed so far (a firing may arm the next). */
    private void runTimers() {
        List<Runnable> due = new ArrayList<>(net.timers);
        net.timers.clear();
        due.forEach(Runnable::run);
    }

    private List<Integer> delivered() {
        List<Integer> out = new ArrayList<>();
        for (WireFrames.Frame f : WireFrames.parse(net.delivered(CLIENT_TO_SERVER))) {
            out.add(number(f.payload()));
        }
        return out;
    }

    private long writes() {
        return net.log.stream().filter(l -> l.startsWith("write")).count();
    }
}

package dev.sockscope.proxy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.intercept.InterceptPoint;
import dev.sockscope.proxy.jetty.JettyRelay;
import dev.sockscope.proxy.testing.DeflateClient;
import dev.sockscope.proxy.testing.EventRecorder;
import dev.sockscope.proxy.testing.TestUpstream;

/**
 * A delay rule with jitter (uniform 10–30 ms) on thousands of messages a second, through the relay to a Jetty upstream,
 * with Jetty's client (permessage-deflate). The delays drawn (as recorded: "delayed 17 ms") keep the configured
 * distribution, and no message reaches the upstream before its own drawn delay. The delays the upstream really saw (its
 * arrival minus the client's send) are written to target/jitter-percentiles.txt beside the configured ones: in order, a
 * message also waits for those before it, and the relay's own time adds to them. With {@code reorder: true} nothing
 * waits for anything else, so each message's lateness (what the upstream saw minus what was drawn for it) is the
 * relay's own, and is bounded.
 */
class JitterRateTest {
    private static final int COUNT = 5000;
    /** Messages sent before the measured ones (two seconds at 1 000 a second): the JVM warms up on a loaded machine. */
    private static final int WARM_UP = 2000;
    private static final Pattern DELAYED = Pattern.compile("delayed (\\d+) ms");
    private TestUpstream upstream;
    private Relay relay;
    private CaptureBus bus;

    /** What one run saw, by message number: when the client sent it, the delay the upstream saw (µs), the delay drawn (ms). */
    private record Run(long[] sentNanos, long[] seenMicros, long[] drawnMillis, long[] arrivedNanos, RuleEngine engine) {
        long[] sorted(long[] values) {
            long[] s = values.clone();
            Arrays.sort(s);
            return s;
        }

        /** What the upstream saw beyond the drawn delay, µs, by message. */
        long[] latenessMicros() {
            long[] late = new long[COUNT];
            for (int i = 0; i < COUNT; i++) {
                late[i] = seenMicros[i] - drawnMillis[i] * 1000;
            }
            return late;
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (relay != null) {
            relay.stop(Duration.ofSeconds(2));
        }
        if (bus != null) {
            bus.close(Duration.ofSeconds(10));
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aJitteredDelayAtFiveThousandMessagesASecondKeepsItsDistribution() throws Exception {
        boolean reorder = Boolean.getBoolean("jreorder");
        long gap = Long.getLong("jgap", 200_000); // 5 000 a second
        Run run = run(gap, reorder, 0);
        long[] delays = run.sorted(run.seenMicros());
        long[] drawn = run.sorted(run.drawnMillis());
        report(run, gap, reorder);
        assertThat(delays[0]).as("no message earlier than the minimum delay").isGreaterThanOrEqualTo(10_000);
        assertThat(run.engine().status().get(0).taken()).containsEntry("delay", (long) COUNT);
        assertThat(drawn[0]).isGreaterThanOrEqualTo(10);
        assertThat(drawn[COUNT - 1]).isLessThanOrEqualTo(30);
        assertThat(drawn[COUNT / 10]).isBetween(11L, 13L);
        assertThat(drawn[COUNT / 2]).isBetween(19L, 21L);
        assertThat(drawn[COUNT * 9 / 10]).isBetween(27L, 29L);
        if (!reorder) {
            assertThat(delays[COUNT / 2]).as("in order, a message waits for those before it too").isGreaterThanOrEqualTo(19_000L);
        }
    }

    /**
     * Issue 18: with {@code reorder: true} messages reached the upstream hundreds of milliseconds after their drawn delay,
     * because every message had its own timer task and its own write on the relay's one scheduler thread (the
     * mechanism is pinned down by ReorderedDelayTest). Here, end to end at 1 000 messages a second, after two seconds
     * of the same to warm the JVM up (on a loaded machine the first second was hundreds of ms late either way): no
     * message goes before its own drawn delay, and 99 % of them arrive within 50 ms of it (each message's figures are
     * in target/jitter-1000-reorder.csv).
     */
    @Test
    void aReorderingDelayAtAThousandMessagesASecondSendsEachMessageWhenItsDelayIsUp() throws Exception {
        long gap = 1_000_000;
        Run run = run(gap, true, WARM_UP);
        report(run, gap, true);
        long[] late = run.sorted(run.latenessMicros());
        assertThat(late[0]).as("no message before its own drawn delay (drawn delays are recorded in whole ms, cut down)")
                .isGreaterThanOrEqualTo(0);
        assertThat(late[late.length * 99 / 100]).as("p99 of the lateness beyond the drawn delay, µs")
                .isLessThan(50_000);
        assertThat(overtakings(run.arrivedNanos())).as("later messages overtook earlier ones (reorder is on)").isGreaterThan(COUNT / 10);
        assertThat(run.engine().status().get(0).taken()).containsEntry("delay", (long) COUNT + WARM_UP);
    }

    /**
     * Sends COUNT messages, one every {@code gapNanos}, through a jitter rule, and reads what the upstream saw; before
     * them, {@code warmUp} messages at the same rate that are not measured.
     */
    private Run run(long gapNanos, boolean reorder, int warmUp) throws Exception {
        upstream = TestUpstream.start();
        bus = new CaptureBus();
        EventRecorder events = new EventRecorder();
        bus.subscribe("events", events, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        InterceptPoint point = InterceptPoint.withoutLabels();
        RuleEngine engine = RuleEngineTest.engine(11, "rules:\n  - name: jitter\n    match: { direction: client }\n"
                + "    delay: " + System.getProperty("jdelay", "{ min: 10ms, max: 30ms }") + "\n    reorder: " + reorder + "\n");
        point.addSource(engine);
        relay = JettyRelay.start(List.of(new Route("127.0.0.1", 0, upstream.uri())), null, RelayOptions.defaults(), bus,
                new AtomicLong(1)::getAndIncrement, point);
        long[] sentAt = new long[COUNT];
        long[] seen = new long[COUNT];
        long[] arrived = new long[COUNT];
        try (DeflateClient c = DeflateClient.connect(URI.create("ws://" + relay.boundRoutes().get(0).listen() + "/"))) {
            upstream.nextHandshake();
            long warmStart = System.nanoTime();
            for (int i = 0; i < warmUp; i++) {
                long wait = warmStart + i * gapNanos - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                c.send("w" + i);
            }
            for (int i = 0; i < warmUp; i++) {
                assertThat(upstream.nextFrame().text()).startsWith("w");
            }
            long start = System.nanoTime();
            for (int i = 0; i < COUNT; i++) {
                long wait = start + i * gapNanos - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                sentAt[i] = System.nanoTime();
                c.send("m" + i);
            }
            long took = System.nanoTime() - start;
            for (int n = 0; n < COUNT; n++) {
                TestUpstream.Received r = upstream.nextFrame();
                int i = Integer.parseInt(r.text().substring(1));
                arrived[i] = r.nanoTime();
                seen[i] = (r.nanoTime() - sentAt[i]) / 1000;
            }
            assertThat(took).as("sent at about the rate").isLessThan(3 * COUNT * gapNanos);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> drawn(events).size() == COUNT);
        Map<Integer, Long> drawn = drawn(events);
        long[] drawnMillis = new long[COUNT];
        for (int i = 0; i < COUNT; i++) {
            drawnMillis[i] = drawn.get(i);
        }
        return new Run(sentAt, seen, drawnMillis, arrived, engine);
    }

    private static void report(Run run, long gapNanos, boolean reorder) throws Exception {
        long[] delays = run.sorted(run.seenMicros());
        long[] drawn = run.sorted(run.drawnMillis());
        long[] late = run.sorted(run.latenessMicros());
        String line = String.format("jitter uniform 10-30 ms, %d msgs at %d/s, reorder %s: drawn p10 %d p50 %d p90 %d p99 %d ms;"
                        + " measured at the upstream p10 %.1f p50 %.1f p90 %.1f p99 %.1f max %.1f ms (configured p10 12 p50 20 p90 28"
                        + " p99 29.8 max 30); late beyond the drawn delay p50 %.1f p99 %.1f max %.1f ms %n", COUNT, 1_000_000_000L / gapNanos,
                reorder, drawn[COUNT / 10], drawn[COUNT / 2], drawn[COUNT * 9 / 10], drawn[COUNT * 99 / 100],
                ms(delays[COUNT / 10]), ms(delays[COUNT / 2]), ms(delays[COUNT * 9 / 10]), ms(delays[COUNT * 99 / 100]),
                ms(delays[COUNT - 1]), ms(late[COUNT / 2]), ms(late[COUNT * 99 / 100]), ms(late[COUNT - 1]));
        System.out.print(line);
        Files.writeString(Path.of("target", "jitter-percentiles.txt"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        StringBuilder csv = new StringBuilder("message,sent_ms,seen_ms,drawn_ms,late_ms\n");
        for (int i = 0; i < COUNT; i++) {
            csv.append(i).append(',').append((run.sentNanos()[i] - run.sentNanos()[0]) / 1_000_000.0).append(',')
                    .append(ms(run.seenMicros()[i])).append(',').append(run.drawnMillis()[i]).append(',')
                    .append(ms(run.latenessMicros()[i])).append('\n');
        }
        Files.writeString(Path.of("target", "jitter-" + 1_000_000_000L / gapNanos + (reorder ? "-reorder" : "") + ".csv"), csv);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    /** Messages that reached the upstream before one sent earlier. */
    private static int overtakings(long[] arrivedNanos) {
        int n = 0;
        long latest = Long.MIN_VALUE;
        for (long a : arrivedNanos) {
            if (a < latest) {
                n++;
            }
            latest = Math.max(latest, a);
        }
        return n;
    }

    /** The delay drawn for each message ("m17"), in ms, as the recording says ("delayed 17 ms by rule jitter"). */
    private static Map<Integer, Long> drawn(EventRecorder events) {
        Map<Integer, Long> out = new HashMap<>();
        for (CaptureEvent e : events.events()) {
            if (e instanceof CaptureEvent.FrameCaptured f && f.frame().provenance() != null && f.frame().provenance().effect() != null
                    && f.frame().payload().length > 0 && f.frame().payload()[0] == 'm') {
                Matcher m = DELAYED.matcher(f.frame().provenance().effect());
                if (m.find()) {
                    out.put(Integer.parseInt(new String(f.frame().payload(), StandardCharsets.UTF_8).substring(1)), Long.parseLong(m.group(1)));
                }
            }
        }
        return out;
    }
}

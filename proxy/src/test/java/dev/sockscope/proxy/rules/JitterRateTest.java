package dev.sockscope.proxy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.intercept.InterceptPoint;
import dev.sockscope.proxy.jetty.JettyRelay;
import dev.sockscope.proxy.testing.DeflateClient;
import dev.sockscope.proxy.testing.TestUpstream;

/**
 * A delay rule with jitter (uniform 10–30 ms, order kept) on 5 000 messages a second for one second, through the relay
 * to a Jetty upstream, with Jetty's client (permessage-deflate): the delays drawn (as recorded: "delayed 17 ms") keep
 * the configured distribution, and no message reaches the upstream before its minimum. The delays the upstream really
 * saw (its arrival minus the client's send) are written to target/jitter-percentiles.txt beside the configured ones:
 * in order, a message also waits for those before it, and the relay's own time adds to them.
 */
class JitterRateTest {
    private static final int COUNT = 5000;
    private static final long GAP_NANOS = Long.getLong("jgap", 200_000); // 5 000 a second
    private TestUpstream upstream;
    private Relay relay;
    private CaptureBus bus;

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

    @org.junit.jupiter.api.Test
    void aJitteredDelayAtFiveThousandMessagesASecondKeepsItsDistribution() throws Exception {
        boolean reorder = Boolean.getBoolean("jreorder");
        upstream = TestUpstream.start();
        bus = new CaptureBus();
        dev.sockscope.proxy.testing.EventRecorder events = new dev.sockscope.proxy.testing.EventRecorder();
        bus.subscribe("events", events, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        InterceptPoint point = InterceptPoint.withoutLabels();
        RuleEngine engine = RuleEngineTest.engine(11, "rules:\n  - name: jitter\n    match: { direction: client }\n"
                + "    delay: " + System.getProperty("jdelay", "{ min: 10ms, max: 30ms }") + "\n    reorder: " + reorder + "\n");
        point.addSource(engine);
        relay = JettyRelay.start(List.of(new Route("127.0.0.1", 0, upstream.uri())), null, RelayOptions.defaults(), bus,
                new AtomicLong(1)::getAndIncrement, point);
        Map<Integer, Long> sentAt = new ConcurrentHashMap<>();
        long[] delays = new long[COUNT];
        try (DeflateClient c = DeflateClient.connect(URI.create("ws://" + relay.boundRoutes().get(0).listen() + "/"))) {
            upstream.nextHandshake();
            long start = System.nanoTime();
            for (int i = 0; i < COUNT; i++) {
                long due = start + i * GAP_NANOS;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                sentAt.put(i, System.nanoTime());
                c.send("m" + i);
            }
            long took = System.nanoTime() - start;
            for (int n = 0; n < COUNT; n++) {
                TestUpstream.Received r = upstream.nextFrame();
                int i = Integer.parseInt(r.text().substring(1));
                delays[n] = (r.nanoTime() - sentAt.get(i)) / 1000;
            }
            assertThat(took).as("sent at about the rate").isLessThan(3 * COUNT * GAP_NANOS);
        }
        Arrays.sort(delays);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> drawn(events).length == COUNT);
        long[] drawn = drawn(events);
        Arrays.sort(drawn);
        long p10 = delays[COUNT / 10];
        long p50 = delays[COUNT / 2];
        long p90 = delays[COUNT * 9 / 10];
        long p99 = delays[COUNT * 99 / 100];
        String line = String.format("jitter uniform 10-30 ms, %d msgs at %d/s, reorder %s: drawn p10 %d p50 %d p90 %d p99 %d ms;"
                        + " measured at the upstream p10 %.1f p50 %.1f p90 %.1f p99 %.1f max %.1f ms (configured p10 12 p50 20 p90 28"
                        + " p99 29.8 max 30)%n", COUNT, 1_000_000_000L / GAP_NANOS, reorder,
                drawn[COUNT / 10], drawn[COUNT / 2], drawn[COUNT * 9 / 10], drawn[COUNT * 99 / 100],
                p10 / 1000.0, p50 / 1000.0, p90 / 1000.0, p99 / 1000.0, delays[COUNT - 1] / 1000.0);
        System.out.print(line);
        Files.writeString(Path.of("target", "jitter-percentiles.txt"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        assertThat(delays[0]).as("no message earlier than the minimum delay").isGreaterThanOrEqualTo(10_000);
        assertThat(engine.status().get(0).taken()).containsEntry("delay", (long) COUNT);
        assertThat(drawn[0]).isGreaterThanOrEqualTo(10);
        assertThat(drawn[COUNT - 1]).isLessThanOrEqualTo(30);
        assertThat(drawn[COUNT / 10]).isBetween(11L, 13L);
        assertThat(drawn[COUNT / 2]).isBetween(19L, 21L);
        assertThat(drawn[COUNT * 9 / 10]).isBetween(27L, 29L);
        assertThat(p50).as("in order, a message waits for those before it too").isGreaterThanOrEqualTo(19_000L);
    }

    private static final java.util.regex.Pattern DELAYED = java.util.regex.Pattern.compile("delayed (\\d+) ms");

    /** The delays drawn, in ms, as the recording says ("delayed 17 ms by rule jitter"). */
    private static long[] drawn(dev.sockscope.proxy.testing.EventRecorder events) {
        return events.events().stream()
                .filter(e -> e instanceof dev.sockscope.capture.CaptureEvent.FrameCaptured f && f.frame().provenance() != null
                        && f.frame().provenance().effect() != null)
                .map(e -> DELAYED.matcher(((dev.sockscope.capture.CaptureEvent.FrameCaptured) e).frame().provenance().effect()))
                .filter(java.util.regex.Matcher::find).mapToLong(m -> Long.parseLong(m.group(1))).toArray();
    }
}

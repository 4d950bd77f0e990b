package dev.sockscope.ui.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.ui.ProxyRuntime;

/**
 * Issue 20, item 2: recording runs behind the relay, and the live view still shows each decoded frame soon after the
 * proxy captured it (the target: within 100 ms). A real proxy (relay, decoding stage, recorder on H2) with the inspector fed by its decoding
 * stage, as {@code proxy --ui} runs them; a real client and upstream; the live feed read over SSE in the test's JVM, so
 * that each of the client's messages is timed from its send to its frame on the feed with one clock.
 */
class LiveViewLatencyTest {
    /** Messages sent first and not timed: the test's JVM (proxy, inspector and client in one) starts cold. */
    private static final int WARM_UP = 400;
    private static final int MESSAGES = 150;
    private static final Pattern CLIENT_FRAME = Pattern.compile("^data: \\{\"sessionId\":\\d+,\"frame\":\\{\"seq\":(\\d+),.*?\"from\":\"client\"");

    @TempDir
    Path dir;

    @Test
    void decodedFramesReachTheLiveFeedWithin100MillisecondsOfTheirCapture() throws Exception {
        try (TestUpstream upstream = TestUpstream.start();
             ProxyRuntime runtime = ProxyRuntime.start(List.of(new Route("127.0.0.1", 0, URI.create("ws://127.0.0.1:" + upstream.port()))),
                     RelayOptions.defaults(), dir.resolve("db"), false, ProtocolRegistry.builtIn())) {
            DecodedLiveSource live = DecodedLiveSource.attach(runtime.decoded());
            InspectorApp app = new InspectorApp(runtime.store(), live, ProtocolRegistry.builtIn(), InspectorOptions.parse("127.0.0.1:0", null)).start();
            // The client's frames as the live feed delivers them: seq -> arrival (System.nanoTime, as the sends below).
            Map<Long, Long> arrivals = new ConcurrentSkipListMap<>();
            CompletableFuture<HttpResponse<Stream<String>>> feed = listen(app, arrivals);
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> app.liveClients() == 1);
                TestClient client = TestClient.connect(URI.create("ws://" + runtime.relay().boundRoutes().get(0).listen() + "/"));
                long[] sent = new long[WARM_UP + MESSAGES];
                for (int i = 0; i < sent.length; i++) {
                    // One at a time, as a chat does: each frame waits in no batch but the stages' own.
                    sent[i] = System.nanoTime();
                    client.sendText("{\"type\":\"message\",\"id\":" + i + ",\"text\":\"hello " + i + "\"}");
                    assertThat(client.events.nextText()).contains("\"id\":" + i + ",");
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> arrivals.size() >= sent.length);
                client.sendClose(1000, "done");

                // The i-th client frame (in seq order) is message i: one session, one message at a time.
                List<Long> arrived = new ArrayList<>(arrivals.values());
                List<Long> delays = new ArrayList<>();
                for (int i = WARM_UP; i < sent.length; i++) {
                    delays.add(arrived.get(i) - sent[i]);
                }
                delays.sort(null);
                long median = delays.get(MESSAGES / 2);
                long p90 = delays.get(MESSAGES * 9 / 10);
                long max = delays.get(MESSAGES - 1);
                System.out.printf("live view: a client's message on the feed after %.1f ms (median), %.1f ms (p90), %.1f ms (max), %d messages after %d%n",
                        median / 1e6, p90 / 1e6, max / 1e6, MESSAGES, WARM_UP);
                assertThat(delays.get(0)).as("a frame cannot be on the feed before it was sent").isPositive();
                // The target is 100 ms: a median of 30-34 ms and a p90 of 66-76 ms on the 2-core machine at load 5
                // (docs/performance.md). These bounds hold on a machine busy with other builds, and fail a feed that
                // stalls: one that waited for a backlogged recorder, or gathered events for seconds.
                assertThat(median).as("median delay, ns").isLessThanOrEqualTo(500_000_000L);
                assertThat(max).as("largest delay, ns").isLessThanOrEqualTo(3_000_000_000L);
            } finally {
                feed.thenAccept(r -> r.body().close());
                app.close();
                live.close();
            }
        }
    }

    /** Reads the live feed on another thread, noting when each of the client's frames arrived. */
    private static CompletableFuture<HttpResponse<Stream<String>>> listen(InspectorApp app, Map<Long, Long> arrivals) {
        Http http = new Http(app.port());
        HttpRequest request = http.request("/api/live", "Accept", "text/event-stream").GET().build();
        CompletableFuture<HttpResponse<Stream<String>>> response = http.client().sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        Thread reader = new Thread(() -> {
            try (Stream<String> body = response.join().body()) {
                body.forEach(line -> {
                    long now = System.nanoTime();
                    Matcher m = CLIENT_FRAME.matcher(line);
                    if (m.find()) {
                        arrivals.putIfAbsent(Long.parseLong(m.group(1)), now);
                    }
                });
            } catch (RuntimeException gone) {
                // closed by the test
            }
        }, "live-feed-reader");
        reader.setDaemon(true);
        reader.start();
        return response;
    }
}

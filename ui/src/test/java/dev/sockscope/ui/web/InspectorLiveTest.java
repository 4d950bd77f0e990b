package dev.sockscope.ui.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/** The live feed over real SSE connections: from a test source, from the store polled, and a client that stops reading. */
class InspectorLiveTest {
    @TempDir
    Path dir;
    private H2RecordingStore store;
    private InspectorApp app;
    private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        if (app != null) {
            app.close();
        }
        store.close();
    }

    /** The lines of an SSE stream, read on another thread as they come. */
    private List<String> listen(String path) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Http http = new Http(app.port());
        HttpRequest request = http.request(path, "Accept", "text/event-stream").GET().build();
        CompletableFuture<HttpResponse<Stream<String>>> response = http.client().sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        Thread reader = new Thread(() -> {
            try (Stream<String> body = response.join().body()) {
                body.forEach(lines::add);
            } catch (RuntimeException gone) {
                // closed by the test
            }
        });
        reader.setDaemon(true);
        reader.start();
        closing.add(() -> response.thenAccept(r -> r.body().close()));
        return lines;
    }

    private static StoredFrame frame(long session, long seq, String text) {
        return new StoredFrame(new RecordedFrame(session, seq, Recordings.T0 + seq, Direction.SERVER_TO_CLIENT, FrameType.TEXT,
                text.getBytes(java.nio.charset.StandardCharsets.UTF_8), 1, null),
                new FrameDecoding("json", "hello", Kind.EVENT, "a greeting", null, null, List.of()));
    }

    @Test
    void aLiveFrameArrivesAsAnSseEventWithoutItsPayload() throws Exception {
        store = H2RecordingStore.open(dir);
        TestSource source = new TestSource();
        app = new InspectorApp(store, source, ProtocolRegistry.builtIn(), InspectorOptions.parse("127.0.0.1:0", null)).start();
        List<String> all = listen("/api/live");
        List<String> one = listen("/api/live?session=8");
        await().atMost(Duration.ofSeconds(10)).until(() -> app.liveClients() == 2);
        source.publish(new LiveEvent.FrameAdded(7, frame(7, 41, "{\"secret-payload\":1}")));
        source.publish(new LiveEvent.FrameAdded(8, frame(8, 42, "{}")));
        await().atMost(Duration.ofSeconds(10)).until(() -> all.stream().anyMatch(l -> l.contains("\"seq\":42")));
        assertThat(all).contains("event: frame");
        assertThat(all).anyMatch(l -> l.startsWith("data: {\"sessionId\":7,\"frame\":{\"seq\":41") && l.contains("\"label\":\"hello\""));
        assertThat(String.join("\n", all)).doesNotContain("secret-payload");
        await().atMost(Duration.ofSeconds(10)).until(() -> one.stream().anyMatch(l -> l.contains("\"seq\":42")));
        assertThat(one).noneMatch(l -> l.contains("\"seq\":41"));
    }

    @Test
    void aClientThatStopsReadingLosesEventsAndIsClosedButNeverSlowsTheSource() throws Exception {
        store = H2RecordingStore.open(dir);
        TestSource source = new TestSource();
        app = new InspectorApp(store, source, ProtocolRegistry.builtIn(), InspectorOptions.parse("127.0.0.1:0", null)).start();
        // A raw socket that sends the request and never reads the answer: its TCP window fills and stays full.
        try (java.net.Socket stuck = new java.net.Socket("127.0.0.1", app.port())) {
            stuck.setReceiveBufferSize(4096);
            stuck.getOutputStream().write("GET /api/live HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(10)).until(() -> app.liveClients() == 1);
            String big = "x".repeat(2000);
            // Published on this thread: were the feed to wait for the socket, this loop would never end.
            for (int i = 1; i <= 4 * (LiveFeed.QUEUE + LiveFeed.MAX_DROPS); i++) {
                source.publish(new LiveEvent.FrameAdded(1, new StoredFrame(new RecordedFrame(1, i, Recordings.T0, Direction.CLIENT_TO_SERVER,
                        FrameType.TEXT, new byte[0], 1, big), null)));
            }
            assertThat(app.droppedLiveEvents()).isGreaterThanOrEqualTo(LiveFeed.MAX_DROPS);
            await().atMost(Duration.ofSeconds(10)).until(() -> app.liveClients() == 0);
        }
    }

    @Test
    void theStorePolledDeliversFramesAndSessionsARunningProxyWrites() throws Exception {
        store = H2RecordingStore.open(dir);
        Recordings rec = new Recordings(store);
        Recordings.Session before = rec.open("/before", null).text(Direction.CLIENT_TO_SERVER, "{\"old\":1}");
        StorePollingSource polled = new StorePollingSource(store, 50);
        closing.add(polled);
        app = new InspectorApp(store, polled, ProtocolRegistry.builtIn(), InspectorOptions.parse("127.0.0.1:0", null)).start();
        List<String> lines = listen("/api/live");
        await().atMost(Duration.ofSeconds(10)).until(() -> app.liveClients() == 1);
        before.text(Direction.SERVER_TO_CLIENT, "{\"new\":2}");
        Recordings.Session later = rec.open("/later", null).text(Direction.CLIENT_TO_SERVER, "{\"hello\":3}").close(1000);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.contains("\"sessionId\":" + later.id)
                && l.contains("\"seq\":2")));
        assertThat(lines).anyMatch(l -> l.startsWith("data: {\"sessionId\":" + before.id + ",\"frame\":{\"seq\":2"));
        assertThat(lines).noneMatch(l -> l.startsWith("data: {\"sessionId\":" + before.id + ",\"frame\":{\"seq\":1,"));
        assertThat(lines).anyMatch(l -> l.startsWith("data: {\"id\":" + later.id + ","));
    }
}

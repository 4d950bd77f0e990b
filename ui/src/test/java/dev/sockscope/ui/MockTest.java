package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.demo.ScriptedClients;
import dev.sockscope.proxy.demo.Simulators;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.proxy.mock.RecordedUpstream;
import dev.sockscope.proxy.testing.WebSocketRecorder;
import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.ui.mock.MockServer;
import dev.sockscope.ui.views.Json;
import dev.sockscope.wire.Direction;

/** Recordings served as the upstream to a real client, with no simulator or backend running. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MockTest {
    @TempDir
    static Path db;
    private final Map<String, List<SessionRecord>> byProtocol = new LinkedHashMap<>();

    @BeforeAll
    void recordTheDemoThenStopEverything() throws Exception {
        var simulators = Simulators.all();
        try (SimulatorServer sims = SimulatorServer.start("127.0.0.1", simulators)) {
            List<Route> routes = new ArrayList<>();
            simulators.forEach(s -> routes.add(new Route("127.0.0.1", 0, sims.uri(s.name()))));
            try (ProxyRuntime runtime = ProxyRuntime.start(routes, RelayOptions.defaults(), db, false, ProtocolRegistry.builtIn())) {
                Map<String, URI> proxied = new LinkedHashMap<>();
                for (int i = 0; i < simulators.size(); i++) {
                    proxied.put(simulators.get(i).name(), URI.create("ws://" + runtime.relay().boundRoutes().get(i).listen()));
                }
                new ScriptedClients().runAll(proxied);
                runtime.awaitRecorded(Duration.ofSeconds(20));
                for (SessionRecord s : runtime.store().sessions(100)) {
                    byProtocol.computeIfAbsent(s.protocol(), k -> new ArrayList<>()).add(0, s);
                }
            }
        }
    }

    private static List<StoredFrame> frames(long id) throws Exception {
        try (H2RecordingStore store = H2RecordingStore.openReader(db)) {
            return store.storedFrames(id, 0, 1000);
        }
    }

    private static boolean answered(List<StoredFrame> frames, StoredFrame request) {
        return frames.stream().anyMatch(f -> f.decoding().correlatesWith() != null && f.decoding().correlatesWith() == request.seq());
    }

    private static WebSocket connect(String listen, String target, WebSocketRecorder events, Map<String, String> headers) throws Exception {
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
        headers.forEach(b::header);
        return b.buildAsync(URI.create("ws://" + listen + target), events).get(10, TimeUnit.SECONDS);
    }

    @Test
    void theMockAnswersAMaxClientsRequestsAsRecordedAddressedToTheLiveSeq() throws Exception {
        SessionRecord max = byProtocol.get("max").get(0);
        List<StoredFrame> recorded = frames(max.id());
        List<String> reports = new CopyOnWriteArrayList<>();
        try (MockServer mock = MockServer.start(db, List.of(max.id()), "127.0.0.1", 0, ProtocolRegistry.builtIn(),
                RecordedUpstream.Unmatched.IGNORE, RecordedUpstream.Latency.NONE, reports::add)) {
            WebSocketRecorder events = new WebSocketRecorder("max client");
            WebSocket ws = connect(mock.listen(), max.info().handshake().target(), events, Map.of());
            // The client's first three requests (handshake, login, and what followed), renumbered from 100, the
            // login with the real token (the recording holds its mask).
            List<StoredFrame> requests = recorded.stream().filter(f -> f.frame().from() == Direction.CLIENT_TO_SERVER
                    && f.decoding().kind().label().equals("request") && answered(recorded, f)).limit(3).toList();
            int liveSeq = 100;
            for (StoredFrame r : requests) {
                ObjectNode live = (ObjectNode) Json.MAPPER.readTree(r.frame().payload());
                live.put("seq", liveSeq++);
                if (live.path("payload").has("token")) {
                    ((ObjectNode) live.get("payload")).put("token", "An9xQ2hY7tLp0sDemoToken");
                }
                ws.sendText(live.toString(), true).get(5, TimeUnit.SECONDS);
            }
            Map<Integer, JsonNode> answers = new LinkedHashMap<>();
            List<String> got = new ArrayList<>();
            while (answers.size() < 3) {
                String text;
                try {
                    text = events.nextText();
                } catch (AssertionError e) {
                    throw new AssertionError("answers so far " + answers.keySet() + "; sent " + requests.stream().map(r -> r.decoding().label()).toList()
                            + "; got " + got + "; reports " + reports, e);
                }
                got.add(text.length() > 120 ? text.substring(0, 120) : text);
                JsonNode n = Json.MAPPER.readTree(text);
                if (n.path("cmd").asInt() != 0 && n.path("seq").asInt() >= 100) { // an answer (1, or 3 an error), not a recorded push
                    answers.put(n.get("seq").asInt(), n);
                }
            }
            assertThat(answers.keySet()).containsExactly(100, 101, 102);
            for (int i = 0; i < requests.size(); i++) {
                long request = requests.get(i).seq();
                StoredFrame answer = recorded.stream().filter(f -> f.decoding().correlatesWith() != null
                        && f.decoding().correlatesWith() == request).findFirst().orElseThrow();
                ObjectNode expected = (ObjectNode) Json.MAPPER.readTree(answer.frame().payload());
                expected.put("seq", 100 + i);
                assertThat(answers.get(100 + i)).as("answer to live seq %d", 100 + i).isEqualTo(expected);
            }
            assertThat(reports).as("everything matched").isEmpty();
            ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
        }
    }

    /**
     * MAX's recorded order (handshake answered, login answered, then the sync push; the heartbeat answered, then a
     * message push) holds for a client much slower than the recorded one: each push goes out after the live message
     * that matched the one it followed, not at its offset from the connection's start.
     */
    @Test
    void aPushFollowsTheLiveMessageItFollowedInTheRecordingEvenWhenTheClientIsSlow() throws Exception {
        SessionRecord max = byProtocol.get("max").get(0);
        List<StoredFrame> recorded = frames(max.id());
        List<StoredFrame> requests = recorded.stream().filter(f -> f.frame().from() == Direction.CLIENT_TO_SERVER
                && answered(recorded, f)).limit(3).toList();
        assertThat(requests).extracting(f -> f.decoding().label()).containsExactly("SESSION_INIT (6)", "LOGIN (19)", "PING (1)");
        try (MockServer mock = MockServer.start(db, List.of(max.id()), "127.0.0.1", 0, ProtocolRegistry.builtIn(),
                RecordedUpstream.Unmatched.IGNORE, RecordedUpstream.Latency.NONE, line -> { })) {
            WebSocketRecorder events = new WebSocketRecorder("max client");
            WebSocket ws = connect(mock.listen(), max.info().handshake().target(), events, Map.of());
            // The recorded client spoke within milliseconds; this one takes 1.5 s before its handshake.
            java.util.concurrent.CompletableFuture.runAsync(() -> { },
                    java.util.concurrent.CompletableFuture.delayedExecutor(1500, TimeUnit.MILLISECONDS)).join();
            List<String> got = new ArrayList<>();
            int liveSeq = 100;
            for (StoredFrame r : requests) {
                ObjectNode live = (ObjectNode) Json.MAPPER.readTree(r.frame().payload());
                live.put("seq", liveSeq++);
                if (live.path("payload").has("token")) {
                    ((ObjectNode) live.get("payload")).put("token", "An9xQ2hY7tLp0sDemoToken");
                }
                ws.sendText(live.toString(), true).get(5, TimeUnit.SECONDS);
                // Each request's answer and what followed it, before the next request goes.
                int expected = r.decoding().label().equals("SESSION_INIT (6)") ? 1 : 2;
                for (int k = 0; k < expected; k++) {
                    JsonNode n = Json.MAPPER.readTree(events.nextText());
                    got.add((n.path("cmd").asInt() == 0 ? "push " : "answer #" + n.path("seq").asInt() + " ") + n.path("opcode").asInt());
                }
            }
            assertThat(got).containsExactly("answer #100 6", "answer #101 19", "push 6", "answer #102 1", "push 128");
            ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFrameWithNoRecordedMatchIsReportedAndAnsweredAsConfigured() throws Exception {
        SessionRecord max = byProtocol.get("max").get(0);
        List<String> reports = new CopyOnWriteArrayList<>();
        try (MockServer mock = MockServer.start(db, List.of(max.id()), "127.0.0.1", 0, ProtocolRegistry.builtIn(),
                new RecordedUpstream.Unmatched(1008), RecordedUpstream.Latency.NONE, reports::add)) {
            WebSocketRecorder events = new WebSocketRecorder("max client");
            WebSocket ws = connect(mock.listen(), "/websocket", events, Map.of());
            ws.sendText("{\"ver\":11,\"cmd\":0,\"seq\":1,\"opcode\":4242,\"payload\":{}}", true).get(5, TimeUnit.SECONDS);
            WebSocketRecorder.Event e;
            do {
                e = events.next();
            } while (e instanceof WebSocketRecorder.Text);
            assertThat(e).isInstanceOf(WebSocketRecorder.Close.class);
            assertThat(((WebSocketRecorder.Close) e).code()).isEqualTo(1008);
            assertThat(reports).singleElement().asString().startsWith("mock: no recorded frame matches client frame opcode 4242");
        }
    }

    @Test
    void severalSessionsMergeAndEachClientFollowsTheOneItsHandshakeResembles() throws Exception {
        List<SessionRecord> maim = byProtocol.get("maim");
        assertThat(maim).hasSize(2);
        List<Long> ids = maim.stream().map(SessionRecord::id).toList();
        try (MockServer mock = MockServer.start(db, ids, "127.0.0.1", 0, ProtocolRegistry.builtIn(), RecordedUpstream.Unmatched.IGNORE, RecordedUpstream.Latency.NONE, s -> { })) {
            WebSocketRecorder refused = new WebSocketRecorder("wrong token");
            connect(mock.listen(), "/ws", refused, Map.of("platform", "my_platform", "authorization", "wrong-token"));
            assertThat(refused.nextClose().code()).as("the recorded answer to the wrong token").isEqualTo(1008);

            WebSocketRecorder accepted = new WebSocketRecorder("right token");
            WebSocket ws = connect(mock.listen(), "/ws", accepted, Map.of("platform", "my_platform", "authorization", Simulators.MAIM_TOKEN));
            StoredFrame message = frames(ids.get(1)).stream().filter(f -> f.frame().from() == Direction.CLIENT_TO_SERVER).findFirst().orElseThrow();
            ws.sendText(message.frame().text(), true).get(5, TimeUnit.SECONDS);
            assertThat(accepted.nextText()).as("the recorded reply with its 512 KiB image").contains("\"type\":\"image\"").hasSizeGreaterThan(500_000);
            ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
            assertThat(accepted.nextClose().code()).as("the mock answers the client's close, it does not close first").isEqualTo(1000);
        }
    }
}

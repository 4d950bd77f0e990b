package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.demo.Simulators;
import dev.sockscope.proxy.intercept.MessageLabels;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.proxy.mock.RecordedUpstream;
import dev.sockscope.proxy.rules.RuleEngine;
import dev.sockscope.proxy.rules.RuleLoader;
import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.ui.mock.MockServer;
import dev.sockscope.ui.replay.Replayer;
import dev.sockscope.wire.Direction;

/** {@code mock --rules} on recorded answers and {@code replay --rules} on what the replay sends, on a recorded MAX session. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MockAndReplayRulesTest {
    private static final String HANDSHAKE = "{\"cmd\":0,\"seq\":1,\"opcode\":6,\"payload\":{\"userAgent\":{\"deviceType\":\"WEB\"}}}";
    private static final String LOGIN = "{\"cmd\":0,\"seq\":2,\"opcode\":19,\"payload\":{\"token\":\"An9xQ2hY7tLp0sDemoToken\"}}";

    @TempDir
    static Path db;
    private long recorded;

    private static final class Client implements WebSocket.Listener {
        final List<String> received = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            received.add(data.toString());
            ws.request(1);
            return null;
        }
    }

    private static Client talk(String listen) throws Exception {
        Client c = new Client();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create("ws://" + listen + "/websocket"), c).get();
        ws.sendText(HANDSHAKE, true).get();
        await().atMost(Duration.ofSeconds(10)).until(() -> c.received.size() >= 1);
        ws.sendText(LOGIN, true).get();
        await().atMost(Duration.ofSeconds(10)).until(() -> c.received.stream().anyMatch(t -> t.contains("\"opcode\":19")));
        ws.sendClose(1000, "done").get();
        return c;
    }

    private static RuleEngine rules(String yaml) throws Exception {
        RuleEngine e = new RuleEngine(3, MessageLabels.NONE);
        e.replace(new RuleLoader().read(yaml.getBytes(StandardCharsets.UTF_8), "rules.yaml", null));
        return e;
    }

    @BeforeAll
    void recordAMaxLogin() throws Exception {
        try (SimulatorServer sims = SimulatorServer.start("127.0.0.1", Simulators.all());
             ProxyRuntime runtime = ProxyRuntime.start(List.of(new Route("127.0.0.1", 0, sims.uri("max"), "max")), RelayOptions.defaults(),
                     db, false, ProtocolRegistry.builtIn())) {
            talk(runtime.relay().boundRoutes().get(0).listen());
            runtime.awaitRecorded(Duration.ofSeconds(20));
            recorded = runtime.store().sessions(1).get(0).id();
        }
    }

    @Test
    void theMocksRecordedAnswersGoThroughTheRules() throws Exception {
        RuleEngine engine = rules("""
                rules:
                  - name: rename
                    match: { direction: server, pointer: /opcode, equals: 19 }
                    set: { /payload/profile/name: Mallory }
                """);
        try (MockServer mock = MockServer.start(db, List.of(recorded), "127.0.0.1", 0, ProtocolRegistry.builtIn(),
                RecordedUpstream.Unmatched.IGNORE, RecordedUpstream.Latency.NONE, line -> { }).withRules(engine)) {
            Client c = talk(mock.listen());
            String login = c.received.stream().filter(t -> t.contains("\"opcode\":19")).findFirst().orElseThrow();
            assertThat(login).contains("\"name\":\"Mallory\"").doesNotContain("Anna");
        }
        assertThat(engine.status().get(0).taken()).containsEntry("rewrite", 1L);
    }

    @Test
    void whatTheReplaySendsGoesThroughTheRules() throws Exception {
        RuleEngine engine = rules("""
                rules:
                  - name: device
                    match: { direction: client, pointer: /opcode, equals: 6 }
                    set: { /payload/userAgent/deviceType: IOS }
                """);
        Replayer.Result result;
        try (SimulatorServer sims = SimulatorServer.start("127.0.0.1", Simulators.all())) {
            result = Replayer.run(db, recorded, ProtocolRegistry.builtIn(), new Replayer.Options(sims.uri("max"), 0,
                    Duration.ofSeconds(10), RelayOptions.defaults(), List.of(), Map.of(), Map.of(),
                    Map.of("payload.token", "An9xQ2hY7tLp0sDemoToken"), engine));
        }
        assertThat(engine.status().get(0).taken()).containsEntry("rewrite", 1L);
        try (H2RecordingStore store = H2RecordingStore.openReader(db)) {
            StoredFrame handshake = store.storedFrames(result.replay().id(), 0, 100).stream()
                    .filter(f -> f.frame().from() == Direction.CLIENT_TO_SERVER).findFirst().orElseThrow();
            assertThat(handshake.frame().text()).contains("\"deviceType\":\"IOS\"");
            assertThat(handshake.frame().provenance().by()).isEqualTo("rule device");
        }
    }
}

package dev.sockscope.ui.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.demo.Simulators;
import dev.sockscope.proxy.intercept.Decision;
import dev.sockscope.proxy.intercept.DecisionSource;
import dev.sockscope.proxy.intercept.InterceptedMessage;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.ui.ProxyRuntime;
import dev.sockscope.ui.exchange.HarImport;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.Provenance;
import dev.sockscope.wire.RecordedFrame;

/**
 * What a rule did is in the store and everywhere it is read from: the demo's MAX answers LOGIN, a rule source delays
 * that answer by 300 ms, and the frame read back from H2 through the HTTP API says "delayed 300 ms" by
 * "rule slow-login" (with how long it really waited), as HAR's export does and {@code import} reads back.
 */
class RuleProvenanceTest {
    @TempDir
    Path db;

    /** A client that keeps what it receives and when. */
    private static final class Client implements WebSocket.Listener {
        final List<String> received = new CopyOnWriteArrayList<>();
        final List<Long> at = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            received.add(data.toString());
            at.add(System.nanoTime());
            ws.request(1);
            return null;
        }
    }

    @Test
    void aDelayedLoginAnswerIsStoredAsDelayedByItsRuleAndExportedAndImportedSo() throws Exception {
        try (SimulatorServer sims = SimulatorServer.start("127.0.0.1", Simulators.all());
             ProxyRuntime runtime = ProxyRuntime.start(List.of(new Route("127.0.0.1", 0, sims.uri("max"), "max")), RelayOptions.defaults(),
                     db, false, ProtocolRegistry.builtIn());
             InspectorApp app = new InspectorApp(runtime.store(), new TestSource(), ProtocolRegistry.builtIn(),
                     InspectorOptions.parse("127.0.0.1:0", null)).start()) {
            runtime.relay().intercept().addSource(new DecisionSource() {
                @Override
                public Decision decide(InterceptedMessage m) {
                    return m.from() == Direction.SERVER_TO_CLIENT && m.text().contains("\"opcode\":19")
                            ? new Decision.Delay(Duration.ofMillis(300), false, Decision.Cause.rule("slow-login")) : null;
                }

                @Override
                public boolean active() {
                    return true;
                }
            });
            Client client = new Client();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://" + runtime.relay().boundRoutes().get(0).listen() + "/websocket"), client).get();
            ws.sendText("{\"cmd\":0,\"seq\":1,\"opcode\":6,\"payload\":{\"deviceType\":\"WEB\"}}", true).get();
            await().atMost(Duration.ofSeconds(10)).until(() -> client.received.size() == 1);
            long sent = System.nanoTime();
            ws.sendText("{\"cmd\":0,\"seq\":2,\"opcode\":19,\"payload\":{\"token\":\"An9xQ2hY7tLp0s-secret\",\"chatsCount\":40}}", true).get();
            await().atMost(Duration.ofSeconds(10)).until(() -> client.received.size() >= 2);
            assertThat(client.received.get(1)).contains("\"opcode\":19");
            assertThat(Duration.ofNanos(client.at.get(1) - sent)).as("the answer came late").isGreaterThanOrEqualTo(Duration.ofMillis(300));
            ws.sendClose(1000, "done").get();
            runtime.awaitRecorded(Duration.ofSeconds(20));

            Http http = new Http(app.port());
            long session = runtime.store().sessions(10).get(0).id();
            JsonNode answer = null;
            for (JsonNode f : http.get("/api/sessions/" + session + "/frames").json().get("frames")) {
                if (f.path("from").asText().equals("server") && f.path("label").asText().startsWith("LOGIN")) {
                    answer = f;
                }
            }
            assertThat(answer).as("the LOGIN answer, read back from the store").isNotNull();
            assertThat(answer.at("/provenance/origin").asText()).isEqualTo("rule");
            assertThat(answer.at("/provenance/by").asText()).isEqualTo("rule slow-login");
            assertThat(answer.at("/provenance/effect").asText()).isEqualTo("delayed 300 ms");
            assertThat(answer.at("/provenance/delivery").asText()).isEqualTo("delivered");
            assertThat(answer.at("/provenance/heldMs").asDouble()).isGreaterThanOrEqualTo(300);

            JsonNode har = http.get("/api/sessions/" + session + "/export?format=har").json();
            List<RecordedFrame> imported = new ArrayList<>();
            for (var s : HarImport.read(har, "test", () -> 1).sessions()) {
                s.stream().filter(e -> e instanceof CaptureEvent.FrameCaptured)
                        .forEach(e -> imported.add(((CaptureEvent.FrameCaptured) e).frame()));
            }
            assertThat(imported).filteredOn(f -> f.provenance() != null).singleElement().satisfies(f -> {
                assertThat(f.provenance().origin()).isEqualTo(Provenance.Origin.RULE);
                assertThat(f.provenance().ruleSays()).isEqualTo("delayed 300 ms by rule slow-login");
            });
        }
    }
}

package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.demo.Simulators;
import dev.sockscope.proxy.intercept.MessageLabels;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.proxy.rules.RuleEngine;
import dev.sockscope.proxy.rules.RuleLoader;
import dev.sockscope.ui.web.InspectorApp;
import dev.sockscope.ui.web.InspectorOptions;
import dev.sockscope.ui.web.StorePollingSource;

/** {@code frames --rule NAME} and {@code ?rule=}: the frames a rule touched, told by their recorded provenance. */
class RuleFramesTest {
    @TempDir
    Path db;

    private static final class Client implements java.net.http.WebSocket.Listener {
        final List<String> received = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            received.add(data.toString());
            ws.request(1);
            return null;
        }
    }

    @Test
    void theFramesARuleTouchedAreFoundByItsName() throws Exception {
        long session;
        try (SimulatorServer sims = SimulatorServer.start("127.0.0.1", Simulators.all());
             ProxyRuntime runtime = ProxyRuntime.start(List.of(new Route("127.0.0.1", 0, sims.uri("max"), "max")), RelayOptions.defaults(),
                     db, false, ProtocolRegistry.builtIn())) {
            RuleEngine engine = new RuleEngine(1, MessageLabels.NONE);
            engine.replace(new RuleLoader().read("""
                    rules:
                      - name: rename
                        match: { direction: server, pointer: /payload/profile/name }
                        set: { /payload/profile/name: Mallory }
                      - name: unused
                        match: { contains: never-sent }
                        drop: true
                    """.getBytes(StandardCharsets.UTF_8), "r.yaml", null));
            runtime.relay().intercept().addSource(engine);
            Client client = new Client();
            java.net.http.WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://" + runtime.relay().boundRoutes().get(0).listen() + "/websocket"), client).get();
            ws.sendText("{\"cmd\":0,\"seq\":1,\"opcode\":6,\"payload\":{\"userAgent\":{\"deviceType\":\"WEB\"}}}", true).get();
            ws.sendText("{\"cmd\":0,\"seq\":2,\"opcode\":19,\"payload\":{\"token\":\"An9xQ2hY7tLp0s-secret\"}}", true).get();
            await().atMost(Duration.ofSeconds(10)).until(() -> client.received.size() >= 3);
            ws.sendClose(1000, "done").get();
            runtime.awaitRecorded(Duration.ofSeconds(20));
            session = runtime.store().sessions(1).get(0).id();
        }

        StringWriter out = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(new StringWriter()))
                .execute("frames", String.valueOf(session), "--db", db.toString(), "--rule", "rename", "--json");
        assertThat(code).as(out.toString()).isZero();
        JsonNode frames = new ObjectMapper().readTree(out.toString());
        assertThat(frames).hasSize(2);
        assertThat(frames).allSatisfy(f -> assertThat(f.toString()).contains("rule rename"));
        StringWriter none = new StringWriter();
        Main.commandLine(new PrintWriter(none), new PrintWriter(new StringWriter()))
                .execute("frames", String.valueOf(session), "--db", db.toString(), "--rule", "unused");
        assertThat(none.toString()).contains("has no frames that match");

        try (dev.sockscope.recordings.H2RecordingStore store = dev.sockscope.recordings.H2RecordingStore.open(db);
             StorePollingSource live = new StorePollingSource(store, 250);
             InspectorApp app = new InspectorApp(store, live, ProtocolRegistry.builtIn(), InspectorOptions.parse("127.0.0.1:0", null)).start()) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/sessions/" + session + "/frames?rule=rename"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = new ObjectMapper().readTree(r.body());
            assertThat(body.get("frames")).hasSize(2);
            assertThat(body.get("frames").get(0).get("from").asText()).isEqualTo("server");
        }
    }
}

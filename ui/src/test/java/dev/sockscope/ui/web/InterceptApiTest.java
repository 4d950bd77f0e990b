package dev.sockscope.ui.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.demo.Simulators;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.ui.Main;
import dev.sockscope.ui.ProxyRuntime;
import dev.sockscope.ui.intercept.DecodedLabels;

/**
 * The intercept API and {@code sockscope send} on the demo's MAX, as docs/intercept.md walks through it: a breakpoint
 * on the LOGIN label holds the client's login, it goes on with another token and MAX refuses it; a fake NOTIF_MESSAGE
 * is pushed to the client from the command line, which finds the proxy's inspector by itself; the recording says
 * what was edited and injected.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InterceptApiTest {
    @TempDir
    static Path db;
    private SimulatorServer sims;
    private ProxyRuntime runtime;
    private InspectorApp app;
    private AutoCloseable announced;
    private Http http;

    @BeforeAll
    void start() throws Exception {
        sims = SimulatorServer.start("127.0.0.1", Simulators.all());
        runtime = ProxyRuntime.start(List.of(new Route("127.0.0.1", 0, sims.uri("max"), "max")), RelayOptions.defaults(), db, false,
                ProtocolRegistry.builtIn());
        app = new InspectorApp(runtime.store(), new TestSource(), ProtocolRegistry.builtIn(), InspectorOptions.parse("127.0.0.1:0", null))
                .intercept(runtime.relay(), new DecodedLabels(ProtocolRegistry.builtIn())).start();
        // What a proxy's inspector writes into its folder (RunningInspector), so that 'send' finds it by itself.
        java.nio.file.Files.writeString(db.resolve("sockscope.inspector"), "{\"url\":\"" + app.baseUrl() + "\",\"token\":null,\"pid\":"
                + ProcessHandle.current().pid() + "}");
        announced = () -> java.nio.file.Files.deleteIfExists(db.resolve("sockscope.inspector"));
        http = new Http(app.port());
    }

    @AfterAll
    void stop() throws Exception {
        announced.close();
        app.close();
        runtime.close();
        sims.close();
    }

    /** A plain client (the JDK's): what it receives, in order. */
    private static final class Client implements WebSocket.Listener {
        final List<String> received = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    @Test
    void pauseMaxsLoginChangeTheTokenWatchTheErrorThenPushAFakeNotification() throws Exception {
        Client client = new Client();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://" + runtime.relay().boundRoutes().get(0).listen() + "/websocket"), client).get();
        ws.sendText("{\"cmd\":0,\"seq\":1,\"opcode\":6,\"payload\":{\"deviceType\":\"WEB\"}}", true).get();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.received.size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> !runtime.store().sessions(10).isEmpty());
        long session = runtime.store().sessions(10).get(0).id();

        // A breakpoint set on a session that is already open, by the decoded label.
        Http.Answer set = http.post("/api/intercept/breakpoints", "{\"label\":\"LOGIN\",\"direction\":\"client\"}");
        assertThat(set.status()).as(set.body()).isEqualTo(201);
        long breakpoint = set.json().get("id").asLong();
        ws.sendText("{\"cmd\":0,\"seq\":2,\"opcode\":19,\"payload\":{\"token\":\"An9xQ2hY7tLp0s-secret\",\"chatsCount\":40}}", true).get();
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/api/intercept").json().get("held").size() == 1);
        JsonNode state = http.get("/api/intercept").json();
        JsonNode held = state.get("held").get(0);
        assertThat(held.get("session").asLong()).isEqualTo(session);
        assertThat(held.get("direction").asText()).isEqualTo("client");
        assertThat(held.get("label").asText()).isEqualTo("LOGIN (19)");
        assertThat(held.get("why").asText()).isEqualTo("breakpoint " + breakpoint);
        assertThat(held.get("text").asText()).contains("An9xQ2hY7tLp0s-secret");
        assertThat(state.get("breakpoints").get(0).get("label").asText()).isEqualTo("LOGIN");
        assertThat(client.received).as("nothing answered the held login").hasSize(1);
        Http.Answer relabelled = http.post("/api/intercept/held/" + held.get("id").asLong() + "/label",
                "{\"text\":\"{\\\"cmd\\\":0,\\\"seq\\\":2,\\\"opcode\\\":49,\\\"payload\\\":{}}\"}");
        assertThat(relabelled.status()).as(relabelled.body()).isEqualTo(200);
        assertThat(relabelled.json().get("label").asText()).startsWith("CHAT_HISTORY");

        Http.Answer crossSite = http.post("/api/intercept/held/" + held.get("id").asLong(), "{\"action\":\"drop\"}",
                "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site");
        assertThat(crossSite.status()).isEqualTo(403);
        Http.Answer edited = http.post("/api/intercept/held/" + held.get("id").asLong(), "{\"action\":\"forward\",\"text\":"
                + "\"{\\\"cmd\\\":0,\\\"seq\\\":2,\\\"opcode\\\":19,\\\"payload\\\":{\\\"token\\\":\\\"expired-token\\\",\\\"chatsCount\\\":40}}\"}");
        assertThat(edited.status()).as(edited.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.received.size() == 2);
        assertThat(client.received.get(1)).contains("\"cmd\":3").contains("login.token");
        assertThat(http.post("/api/intercept/held/" + held.get("id").asLong(), "{\"action\":\"drop\"}").status()).as("released once").isEqualTo(404);
        assertThat(http.delete("/api/intercept/breakpoints/" + breakpoint).status()).isEqualTo(204);

        // Push a fake NOTIF_MESSAGE to the client from the command line.
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute("send", String.valueOf(session), "--to", "client",
                "--text", "{\"cmd\":0,\"seq\":99,\"opcode\":128,\"payload\":{\"chatId\":12345,\"message\":{\"text\":\"fake\"}}}",
                "--db", db.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("sent: frame ");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.received.size() == 3);
        assertThat(client.received.get(2)).contains("\"opcode\":128").contains("fake");

        Http.Answer badTo = http.post("/api/sessions/" + session + "/send", "{\"to\":\"nobody\",\"text\":\"x\"}");
        assertThat(badTo.status()).isEqualTo(400);
        assertThat(http.post("/api/sessions/99999/send", "{\"to\":\"client\",\"text\":\"x\"}").status()).isEqualTo(404);

        ws.sendClose(1000, "done").get();
        runtime.awaitRecorded(Duration.ofSeconds(20));
        JsonNode frames = http.get("/api/sessions/" + session + "/frames").json().get("frames");
        JsonNode login = null;
        JsonNode pushed = null;
        for (JsonNode f : frames) {
            if (f.path("label").asText().startsWith("LOGIN") && f.path("from").asText().equals("client")) {
                login = f;
            }
            if (f.at("/provenance/origin").asText().equals("user-injected")) {
                pushed = f;
            }
        }
        assertThat(login.at("/provenance/origin").asText()).isEqualTo("user-edited");
        assertThat(login.at("/provenance/heldMs").asDouble()).isPositive();
        assertThat(login.at("/provenance/originalText").asText()).contains("\"opcode\":19");
        assertThat(pushed.at("/provenance/origin").asText()).isEqualTo("user-injected");
        assertThat(pushed.get("from").asText()).isEqualTo("server");
        assertThat(http.get("/api/sessions/" + session + "/frames/" + pushed.get("seq").asLong()).json().at("/frame/text").asText())
                .contains("fake");

        // HAR's _sockscope and JSONL carry the same typed fields.
        JsonNode har = http.get("/api/sessions/" + session + "/export?format=har").json();
        List<String> origins = new java.util.ArrayList<>();
        har.at("/log/entries/0/_webSocketMessages").forEach(m -> origins.add(m.at("/_sockscope/provenance/origin").asText("")));
        assertThat(origins).contains("user-edited", "user-injected");
        // ... which 'import' reads back.
        List<dev.sockscope.wire.RecordedFrame> imported = new java.util.ArrayList<>();
        for (var session1 : dev.sockscope.ui.exchange.HarImport.read(har, "test", () -> 1).sessions()) {
            session1.stream().filter(e -> e instanceof dev.sockscope.capture.CaptureEvent.FrameCaptured)
                    .forEach(e -> imported.add(((dev.sockscope.capture.CaptureEvent.FrameCaptured) e).frame()));
        }
        assertThat(imported).anyMatch(f -> f.provenance() != null && f.provenance().origin() == dev.sockscope.wire.Provenance.Origin.USER_EDITED
                && f.provenance().original() != null && f.provenance().heldMicros() > 0);
        String jsonl = http.get("/api/sessions/" + session + "/export?format=jsonl").body();
        assertThat(jsonl.lines().filter(l -> l.contains("\"origin\":\"user-edited\"") && l.contains("\"originalText\""))).hasSize(1);
        assertThat(jsonl.lines().filter(l -> l.contains("\"origin\":\"user-injected\""))).hasSize(1);
    }

    @Test
    void anInspectorThatOnlyReadsRecordingsCannotIntercept() throws Exception {
        try (InspectorApp reader = new InspectorApp(runtime.store(), new TestSource(), ProtocolRegistry.builtIn(),
                InspectorOptions.parse("127.0.0.1:0", null)).start()) {
            Http other = new Http(reader.port());
            assertThat(other.get("/api/intercept").status()).isEqualTo(409);
            assertThat(other.post("/api/sessions/1/send", "{\"to\":\"client\",\"text\":\"x\"}").status()).isEqualTo(409);
        }
    }
}

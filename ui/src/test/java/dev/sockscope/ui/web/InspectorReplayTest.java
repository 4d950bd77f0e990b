package dev.sockscope.ui.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.demo.ScriptedClients;
import dev.sockscope.proxy.demo.Simulators;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.ui.ProxyRuntime;
import dev.sockscope.ui.replay.Replayer;

/** The inspector's Replay action, its diff, and export, inside a running proxy (the demo's path). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InspectorReplayTest {
    @TempDir
    static Path db;
    private SimulatorServer sims;
    private ProxyRuntime runtime;
    private InspectorApp app;
    private Http http;
    private SessionRecord max;

    @BeforeAll
    void recordTheDemoAndOpenTheInspector() throws Exception {
        var simulators = Simulators.all();
        sims = SimulatorServer.start("127.0.0.1", simulators);
        List<Route> routes = new ArrayList<>();
        simulators.forEach(s -> routes.add(new Route("127.0.0.1", 0, sims.uri(s.name()))));
        runtime = ProxyRuntime.start(routes, RelayOptions.defaults(), db, false, ProtocolRegistry.builtIn());
        Map<String, URI> proxied = new LinkedHashMap<>();
        for (int i = 0; i < simulators.size(); i++) {
            proxied.put(simulators.get(i).name(), URI.create("ws://" + runtime.relay().boundRoutes().get(i).listen()));
        }
        new ScriptedClients().runAll(proxied, List.of("max"));
        runtime.awaitRecorded(Duration.ofSeconds(20));
        max = runtime.store().sessions(10).get(0);
        app = new InspectorApp(runtime.store(), new TestSource(), ProtocolRegistry.builtIn(), InspectorOptions.parse("127.0.0.1:0", null),
                new dev.sockscope.ui.web.InProcessActions(runtime, ProtocolRegistry.builtIn())).start();
        http = new Http(app.port());
    }

    @AfterAll
    void stop() {
        app.close();
        runtime.close();
        sims.close();
    }

    @Test
    void theReplayActionReplaysLinksAndItsDiffIsComputedAgainFromTheStore() {
        String body = "{\"upstream\":\"" + sims.uri("max") + "\",\"speed\":\"max\",\"set\":{\"payload.token\":\"An9xQ2hY7tLp0sDemoToken\"}}";
        Http.Answer replayed = http.post("/api/sessions/" + max.id() + "/replay", body);
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(200);
        JsonNode report = replayed.json();
        assertThat(report.get("same").asBoolean()).as(replayed.body()).isTrue();
        long replayId = report.get("replay").asLong();

        JsonNode links = http.get("/api/sessions/" + max.id() + "/replays").json();
        assertThat(links.get("replays").toString()).contains(String.valueOf(replayId));
        assertThat(http.get("/api/sessions/" + replayId + "/replays").json().get("replayOf").asLong()).isEqualTo(max.id());

        JsonNode diff = http.get("/api/sessions/" + replayId + "/diff").json();
        assertThat(diff.get("same").asBoolean()).isTrue();
        assertThat(diff.get("answersCompared").asInt()).isPositive();
        // Not ignoring the server's numbering of its pushes shows them as differences, by path.
        JsonNode strict = http.get("/api/sessions/" + replayId + "/diff?ignore=nothing.here").json();
        assertThat(strict.get("ignored").toString()).contains("nothing.here");
        assertThat(http.get("/api/sessions/" + max.id() + "/diff").status()).as("the original is not a replay").isEqualTo(404);
    }

    @Test
    void aMaskedSecretNotSuppliedIsA400NamingItAndACrossSiteReplayIsRefused() {
        String body = "{\"upstream\":\"" + sims.uri("max") + "\"}";
        Http.Answer refused = http.post("/api/sessions/" + max.id() + "/replay", body);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("missing").toString()).contains("payload.token");
        Http.Answer crossSite = http.post("/api/sessions/" + max.id() + "/replay", body, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site");
        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(http.post("/api/sessions/" + max.id() + "/replay", "{\"upstream\":\"http://x\"}").status()).isEqualTo(400);
        assertThat(http.post("/api/sessions/999999/replay", body).status()).isEqualTo(404);
    }

    @Test
    void exportGivesTheSessionAsHarOrJsonlAndARecordingOnlyInspectorCannotReplay() throws Exception {
        Http.Answer har = http.get("/api/sessions/" + max.id() + "/export?format=har");
        assertThat(har.status()).isEqualTo(200);
        assertThat(har.header("Content-Disposition")).contains("sockscope-session-" + max.id() + ".har");
        assertThat(har.json().at("/log/entries/0/_resourceType").asText()).isEqualTo("websocket");
        Http.Answer jsonl = http.get("/api/sessions/" + max.id() + "/export?format=jsonl");
        assertThat(jsonl.body().lines().count()).isEqualTo(max.frames());
        assertThat(http.get("/api/sessions/" + max.id() + "/export?format=pdf").status()).isEqualTo(400);
        try (InspectorApp reader = new InspectorApp(runtime.store(), new TestSource(), ProtocolRegistry.builtIn(),
                InspectorOptions.parse("127.0.0.1:0", null)).start()) {
            Http.Answer r = new Http(reader.port()).post("/api/sessions/" + max.id() + "/replay", "{\"upstream\":\"ws://127.0.0.1:1\"}");
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json().get("error").asText()).contains("sockscope replay " + max.id());
        }
    }
}

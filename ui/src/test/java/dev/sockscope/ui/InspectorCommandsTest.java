package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.proxy.testing.ChildProcess;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.ui.views.Json;

/** {@code sockscope proxy} serves the inspector, live from its decoding stage; {@code frames} pages and filters as the API does. */
@ExtendWith(ChildProcess.Cleanup.class)
class InspectorCommandsTest {
    @TempDir
    Path db;

    @Test
    void aRunningProxyServesTheInspectorWithItsLiveFramesAndFramesPagesAndFilters() throws Exception {
        try (TestUpstream upstream = TestUpstream.start(); ProxyProcess proxy = ProxyProcess.start(db, upstream.uri())) {
            URI inspector = proxy.inspector();
            HttpClient http = HttpClient.newHttpClient();
            List<String> live = new CopyOnWriteArrayList<>();
            HttpRequest sse = HttpRequest.newBuilder(inspector.resolve("/api/live")).header("Accept", "text/event-stream").build();
            http.sendAsync(sse, HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> {
                try (Stream<String> lines = r.body()) {
                    lines.forEach(live::add);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> http.send(HttpRequest.newBuilder(inspector.resolve("/api/sessions")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            // The feed may connect a moment after the sessions list answers: keep talking until a frame shows up live.
            TestClient client = TestClient.connect(proxy.uri("/ws"));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                client.sendText("{\"name\":\"Event.SendMessage\",\"args\":\"{}\"}");
                client.events.nextText();
                return live.stream().anyMatch(l -> l.startsWith("data: {\"sessionId\":") && l.contains("Event.SendMessage"));
            });
            assertThat(live).contains("event: frame");
            client.sendBinary(new byte[] {1, 2, 3});
            client.events.nextBinary();
            client.sendClose(1000, "bye");
            client.events.nextClose();
            await().atMost(Duration.ofSeconds(10)).until(() -> live.stream().anyMatch(l -> l.contains("\"closeCode\":1000")));

            String d = db.toString();
            JsonNode all = Json.MAPPER.readTree(Cli.run("frames", "1", "--db", d, "--json"));
            JsonNode second = Json.MAPPER.readTree(Cli.run("frames", "1", "--db", d, "--json", "--after", "1", "--limit", "1"));
            assertThat(second).hasSize(1);
            assertThat(second.get(0).get("seq").asLong()).isEqualTo(2);
            JsonNode binary = Json.MAPPER.readTree(Cli.run("frames", "1", "--db", d, "--json", "--type", "binary", "--from", "client"));
            assertThat(binary).hasSize(1);
            assertThat(binary.get(0).get("base64").asText()).isEqualTo("AQID");
            JsonNode searched = Json.MAPPER.readTree(Cli.run("frames", "1", "--db", d, "--json", "--text", "sendmessage", "--from", "server"));
            JsonNode regexed = Json.MAPPER.readTree(Cli.run("frames", "1", "--db", d, "--json", "--regex", "Send.essage", "--from", "server"));
            assertThat(searched.size()).isPositive().isEqualTo(regexed.size()).isLessThan(all.size());
            String api = http.send(HttpRequest.newBuilder(inspector.resolve("/api/sessions/1/frames?text=sendmessage&from=server")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(Json.MAPPER.readTree(api).get("frames").size()).as("the API's filter is the command line's").isEqualTo(searched.size());
        }
    }
}

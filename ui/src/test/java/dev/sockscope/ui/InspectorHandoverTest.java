package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.ui.views.Json;

/**
 * 'sockscope ui' left open on a folder, then 'sockscope proxy' started on it, as a user does: the proxy takes the
 * folder at once (reading the file locks it, so without a handover the proxy waited 15 s and gave up), the inspector
 * shows what the proxy records while it runs, and goes on reading the file after it stops. Real processes.
 */
class InspectorHandoverTest {
    @TempDir
    Path db;
    private TestUpstream upstream;
    private Process inspector;
    private final List<String> inspectorOutput = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = TestUpstream.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (inspector != null) {
            inspector.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        upstream.close();
    }

    private void recordOneSession(ProxyProcess proxy, String text) throws Exception {
        TestClient client = TestClient.connect(proxy.uri("/chat"));
        client.sendText(text);
        client.events.assertText(text);
        client.sendClose(1000, "bye");
        client.events.nextClose();
    }

    private URI startInspector() throws Exception {
        inspector = ProxyProcess.command(List.of(), List.of("ui", "--db", db.toString(), "--ui", "127.0.0.1:0"))
                .redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(inspector.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    inspectorOutput.add(line);
                }
            } catch (java.io.IOException ignored) {
                // ended
            }
        }, "inspector-output");
        reader.setDaemon(true);
        reader.start();
        String prefix = "sockscope: inspector at ";
        Awaitility.await().atMost(Duration.ofSeconds(30)).failFast(() -> !inspector.isAlive())
                .until(() -> inspectorOutput.stream().anyMatch(l -> l.startsWith(prefix)));
        return URI.create(inspectorOutput.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow()
                .substring(prefix.length()).trim());
    }

    private static List<String> sessionTexts(URI inspector) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(inspector.resolve("/api/sessions")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode sessions = Json.MAPPER.readTree(r.body()).get("sessions");
        List<String> states = new java.util.ArrayList<>();
        sessions.forEach(s -> states.add(s.get("id").asText() + (s.get("endedAt").isNull() ? " open" : " ended")));
        return states;
    }

    @Test
    void aProxyStartedWhileTheInspectorBrowsesTakesTheFolderAndTheInspectorFollowsIt() throws Exception {
        try (ProxyProcess first = ProxyProcess.start(db, upstream.uri(), "--no-ui")) {
            recordOneSession(first, "before the inspector");
            first.terminate();
        }
        URI ui = startInspector();
        assertThat(sessionTexts(ui)).containsExactly("1 ended");

        long started = System.nanoTime();
        try (ProxyProcess proxy = ProxyProcess.start(db, upstream.uri(), "--no-ui")) {
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(tookMillis).as("the proxy's start, ms (a locked file made it wait 15 s and fail)").isLessThan(10_000);
            recordOneSession(proxy, "while the inspector browses");
            Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(sessionTexts(ui)).as("read through the running proxy").containsExactly("2 ended", "1 ended"));
            assertThat(proxy.terminate()).isEqualTo(143);
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(sessionTexts(ui)).as("read from the file again").containsExactly("2 ended", "1 ended"));
        assertThat(inspector.isAlive()).isTrue();
        assertThat(inspectorOutput).noneMatch(l -> l.contains("Exception"));

        try (ProxyProcess again = ProxyProcess.start(db, upstream.uri(), "--no-ui")) {
            recordOneSession(again, "a second handover");
            Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(sessionTexts(ui)).containsExactly("3 ended", "2 ended", "1 ended"));
        }
    }
}

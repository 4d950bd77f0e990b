package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.proxy.testing.ChildProcess;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.ui.views.Json;

/**
 * 'sockscope ui' left open on a folder, then 'sockscope proxy' started on it, as a user does: the proxy takes the
 * folder at once (reading the file locks it, so without a handover the proxy waited 15 s and gave up), the inspector
 * shows what the proxy records while it runs, and goes on reading the file after it stops. Real processes.
 */
@ExtendWith(ChildProcess.Cleanup.class)
class InspectorHandoverTest {
    @TempDir
    Path db;
    private TestUpstream upstream;
    private ChildProcess inspector;

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = TestUpstream.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (inspector != null) {
            inspector.close();
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
        inspector = ChildProcess.start(ProxyProcess.command(List.of(), List.of("ui", "--db", db.toString(), "--ui", "127.0.0.1:0")));
        return URI.create(inspector.awaitLine(Pattern.compile("^sockscope: inspector at (.+)$"), ChildProcess.READY).group(1).trim());
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

        // Before the handover, the inspector's lock made the proxy wait 15 s and exit: starting at all is the check (a
        // time limit on the start failed at load 10, where a JVM alone can take that long to print its listen line).
        try (ProxyProcess proxy = ProxyProcess.start(db, upstream.uri(), "--no-ui")) {
            recordOneSession(proxy, "while the inspector browses");
            Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(sessionTexts(ui)).as("read through the running proxy").containsExactly("2 ended", "1 ended"));
            assertThat(proxy.terminate()).isEqualTo(143);
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(sessionTexts(ui)).as("read from the file again").containsExactly("2 ended", "1 ended"));
        assertThat(inspector.process().isAlive()).isTrue();
        assertThat(inspector.lines()).noneMatch(l -> l.contains("Exception"));

        try (ProxyProcess again = ProxyProcess.start(db, upstream.uri(), "--no-ui")) {
            recordOneSession(again, "a second handover");
            Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(sessionTexts(ui)).containsExactly("3 ended", "2 ended", "1 ended"));
        }
    }
}

package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
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
 * {@code replay}, {@code import} and {@code mock} on a folder a proxy is recording into: they run inside that proxy,
 * through the inspector it announces in the folder, and what they make is recorded there, as a user replays and mocks
 * what the running demo just recorded.
 */
@ExtendWith(ChildProcess.Cleanup.class)
class BesideRunningProxyTest {
    private static final Pattern SERVING = Pattern.compile("serving sessions \\[1\\] on ws://(\\S+) inside the running proxy");
    @TempDir
    Path db;
    @TempDir
    Path files;
    private TestUpstream upstream;

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = TestUpstream.start();
    }

    @AfterEach
    void stopUpstream() throws Exception {
        upstream.close();
    }

    private record Run(int code, String out, String err) {
    }

    private Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private JsonNode sessions() throws Exception {
        return Json.MAPPER.readTree(Cli.run("sessions", "--db", db.toString(), "--json"));
    }

    private void recordOneSession(ProxyProcess proxy) throws Exception {
        TestClient client = TestClient.connect(proxy.uri("/chat"));
        client.sendText("{\"type\":\"hello\",\"id\":1}");
        assertThat(client.events.nextText()).contains("hello");
        client.sendClose(1000, "bye");
        client.events.nextClose();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !sessions().path(0).path("endedAt").isNull());
    }

    @Test
    void replayImportAndMockRunInsideTheProxyThatHoldsTheFolder() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.start(db, upstream.uri())) {
            recordOneSession(proxy);
            assertThat(db.resolve("sockscope.inspector")).exists();

            Run replay = cli("replay", "1", "--db", db.toString(), "--upstream", upstream.uri().toString(), "--speed", "max",
                    "--report", files.resolve("report.json").toString());
            assertThat(replay.code()).as("replay exit; stderr: %s", replay.err()).isZero();
            assertThat(replay.err()).contains("is recorded by a running proxy", "replaying inside it");
            assertThat(replay.out()).contains("sockscope replay: session 1", "recorded as session 2", "no differences");
            assertThat(Json.MAPPER.readTree(files.resolve("report.json").toFile()).path("replay").asLong()).isEqualTo(2);

            Path har = files.resolve("one.har");
            Cli.run("export", "1", "--db", db.toString(), "--format", "har", "-o", har.toString());
            Run imported = cli("import", har.toString(), "--db", db.toString());
            assertThat(imported.code()).as("import exit; stderr: %s", imported.err()).isZero();
            assertThat(imported.out()).contains("imported session 3 (4 frames", "1 WebSocket sessions imported (secrets masked)");

            Run bad = cli("import", files.resolve("report.json").toString(), "--db", db.toString());
            assertThat(bad.code()).isEqualTo(2);
            assertThat(bad.err()).contains("report.json");

            try (ChildProcess mock = ChildProcess.startKeepingErrors(ProxyProcess.command(List.of(),
                    List.of("mock", "1", "--db", db.toString(), "--listen", "127.0.0.1:0")))) {
                Matcher serving = mock.awaitLine(SERVING, ChildProcess.READY);
                TestClient client = TestClient.connect(URI.create("ws://" + serving.group(1) + "/chat"));
                client.sendText("{\"type\":\"hello\",\"id\":1}");
                assertThat(client.events.nextText()).contains("hello");
                client.sendClose(1000, "bye");
                client.events.nextClose();
                assertThat(mocks(db)).hasSize(1);
                assertThat(mock.terminate(Duration.ofSeconds(60))).as("the mock command stops on SIGTERM").isNotNegative();
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> mocks(db).isEmpty());
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> sessions().size() == 4);
            assertThat(sessions().findValuesAsText("id")).containsExactlyInAnyOrder("1", "2", "3", "4");
            proxy.terminate();
        }
        assertThat(db.resolve("sockscope.inspector")).as("removed when the proxy stops").doesNotExist();
        assertThat(db.resolve("sockscope.trace.db")).as("H2's trace of a failure: none at a clean stop").doesNotExist();
        Run alone = cli("replay", "1", "--db", db.toString(), "--upstream", upstream.uri().toString(), "--speed", "max");
        assertThat(alone.err()).doesNotContain("running proxy");
        assertThat(alone.code()).as("stderr: %s", alone.err()).isZero();
        assertThat(db.resolve("sockscope.trace.db")).doesNotExist();
    }

    /** The mocks the running proxy serves, as its inspector lists them. */
    private static JsonNode mocks(Path db) throws Exception {
        JsonNode announced = Json.MAPPER.readTree(Files.readString(db.resolve("sockscope.inspector")));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(announced.get("url").asText() + "/api/mocks")).build(), HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(r.body()).path("mocks");
    }
}

package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.proxy.testing.ChildProcess;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.ui.views.Json;
import dev.sockscope.wire.RecordedFrame;

/** The proxy as a separate process, the recordings file, and the command line that reads it. */
@ExtendWith(ChildProcess.Cleanup.class)
class EndToEndTest {
    @TempDir
    Path db;
    private TestUpstream upstream;

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = TestUpstream.start();
    }

    @AfterEach
    void stopUpstream() throws Exception {
        upstream.close();
    }

    private static String run(String... args) {
        return Cli.run(args);
    }

    @Test
    void sessionsAndFramesAreScriptableWhileTheProxyRunsAndAfterItStops() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.start(db, upstream.uri())) {
            TestClient client = TestClient.connect(proxy.uri("/ws?sid=2"),
                    Map.of("authorization", "Bearer abcdefghijklmnopqrstuvwxyz", "Cookie", "zavodchat_token=0123456789abcdef"),
                    List.of("access_token", "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.c2lnbmF0dXJl"));
            client.sendText("{\"name\":\"Event.SendMessage\",\"args\":\"{}\"}");
            client.events.nextText();
            client.sendBinary(new byte[] {1, 2, 3});
            client.events.nextBinary();

            // While the proxy is running, the command line reads through it.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                    Json.MAPPER.readTree(run("sessions", "--db", db.toString(), "--json")).path(0).path("frames").asInt() == 4);

            client.sendClose(1000, "bye");
            client.events.nextClose();
            // The client has its close back before the proxy has closed both legs: wait for the session to end, or
            // SIGTERM may still find it open (and rightly record "proxy shut down while the session was open").
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                    !Json.MAPPER.readTree(run("sessions", "--db", db.toString(), "--json")).path(0).path("endedAt").isNull());
            assertThat(proxy.terminate()).as("the JVM's exit code after SIGTERM").isEqualTo(143);
        }

        JsonNode sessions = Json.MAPPER.readTree(run("sessions", "--db", db.toString(), "--json"));
        assertThat(sessions.isArray()).isTrue();
        JsonNode s = sessions.get(0);
        assertThat(s.get("id").asLong()).isEqualTo(1);
        assertThat(s.get("listen").asText()).startsWith("127.0.0.1:");
        assertThat(s.get("upstream").asText()).isEqualTo(upstream.uri().toString());
        assertThat(s.get("path").asText()).isEqualTo("/ws");
        assertThat(s.get("query").asText()).isEqualTo("sid=2");
        assertThat(s.get("subprotocol").asText()).isEqualTo("access_token");
        assertThat(s.get("startedAt").asText()).endsWith("Z");
        assertThat(s.get("endedAt").asText()).endsWith("Z");
        assertThat(s.get("frames").asInt()).isEqualTo(6);
        assertThat(s.get("closeCode").asInt()).isEqualTo(1000);
        assertThat(s.get("closeReason").asText()).isEqualTo("bye");
        assertThat(s.get("closedBy").asText()).isEqualTo("client");
        assertThat(s.get("error").isNull()).isTrue();
        String headers = s.get("requestHeaders").toString();
        assertThat(headers).as("secrets are masked in storage by default")
                .doesNotContain("efghijklmnopqrstuvwxyz").doesNotContain("456789abcdef").doesNotContain("c2lnbmF0dXJl")
                .contains("Bearer abcd…[hmac:").contains("zavodchat_token=");

        JsonNode frames = Json.MAPPER.readTree(run("frames", "1", "--db", db.toString(), "--json"));
        assertThat(frames).hasSize(6);
        JsonNode first = frames.get(0);
        assertThat(first.get("seq").asInt()).isEqualTo(1);
        assertThat(first.get("from").asText()).isEqualTo("client");
        assertThat(first.get("type").asText()).isEqualTo("text");
        assertThat(first.get("text").asText()).isEqualTo("{\"name\":\"Event.SendMessage\",\"args\":\"{}\"}");
        assertThat(first.get("size").asInt()).isEqualTo(first.get("text").asText().length());
        assertThat(first.get("fragments").asInt()).isEqualTo(1);
        assertThat(first.get("time").asText()).endsWith("Z");
        assertThat(first.has("base64")).isFalse();
        JsonNode binary = frames.get(3);
        assertThat(binary.get("from").asText()).isEqualTo("server");
        assertThat(binary.get("type").asText()).isEqualTo("binary");
        assertThat(Base64.getDecoder().decode(binary.get("base64").asText())).containsExactly(1, 2, 3);
        assertThat(frames.get(4).get("closeCode").asInt()).isEqualTo(1000);

        String table = run("sessions", "--db", db.toString());
        assertThat(table.lines().findFirst().orElseThrow()).startsWith("ID  STARTED");
        assertThat(table).contains("access_token").contains("1000");
        String frameTable = run("frames", "1", "--db", db.toString());
        assertThat(frameTable).contains("Event.SendMessage").contains("01 02 03");
    }

    @Test
    void withMaskingOnNoCredentialReachesTheRecordingsFile() throws Exception {
        String bearer = "opaque-bearer-0123456789";
        String cookie = "6f1c2d3e-0000-4b5a-9c8d";
        String signature = "c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm4ifQ." + signature;
        try (ProxyProcess proxy = ProxyProcess.start(db, upstream.uri())) {
            TestClient client = TestClient.connect(proxy.uri("/ws?sid=2"),
                    Map.of("Authorization", "Bearer " + bearer, "Cookie", "zavodchat_token=" + cookie), List.of("access_token", jwt));
            for (String text : List.of("{\"name\":\"Event.Login\",\"args\":\"{\\\"password\\\":\\\"hunter2-long-pw\\\"}\"}",
                    "{\"type\":\"echo\",\"value\":\"" + bearer + "\",\"cookie\":\"" + cookie + "\"}",
                    "plain text with " + jwt)) {
                client.sendText(text);
                assertThat(client.events.nextText()).as("relayed unchanged").isEqualTo(text);
            }
            client.sendClose(1000, "bye");
            client.events.nextClose();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                    !Json.MAPPER.readTree(run("sessions", "--db", db.toString(), "--json")).path(0).path("endedAt").isNull());
            proxy.terminate();
        }
        String file = new String(java.nio.file.Files.readAllBytes(db.resolve("sockscope.mv.db")), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(file).contains("Event.Login");
        for (String secret : List.of(bearer, cookie, signature, "hunter2-long-pw")) {
            assertThat(file).as("the recordings file").doesNotContain(secret);
        }
        String frames = run("frames", "1", "--db", db.toString(), "--json", "--tree");
        assertThat(frames).contains("Event.Login").doesNotContain(bearer).doesNotContain(cookie).doesNotContain(signature)
                .doesNotContain("hunter2-long-pw");
    }

    @Test
    void keepSecretsStoresCredentialsRaw() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.start(db, upstream.uri(), "--keep-secrets")) {
            TestClient client = TestClient.connect(proxy.uri("/"), Map.of("authorization", "Bearer raw-token-1234567890"), List.of());
            client.sendClose(1000, "");
            client.events.nextClose();
            proxy.terminate();
        }
        assertThat(run("sessions", "--db", db.toString(), "--json")).contains("Bearer raw-token-1234567890");
    }

    @Test
    void sigtermClosesOpenSessionsWith1001AndWritesEveryFrame() throws Exception {
        int messages = 3_000;
        try (ProxyProcess proxy = ProxyProcess.start(db, upstream.uri())) {
            TestClient client = TestClient.connect(proxy.uri("/"));
            for (int i = 0; i < messages; i++) {
                client.sendText("message " + i);
            }
            for (int i = 0; i < messages; i++) {
                client.events.assertText("message " + i);
            }
            assertThat(proxy.terminate()).isEqualTo(143);
            assertThat(client.events.nextClose().code()).isEqualTo(1001);
            assertThat(upstream.nextClose().getCode()).isEqualTo(1001);
        }
        try (H2RecordingStore store = H2RecordingStore.openReader(db)) {
            SessionRecord s = store.sessions(1).get(0);
            assertThat(s.end()).as("the session was closed before exit").isNotNull();
            assertThat(s.end().closeCode()).isEqualTo(1001);
            assertThat(s.end().error()).contains("shut down");
            List<RecordedFrame> frames = store.frames(s.id(), 0, 100_000);
            assertThat(frames.stream().filter(f -> f.type() == dev.sockscope.wire.FrameType.TEXT)).hasSize(2 * messages);
        }
    }

    @Test
    void afterKillNineTheRecordingOpensAndHoldsAllButTheLastFlushInterval() throws Exception {
        // The documented bound: at most the last 250 ms may be missing. Unloaded, the loss is 30-80 ms (H2 writes
        // within 50 ms); on a loaded 2-core CI machine a run once lost a frame 100 ms old, so the bound has margin.
        long boundMicros = 250_000;
        List<long[]> echoed = new ArrayList<>(); // {message number, time the echo arrived (µs since the epoch)}
        long killedAt;
        try (ProxyProcess proxy = ProxyProcess.start(db, upstream.uri())) {
            TestClient client = TestClient.connect(proxy.uri("/"));
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            for (int i = 0; System.nanoTime() < end; i++) {
                client.sendText("m" + i);
                client.events.nextText();
                echoed.add(new long[] {i, nowMicros()});
            }
            // The signal's moment, not the process's reaping: a big heap can take a while to tear down.
            killedAt = nowMicros();
            proxy.kill();
        }
        Set<String> recorded = new HashSet<>();
        try (H2RecordingStore store = H2RecordingStore.openReader(db)) {
            SessionRecord s = store.sessions(1).get(0);
            // The killed proxy could not record the end; the first open of the folder on its own (this reader) ends it.
            assertThat(s.isOpen()).as("ended by the open after the kill").isFalse();
            assertThat(s.end().error()).contains("ended without closing this session (killed or crashed)");
            for (RecordedFrame f : store.frames(s.id(), 0, 1_000_000)) {
                if (f.from() == dev.sockscope.wire.Direction.SERVER_TO_CLIENT) {
                    recorded.add(f.text());
                }
            }
        }
        List<Long> missingOld = new ArrayList<>();
        for (long[] e : echoed) {
            if (e[1] < killedAt - boundMicros && !recorded.contains("m" + e[0])) {
                missingOld.add(e[0]);
            }
        }
        long missing = echoed.stream().filter(e -> !recorded.contains("m" + e[0])).count();
        System.out.printf("kill -9: %d echoes before the kill, %d not recorded (the newest, within %d ms of the kill)%n",
                echoed.size(), missing, missing == 0 ? 0 : (killedAt - echoed.get((int) (echoed.size() - missing)).clone()[1]) / 1000);
        assertThat(echoed.size()).as("messages exchanged before the kill").isGreaterThan(100);
        assertThat(missingOld).as("echoes older than %d ms at the kill that are not in the recording", boundMicros / 1000).isEmpty();
    }

    @Test
    void aSessionLeftOpenByKillNineIsEndedWhenAProxyNextOpensTheFolder() throws Exception {
        long pid;
        try (ProxyProcess proxy = ProxyProcess.start(db, upstream.uri())) {
            pid = proxy.process.pid();
            TestClient client = TestClient.connect(proxy.uri("/"));
            client.sendText("before the kill");
            client.events.nextText();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                    Json.MAPPER.readTree(run("sessions", "--db", db.toString(), "--json")).path(0).path("frames").asInt() == 2);
            // Committed is not yet on disk: H2 writes within WRITE_DELAY_MS of a commit. This test is about what the next
            // proxy does with a session left open, not about that window (the kill -9 test above measures it), so the
            // kill comes once the frames are older than the documented bound.
            org.awaitility.Awaitility.await().pollDelay(java.time.Duration.ofMillis(4L * H2RecordingStore.WRITE_DELAY_MS))
                    .atMost(java.time.Duration.ofSeconds(10)).until(() ->
                            Json.MAPPER.readTree(run("sessions", "--db", db.toString(), "--json")).path(0).path("frames").asInt() == 2);
            proxy.kill();
        }
        // The first process to open the folder on its own (here the next proxy) reads the session anew from its
        // recording file and ends it; a reader that came first would have done the same.
        try (ProxyProcess next = ProxyProcess.start(db, upstream.uri())) {
            JsonNode s = Json.MAPPER.readTree(run("sessions", "--db", db.toString(), "--json")).get(0);
            assertThat(s.get("id").asLong()).isEqualTo(1);
            assertThat(s.get("endedAtMicros").asLong()).as("ended at its last frame")
                    .isGreaterThanOrEqualTo(s.get("startedAtMicros").asLong());
            assertThat(s.get("closedBy").asText()).isEqualTo("proxy");
            assertThat(s.get("closeCode").isNull()).isTrue();
            assertThat(s.get("error").asText())
                    .isEqualTo("the recording process (pid " + pid + ") ended without closing this session (killed or crashed)");
            assertThat(s.get("frames").asInt()).isEqualTo(2);
            assertThat(run("sessions", "--db", db.toString())).contains("killed or crashed");
        }
    }

    private static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}

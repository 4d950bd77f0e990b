package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.proxy.testing.ChildProcess;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.recordings.PostgresServer;
import dev.sockscope.recordings.Stores;
import dev.sockscope.ui.views.Json;

/**
 * Issue 19, "many proxies, one PostgreSQL, one inspector": three real proxy processes (named by
 * {@code SOCKSCOPE_PROXY_NAME}) record into one PostgreSQL while one {@code sockscope ui --db postgresql://…} process
 * reads it: its live feed shows each proxy's frames as they are written, its sessions list has all three sessions with
 * their proxy's name, and {@code ?proxy=} picks one proxy's; after the three talk at once and close, each session holds
 * every message both ways and both close frames.
 */
@ExtendWith(ChildProcess.Cleanup.class)
class TeamThreeProxiesTest {
    private static final Pattern RELAYING = Pattern.compile("relaying ws://(\\S+) -> ");
    private static final List<String> JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");
    private static final List<String> NAMES = List.of("qa-staging", "ci-runner-7", "bot-team");
    /** Messages each client sends once all three are live, interleaved with the others'. */
    private static final int MESSAGES = 500;
    @RegisterExtension
    static final PostgresServer.PerClass PG = new PostgresServer.PerClass();

    private static ChildProcess proxy(String db, URI upstream, String name) throws Exception {
        ProcessBuilder b = ProxyProcess.command(JVM, List.of("proxy", "--route", "127.0.0.1:0=" + upstream, "--db", db, "--no-ui"));
        b.environment().put(Stores.PROXY_NAME_VARIABLE, name);
        return ChildProcess.start(b);
    }

    private static JsonNode get(HttpClient http, URI uri) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void oneInspectorSeesTheSessionsOfThreeProxiesLiveWithTheirNames() throws Exception {
        String db = PG.newDatabase().toString();
        HttpClient http = HttpClient.newHttpClient();
        List<ChildProcess> proxies = new ArrayList<>();
        List<TestClient> clients = new ArrayList<>();
        try (TestUpstream upstream = TestUpstream.start();
             ChildProcess ui = ChildProcess.start(ProxyProcess.command(JVM, List.of("ui", "--db", db, "--ui", "127.0.0.1:0")))) {
            URI inspector = URI.create(ui.awaitLine(Pattern.compile("^sockscope: inspector at (.+)$"), ChildProcess.READY).group(1).trim());
            List<String> live = new CopyOnWriteArrayList<>();
            http.sendAsync(HttpRequest.newBuilder(inspector.resolve("/api/live")).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> {
                        try (Stream<String> lines = r.body()) {
                            lines.forEach(live::add);
                        }
                    });
            for (String name : NAMES) {
                proxies.add(proxy(db, upstream.uri(), name));
            }
            for (int i = 0; i < NAMES.size(); i++) {
                String listen = proxies.get(i).awaitLine(RELAYING, ChildProcess.READY).group(1);
                TestClient c = TestClient.connect(URI.create("ws://" + listen + "/via-" + NAMES.get(i)));
                clients.add(c);
            }
            int[] exchanged = new int[NAMES.size()];
            // The live feed may connect a moment after the inspector starts: keep talking until each proxy's frame shows.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (int i = 0; i < NAMES.size(); i++) {
                    clients.get(i).sendText("hello from " + NAMES.get(i));
                    clients.get(i).events.nextText();
                    exchanged[i]++;
                }
                return NAMES.stream().allMatch(n -> live.stream().anyMatch(l -> l.startsWith("data: ") && l.contains("hello from " + n)));
            });

            JsonNode sessions = get(http, inspector.resolve("/api/sessions")).get("sessions");
            assertThat(sessions).hasSize(3);
            Set<Long> ids = new HashSet<>();
            List<String> seen = new ArrayList<>();
            sessions.forEach(s -> {
                ids.add(s.get("id").asLong());
                seen.add(s.get("proxyName").asText() + " " + s.get("path").asText());
                assertThat(s.get("proxyHost").asText()).isNotBlank();
            });
            assertThat(ids).as("ids unique across the proxies").hasSize(3);
            assertThat(seen).containsExactlyInAnyOrder("qa-staging /via-qa-staging", "ci-runner-7 /via-ci-runner-7", "bot-team /via-bot-team");
            JsonNode one = get(http, inspector.resolve("/api/sessions?proxy=CI-RUNNER")).get("sessions");
            assertThat(one).hasSize(1);
            assertThat(one.get(0).get("proxyName").asText()).isEqualTo("ci-runner-7");

            // Nothing lost: the three talk at once, then close; each session holds every message, its echo and both closes.
            for (int n = 0; n < MESSAGES; n++) {
                for (int i = 0; i < NAMES.size(); i++) {
                    clients.get(i).sendText(NAMES.get(i) + " #" + n);
                }
            }
            for (int i = 0; i < NAMES.size(); i++) {
                for (int n = 0; n < MESSAGES; n++) {
                    assertThat(clients.get(i).events.nextText()).isEqualTo(NAMES.get(i) + " #" + n);
                }
                exchanged[i] += MESSAGES;
                clients.get(i).sendClose(1000, "done");
                clients.get(i).events.nextClose();
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode all = get(http, inspector.resolve("/api/sessions")).get("sessions");
                for (JsonNode s : all) {
                    int i = NAMES.indexOf(s.get("proxyName").asText());
                    assertThat(s.get("endedAt").isNull()).as("%s ended", NAMES.get(i)).isFalse();
                    assertThat(s.get("frames").asLong()).as("frames of %s's session", NAMES.get(i)).isEqualTo(2L * exchanged[i] + 2);
                }
            });
        } finally {
            for (ChildProcess p : proxies) { // their clients' connections go with them
                p.close();
            }
        }
    }
}

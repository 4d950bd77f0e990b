package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sockscope.proxy.demo.Simulators;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.proxy.testing.ChildProcess;

/**
 * {@code sockscope proxy --rules FILE --rules-seed N} as a user runs it, in front of the demo's MAX: the seed is
 * printed, {@code /api/rules} lists the rules, a bad edit of the file keeps the rules running and says so there, a rule
 * is switched off and the text replaced through the API; a bad file at start is refused with its line.
 */
@ExtendWith(ChildProcess.Cleanup.class)
class ProxyRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RULES = """
            rules:
              - name: slow-login            # every LOGIN answer reaches the client 1.5 s late
                match: { direction: server, pointer: /opcode, equals: 19 }
                delay: 1500ms
              - name: lossy-push            # half of the message pushes never arrive
                match: { direction: server, pointer: /opcode, equals: 128 }
                probability: 0.5
                drop: true
            """;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private JsonNode get(URI base, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> send(URI base, String method, String path, String type, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).header("Content-Type", type);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void write(Path f, String text, int secondsLater) throws Exception {
        Files.writeString(f, text);
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(secondsLater)));
    }

    @Test
    void rulesFromAFileReloadedSwitchedAndEditedWhileTheProxyRuns() throws Exception {
        Path rules = dir.resolve("chaos.yaml");
        write(rules, RULES, 0);
        try (SimulatorServer sims = SimulatorServer.start("127.0.0.1", Simulators.all());
             ProxyProcess proxy = ProxyProcess.start(dir.resolve("db"), sims.uri("max"), "--rules", rules.toString(), "--rules-seed", "7")) {
            proxy.child.awaitLine(java.util.regex.Pattern.compile("^sockscope: 2 rules from .*chaos\\.yaml, seed 7 \\(--rules-seed 7 makes the same decisions\\)$"),
                    ChildProcess.READY);
            URI base = proxy.inspector();
            JsonNode state = get(base, "/api/rules");
            assertThat(state.get("seed").asText()).isEqualTo("7");
            assertThat(state.get("lastError").isNull()).isTrue();
            assertThat(state.get("rules")).extracting(r -> r.get("name").asText()).containsExactly("slow-login", "lossy-push");
            assertThat(state.get("rules").get(0).get("line").asInt()).isEqualTo(2);

            write(rules, RULES.replace("probability: 0.5", "probability: 3"), 5);
            await().atMost(Duration.ofSeconds(20)).until(() -> !get(base, "/api/rules").get("lastError").isNull());
            state = get(base, "/api/rules");
            assertThat(state.get("lastError").asText()).isEqualTo(rules + ":7: rule 'lossy-push': probability 3 is not between 0 and 1");
            assertThat(state.get("rules")).as("the last good rules still run").hasSize(2);
            proxy.child.awaitLine(java.util.regex.Pattern.compile("^sockscope: rules NOT reloaded, the previous rules still run: .*"),
                    ChildProcess.READY);

            HttpResponse<String> off = send(base, "POST", "/api/rules/slow-login/enabled", "application/json", "{\"enabled\":false}");
            assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
            assertThat(get(base, "/api/rules").get("rules").get(0).get("enabled").asBoolean()).isFalse();
            assertThat(send(base, "POST", "/api/rules/nope/enabled", "application/json", "{\"enabled\":false}").statusCode()).isEqualTo(404);

            HttpResponse<String> refused = send(base, "PUT", "/api/rules", "application/yaml", "rules:\n  - name: x\n    explode: 1\n");
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(refused.body()).get("error").asText())
                    .startsWith("rules not replaced, the previous rules still run: " + rules + ":3: rule 'x': unknown action 'explode'");
            HttpResponse<String> crossSite = send(base, "PUT", "/api/rules", "application/yaml", RULES,
                    "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site");
            assertThat(crossSite.statusCode()).as("guarded like the other write routes").isEqualTo(403);
            HttpResponse<String> replaced = send(base, "PUT", "/api/rules", "application/json",
                    JSON.writeValueAsString(java.util.Map.of("text", "rules:\n  - name: only\n    match: { direction: client }\n    drop: true\n")));
            assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
            assertThat(JSON.readTree(replaced.body()).get("rules")).extracting(r -> r.get("name").asText()).containsExactly("only");
            assertThat(Files.readString(rules)).contains("name: only");
        }
    }

    @Test
    void theDemoRunsWithRulesToo() throws Exception {
        Path rules = Path.of("..", "docs", "examples", "rules", "duplicated-message.yaml");
        ProxyProcess.Result r = ProxyProcess.finish(ProxyProcess.launch("demo", "--exit", "--no-ui", "--listen", "127.0.0.1:0",
                "--db", dir.resolve("demo").toString(), "--rules", rules.toString(), "--rules-seed", "3"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("sockscope: 1 rules from " + rules + ", seed 3 (--rules-seed 3 makes the same decisions)");
        StringWriter out = new StringWriter();
        // The scripted MAX session's one push went twice: the recording says so, by the rule.
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(new StringWriter()))
                .execute("sessions", "--db", dir.resolve("demo").toString(), "--json");
        assertThat(code).isZero();
        long max = 0;
        for (JsonNode s : JSON.readTree(out.toString())) {
            if ("max".equals(s.path("protocol").asText())) {
                max = s.get("id").asLong();
            }
        }
        StringWriter frames = new StringWriter();
        Main.commandLine(new PrintWriter(frames), new PrintWriter(new StringWriter()))
                .execute("frames", String.valueOf(max), "--db", dir.resolve("demo").toString(), "--rule", "twice", "--json");
        assertThat(JSON.readTree(frames.toString())).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void aBadRulesFileIsRefusedAtStartWithItsLine() throws Exception {
        Path rules = dir.resolve("bad.yaml");
        write(rules, "rules:\n  - name: b\n    match: { regex: 'a(b' }\n    drop: true\n", 0);
        ProxyProcess.Result r = ProxyProcess.finish(ProxyProcess.launch("proxy", "--route", "127.0.0.1:0=ws://127.0.0.1:9",
                "--db", dir.resolve("db").toString(), "--no-ui", "--rules", rules.toString()));
        assertThat(r.code()).as(r.err()).isNotZero();
        assertThat(r.err()).contains("--rules " + rules + ":3: rule 'b': regex 'a(b' does not compile (RE2 syntax): missing closing )");
    }
}

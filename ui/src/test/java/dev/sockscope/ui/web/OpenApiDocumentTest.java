package dev.sockscope.ui.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.ui.BuildVersion;
import dev.sockscope.ui.replay.Difference;
import dev.sockscope.ui.replay.ReplayComparison;
import dev.sockscope.ui.replay.ReplayReport;
import dev.sockscope.ui.replay.Replayer;
import dev.sockscope.ui.views.Json;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * The OpenAPI document the inspector serves at /api/openapi.json says what the app does: every route Javalin has under
 * /api is in it with its method and nothing else is, each endpoint's query parameters are the ones it accepts (asked
 * of the endpoint itself: an unknown parameter is answered with the known ones), and real answers fit its schemas.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    private static final Pattern KNOWN = Pattern.compile("parameter 'zz_unknown': unknown here \\(known: ([^)]*)\\)");

    @TempDir
    static Path dir;
    private H2RecordingStore store;
    private InspectorApp app;
    private Http http;
    private JsonNode doc;
    private Recordings.Session chat;
    private Recordings.Session again;

    @BeforeAll
    void start() throws Exception {
        store = H2RecordingStore.open(dir);
        Recordings rec = new Recordings(store);
        chat = rec.open("/ws", "sid=abc")
                .text(Direction.CLIENT_TO_SERVER, "{\"name\":\"Event.AddConversation\",\"args\":\"{\\\"user_id\\\":1}\"}")
                .text(Direction.SERVER_TO_CLIENT, "{\"name\":\"Event.AddConversation\",\"ok\":true,\"result\":{\"id\":2}}")
                .frame(Direction.CLIENT_TO_SERVER, FrameType.BINARY, new byte[] {1, 2, 3, (byte) 0xFF})
                .close(1000);
        again = rec.open("/ws", "sid=abc")
                .text(Direction.CLIENT_TO_SERVER, "{\"name\":\"Event.AddConversation\",\"args\":\"{\\\"user_id\\\":1}\"}")
                .text(Direction.SERVER_TO_CLIENT, "{\"name\":\"Event.AddConversation\",\"ok\":true,\"result\":{\"id\":3}}")
                .close(1000);
        store.linkReplay(again.id, chat.id);
        app = new InspectorApp(store, new TestSource(), ProtocolRegistry.builtIn(), InspectorOptions.parse("127.0.0.1:0", null)).start();
        http = new Http(app.port());
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(OpenApiDocument.RESOURCE)) {
            doc = Json.MAPPER.readTree(in);
        }
    }

    @AfterAll
    void stop() {
        app.close();
        store.close();
    }

    /** "GET /api/sessions/{id}" for every operation of the document. */
    private Set<String> documentedOperations() {
        Set<String> out = new TreeSet<>();
        doc.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (METHODS.contains(method)) {
                out.add(method.toUpperCase() + " " + path.getKey());
            }
        }));
        return out;
    }

    @Test
    void everyApiRouteIsDocumentedAndEveryDocumentedPathIsARoute() {
        Set<String> routes = new TreeSet<>();
        for (String r : app.routes()) {
            String[] methodAndPath = r.split(" ", 2);
            if (methodAndPath[1].startsWith("/api") && METHODS.contains(methodAndPath[0].toLowerCase())) {
                routes.add(r);
            }
        }
        assertThat(routes).as("routes under /api").contains("GET /api/sessions", "GET /api/live", "POST /api/sessions/{id}/replay");
        assertThat(documentedOperations()).as("the OpenAPI document's operations").isEqualTo(routes);
    }

    @Test
    void eachEndpointAcceptsExactlyTheQueryParametersDocumented() {
        Map<String, Set<String>> documented = new TreeMap<>();
        Map<String, Set<String>> accepted = new TreeMap<>();
        for (String op : documentedOperations()) {
            if (op.equals("GET /api/live")) {
                continue; // an event stream: it answers 200 before it reads parameters (checked below by hand)
            }
            String method = op.substring(0, op.indexOf(' '));
            String template = op.substring(op.indexOf(' ') + 1);
            String path = template.replace("{id}", String.valueOf(chat.id)).replace("{seq}", "1").replace("{name}", "r") + "?zz_unknown=1";
            Http.Answer a = switch (method) {
                case "GET" -> http.get(path);
                case "POST" -> http.post(path, "{}");
                case "PUT" -> http.put(path, "application/json", "{}");
                case "DELETE" -> http.delete(path);
                default -> throw new AssertionError("no request for " + method);
            };
            assertThat(a.status()).as(op + " with an unknown parameter: " + a.body()).isEqualTo(400);
            Matcher m = KNOWN.matcher(a.json().get("error").asText());
            assertThat(m.find()).as(op + " names the parameters it knows: " + a.body()).isTrue();
            accepted.put(op, words(m.group(1)));
            documented.put(op, queryParameters(template, method.toLowerCase()));
        }
        assertThat(documented).isEqualTo(accepted);
        assertThat(queryParameters("/api/live", "get")).as("the live feed reads ?session= (LiveFeed.connect)").containsExactly("session");
        assertThat(accepted.get("GET /api/sessions/{id}/frames")).as("a check that can fail").contains("regex", "payload");
    }

    @Test
    void theInspectorServesTheDocumentWithItsVersionBehindTheSameGuard() throws Exception {
        Http.Answer served = http.get("/api/openapi.json");
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.header("Content-Type")).startsWith("application/json");
        assertThat(served.header("Content-Security-Policy")).as("the guard's headers").isNotNull();
        JsonNode expected = doc.deepCopy();
        ((ObjectNode) expected.get("info")).put("version", BuildVersion.get().orElseThrow());
        assertThat(served.json()).isEqualTo(expected);
        assertThat(served.json().get("openapi").asText()).isEqualTo("3.1.0");

        try (Socket s = new Socket("127.0.0.1", app.port())) {
            s.getOutputStream().write("GET /api/openapi.json HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).as("a rebinding host name").startsWith("HTTP/1.1 403").doesNotContain("\"openapi\"");
        }
    }

    @Test
    void realAnswersFitTheSchemas() throws Exception {
        String base = "/api/sessions/" + chat.id;
        assertFits("SessionPage", http.get("/api/sessions?limit=5").json());
        assertFits("Session", http.get(base).json());
        assertFits("FramePage", http.get(base + "/frames").json());
        assertFits("FramePage", http.get(base + "/frames?payload=true").json());
        assertFits("FrameWithPair", http.get(base + "/frames/2").json());
        assertFits("FrameWithPair", http.get(base + "/frames/3").json());
        assertFits("Stats", http.get(base + "/stats").json());
        assertFits("Replays", http.get("/api/sessions/" + again.id + "/replays").json());
        JsonNode diff = http.get("/api/sessions/" + again.id + "/diff").json();
        assertThat(diff.get("differences")).as("the replay answered differently").isNotEmpty();
        assertFits("Diff", diff);
        assertFits("Error", http.get("/api/sessions/999999").json());
        assertFits("Error", http.get("/api/sessions?limit=0").json());
        assertFits("Status", http.get("/api/status").json());
        app.recordingLag(() -> new dev.sockscope.capture.CaptureBus.Lag(true, 1_767_000_000_000L, new dev.sockscope.capture.Backlog(2, 30, 4096), 7));
        try {
            JsonNode lagging = http.get("/api/status").json();
            assertThat(lagging.get("recording").get("sessionsBehind").asInt()).isEqualTo(2);
            assertFits("Status", lagging);
        } finally {
            app.recordingLag(() -> null);
        }

        SessionRecord original = store.session(chat.id).orElseThrow();
        SessionRecord replay = store.session(again.id).orElseThrow();
        Difference d = new Difference(Difference.Kind.CHANGED, "answer", "Event.AddConversation", 2L, 2L, "result.id", "2", "3");
        Replayer.Result result = new Replayer.Result(original, replay, URI.create("ws://127.0.0.1:9/ws"),
                new ReplayComparison.Outcome(List.of(d), 1, 0), List.of(), List.of("a note"));
        assertFits("ReplayReport", Json.MAPPER.readTree(ReplayReport.json(result)));
    }

    @Test
    void aSchemaCheckFailsOnAnUndocumentedField() throws Exception {
        ObjectNode session = (ObjectNode) http.get("/api/sessions/" + chat.id).json();
        session.put("surprise", 1);
        assertThat(problems("Session", session)).as("an undocumented field").isNotEmpty();
        session.remove("surprise");
        session.remove("protocol");
        assertThat(problems("Session", session)).as("a documented field missing").isNotEmpty();
    }

    private void assertFits(String schema, JsonNode actual) {
        assertThat(problems(schema, actual)).as(schema + ": " + actual).isEmpty();
    }

    private Set<ValidationMessage> problems(String schema, JsonNode actual) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("components", doc.get("components"));
        root.put("$ref", "#/components/schemas/" + schema);
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(root).validate(actual);
    }

    /** The names of an operation's query parameters, those of its path item included; the guard's token aside. */
    private Set<String> queryParameters(String path, String method) {
        Set<String> out = new TreeSet<>();
        List<JsonNode> lists = new ArrayList<>();
        lists.add(doc.get("paths").get(path).path("parameters"));
        lists.add(doc.get("paths").get(path).get(method).path("parameters"));
        for (JsonNode list : lists) {
            for (Iterator<JsonNode> it = list.elements(); it.hasNext(); ) {
                JsonNode p = it.next();
                if (p.get("in").asText().equals("query")) {
                    out.add(p.get("name").asText());
                }
            }
        }
        return out;
    }

    private static Set<String> words(String commaSeparated) {
        Set<String> out = new TreeSet<>();
        for (String w : commaSeparated.split(",")) {
            if (!w.isBlank()) {
                out.add(w.strip());
            }
        }
        return out;
    }
}

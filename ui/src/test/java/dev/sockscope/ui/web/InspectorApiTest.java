package dev.sockscope.ui.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Header;

/** The JSON API against a real H2 folder (and PostgreSQL: {@link PgInspectorApiTest}), through real sockets, the app on port 0. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InspectorApiTest {
    static final String HOSTILE = "<img src=x onerror=alert(1)>";
    static final String PASSWORD = "hunter2-very-secret";

    @TempDir
    static Path dir;
    private RecordingStore store;
    private InspectorApp app;
    private Http http;
    private Recordings.Session chat;
    private Recordings.Session open;
    private Recordings.Session other;
    private Recordings.Session policy;

    /** The store the inspector reads, written first by the test. */
    RecordingStore openStore() throws Exception {
        return H2RecordingStore.open(dir);
    }

    @BeforeAll
    void start() throws Exception {
        store = openStore();
        Recordings rec = new Recordings(store);
        policy = rec.open("/strict", null).text(Direction.CLIENT_TO_SERVER, "{\"hello\":2}").close(1008);
        other = rec.open("/other", "room=7").text(Direction.CLIENT_TO_SERVER, "{\"hello\":1}").close(1000);
        chat = rec.open("/ws", "sid=abc")
                .text(Direction.CLIENT_TO_SERVER, "{\"name\":\"Event.AddConversation\",\"args\":\"{\\\"user_id\\\":1,\\\"application_id\\\":100}\"}")
                .text(Direction.SERVER_TO_CLIENT, "{\"name\":\"Event.AddConversation\",\"ok\":true,\"result\":{\"id\":2}}")
                .text(Direction.CLIENT_TO_SERVER, "{\"name\":\"Event.GetUnreadInfo\",\"args\":\"{\\\"user_id\\\":1}\"}")
                .text(Direction.SERVER_TO_CLIENT, "{\"name\":\"Event.ReceiveMessage\",\"args\":\"{\\\"text\\\":\\\"" + HOSTILE + "\\\"}\"}")
                .frame(Direction.CLIENT_TO_SERVER, FrameType.BINARY, new byte[] {1, 2, 3, (byte) 0xFF})
                .text(Direction.CLIENT_TO_SERVER, "{\"name\":\"Event.Login\",\"args\":\"{\\\"password\\\":\\\"" + PASSWORD + "\\\"}\"}")
                .close(1000);
        open = rec.open("/live", null, new Header("Authorization", "Bearer " + PASSWORD)).text(Direction.CLIENT_TO_SERVER, "{\"x\":1}");
        app = new InspectorApp(store, new TestSource(), ProtocolRegistry.builtIn(), InspectorOptions.parse("127.0.0.1:0", null)).start();
        http = new Http(app.port());
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private static List<Long> seqs(JsonNode frames) {
        List<Long> out = new ArrayList<>();
        frames.forEach(f -> out.add(f.get("seq").asLong()));
        return out;
    }

    private static List<Long> ids(JsonNode sessions) {
        List<Long> out = new ArrayList<>();
        sessions.forEach(s -> out.add(s.get("id").asLong()));
        return out;
    }

    @Test
    void sessionsNewestFirstPagedByCursor() {
        JsonNode first = http.get("/api/sessions?limit=2").json();
        assertThat(ids(first.get("sessions"))).containsExactly(open.id, chat.id);
        assertThat(first.get("next").asLong()).isEqualTo(chat.id);
        JsonNode second = http.get("/api/sessions?limit=2&before=" + chat.id).json();
        assertThat(ids(second.get("sessions"))).containsExactly(other.id, policy.id);
        assertThat(second.get("next").isNull()).isTrue();
    }

    @Test
    void sessionsUseTheCommandLinesFieldNames() {
        JsonNode s = http.get("/api/sessions/" + chat.id).json();
        assertThat(s.get("id").asLong()).isEqualTo(chat.id);
        assertThat(s.get("protocol").asText()).isEqualTo("event-chat");
        assertThat(s.get("frames").asLong()).isEqualTo(7);
        assertThat(s.get("closeCode").asInt()).isEqualTo(1000);
        assertThat(s.get("closedBy").asText()).isEqualTo("client");
        assertThat(s.get("unanswered").toString()).isEqualTo("[3,6]");
        assertThat(s.has("requestHeaders")).isTrue();
    }

    @Test
    void sessionsCountFramesAndBytesEachWay() {
        JsonNode s = http.get("/api/sessions/" + chat.id).json();
        long[] expected = new long[4];
        http.get("/api/sessions/" + chat.id + "/frames").json().get("frames").forEach(f -> {
            int way = f.get("from").asText().equals("client") ? 0 : 2;
            expected[way]++;
            expected[way + 1] += f.get("size").asLong();
        });
        assertThat(new long[] {s.get("clientFrames").asLong(), s.get("clientBytes").asLong(), s.get("serverFrames").asLong(),
                s.get("serverBytes").asLong()}).containsExactly(expected);
        assertThat(expected[0]).isEqualTo(5);
        assertThat(expected[2]).isEqualTo(2);
    }

    @Test
    void sessionFiltersCombine() {
        assertThat(ids(http.get("/api/sessions?protocol=event-chat").json().get("sessions"))).containsExactly(chat.id);
        assertThat(ids(http.get("/api/sessions?state=open").json().get("sessions"))).containsExactly(open.id);
        assertThat(ids(http.get("/api/sessions?state=closed&q=ROOM%3D7").json().get("sessions"))).containsExactly(other.id);
        assertThat(ids(http.get("/api/sessions?protocol=EVENT").json().get("sessions"))).as("part of the name, any case").containsExactly(chat.id);
        assertThat(ids(http.get("/api/sessions?errors=true").json().get("sessions"))).as("a close code other than 1000, 1001, 1005")
                .containsExactly(policy.id);
    }

    @Test
    void aHandshakeSecretStaysMasked() {
        String body = http.get("/api/sessions/" + open.id).body();
        assertThat(body).doesNotContain(PASSWORD).contains("hmac:");
    }

    @Test
    void framesPageForwardByCursor() {
        JsonNode first = http.get("/api/sessions/" + chat.id + "/frames?limit=3").json();
        assertThat(seqs(first.get("frames"))).containsExactly(1L, 2L, 3L);
        assertThat(first.get("next").asLong()).isEqualTo(3);
        assertThat(first.get("prev").isNull()).isTrue();
        JsonNode rest = http.get("/api/sessions/" + chat.id + "/frames?limit=10&after=3").json();
        assertThat(seqs(rest.get("frames"))).containsExactly(4L, 5L, 6L, 7L);
        assertThat(rest.get("next").isNull()).isTrue();
        assertThat(rest.get("prev").asLong()).isEqualTo(4);
    }

    @Test
    void framesPageBackwardForPreviousMatch() {
        JsonNode page = http.get("/api/sessions/" + chat.id + "/frames?limit=2&before=6").json();
        assertThat(seqs(page.get("frames"))).containsExactly(4L, 5L);
        assertThat(page.get("prev").asLong()).isEqualTo(4);
        assertThat(page.get("next").asLong()).isEqualTo(5);
        JsonNode previousRequest = http.get("/api/sessions/" + chat.id + "/frames?limit=1&kind=request&before=3").json();
        assertThat(seqs(previousRequest.get("frames"))).containsExactly(1L);
        assertThat(previousRequest.get("prev").isNull()).isTrue();
    }

    @Test
    void eachFrameFilter() {
        String f = "/api/sessions/" + chat.id + "/frames?";
        assertThat(seqs(http.get(f + "from=server").json().get("frames"))).containsExactly(2L, 4L);
        assertThat(seqs(http.get(f + "type=binary,close").json().get("frames"))).containsExactly(5L, 7L);
        assertThat(seqs(http.get(f + "kind=response").json().get("frames"))).containsExactly(2L);
        assertThat(seqs(http.get(f + "label=unreadinfo").json().get("frames"))).containsExactly(3L);
        assertThat(seqs(http.get(f + "protocol=event-chat&from=client&type=text").json().get("frames"))).containsExactly(1L, 3L, 6L);
        assertThat(seqs(http.get(f + "text=ONERROR").json().get("frames"))).containsExactly(4L);
        assertThat(seqs(http.get(f + "regex=application_id.%2A100").json().get("frames"))).containsExactly(1L);
        assertThat(seqs(http.get(f + "warnings=true").json().get("frames"))).contains(3L);
        assertThat(seqs(http.get(f + "sinceMicros=" + (Recordings.T0 + 2000) + "&untilMicros=" + (Recordings.T0 + 3000))
                .json().get("frames"))).containsExactly(2L, 3L);
        assertThat(seqs(http.get(f + "from=server&text=onerror&kind=request").json().get("frames"))).isEmpty();
    }

    @Test
    void timelineRowsCarryNoPayloadUnlessAsked() {
        JsonNode row = http.get("/api/sessions/" + chat.id + "/frames?limit=1").json().get("frames").get(0);
        assertThat(row.has("text")).isFalse();
        assertThat(row.get("label").asText()).isEqualTo("Event.AddConversation");
        assertThat(row.get("size").asInt()).isPositive();
        JsonNode full = http.get("/api/sessions/" + chat.id + "/frames?limit=1&payload=true").json().get("frames").get(0);
        assertThat(full.get("text").asText()).startsWith("{\"name\":\"Event.AddConversation\"");
    }

    @Test
    void aFrameWithItsTreeAndThePairEitherWay() {
        JsonNode request = http.get("/api/sessions/" + chat.id + "/frames/1").json();
        assertThat(request.get("frame").get("decoded").isObject()).isTrue();
        assertThat(request.get("pair").get("seq").asLong()).isEqualTo(2);
        JsonNode response = http.get("/api/sessions/" + chat.id + "/frames/2").json();
        assertThat(response.get("frame").get("correlatesWith").asLong()).isEqualTo(1);
        assertThat(response.get("pair").get("seq").asLong()).isEqualTo(1);
        JsonNode unanswered = http.get("/api/sessions/" + chat.id + "/frames/3").json();
        assertThat(unanswered.get("pair").isNull()).isTrue();
        assertThat(unanswered.get("frame").get("warnings").toString()).contains("never answered");
    }

    @Test
    void aHostilePayloadComesBackAsAJsonString() {
        Http.Answer a = http.get("/api/sessions/" + chat.id + "/frames/4");
        assertThat(a.header("Content-Type")).startsWith("application/json");
        assertThat(a.json().get("frame").get("text").asText()).contains(HOSTILE);
        assertThat(a.json().get("frame").get("decoded").toString()).contains(HOSTILE);
    }

    @Test
    void aMaskedSecretStaysMaskedInPayloadTreeAndRows() {
        String detail = http.get("/api/sessions/" + chat.id + "/frames/6").body();
        String rows = http.get("/api/sessions/" + chat.id + "/frames?payload=true").body();
        String search = http.get("/api/sessions/" + chat.id + "/frames?text=" + PASSWORD).body();
        assertThat(detail).doesNotContain(PASSWORD).contains("hmac:");
        assertThat(rows).doesNotContain(PASSWORD);
        assertThat(search).contains("\"frames\":[]");
    }

    @Test
    void statsForCharts() {
        JsonNode s = http.get("/api/sessions/" + chat.id + "/stats").json();
        assertThat(s.get("frames").asLong()).isEqualTo(7);
        long clientFrames = 0;
        long serverFrames = 0;
        for (JsonNode p : s.get("series")) {
            clientFrames += p.get("clientFrames").asLong();
            serverFrames += p.get("serverFrames").asLong();
        }
        assertThat(clientFrames).isEqualTo(5);
        assertThat(serverFrames).isEqualTo(2);
        assertThat(s.get("series").size()).isLessThanOrEqualTo(FramesApi.CHART_POINTS);
        assertThat(s.get("latency").get("count").asLong()).isEqualTo(1);
        assertThat(s.get("latency").get("p50Ms").asDouble()).isEqualTo(1.0);
        assertThat(s.get("latency").get("histogram").get(0).get("count").asLong()).isEqualTo(1);
        assertThat(s.get("labels").toString()).contains("{\"label\":\"Event.AddConversation\",\"count\":2}");
    }

    @Test
    void badParametersAre400sThatNameTheParameter() {
        String f = "/api/sessions/" + chat.id + "/frames?";
        for (String[] c : new String[][] {{"limit=0", "limit"}, {"after=x", "after"}, {"from=nobody", "from"},
                {"type=gif", "type"}, {"kind=rumour", "kind"}, {"regex=(", "regex"}, {"lable=x", "lable"},
                {"after=1&before=3", "before"}, {"warnings=yes", "warnings"}}) {
            Http.Answer a = http.get(f + c[0]);
            assertThat(a.status()).as(c[0]).isEqualTo(400);
            assertThat(a.json().get("error").asText()).as(c[0]).contains("'" + c[1] + "'");
            assertThat(a.body()).as(c[0]).doesNotContain("at dev.sockscope", "Exception");
        }
        assertThat(http.get("/api/sessions?state=maybe").status()).isEqualTo(400);
        assertThat(http.get("/api/sessions/abc").json().get("error").asText()).contains("'id'");
    }

    @Test
    void regexSearchesAreLinearAndRefuseWhatRe2DoesNotHaveByName() {
        String f = "/api/sessions/" + chat.id + "/frames?regex=";
        long start = System.nanoTime();
        assertThat(seqs(http.get(f + "%28%28a%2B%29%2B%29%2Bx").json().get("frames"))).isEmpty();
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms for ((a+)+)+x").isLessThan(5_000);
        Http.Answer lookahead = http.get(f + "%28%3F%3Dname%29");
        assertThat(lookahead.status()).isEqualTo(400);
        assertThat(lookahead.json().get("error").asText()).contains("'regex'").contains("RE2 syntax, which has no lookahead");
        Http.Answer backReference = http.get(f + "%28a%29%5C1");
        assertThat(backReference.json().get("error").asText()).contains("no back references");
    }

    @Test
    void unknownIdsAre404s() {
        assertThat(http.get("/api/sessions/999").status()).isEqualTo(404);
        assertThat(http.get("/api/sessions/999/frames").status()).isEqualTo(404);
        assertThat(http.get("/api/sessions/999/stats").json().get("error").asText()).contains("no session 999");
        assertThat(http.get("/api/sessions/" + chat.id + "/frames/99").status()).isEqualTo(404);
        assertThat(http.get("/api/nothing").status()).isEqualTo(404);
        assertThat(http.get("/api/nothing").header("Content-Type")).startsWith("application/json");
    }

    @Test
    void deleteRemovesAnEndedSessionAndRefusesAnOpenOne() throws Exception {
        Recordings.Session doomed = new Recordings(store).open("/doomed", null).text(Direction.CLIENT_TO_SERVER, "{}").close(1000);
        assertThat(http.delete("/api/sessions/" + doomed.id).status()).isEqualTo(204);
        assertThat(http.get("/api/sessions/" + doomed.id).status()).isEqualTo(404);
        assertThat(http.delete("/api/sessions/" + doomed.id).status()).isEqualTo(404);
        Http.Answer stillOpen = http.delete("/api/sessions/" + open.id);
        assertThat(stillOpen.status()).isEqualTo(409);
        assertThat(stillOpen.json().get("error").asText()).contains("still open");
    }

    @Test
    void aStarIsSetAndTakenAwayAndTheStarredFilterFindsIt() {
        try {
            assertThat(http.get("/api/sessions/" + policy.id).json().get("starred").asBoolean()).isFalse();
            Http.Answer starred = http.post("/api/sessions/" + policy.id + "/star", "{}");
            assertThat(starred.status()).as(starred.body()).isEqualTo(200);
            assertThat(starred.json().get("starred").asBoolean()).isTrue();
            assertThat(ids(http.get("/api/sessions?starred=true").json().get("sessions"))).containsExactly(policy.id);
            assertThat(ids(http.get("/api/sessions?starred=true&state=open").json().get("sessions"))).isEmpty();
            assertThat(http.post("/api/sessions/" + policy.id + "/star", "{}", "Origin", "http://evil.example").status())
                    .as("guarded like delete").isEqualTo(403);
            assertThat(http.delete("/api/sessions/" + policy.id + "/star", "Sec-Fetch-Site", "cross-site").status()).isEqualTo(403);
            assertThat(http.get("/api/sessions/" + policy.id).json().get("starred").asBoolean()).isTrue();
            Http.Answer unstarred = http.delete("/api/sessions/" + policy.id + "/star");
            assertThat(unstarred.status()).as(unstarred.body()).isEqualTo(200);
            assertThat(unstarred.json().get("starred").asBoolean()).isFalse();
            assertThat(ids(http.get("/api/sessions?starred=true").json().get("sessions"))).isEmpty();
            assertThat(http.post("/api/sessions/987654/star", "{}").status()).isEqualTo(404);
            assertThat(http.delete("/api/sessions/987654/star").status()).isEqualTo(404);
        } finally {
            http.delete("/api/sessions/" + policy.id + "/star");
        }
    }

    @Test
    void deleteRefusesCrossSiteRequests() {
        Http.Answer byOrigin = http.delete("/api/sessions/" + other.id, "Origin", "http://evil.example");
        Http.Answer byFetchSite = http.delete("/api/sessions/" + other.id, "Sec-Fetch-Site", "cross-site");
        assertThat(byOrigin.status()).isEqualTo(403);
        assertThat(byFetchSite.status()).isEqualTo(403);
        assertThat(http.get("/api/sessions/" + other.id).status()).isEqualTo(200);
    }

    @Test
    void everyAnswerCarriesTheSecurityHeaders() {
        for (String path : new String[] {"/", "/api/sessions", "/api/nothing"}) {
            Http.Answer a = http.get(path);
            assertThat(a.header("Content-Security-Policy")).as(path).contains("default-src 'self'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline");
            assertThat(a.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
        }
    }

    @Test
    void pagesAndChartJsComeFromTheJar() {
        assertThat(http.get("/").body()).contains("<title>Sockscope");
        Http.Answer chart = http.get(InspectorApp.CHART_JS_PATH + "/dist/chart.umd.min.js");
        assertThat(chart.status()).isEqualTo(200);
        assertThat(chart.header("Content-Type")).contains("javascript");
    }

    @Test
    void aHostNameThatIsNotLoopbackIsRefused() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", app.port())) {
            s.getOutputStream().write("GET /api/sessions HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 403").contains("loopback host name");
        }
    }
}

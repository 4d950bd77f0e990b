package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.demo.ScriptedClients;
import dev.sockscope.proxy.demo.Simulator;
import dev.sockscope.proxy.demo.Simulators;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.ui.docs.DocsSpecExampleTest;
import dev.sockscope.ui.views.Json;

/**
 * The demo's path end to end: the five protocol simulators behind the real proxy, the scripted clients talking to
 * them through it, every frame decoded and recorded in a real H2 file, read back by the store and the command line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FiveProtocolsTest {
    /** The login token of the MAX conversation the demo plays ({@code max/02-session}). */
    private static final String MAX_TOKEN = "An9xQ2hY7tLp0s-secret";
    @TempDir
    static Path db;
    private SimulatorServer sims;
    private ProxyRuntime runtime;
    private final Map<String, SessionRecord> byName = new LinkedHashMap<>();
    private final List<SessionRecord> sessions = new ArrayList<>();

    @BeforeAll
    void recordTheDemo() throws Exception {
        List<Simulator<?>> simulators = Simulators.all();
        sims = SimulatorServer.start("127.0.0.1", simulators);
        List<Route> routes = new ArrayList<>();
        for (Simulator s : simulators) {
            routes.add(new Route("127.0.0.1", 0, sims.uri(s.name())));
        }
        runtime = ProxyRuntime.start(routes, RelayOptions.defaults(), db, false, ProtocolRegistry.builtIn());
        Map<String, URI> proxied = new LinkedHashMap<>();
        for (int i = 0; i < simulators.size(); i++) {
            proxied.put(simulators.get(i).name(), URI.create("ws://" + runtime.relay().boundRoutes().get(i).listen()));
        }
        new ScriptedClients().runAll(proxied);
        runtime.awaitRecorded(Duration.ofSeconds(20));
        sessions.addAll(runtime.store().sessions(100));
        sessions.sort((a, b) -> Long.compare(a.id(), b.id()));
        for (SessionRecord s : sessions) {
            byName.putIfAbsent(s.protocol() + (s.info().handshake().query() != null && s.info().handshake().query().contains("channel") ? "-voice" : ""), s);
        }
    }

    @AfterAll
    void stop() {
        runtime.close();
        sims.close();
    }

    private List<StoredFrame> frames(SessionRecord s) throws Exception {
        return runtime.store().storedFrames(s.id(), 0, 10_000);
    }

    private static List<String> labels(List<StoredFrame> frames) {
        return frames.stream().map(f -> f.decoding().label()).toList();
    }

    @Test
    void everySessionGetsItsProtocolForTheRightReason() {
        assertThat(sessions).extracting(SessionRecord::protocol)
                .containsExactly("max", "event-chat", "maim", "maim", "zavodchat", "zavodchat", "qq-push");
        assertThat(sessions).extracting(SessionRecord::protocolReason).containsExactly(
                "content: frame 1 matches the max spec",
                "handshake: subprotocol access_token, query sid, path /ws",
                "handshake: header platform, path /ws",
                "handshake: header platform, path /ws",
                "handshake: cookie zavodchat_token",
                "handshake: cookie zavodchat_token",
                "content: frame 1 matches the qq-push spec");
        assertThat(sessions).allSatisfy(s -> assertThat(s.isOpen()).isFalse());
    }

    @Test
    void maxRequestsPairWithResponsesByTheirSeqAndTheTokenIsNeverStored() throws Exception {
        List<StoredFrame> frames = frames(byName.get("max"));
        assertThat(frames).allSatisfy(f -> assertThat(f.decoding()).isNotNull());
        assertThat(labels(frames)).containsExactly("SESSION_INIT (6)", "SESSION_INIT (6)", "LOGIN (19)", "LOGIN (19)",
                "NOTIF_SYNC (6)", "PING (1)", "PING (1)", "NOTIF_MESSAGE (128)", "CHAT_HISTORY (49)", "CHAT_HISTORY (49)",
                "opcode 999", "MSG_SEND (64)", "close 1000", "close 1000");
        FrameDecoding loginAnswer = frames.get(3).decoding();
        assertThat(loginAnswer.kind()).isEqualTo(Kind.RESPONSE);
        assertThat(loginAnswer.correlatesWith()).isEqualTo(frames.get(2).seq());
        assertThat(loginAnswer.latencyMicros()).isPositive();
        assertThat(frames.get(9).decoding().kind()).isEqualTo(Kind.ERROR);
        assertThat(frames.get(9).decoding().correlatesWith()).isEqualTo(frames.get(8).seq());
        assertThat(frames.get(11).decoding().warnings()).singleElement().asString().contains("answers no pending request (seq 77)");
        assertThat(byName.get("max").unanswered()).containsExactly(frames.get(10).seq());
        String storedLogin = frames.get(2).frame().text();
        assertThat(storedLogin).doesNotContain(MAX_TOKEN).contains("\"token\":\"An9x…[hmac:");
        assertThat(frames.get(2).decoding().summary()).doesNotContain(MAX_TOKEN);
    }

    @Test
    void eventChatShowsTheJwtClaimsPairsByNameAndFlagsTheUnansweredRequest() throws Exception {
        SessionRecord s = byName.get("event-chat");
        JsonNode handshake = Json.MAPPER.readTree(s.handshakeDecoded());
        JsonNode jwt = handshake.path("subprotocolsOffered").get(1);
        assertThat(jwt.path("claims").path("admin_id").asText()).isEqualTo("1");
        assertThat(jwt.path("signature").asText()).isEqualTo("masked");
        assertThat(s.handshakeDecoded()).doesNotContain("G789lqmV0yUs9sKVTcpid6HK3D4zK98kum-EgWs3yiY");
        assertThat(s.info().handshake().requestHeaders().toString()).doesNotContain(ScriptedClients.EVENT_CHAT_JWT);
        assertThat(s.info().handshake().subprotocol()).isEqualTo("access_token");

        List<StoredFrame> frames = frames(s);
        StoredFrame push = frames.stream().filter(f -> f.decoding().label().equals("Event.ReceiveMessage")).findFirst().orElseThrow();
        assertThat(push.decoding().kind()).isEqualTo(Kind.EVENT);
        assertThat(push.decoding().correlatesWith()).isNull();
        StoredFrame unread = frames.stream().filter(f -> f.decoding().label().equals("Event.GetUnreadInfo")).findFirst().orElseThrow();
        assertThat(s.unanswered()).containsExactly(unread.seq());
        assertThat(frames.stream().filter(f -> f.decoding().kind() == Kind.RESPONSE)
                .allMatch(f -> f.decoding().correlatesWith() != null)).isTrue();
    }

    @Test
    void maimRefusesABadTokenWith1008AndSummarisesTheImage() throws Exception {
        SessionRecord refused = sessions.get(2);
        assertThat(refused.end().closeCode()).isEqualTo(1008);
        StoredFrame close = frames(refused).get(0);
        assertThat(close.decoding().summary()).isEqualTo(
                "1008 policy violation: Invalid or missing token — maim: the server rejected the authorization header (bad or missing token)");
        assertThat(refused.handshakeDecoded()).contains("\"platform\":{\"value\":\"my_platform\"").doesNotContain("wrong-token");

        List<StoredFrame> frames = frames(sessions.get(3));
        assertThat(frames.get(1).decoding().summary())
                .isEqualTo("my_platform · 麦麦 (maimbot) in 技术交流群 (group_789): [reply to msg_001] @123456789 这是效果图：[image 512 KiB]");
        assertThat(frames.get(1).frame().size()).isGreaterThan(512 * 1024);
    }

    @Test
    void zavodchatKeepsTheMalformedEventRawAndMarkedInvalid() throws Exception {
        List<StoredFrame> frames = frames(byName.get("zavodchat"));
        assertThat(frames).hasSize(Simulators.ZAVODCHAT_MAIN.frames().size() + 2);
        StoredFrame broken = frames.stream().filter(f -> f.decoding().label().equals("user_changed")).findFirst().orElseThrow();
        assertThat(broken.decoding().kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(broken.decoding().warnings()).singleElement().asString().startsWith("invalid JSON at line 9");
        assertThat(broken.frame().text()).as("stored as the document prints it").isEqualTo(
                Simulators.ZAVODCHAT_MAIN.frames().get((int) broken.seq() - 1).text()).contains("\"rena_fan_no1\"\n\t}\n    },");
        assertThat(frames.get(1).decoding().summary()).isEqualTo("in #1 by user 1: its over guys");

        List<StoredFrame> voice = frames(byName.get("zavodchat-voice"));
        assertThat(voice.get(0).decoding().summary()).isEqualTo("video on, H264 at 9.2 Mbit/s");
        assertThat(voice.get(1).decoding().label()).isEqualTo("disable_video");
    }

    @Test
    void qqPushLabelsEveryDocumentedEventType() throws Exception {
        List<StoredFrame> frames = frames(byName.get("qq-push"));
        Set<String> labels = frames.stream().filter(f -> f.decoding().kind() == Kind.EVENT).map(f -> f.decoding().label())
                .collect(Collectors.toSet());
        assertThat(labels).containsExactlyInAnyOrder("msg/private", "msg/group", "revoke/private", "revoke/group",
                "user/online", "user/offline", "user/newFriendRequest", "user/groupInvite", "user/friendAdded",
                "user/friendRemoved", "user/groupJoined", "user/groupLeft", "group/joinRequest", "group/mute",
                "group/admin", "group/memberJoined", "group/memberLeft");
        assertThat(frames).filteredOn(f -> f.decoding().label().equals("group/mute")).extracting(f -> f.decoding().summary())
                .containsExactly("group 30003: whole group muted for 10 min by 10004",
                        "group 30003: whole-group mute lifted by 10004",
                        "group 30003: 10003 muted for 1 h by 10004");
        assertThat(frames).allSatisfy(f -> assertThat(f.decoding().warnings()).isEmpty());
    }

    @Test
    void theCommandLineFiltersOnLabelKindAndSenderAndPrintsTheDecodedFields() throws Exception {
        SessionRecord max = byName.get("max");
        String json = run("frames", String.valueOf(max.id()), "--db", db.toString(), "--json", "--kind", "response,error", "--tree");
        JsonNode frames = Json.MAPPER.readTree(json);
        // The SESSION_INIT and LOGIN answers, the CHAT_HISTORY error and a MSG_SEND answer to nothing (the PING answer is a heartbeat).
        assertThat(frames).hasSize(4);
        JsonNode login = frames.get(1);
        assertThat(login.path("protocol").asText()).isEqualTo("max");
        assertThat(login.path("label").asText()).isEqualTo("LOGIN (19)");
        assertThat(login.path("kind").asText()).isEqualTo("response");
        assertThat(login.path("summary").asText()).isEqualTo("logged in as Anna");
        assertThat(login.path("correlatesWith").asLong()).isEqualTo(3);
        assertThat(login.path("latencyMs").isNumber()).isTrue();
        assertThat(login.path("warnings").isArray()).isTrue();
        assertThat(login.path("decoded").path("payload").path("profile").path("name").asText()).isEqualTo("Anna");

        String table = run("frames", String.valueOf(max.id()), "--db", db.toString(), "--label", "login", "--from", "client");
        assertThat(table).contains("LOGIN (19)").contains("request").doesNotContain("response");
        assertThat(table.lines().filter(l -> l.contains("LOGIN (19)")).count()).isEqualTo(1);

        JsonNode listed = Json.MAPPER.readTree(run("sessions", "--db", db.toString(), "--json"));
        assertThat(listed).extracting(n -> n.path("protocol").asText()).contains("max", "event-chat", "maim", "zavodchat", "qq-push");
        assertThat(run("sessions", "--db", db.toString())).contains("PROTOCOL").contains("qq-push");
    }

    private static String run(String... args) {
        return Cli.run(args);
    }

    @Test
    void badSpecsAndUnknownProtocolsStopTheCommandWithAClearMessage(@TempDir Path specs) throws Exception {
        Files.writeString(specs.resolve("mine.yaml"), "protocol: mine\nkinds:\n  - {kind: reqest}\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute("protocols", "--protocols", specs.toString());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("sockscope: " + specs.resolve("mine.yaml") + ": line 3: 'reqest' is not a kind");

        Files.copy(DocsSpecExampleTest.JSON_RPC_SPEC, specs.resolve("mine.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(run("protocols", "--protocols", specs.toString())).contains("json-rpc").contains("max").contains("generic")
                .as("the docs' spec is named like the built-in JSON-RPC decoder, which it replaces").contains("Your decoders replace the built-in json-rpc.");

        StringWriter err2 = new StringWriter();
        int code2 = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err2))
                .execute("proxy", "--db", db.resolve("other").toString(), "--route", "0=ws://127.0.0.1:1", "--protocol", "nope");
        assertThat(code2).isEqualTo(2);
        // The seed specs first, then the built-in Java decoders (more come), generic last.
        assertThat(err2.toString()).containsPattern("--protocol nope: no such protocol \\(known: max, event-chat, maim, zavodchat, qq-push, [^)]*generic\\)")
                .contains(" graphql,", " json-rpc,");
    }

    @Test
    void aRoutesProtocolOptionOverridesDetection(@TempDir Path otherDb) throws Exception {
        Route forced = new Route("127.0.0.1", 0, sims.uri("max"), "generic");
        try (ProxyRuntime proxy = ProxyRuntime.start(List.of(forced), RelayOptions.defaults(), otherDb, false, ProtocolRegistry.builtIn())) {
            new ScriptedClients().runAll(Map.of("max", URI.create("ws://" + proxy.relay().boundRoutes().get(0).listen())), List.of("max"));
            proxy.awaitRecorded(Duration.ofSeconds(20));
            SessionRecord s = proxy.store().sessions(1).get(0);
            assertThat(s.protocol()).isEqualTo("generic");
            assertThat(s.protocolReason()).isEqualTo("chosen with --protocol generic");
            List<StoredFrame> frames = proxy.store().storedFrames(s.id(), 0, 100);
            assertThat(frames.get(0).decoding().protocol()).isEqualTo("json");
            // Without the max decoder, the conventional secret names are still masked.
            assertThat(frames.get(2).frame().text()).doesNotContain(MAX_TOKEN).contains("\"token\":\"An9x…[hmac:");
            assertThat(frames.get(2).decoding().summary()).doesNotContain(MAX_TOKEN);
        }
    }
}

package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.ui.views.Json;
import dev.sockscope.wire.FrameType;

/** HAR and JSONL out, HAR in: the demo's sessions survive a round trip, and a HAR saved by Chrome imports and decodes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExchangeTest {
    @TempDir
    static Path dir;
    private Path demo;
    private List<SessionRecord> recorded;

    @BeforeAll
    void recordTheDemo() throws Exception {
        demo = dir.resolve("demo");
        Cli.run("demo", "--exit", "--db", demo.toString(), "--listen", "127.0.0.1:0", "--no-ui");
        try (H2RecordingStore store = H2RecordingStore.openReader(demo)) {
            recorded = oldestFirst(store.sessions(100));
        }
        assertThat(recorded).hasSize(7);
    }

    @Test
    void exportThenImportGivesBackTheSameSessionsFramesAndDecodings() throws Exception {
        Path har = dir.resolve("demo.har");
        List<String> args = new ArrayList<>(List.of("export", "--db", demo.toString(), "-o", har.toString()));
        recorded.forEach(s -> args.add(String.valueOf(s.id())));
        Cli.run(args.toArray(String[]::new));

        JsonNode log = Json.MAPPER.readTree(har.toFile()).get("log");
        assertThat(log.get("version").asText()).isEqualTo("1.2");
        JsonNode entry = log.get("entries").get(0);
        assertThat(entry.get("_resourceType").asText()).isEqualTo("websocket");
        assertThat(entry.get("request").get("url").asText()).startsWith("ws://127.0.0.1:");
        JsonNode first = entry.get("_webSocketMessages").get(0);
        assertThat(first.get("type").asText()).isEqualTo("send");
        assertThat(first.get("opcode").asInt()).isEqualTo(1);
        assertThat(first.get("time").asDouble()).isCloseTo(recorded.get(0).info().startedAtMicros() / 1e6, org.assertj.core.data.Offset.offset(5.0));
        // Chrome's shape: data messages only in _webSocketMessages; ping, pong and close beside them in _sockscope.
        List<Integer> dataOpcodes = new ArrayList<>();
        List<Integer> controlOpcodes = new ArrayList<>();
        for (JsonNode e : log.get("entries")) {
            e.get("_webSocketMessages").forEach(m -> dataOpcodes.add(m.get("opcode").asInt()));
            e.path("_sockscope").path("controlFrames").forEach(m -> controlOpcodes.add(m.get("opcode").asInt()));
        }
        assertThat(dataOpcodes).as("_webSocketMessages holds text and binary messages only").isNotEmpty().isSubsetOf(1, 2);
        long closes = 0;
        try (H2RecordingStore store = H2RecordingStore.openReader(demo)) {
            for (SessionRecord s : recorded) {
                closes += store.storedFrames(s.id(), 0, 100_000).stream().filter(f -> f.frame().type() == FrameType.CLOSE).count();
            }
        }
        assertThat(closes).isPositive();
        assertThat(controlOpcodes).as("every close frame, in _sockscope.controlFrames").filteredOn(o -> o == 8).hasSize((int) closes);

        Path copy = dir.resolve("imported");
        String out = Cli.run("import", har.toString(), "--db", copy.toString());
        assertThat(out).contains("7 WebSocket sessions imported").contains("(secrets masked)");

        try (H2RecordingStore original = H2RecordingStore.openReader(demo); H2RecordingStore imported = H2RecordingStore.openReader(copy)) {
            List<SessionRecord> again = oldestFirst(imported.sessions(100));
            assertThat(again).hasSize(recorded.size());
            for (int i = 0; i < recorded.size(); i++) {
                SessionRecord a = recorded.get(i);
                SessionRecord b = again.get(i);
                assertThat(b.info().handshake()).as("handshake of session %d", a.id()).isEqualTo(a.info().handshake());
                assertThat(b.info().startedAtMicros()).isEqualTo(a.info().startedAtMicros());
                assertThat(b.end()).as("end of session %d", a.id()).isEqualTo(a.end());
                assertThat(b.protocol()).isEqualTo(a.protocol());
                assertThat(b.unanswered()).isEqualTo(a.unanswered());
                List<StoredFrame> fa = original.storedFrames(a.id(), 0, 100_000);
                List<StoredFrame> fb = imported.storedFrames(b.id(), 0, 100_000);
                assertThat(fb).as("frames of session %d", a.id()).hasSameSizeAs(fa);
                for (int k = 0; k < fa.size(); k++) {
                    var x = fa.get(k).frame();
                    var y = fb.get(k).frame();
                    assertThat(List.of(y.seq(), y.timeMicros(), y.from(), y.type(), y.fragments()))
                            .isEqualTo(List.of(x.seq(), x.timeMicros(), x.from(), x.type(), x.fragments()));
                    assertThat(y.payload()).as("payload of frame %d of session %d", x.seq(), a.id()).isEqualTo(x.payload());
                    assertThat(y.note()).isEqualTo(x.note());
                    assertThat(fb.get(k).decoding()).as("decoding of frame %d of session %d", x.seq(), a.id())
                            .isEqualTo(fa.get(k).decoding());
                }
            }
        }
    }

    @Test
    void jsonlIsOneFrameObjectPerLineWithEveryField() throws Exception {
        SessionRecord max = recorded.get(0);
        Path jsonl = dir.resolve("max.jsonl");
        Cli.run("export", String.valueOf(max.id()), "--format", "jsonl", "--db", demo.toString(), "-o", jsonl.toString());
        List<String> lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
        assertThat(lines).hasSize((int) max.frames());
        JsonNode login = lines.stream().map(l -> {
            try {
                return Json.MAPPER.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + l, e);
            }
        }).filter(n -> n.path("label").asText().startsWith("LOGIN")).findFirst().orElseThrow();
        assertThat(login.get("sessionId").asLong()).isEqualTo(max.id());
        assertThat(login.fieldNames()).toIterable().contains("seq", "time", "timeMicros", "from", "type", "size", "text",
                "protocol", "label", "kind", "summary", "wire");
        assertThat(login.get("text").asText()).as("the token stays masked").contains("[hmac:");
    }

    @Test
    void aHarSavedByChromeImportsDecodedAndMasked() throws Exception {
        Path chrome = Path.of("src/test/resources/har/chrome-max.har");
        Path into = dir.resolve("chrome");
        String out = Cli.run("import", chrome.toString(), "--db", into.toString());
        assertThat(out).contains("1 WebSocket sessions imported, 1 other entries skipped");
        try (H2RecordingStore store = H2RecordingStore.openReader(into)) {
            SessionRecord s = store.sessions(10).get(0);
            assertThat(s.info().upstream()).isEqualTo("wss://ws-api.oneme.ru");
            assertThat(s.info().handshake().path()).isEqualTo("/websocket");
            assertThat(s.info().handshake().extensions()).containsExactly("permessage-deflate");
            assertThat(s.protocol()).isEqualTo("max");
            assertThat(s.info().handshake().requestHeaders()).filteredOn(h -> h.name().equals("Cookie"))
                    .singleElement().satisfies(h -> assertThat(h.value()).doesNotContain("5d2f8b1c9e7a4031b6c2d8e9f0a1b2c3"));
            List<StoredFrame> frames = store.storedFrames(s.id(), 0, 100);
            assertThat(frames).hasSize(7);
            assertThat(frames).extracting(f -> f.decoding().label()).startsWith("SESSION_INIT (6)", "SESSION_INIT (6)", "LOGIN (19)");
            assertThat(frames.get(3).decoding().correlatesWith()).isEqualTo(3L);
            assertThat(frames.get(3).decoding().latencyMicros()).isEqualTo(161_100L);
            assertThat(frames.get(2).frame().text()).doesNotContain("An_8k2LrQ7vZ1mXyTg4WbH6sEpC9dFjR0uNoIaKlV3eYcM5qGtD");
            assertThat(frames.get(3).frame().text()).doesNotContain("An_8k2LrQ7vZ1mXyTg4WbH6sEpC9dFjR0uNoIaKlV3eYcM5qGtD");
            assertThat(frames.get(6).frame().type()).isEqualTo(FrameType.BINARY);
            assertThat(frames.get(6).frame().payload()).containsExactly(0, 1, 2, 3, 0xFF);
            assertThat(frames.get(0).frame().timeMicros()).isEqualTo(1_795_856_400_300_100L);
        }
    }

    @Test
    void aFileThatIsNotHarSaysSoAndImportsNothing() throws Exception {
        Path notJson = dir.resolve("notes.har");
        Files.writeString(notJson, "{\"log\": {\"entries\": [");
        Path notHar = dir.resolve("other.json");
        Files.writeString(notHar, "{\"hello\": 1}");
        Path into = dir.resolve("nothing");
        assertThat(fails("import", notJson.toString(), "--db", into.toString())).contains(notJson + ": not JSON:");
        assertThat(fails("import", notHar.toString(), "--db", into.toString())).contains("no log.entries array: not a HAR file");
        assertThat(fails("export", "999", "--db", demo.toString())).contains("no session 999");
    }

    @Test
    void messagesOverJacksonsDefaultLimitsRecordedByAProxyImportBackWhole() throws Exception {
        // Jackson reads at most 20 M characters per string by default: a 26.5 MB text and a 30 MB binary (40 M
        // characters of base64) did not import back, and the error was a NullPointerException.
        byte[] text = new byte[26_500_000];
        java.util.Random random = new java.util.Random(6);
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) ('a' + random.nextInt(26));
        }
        byte[] binary = new byte[30_000_000];
        random.nextBytes(binary);
        Path recorded = dir.resolve("big");
        try (dev.sockscope.proxy.testing.TestUpstream upstream = dev.sockscope.proxy.testing.TestUpstream.start(c -> {
            c.setMaxTextMessageSize(64 << 20);
            c.setMaxBinaryMessageSize(64 << 20);
            c.setMaxFrameSize(64 << 20);
        }); ProxyRuntime proxy = ProxyRuntime.start(List.of(dev.sockscope.proxy.Route.parse("127.0.0.1:0=" + upstream.uri())),
                dev.sockscope.proxy.RelayOptions.defaults(), recorded, false)) {
            var client = dev.sockscope.proxy.testing.TestClient.connect(java.net.URI.create("ws://127.0.0.1:"
                    + proxy.relay().boundRoutes().get(0).listenPort() + "/big"));
            client.socket.sendText(new String(text, StandardCharsets.US_ASCII), true).get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(client.events.nextText(java.time.Duration.ofSeconds(60))).hasSize(text.length);
            client.socket.sendBinary(java.nio.ByteBuffer.wrap(binary), true).get(60, java.util.concurrent.TimeUnit.SECONDS);
            client.events.next(java.time.Duration.ofSeconds(60));
            client.sendClose(1000, "done");
            client.events.nextClose();
            proxy.awaitRecorded(java.time.Duration.ofSeconds(60));
        }
        Path har = dir.resolve("big.har");
        Cli.run("export", "--db", recorded.toString(), "-o", har.toString(), "1");
        Path back = dir.resolve("big-back");
        assertThat(Cli.run("import", har.toString(), "--db", back.toString())).contains("1 WebSocket sessions imported");
        try (H2RecordingStore store = H2RecordingStore.openReader(back)) {
            List<StoredFrame> frames = store.storedFrames(store.sessions(1).get(0).id(), 0, 10);
            assertThat(frames).extracting(f -> f.frame().type()).containsExactly(FrameType.TEXT, FrameType.TEXT, FrameType.BINARY,
                    FrameType.BINARY, FrameType.CLOSE, FrameType.CLOSE);
            assertThat(frames.get(0).frame().payload()).isEqualTo(text);
            assertThat(frames.get(2).frame().payload()).isEqualTo(binary);
        }
    }

    @Test
    void aFileOverTheImportsLimitsSaysWhichLimit() throws Exception {
        Path har = dir.resolve("demo-for-limits.har");
        Cli.run("export", "--db", demo.toString(), "-o", har.toString(), String.valueOf(recorded.get(0).id()));
        Path into = dir.resolve("limits");
        assertThat(fails("import", har.toString(), "--db", into.toString(), "--max-message", "16")).contains(har + ": a string in it is"
                + " over 24 characters, the import's limit: the base64 of a message of 16 bytes (--max-message); raise --max-message");
        Path deep = dir.resolve("deep.har");
        Files.writeString(deep, "{\"log\": {\"entries\": [], \"x\": " + "[".repeat(5000) + "]".repeat(5000) + "}}");
        assertThat(fails("import", deep.toString(), "--db", into.toString())).contains(deep + ": its JSON nests deeper than 1000 levels");
    }

    @Test
    void repeatedBackwardsOrOutOfRangeFrameNumbersAreRenumberedWithANote() throws Exception {
        Path har = dir.resolve("seqs.har");
        Cli.run("export", "--db", demo.toString(), "-o", har.toString(), String.valueOf(recorded.get(0).id()));
        com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(har.toFile());
        JsonNode messages = root.get("log").get("entries").get(0).get("_webSocketMessages");
        long[] hostile = {7, 7, 3, -1, Long.MAX_VALUE};
        for (int i = 0; i < messages.size(); i++) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) messages.get(i).get("_sockscope")).put("seq", hostile[i % hostile.length]);
        }
        Json.MAPPER.writeValue(har.toFile(), root);
        // Chrome's _webSocketMessages holds data messages only; the close frames travel in _sockscope.controlFrames.
        JsonNode controls = root.get("log").get("entries").get(0).path("_sockscope").path("controlFrames");
        int total = messages.size() + controls.size();
        Path into = dir.resolve("seqs");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute("import", har.toString(), "--db", into.toString()))
                .isZero();
        assertThat(err.toString()).contains("entry 1: its frames' _sockscope.seq numbers were repeated, out of order or out of range,"
                + " so its frames are numbered 1 to " + total + " in the file's order");
        try (H2RecordingStore store = H2RecordingStore.openReader(into)) {
            List<StoredFrame> frames = store.storedFrames(store.sessions(1).get(0).id(), 0, 1000);
            assertThat(frames).as("every frame listable, in the file's order").hasSize(total);
            for (int i = 0; i < frames.size(); i++) {
                assertThat(frames.get(i).seq()).isEqualTo(i + 1);
            }
            assertThat(frames.get(0).frame().note()).contains("imported as frame 1: the file numbered it 7");
            assertThat(frames.get(3).frame().note()).contains("imported as frame 4: the file numbered it -1");
            assertThat(frames.get(4).frame().note()).contains("the file numbered it " + Long.MAX_VALUE);
        }
    }

    private static List<SessionRecord> oldestFirst(List<SessionRecord> newestFirst) {
        List<SessionRecord> out = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(out);
        return out;
    }

    private static String fails(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        assertThat(code).as("exit code of %s", List.of(args)).isEqualTo(2);
        return err.toString();
    }
}

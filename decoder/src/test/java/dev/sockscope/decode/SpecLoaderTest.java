package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.decode.spec.SpecException;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/** User specs from a folder: loaded, used for detection before the built-ins, and refused with a useful message. */
class SpecLoaderTest {
    /** docs/decoders.md's worked example; ui's DocsSpecExampleTest checks that the page shows exactly this file. */
    static final Path JSON_RPC = Path.of("src/test/resources/specs/json-rpc.yaml");

    @TempDir
    Path dir;

    private static RecordedFrame text(long seq, Direction from, String text) {
        return new RecordedFrame(1, seq, seq * 1000, from, FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8), 1, null);
    }

    @Test
    void aUserSpecFromAFolderIsDetectedAndDecodes() throws Exception {
        Files.copy(JSON_RPC, dir.resolve("json-rpc.yaml"));
        ProtocolRegistry registry = ProtocolRegistry.load(List.of(dir));
        assertThat(registry.names()).startsWith("json-rpc").contains("max", "event-chat", "maim", "zavodchat", "qq-push", "generic");

        SessionDecoder d = registry.open(new SessionInfo(1, "l", "ws://u", "c",
                new Handshake("/", null, List.of(), 101, List.of(), null, List.of()), 0));
        SessionDecoder.Step login = d.decode(text(1, Direction.CLIENT_TO_SERVER,
                "{\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":{\"user\":\"ann\",\"password\":\"hunter2-long\"},\"id\":7}"));
        assertThat(login.chosen().protocol()).isEqualTo("json-rpc");
        assertThat(login.decoding().label()).isEqualTo("login");
        assertThat(login.decoding().kind()).isEqualTo(Kind.REQUEST);
        assertThat(login.decoding().summary()).startsWith("login as ann (password hun…[hmac:").doesNotContain("hunter2-long");
        assertThat(new String(login.maskedPayload(), StandardCharsets.UTF_8)).doesNotContain("hunter2-long").contains("\"user\":\"ann\"");

        FrameDecoding result = d.decode(text(2, Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"result\":{\"ok\":true},\"id\":7}")).decoding();
        assertThat(result.kind()).isEqualTo(Kind.RESPONSE);
        assertThat(result.label()).as("an answer takes its request's method").isEqualTo("login");
        assertThat(result.correlatesWith()).isEqualTo(1L);
        assertThat(result.latencyMicros()).isEqualTo(1000L);
        assertThat(result.summary()).isEqualTo("result {\"ok\":true}");

        FrameDecoding note = d.decode(text(3, Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"method\":\"tick\",\"params\":[1]}")).decoding();
        assertThat(note.kind()).isEqualTo(Kind.EVENT);
        assertThat(note.summary()).isEqualTo("notification tick [1]");

        d.decode(text(4, Direction.CLIENT_TO_SERVER, "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":8}"));
        assertThat(d.unanswered()).containsExactly(4L);
    }

    @Test
    void theWorkedExampleReadsRealRpcWebsocketsTrafficWithoutAWarning() throws Exception {
        Files.copy(JSON_RPC, dir.resolve("json-rpc.yaml"));
        ProtocolRegistry registry = ProtocolRegistry.load(List.of(dir));
        for (String name : List.of("json-rpc/01-rpc-websockets", "json-rpc/02-raw-batch")) {
            dev.sockscope.wire.Capture capture = SpecLanguageTest.capture(name);
            SessionDecoder d = registry.open(capture.session(null), GoldenFrames.MASKER);
            List<FrameDecoding> decoded = new java.util.ArrayList<>();
            List<String> stored = new java.util.ArrayList<>();
            for (RecordedFrame f : capture.frames()) {
                SessionDecoder.Step step = d.decode(f);
                decoded.add(step.decoding());
                stored.add(step.maskedPayload() == null ? f.text() : new String(step.maskedPayload(), StandardCharsets.UTF_8));
            }
            assertThat(decoded).as(name).allSatisfy(x -> assertThat(x.warnings()).as(x.label() + " " + x.summary()).isEmpty());
            assertThat(d.unanswered()).as(name).isEmpty();
            if (name.endsWith("rpc-websockets")) {
                assertThat(decoded).extracting(FrameDecoding::label).containsExactly("sum", "sum", "slow", "sum", "sum", "slow", "fail", "fail",
                        "nope", "nope", "whoami", "whoami", "rpc.login", "rpc.login", "whoami", "whoami", "log", "logged", "logged", "rpc.on",
                        "rpc.on", "start-ticks", "start-ticks", "tick", "tick", "tick", "close 1000", "close 1000");
                // Out of order: the second sum (#4) is answered (#5) before the slow call (#3, answered by #6).
                assertThat(decoded.subList(0, 6)).extracting(FrameDecoding::correlatesWith).containsExactly(null, 1L, null, null, 4L, 3L);
                assertThat(decoded.get(7)).extracting(FrameDecoding::kind, FrameDecoding::summary).containsExactly(Kind.ERROR, "error -32000: Error");
                assertThat(decoded.get(16).kind()).as("a notification").isEqualTo(Kind.EVENT);
                assertThat(decoded.subList(23, 26)).extracting(FrameDecoding::kind, FrameDecoding::summary).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Kind.EVENT, "notification tick {\"n\":1}"),
                        org.assertj.core.groups.Tuple.tuple(Kind.EVENT, "notification tick {\"n\":2}"),
                        org.assertj.core.groups.Tuple.tuple(Kind.EVENT, "notification tick {\"n\":3}"));
                assertThat(stored.get(12)).doesNotContain("s3cr3t-rpc-password").contains("\"user\":\"bot\"");
                assertThat(decoded.get(12).summary()).doesNotContain("s3cr3t-rpc-password");
            }
        }
    }

    @Test
    void aUserSpecReplacesTheBuiltInOfTheSameName() throws Exception {
        Files.writeString(dir.resolve("max.yml"), "protocol: max\ntitle: my MAX\n");
        ProtocolRegistry registry = ProtocolRegistry.load(List.of(dir));
        assertThat(registry.find("max").orElseThrow().title()).isEqualTo("my MAX");
        assertThat(registry.replaced()).containsExactly("max");
    }

    @Test
    void specsMayBeJson() throws Exception {
        Files.writeString(dir.resolve("tiny.json"), "{\"protocol\":\"tiny\",\"label\":{\"fields\":[\"t\"]},\"kinds\":[{\"kind\":\"event\"}]}");
        assertThat(ProtocolRegistry.load(List.of(dir)).find("tiny")).isPresent();
    }

    private String errorOf(String fileName, String content) throws Exception {
        Files.writeString(dir.resolve(fileName), content);
        try {
            ProtocolRegistry.load(List.of(dir));
        } catch (SpecException e) {
            return e.getMessage();
        }
        throw new AssertionError("the spec was accepted: " + content);
    }

    @Test
    void aBadSpecNamesTheFileTheLineAndTheProblem() throws Exception {
        String file = dir.resolve("bad.yaml").toString();
        assertThat(errorOf("bad.yaml", "protocol: bad\nlabel:\n  fields: [op]\nkinds:\n  - {kind: reqest}\n"))
                .startsWith(file + ": line 5: ")
                .contains("'reqest' is not a kind (request, response, error, event, heartbeat, control, unknown)")
                .contains("kinds[0].kind");
        assertThat(errorOf("bad.yaml", "protocol: bad\nmessages:\n  - value: 1\n    summery: 'x'\n"))
                .startsWith(file + ": line 4: unknown field 'summery' (known here: ")
                .contains("summary");
        assertThat(errorOf("bad.yaml", "protocol: bad\nmessages:\n  - value: 1\n    summary: 'chat {payload.chatId|upper}'\n"))
                .startsWith(file + ": line 4: ").contains("unknown filter 'upper'").contains("known: count");
        assertThat(errorOf("bad.yaml", "protocol: bad\ndetect:\n  handshake:\n    path: '^/ws('\n"))
                .startsWith(file + ": line 4: ").contains("'^/ws(' is not a regular expression Sockscope can run (RE2 syntax)")
                .contains("missing closing )");
        assertThat(errorOf("bad.yaml", "protocol: Bad Name\n")).startsWith(file + ": line ").contains("short lower-case name");
        assertThat(errorOf("bad.yaml", "protocol: bad\nlabel: {fields: [op]\n")).startsWith(file + ": line ");
        assertThat(errorOf("bad.yaml", "protocol: bad\nmessages:\n  - summary: 'x [unclosed'\n"))
                .contains("an optional part '[' is never closed");
        // The language's newer parts are checked as carefully.
        assertThat(errorOf("bad.yaml", "protocol: bad\nframing:\n  regex: '^(?P<t>\\d)'\n  lines: true\n"))
                .startsWith(file + ": line ").contains("framing: give regex or lines, not both");
        assertThat(errorOf("bad.yaml", "protocol: bad\nframing:\n  separator: \"\\u001e\"\n  body: xml\n"))
                .startsWith(file + ": line ").contains("framing.body: 'xml' is not auto, json or text");
        assertThat(errorOf("bad.yaml", "protocol: bad\ncorrelate:\n  - requestKey: id\n"))
                .startsWith(file + ": line ").contains("correlate.key: the field that pairs a response with its request");
        assertThat(errorOf("bad.yaml", "protocol: bad\ncorrelate:\n  key: id\n  label: theirs\n"))
                .startsWith(file + ": line ").contains("correlate.label: 'theirs' is not request or own");
        assertThat(errorOf("bad.yaml", "protocol: bad\ncorrelate:\n  key: id\n  requestsFrom: everyone\n"))
                .startsWith(file + ": line ").contains("correlate.requestsFrom: 'everyone' is not client, server or both");
        assertThat(errorOf("bad.yaml", "protocol: bad\ncorrelate:\n  key: id\n  strem: {type: 2}\n"))
                .startsWith(file + ": line 4: unknown field 'strem'").contains("stream");
    }

    @Test
    void aMissingFolderIsAnError() {
        assertThatThrownBy(() -> ProtocolRegistry.load(List.of(dir.resolve("nope"))))
                .isInstanceOf(SpecException.class).hasMessageContaining("not a folder");
    }
}

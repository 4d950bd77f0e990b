package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.decode.spec.SpecLoader;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * The choice of a session's decoder through the {@link ProtocolDecoder} interface, Wireshark's order: the user's
 * choice, the subprotocol table, strong handshake evidence (weak evidence never chooses), content, the fallback; and
 * what a decoder that throws costs (a frame's label, never the session).
 */
class DecoderChoiceTest {

    /** A decoder for tests: claims subprotocols, gives evidence, recognises frames starting with its marker. */
    private static class Fake implements ProtocolDecoder {
        final String name;
        final List<String> subprotocols;
        final Evidence evidence;

        Fake(String name, List<String> subprotocols, Evidence evidence) {
            this.name = name;
            this.subprotocols = subprotocols;
            this.evidence = evidence;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<String> subprotocols() {
            return subprotocols;
        }

        @Override
        public Evidence evidence(SessionInfo session) {
            return evidence;
        }

        @Override
        public boolean recognises(FrameInput frame) {
            return frame.type() == FrameType.TEXT && frame.text().startsWith(name + ":");
        }

        @Override
        public FrameReader open(DecoderContext context) {
            return frame -> frame.type().isControl() ? DecodeResult.NotMine.CONTROL
                    : DecodeResult.Decoded.of(frame.text(), Kind.EVENT, "read by " + name);
        }
    }

    private static SessionInfo session(String subprotocolOffered, String selected) {
        List<Header> headers = subprotocolOffered == null ? List.of() : List.of(new Header("Sec-WebSocket-Protocol", subprotocolOffered));
        return new SessionInfo(1, "l", "ws://u", "c", new Handshake("/ws", null, headers, 101, List.of(), selected, List.of()), 0);
    }

    private static RecordedFrame text(long seq, String text) {
        return new RecordedFrame(1, seq, seq * 1000, Direction.CLIENT_TO_SERVER, FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8), 1, null);
    }

    @Test
    void theSubprotocolTheUpstreamSelectedChoosesFirstThenOneTheClientOffered() {
        Fake graphql = new Fake("graphql", List.of("graphql-transport-ws", "graphql-ws"), Evidence.NONE);
        Fake stomp = new Fake("stomp", List.of("v12.stomp", "v11.stomp"), Evidence.NONE);
        ProtocolRegistry registry = ProtocolRegistry.of(List.of(graphql, stomp));
        SessionDecoder selected = registry.open(session("v11.stomp, graphql-ws", "graphql-ws"));
        assertThat(selected.opened().protocol()).isEqualTo("graphql");
        assertThat(selected.opened().reason()).isEqualTo("handshake: subprotocol graphql-ws");
        SessionDecoder offered = registry.open(session("V12.STOMP", null));
        assertThat(offered.opened().protocol()).as("compared without case").isEqualTo("stomp");
        assertThat(registry.open(session("chat", "chat")).opened()).isNull();
    }

    @Test
    void theSubprotocolTableComesBeforeOtherHandshakeEvidence() {
        Fake byHeader = new Fake("by-header", List.of(), Evidence.strong("header x-app").and(Evidence.strong("cookie sid")));
        Fake byTable = new Fake("by-table", List.of("mqtt"), Evidence.weak("path /mqtt"));
        SessionDecoder d = ProtocolRegistry.of(List.of(byHeader, byTable)).open(session("mqtt", "mqtt"));
        assertThat(d.opened().protocol()).isEqualTo("by-table");
        assertThat(d.opened().reason()).isEqualTo("handshake: subprotocol mqtt, path /mqtt");
    }

    @Test
    void weakEvidenceAloneNeverChoosesHoweverMuchOfItThereIs() throws Exception {
        // Query, path and host: three weak items once added up to the score of a strong one and pinned the spec.
        String yaml = """
                protocol: weak-only
                detect:
                  handshake:
                    query: [room, user]
                    path: '^/chat'
                    host: 'example\\.org$'
                  content:
                    require: {kind: string}
                label:
                  fields: [kind]
                """;
        ProtocolRegistry registry = ProtocolRegistry.of(List.of(), List.of(new SpecLoader().read(yaml.getBytes(StandardCharsets.UTF_8), "weak-only.yaml")));
        Handshake h = new Handshake("/chat/socket", "room=1&user=2", List.of(), 101, List.of(), null, List.of());
        SessionDecoder d = registry.open(new SessionInfo(1, "l", "wss://chat.example.org/chat", "c", h, 0));
        assertThat(d.opened()).as("four weak items, no strong one: the data frames decide").isNull();
        SessionDecoder.Step first = d.decode(text(1, "{\"kind\":\"hello\"}"));
        assertThat(first.chosen().protocol()).isEqualTo("weak-only");
        assertThat(first.chosen().reason()).isEqualTo("content: frame 1 matches the weak-only spec");
    }

    @Test
    void strongEvidenceChoosesOnlyWhenOneDecoderHasTheMost() {
        Fake a = new Fake("a", List.of(), Evidence.strong("header x-app"));
        Fake b = new Fake("b", List.of(), Evidence.strong("cookie sid"));
        assertThat(ProtocolRegistry.of(List.of(a, b)).open(session(null, null)).opened()).as("a tie is no choice").isNull();
        Fake c = new Fake("c", List.of(), Evidence.strong("cookie sid").and(Evidence.weak("path /ws")));
        SessionDecoder d = ProtocolRegistry.of(List.of(a, c)).open(session(null, null));
        assertThat(d.opened().protocol()).isEqualTo("c");
        assertThat(d.opened().reason()).isEqualTo("handshake: cookie sid, path /ws");
    }

    @Test
    void weakEvidenceRanksTheCandidatesWhoseContentTestsAreTriedFirst() {
        Fake plain = new Fake("x", List.of(), Evidence.NONE);
        Fake ranked = new Fake("x-too", List.of(), Evidence.weak("path /ws")) {
            @Override
            public boolean recognises(FrameInput frame) {
                return frame.text().startsWith("x:");
            }
        };
        SessionDecoder.Step step = ProtocolRegistry.of(List.of(plain, ranked)).open(session(null, null)).decode(text(1, "x: hi"));
        assertThat(step.chosen().protocol()).as("both recognise the frame; the one with evidence is asked first").isEqualTo("x-too");
        assertThat(step.chosen().reason()).isEqualTo("content: frame 1 matches the x-too decoder");
    }

    @Test
    void aDecoderThatThrowsInDetectionIsSimplyNotChosen() {
        Fake broken = new Fake("broken", List.of(), Evidence.NONE) {
            @Override
            public Evidence evidence(SessionInfo session) {
                throw new IllegalStateException("evidence bug");
            }

            @Override
            public boolean recognises(FrameInput frame) {
                throw new IllegalStateException("recognition bug");
            }
        };
        Fake good = new Fake("good", List.of(), Evidence.NONE);
        SessionDecoder d = ProtocolRegistry.of(List.of(broken, good)).open(session(null, null));
        SessionDecoder.Step step = d.decode(text(1, "good: hello"));
        assertThat(step.chosen().protocol()).isEqualTo("good");
        assertThat(step.decoding().summary()).isEqualTo("read by good");
    }

    @Test
    void aReaderThatThrowsCostsThatFramesLabelAndTheNextFrameIsReadAgain() {
        Fake flaky = new Fake("flaky", List.of("flaky"), Evidence.NONE) {
            @Override
            public FrameReader open(DecoderContext context) {
                return frame -> {
                    if (frame.text().contains("boom")) {
                        throw new IllegalStateException("bug on " + frame.seq());
                    }
                    return DecodeResult.Decoded.of("fine", Kind.EVENT, frame.text());
                };
            }
        };
        SessionDecoder d = ProtocolRegistry.of(List.of(flaky)).open(session("flaky", "flaky"));
        FrameDecoding bad = d.decode(text(1, "boom with a token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm4ifQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmU")).decoding();
        assertThat(bad.label()).isEqualTo("undecodable");
        assertThat(bad.protocol()).isEqualTo("flaky");
        assertThat(bad.warnings()).singleElement().satisfies(w -> {
            assertThat(w.code()).isEqualTo(Warning.Code.DECODER_FAILED);
            assertThat(w.text()).isEqualTo("the flaky decoder failed on this frame: java.lang.IllegalStateException: bug on 1");
        });
        assertThat(bad.summary()).as("masked all the same").doesNotContain("c2lnbmF0dXJlLWJ5dGVzLWhlcmU");
        assertThat(d.decode(text(2, "calm")).decoding().label()).isEqualTo("fine");
    }

    @Test
    void aDecoderThatCannotOpenLeavesTheSessionToTheFallbackAndSaysSo() {
        Fake unopenable = new Fake("unopenable", List.of("u"), Evidence.NONE) {
            @Override
            public FrameReader open(DecoderContext context) {
                throw new IllegalStateException("no state");
            }
        };
        SessionDecoder d = ProtocolRegistry.of(List.of(unopenable)).open(session("u", "u"));
        assertThat(d.opened().protocol()).isEqualTo("generic");
        assertThat(d.opened().reason()).startsWith("handshake: subprotocol u; but the unopenable decoder failed to open");
        assertThat(d.decode(text(1, "{\"type\":\"x\"}")).decoding().protocol()).isEqualTo("json");
    }

    @Test
    void framesTheDecoderSaysAreNotItsOwnAreReadGenericallyWithAWarningAndMalformedOnesKeptRaw() {
        Fake picky = new Fake("picky", List.of("picky"), Evidence.NONE) {
            @Override
            public FrameReader open(DecoderContext context) {
                return frame -> frame.type().isControl() ? DecodeResult.NotMine.CONTROL
                        : frame.type() == FrameType.BINARY ? new DecodeResult.NotMine("picky speaks text")
                        : frame.text().startsWith("!") ? new DecodeResult.Failed("malformed ping", "cut short after 1 byte")
                        : DecodeResult.Decoded.of("ok", Kind.EVENT, "ok");
            }
        };
        SessionDecoder d = ProtocolRegistry.of(List.of(picky)).open(session("picky", "picky"));
        FrameDecoding binary = d.decode(new RecordedFrame(1, 1, 1, Direction.SERVER_TO_CLIENT, FrameType.BINARY, new byte[] {1, 2}, 1, null)).decoding();
        assertThat(binary).extracting(FrameDecoding::protocol, FrameDecoding::label, FrameDecoding::summary)
                .containsExactly("binary", "binary", "2 B: 01 02");
        assertThat(binary.warnings()).singleElement().isEqualTo(Warning.of(Warning.Code.NOT_THIS_PROTOCOL, "not a picky frame: picky speaks text"));
        FrameDecoding malformed = d.decode(text(2, "!x")).decoding();
        assertThat(malformed).extracting(FrameDecoding::protocol, FrameDecoding::label, FrameDecoding::kind, FrameDecoding::summary)
                .containsExactly("picky", "malformed ping", Kind.UNKNOWN, "!x");
        assertThat(malformed.warnings()).singleElement().isEqualTo(Warning.of(Warning.Code.MALFORMED, "cut short after 1 byte"));
        FrameDecoding close = d.decode(new RecordedFrame(1, 3, 3, Direction.SERVER_TO_CLIENT, FrameType.CLOSE, new byte[] {3, (byte) 0xE8}, 1, null)).decoding();
        assertThat(close).extracting(FrameDecoding::protocol, FrameDecoding::label, FrameDecoding::kind)
                .containsExactly("websocket", "close 1000", Kind.CONTROL);
    }

    @Test
    void aLongLabelOrSummaryFromAPlugInIsCut() {
        Fake wordy = new Fake("wordy", List.of("wordy"), Evidence.NONE) {
            @Override
            public FrameReader open(DecoderContext context) {
                return frame -> DecodeResult.Decoded.of("l".repeat(500), Kind.EVENT, "s".repeat(5000));
            }
        };
        FrameDecoding d = ProtocolRegistry.of(List.of(wordy)).open(session("wordy", "wordy")).decode(text(1, "x")).decoding();
        assertThat(d.label()).hasSizeLessThanOrEqualTo(121);
        assertThat(d.summary()).hasSizeLessThanOrEqualTo(241);
    }

    @Test
    void aSecretSpanIsMaskedInTheStoredTextAndKeepsItsLengthInABinaryFrame() {
        Fake secretive = new Fake("secretive", List.of("secretive"), Evidence.NONE) {
            @Override
            public FrameReader open(DecoderContext context) {
                return frame -> {
                    // Text: "pass:VALUE"; binary: a length byte, then the password.
                    int start = frame.type() == FrameType.TEXT ? 5 : 1;
                    return DecodeResult.Decoded.of("login", Kind.REQUEST, "password " + context.masker().mask(
                            new String(frame.payload(), start, frame.payload().length - start, StandardCharsets.UTF_8)))
                            .withSecret(new Secret.Span(start, frame.payload().length));
                };
            }
        };
        SessionDecoder d = ProtocolRegistry.of(List.of(secretive)).open(session("secretive", "secretive"), GoldenFrames.MASKER);
        SessionDecoder.Step t = d.decode(text(1, "pass:hunter2-long"));
        assertThat(new String(t.maskedPayload(), StandardCharsets.UTF_8)).isEqualTo("pass:" + GoldenFrames.MASKER.mask("hunter2-long"));
        assertThat(t.decoding().summary()).isEqualTo("password " + GoldenFrames.MASKER.mask("hunter2-long"));
        byte[] binary = new byte[] {12, 'h', 'u', 'n', 't', 'e', 'r', '2', '-', 'l', 'o', 'n', 'g'};
        SessionDecoder.Step b = d.decode(new RecordedFrame(1, 2, 2, Direction.CLIENT_TO_SERVER, FrameType.BINARY, binary, 1, null));
        assertThat(b.maskedPayload()).hasSize(binary.length).startsWith(12);
        assertThat(new String(b.maskedPayload(), StandardCharsets.ISO_8859_1)).doesNotContain("hunter2").contains("[hmac:");
    }

    @Test
    void aConfiguredDecoderIsTriedFirstAndReplacesOneOfItsName() {
        ProtocolRegistry registry = ProtocolRegistry.builtIn().with(List.of(new Fake("max", List.of("max-v2"), Evidence.NONE)), "--proto");
        assertThat(registry.names()).startsWith("max").doesNotHaveDuplicates();
        assertThat(registry.origin("max")).isEqualTo("--proto");
        assertThat(registry.origin("qq-push")).isEqualTo("built in");
        assertThat(registry.replaced()).containsExactly("max");
        assertThat(registry.open(session("max-v2", "max-v2")).decode(text(1, "x")).decoding().summary()).isEqualTo("read by max");
    }

    @Test
    void readersAreOpenedOncePerSessionAndKeepTheirStateAcrossFrames() {
        List<Integer> opened = new ArrayList<>();
        Fake counting = new Fake("counting", List.of("counting"), Evidence.NONE) {
            @Override
            public FrameReader open(DecoderContext context) {
                opened.add(1);
                int[] seen = {0};
                return frame -> DecodeResult.Decoded.of("n" + (++seen[0]), Kind.EVENT, "");
            }
        };
        SessionDecoder d = ProtocolRegistry.of(List.of(counting)).open(session("counting", "counting"));
        d.decode(text(1, "a"));
        assertThat(d.decode(text(2, "b")).decoding().label()).isEqualTo("n2");
        assertThat(opened).hasSize(1);
    }
}

package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/** The order in which a session's protocol is chosen, and that the choice then stays. */
class DetectionTest {
    private static final ProtocolRegistry REGISTRY = ProtocolRegistry.builtIn();
    private static final String MAX_FRAME = "{\"cmd\":0,\"seq\":1,\"opcode\":6,\"payload\":{\"userAgent\":{\"deviceType\":\"WEB\"}}}";
    private static final String QQ_FRAME = "{\"type\":\"group\",\"data\":{\"type\":\"memberJoined\",\"who\":1,\"group\":2}}";

    private static SessionInfo session(String path, String query, String protocol, Header... headers) {
        Handshake h = new Handshake(path, query, List.of(headers), 101, List.of(), null, List.of());
        return new SessionInfo(1, "127.0.0.1:1", "ws://upstream.example:8080", "127.0.0.1:2", h, 0, protocol);
    }

    private static RecordedFrame text(long seq, Direction from, String text) {
        return new RecordedFrame(1, seq, seq * 1000, from, FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8), 1, null);
    }

    @Test
    void theUsersChoiceWinsOverEveryOtherEvidence() {
        SessionDecoder d = REGISTRY.open(session("/ws", null, "qq-push", new Header("Cookie", "zavodchat_token=x")));
        assertThat(d.opened().protocol()).isEqualTo("qq-push");
        assertThat(d.opened().reason()).isEqualTo("chosen with --protocol qq-push");
        // Even a frame that is plainly MAX is read as the chosen protocol.
        assertThat(d.decode(text(1, Direction.CLIENT_TO_SERVER, MAX_FRAME)).decoding().protocol()).isEqualTo("qq-push");
    }

    @Test
    void strongHandshakeEvidencePinsAtOpen() {
        assertThat(REGISTRY.open(session("/", "status=2", null, new Header("Cookie", "a=1; zavodchat_token=3c3b"))).opened())
                .satisfies(c -> {
                    assertThat(c.protocol()).isEqualTo("zavodchat");
                    assertThat(c.reason()).isEqualTo("handshake: cookie zavodchat_token");
                });
        assertThat(REGISTRY.open(session("/ws", "sid=2", null, new Header("Sec-WebSocket-Protocol", "access_token, e30.e30.sig"))).opened().protocol())
                .isEqualTo("event-chat");
        assertThat(REGISTRY.open(session("/ws", null, null, new Header("platform", "qq"))).opened().protocol()).isEqualTo("maim");
    }

    @Test
    void weakEvidenceWaitsForContentAndOnlyRanksTheCandidates() {
        // /websocket is MAX's path, but a path alone is not enough: the first frame decides.
        SessionDecoder d = REGISTRY.open(session("/websocket", null, null));
        assertThat(d.opened()).isNull();
        SessionDecoder.Step step = d.decode(text(1, Direction.SERVER_TO_CLIENT, QQ_FRAME));
        assertThat(step.chosen().protocol()).isEqualTo("qq-push");
        assertThat(step.chosen().reason()).isEqualTo("content: frame 1 matches the qq-push spec");
        assertThat(step.decoding().label()).isEqualTo("group/memberJoined");
    }

    @Test
    void contentHeuristicsRecogniseEachProtocolFromItsFirstFrame() {
        assertThat(firstFrameChoice(MAX_FRAME)).isEqualTo("max");
        assertThat(firstFrameChoice("{\"name\":\"Event.GetConversationList\",\"args\":\"{}\"}")).isEqualTo("event-chat");
        assertThat(firstFrameChoice("{\"message_info\":{\"platform\":\"qq\"},\"message_segment\":{\"type\":\"text\",\"data\":\"hi\"}}")).isEqualTo("maim");
        assertThat(firstFrameChoice("{\"data\":{\"id\":2},\"name\":\"server_deleted\"}")).isEqualTo("zavodchat");
        assertThat(firstFrameChoice(QQ_FRAME)).isEqualTo("qq-push");
        // {name, data} with a name zavodchat does not know is not zavodchat.
        assertThat(firstFrameChoice("{\"data\":{},\"name\":\"player_moved\"}")).isNull();
    }

    private static String firstFrameChoice(String frame) {
        SessionDecoder.Step step = REGISTRY.open(session("/", null, null)).decode(text(1, Direction.SERVER_TO_CLIENT, frame));
        return step.chosen() == null ? null : step.chosen().protocol();
    }

    @Test
    void unrecognisedTrafficFallsBackToGenericAfterThreeDataFramesAndStaysThere() {
        SessionDecoder d = REGISTRY.open(session("/", null, null));
        List<SessionDecoder.Step> steps = new ArrayList<>();
        steps.add(d.decode(text(1, Direction.CLIENT_TO_SERVER, "{\"action\":\"subscribe\",\"id\":1}")));
        steps.add(d.decode(text(2, Direction.SERVER_TO_CLIENT, "hello there")));
        steps.add(d.decode(new RecordedFrame(1, 3, 3000, Direction.SERVER_TO_CLIENT, FrameType.BINARY, new byte[] {1, 2, 3}, 1, null)));
        steps.add(d.decode(text(4, Direction.SERVER_TO_CLIENT, MAX_FRAME)));

        assertThat(steps.get(0).decoding()).extracting(FrameDecoding::protocol, FrameDecoding::label).containsExactly("json", "subscribe");
        assertThat(steps.get(1).decoding()).extracting(FrameDecoding::protocol, FrameDecoding::label).containsExactly("text", "text");
        assertThat(steps.get(2).decoding()).extracting(FrameDecoding::protocol, FrameDecoding::summary).containsExactly("binary", "3 B: 01 02 03");
        assertThat(steps.get(2).chosen().protocol()).isEqualTo("generic");
        assertThat(steps.get(2).chosen().reason()).isEqualTo("no decoder recognised the first 3 data frames");
        // Pinned: a MAX frame after the choice is not re-detected.
        assertThat(steps.get(3).chosen()).isNull();
        assertThat(steps.get(3).decoding().protocol()).isEqualTo("json");
    }

    @Test
    void controlFramesNeitherDecideNorUseUpTheTries() {
        SessionDecoder d = REGISTRY.open(session("/", null, null));
        for (int i = 1; i <= 5; i++) {
            RecordedFrame ping = new RecordedFrame(1, i, i, Direction.CLIENT_TO_SERVER, FrameType.PING, "hb".getBytes(StandardCharsets.UTF_8), 1, null);
            SessionDecoder.Step step = d.decode(ping);
            assertThat(step.chosen()).isNull();
            assertThat(step.decoding()).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::summary)
                    .containsExactly("ping", Kind.CONTROL, "hb");
        }
        assertThat(d.decode(text(6, Direction.CLIENT_TO_SERVER, MAX_FRAME)).chosen().protocol()).isEqualTo("max");
    }

    @Test
    void anUnknownForcedProtocolIsSaidAndDecodesGenerically() {
        SessionDecoder d = REGISTRY.open(session("/", null, "nope"));
        assertThat(d.opened().protocol()).isEqualTo("generic");
        assertThat(d.opened().reason()).contains("nope", "names no known protocol");
    }

    @Test
    void garbageNeverThrowsAndIsAlwaysDecodedToSomething() {
        SessionDecoder d = REGISTRY.open(session("/", null, "max"));
        byte[][] inputs = {new byte[0], "{".getBytes(StandardCharsets.UTF_8), "[1,2".getBytes(StandardCharsets.UTF_8),
                "null".getBytes(StandardCharsets.UTF_8), "{\"cmd\":{\"x\":[[[[]]]]}}".getBytes(StandardCharsets.UTF_8),
                "{\"cmd\":0,\"seq\":1,\"opcode\":1,\"payload\":{}} trailing".getBytes(StandardCharsets.UTF_8),
                "\"just a string\"".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8)};
        long seq = 1;
        for (byte[] in : inputs) {
            FrameDecoding decoding = d.decode(new RecordedFrame(1, seq++, 0, Direction.CLIENT_TO_SERVER, FrameType.TEXT, in, 1, null)).decoding();
            assertThat(decoding.label()).isNotBlank();
            assertThat(decoding.summary()).isNotNull();
        }
        FrameDecoding trailing = d.decode(text(99, Direction.CLIENT_TO_SERVER, "{\"cmd\":0} x")).decoding();
        assertThat(trailing.warnings()).singleElement().asString().startsWith("invalid JSON");
    }

    @Test
    void aHugeTextFrameIsKeptButNotParsed() {
        SessionDecoder d = REGISTRY.open(session("/", null, "max"));
        byte[] huge = ("{\"cmd\":0,\"seq\":1,\"opcode\":64,\"payload\":{\"text\":\"" + "x".repeat(SessionDecoder.MAX_DECODED_BYTES) + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        FrameDecoding decoding = d.decode(new RecordedFrame(1, 1, 0, Direction.CLIENT_TO_SERVER, FrameType.TEXT, huge, 1, null)).decoding();
        assertThat(decoding.label()).isEqualTo("large text");
        assertThat(decoding.summary()).startsWith("{\"cmd\":0,\"seq\":1").hasSizeLessThanOrEqualTo(130);
        assertThat(decoding.warnings()).containsExactly(Warning.of(Warning.Code.NOT_DECODED, "not decoded: 4.0 MiB is over the 4.0 MiB decoding limit (the frame is stored whole)"));
    }

    @Test
    void framesNoSpecDecodesStillHaveConventionalSecretFieldsMasked() {
        SessionDecoder d = REGISTRY.open(session("/", null, "generic"));
        String frame = "{\"op\":\"auth\",\"d\":{\"Access_Token\":\"s3cr3t-v4lue-123\",\"user\":\"ann\",\"api-key\":\"k-987654321\",\"tokens\":3}}";
        SessionDecoder.Step step = d.decode(text(1, Direction.CLIENT_TO_SERVER, frame));
        String stored = new String(step.maskedPayload(), StandardCharsets.UTF_8);
        assertThat(stored).doesNotContain("s3cr3t-v4lue-123").doesNotContain("k-987654321")
                .contains("\"user\":\"ann\"").contains("\"tokens\":3").startsWith("{\"op\":\"auth\",\"d\":{\"Access_Token\":\"s3cr…[hmac:");
        assertThat(step.decoding().summary()).doesNotContain("s3cr3t-v4lue-123").contains("\"user\":\"ann\"");
        assertThat(step.decoding().label()).isEqualTo("auth");
        assertThat(d.decode(text(2, Direction.CLIENT_TO_SERVER, "{\"op\":\"hello\"}")).maskedPayload()).isNull();
    }
}

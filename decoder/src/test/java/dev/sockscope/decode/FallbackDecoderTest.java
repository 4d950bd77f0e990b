package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * The generic fallback on traffic no decoder claims: labels from a conventional field or the keys (never "object"),
 * and answers paired with the other peer's earlier message of the same conventional id, as a guess.
 */
class FallbackDecoderTest {
    private static SessionDecoder generic() {
        return ProtocolRegistry.builtIn().open(new SessionInfo(1, "l", "ws://u", "c",
                new Handshake("/", null, List.of(), 101, List.of(), null, List.of()), 0, "generic"), GoldenFrames.MASKER);
    }

    private static RecordedFrame text(long seq, Direction from, String text) {
        return new RecordedFrame(1, seq, seq * 1000, from, FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8), 1, null);
    }

    @Test
    void rpcWebsocketsTrafficIsPairedByItsIdsAndAnswersAreNamedAfterTheirCalls() throws Exception {
        SessionDecoder d = generic();
        List<FrameDecoding> decoded = new ArrayList<>();
        for (RecordedFrame f : SpecLanguageTest.capture("json-rpc/01-rpc-websockets").frames()) {
            decoded.add(d.decode(f).decoding());
        }
        assertThat(decoded).extracting(FrameDecoding::label).containsExactly("sum", "sum", "slow", "sum", "sum", "slow", "fail", "fail",
                "nope", "nope", "whoami", "whoami", "rpc.login", "rpc.login", "whoami", "whoami", "log", "logged", "logged", "rpc.on",
                "rpc.on", "start-ticks", "start-ticks", "{notification,params}", "{notification,params}", "{notification,params}",
                "close 1000", "close 1000");
        assertThat(decoded.subList(0, 8)).extracting(FrameDecoding::kind, FrameDecoding::correlatesWith).containsExactly(
                tuple(Kind.UNKNOWN, null), tuple(Kind.RESPONSE, 1L), tuple(Kind.UNKNOWN, null), tuple(Kind.UNKNOWN, null),
                tuple(Kind.RESPONSE, 4L), tuple(Kind.RESPONSE, 3L), tuple(Kind.UNKNOWN, null), tuple(Kind.ERROR, 7L));
        assertThat(decoded.get(5).latencyMicros()).isEqualTo(166782L);
        assertThat(decoded.subList(0, 26)).extracting(FrameDecoding::protocol).containsOnly("json");
        assertThat(decoded).allSatisfy(x -> assertThat(x.warnings()).isEmpty());
        assertThat(d.unanswered()).as("a guess never claims a request went unanswered").isEmpty();
    }

    @Test
    void anAnswerIsPairedOnlyWithTheOtherPeersMessageAndOnlyOnce() {
        SessionDecoder d = generic();
        d.decode(text(1, Direction.CLIENT_TO_SERVER, "{\"op\":\"join\",\"ref\":\"r1\"}"));
        FrameDecoding sameSide = d.decode(text(2, Direction.CLIENT_TO_SERVER, "{\"op\":\"leave\",\"ref\":\"r1\"}")).decoding();
        FrameDecoding answer = d.decode(text(3, Direction.SERVER_TO_CLIENT, "{\"ok\":true,\"ref\":\"r1\"}")).decoding();
        FrameDecoding second = d.decode(text(4, Direction.SERVER_TO_CLIENT, "{\"ok\":true,\"ref\":\"r1\"}")).decoding();
        FrameDecoding third = d.decode(text(5, Direction.SERVER_TO_CLIENT, "{\"ok\":true,\"ref\":\"r1\"}")).decoding();
        FrameDecoding named = d.decode(text(6, Direction.SERVER_TO_CLIENT, "{\"type\":\"joined\",\"requestId\":7}")).decoding();
        assertThat(sameSide.correlatesWith()).isNull();
        assertThat(answer).extracting(FrameDecoding::correlatesWith, FrameDecoding::label, FrameDecoding::kind)
                .containsExactly(1L, "join", Kind.RESPONSE);
        assertThat(second).extracting(FrameDecoding::correlatesWith, FrameDecoding::label).containsExactly(2L, "leave");
        assertThat(third.correlatesWith()).isNull();
        assertThat(third.label()).isEqualTo("{ok,ref}");
        assertThat(named.label()).isEqualTo("joined");
        FrameDecoding request = d.decode(text(7, Direction.CLIENT_TO_SERVER, "{\"type\":\"ack\",\"requestId\":7}")).decoding();
        assertThat(request.correlatesWith()).as("the server asked first this time").isEqualTo(6L);
        assertThat(request.label()).as("an answer with a name of its own keeps it").isEqualTo("ack");
    }

    @Test
    void objectIsNeverALabel() {
        SessionDecoder d = generic();
        assertThat(d.decode(text(1, Direction.SERVER_TO_CLIENT, "{}")).decoding().label()).isEqualTo("{}");
        assertThat(d.decode(text(2, Direction.SERVER_TO_CLIENT, "{\"e\":1,\"d\":2,\"c\":3,\"b\":4,\"a\":5}")).decoding().label())
                .isEqualTo("{a,b,c,d,…}");
        assertThat(d.decode(text(3, Direction.SERVER_TO_CLIENT, "{\"type\":\"\",\"x\":1}")).decoding().label()).isEqualTo("{type,x}");
        assertThat(d.decode(text(4, Direction.SERVER_TO_CLIENT, "[1,2]")).decoding().label()).isEqualTo("array");
    }
}

package dev.sockscope.proxy.intercept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import com.google.re2j.Pattern;

import org.junit.jupiter.api.Test;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

class BreakpointTest {
    static final SessionFacts SESSION = new SessionFacts(7, "127.0.0.1:8080", "ws://chat.example:9000/ws", "max.v1", null);

    static InterceptedMessage text(Direction from, String text) {
        return new InterceptedMessage(SESSION, from, FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    static Breakpoint any() {
        return new Breakpoint(0, null, null, null, null, null, null, null, null, null, null, null, false);
    }

    private static boolean matches(Breakpoint b, InterceptedMessage m) {
        return b.matches(m, () -> new MessageLabels.Labels("LOGIN", "request"));
    }

    @Test
    void anEmptyBreakpointHoldsEveryDataMessageButNoControlFrame() {
        assertThat(matches(any(), text(Direction.CLIENT_TO_SERVER, "x"))).isTrue();
        InterceptedMessage ping = new InterceptedMessage(SESSION, Direction.CLIENT_TO_SERVER, FrameType.PING, new byte[0]);
        assertThat(matches(any(), ping)).isFalse();
        Breakpoint pings = new Breakpoint(0, null, null, null, null, null, null, null, null, null, null, null, true);
        assertThat(matches(pings, ping)).isTrue();
        InterceptedMessage close = new InterceptedMessage(SESSION, Direction.CLIENT_TO_SERVER, FrameType.CLOSE, new byte[] {3, -24});
        assertThat(matches(pings, close)).isFalse();
    }

    @Test
    void eachConditionNarrowsWhatIsHeld() {
        InterceptedMessage login = text(Direction.CLIENT_TO_SERVER, "{\"opcode\":19,\"payload\":{\"token\":\"abc\"}}");
        InterceptedMessage other = text(Direction.SERVER_TO_CLIENT, "{\"opcode\":128}");
        Breakpoint bySession = new Breakpoint(0, 7L, null, null, null, null, null, null, null, null, null, null, false);
        Breakpoint byOtherSession = new Breakpoint(0, 8L, null, null, null, null, null, null, null, null, null, null, false);
        Breakpoint byDirection = new Breakpoint(0, null, null, Direction.CLIENT_TO_SERVER, null, null, null, null, null, null, null, null, false);
        Breakpoint byPointer = new Breakpoint(0, null, null, null, null, null, null, null, null, null, "/opcode", "19", false);
        Breakpoint byNestedPointer = new Breakpoint(0, null, null, null, null, null, null, null, null, null, "/payload/token", "\"abc\"", false);
        Breakpoint byText = new Breakpoint(0, null, null, null, null, null, null, null, "token", null, null, null, false);
        Breakpoint byRegex = new Breakpoint(0, null, null, null, null, null, null, null, null, Pattern.compile("opcode\":1\\d\\b"), null, null, false);
        Breakpoint byRoute = new Breakpoint(0, null, "chat.example", null, null, null, null, null, null, null, null, null, false);
        Breakpoint byProtocol = new Breakpoint(0, null, null, null, null, "MAX.v1", null, null, null, null, null, null, false);
        Breakpoint byBinary = new Breakpoint(0, null, null, null, FrameType.BINARY, null, null, null, null, null, null, null, false);
        for (Breakpoint b : new Breakpoint[] {bySession, byDirection, byPointer, byNestedPointer, byText, byRegex, byRoute, byProtocol}) {
            assertThat(matches(b, login)).as(b.toString()).isTrue();
        }
        for (Breakpoint b : new Breakpoint[] {byOtherSession, byDirection, byPointer, byText, byRegex, byBinary}) {
            assertThat(matches(b, other)).as(b.toString()).isFalse();
        }
    }

    @Test
    void labelAndKindComeFromTheDecoderOnlyWhenAsked() {
        int[] decoded = {0};
        Breakpoint byLabel = new Breakpoint(0, null, null, null, null, null, "login", "REQUEST", null, null, null, null, false);
        Breakpoint byKind = new Breakpoint(0, null, null, null, null, null, null, "event", null, null, null, null, false);
        InterceptedMessage m = text(Direction.CLIENT_TO_SERVER, "{}");
        assertThat(byLabel.matches(m, () -> { decoded[0]++; return new MessageLabels.Labels("LOGIN", "request"); })).isTrue();
        assertThat(byKind.matches(m, () -> new MessageLabels.Labels("LOGIN", "request"))).isFalse();
        assertThat(byLabel.matches(m, () -> new MessageLabels.Labels("LOGIN (19)", "request"))).as("a name with its number").isTrue();
        assertThat(byLabel.matches(m, () -> new MessageLabels.Labels("LOGINS", "request"))).isFalse();
        assertThat(any().matches(m, () -> { decoded[0]++; return null; })).isTrue();
        assertThat(decoded[0]).isEqualTo(1);
    }

    @Test
    void notJsonHasNoValueAtAPointer() {
        Breakpoint byPointer = new Breakpoint(0, null, null, null, null, null, null, null, null, null, "/opcode", null, false);
        assertThat(matches(byPointer, text(Direction.CLIENT_TO_SERVER, "opcode=19"))).isFalse();
        assertThat(matches(byPointer, text(Direction.CLIENT_TO_SERVER, "{\"opcode\":null}"))).isTrue();
        assertThatThrownBy(() -> new Breakpoint(0, null, null, null, null, null, null, null, null, null, "opcode", null, false))
                .hasMessageContaining("starts with '/'");
        assertThatThrownBy(() -> new Breakpoint(0, null, null, null, null, null, null, null, null, null, null, "19", false))
                .hasMessageContaining("JSON pointer");
    }
}

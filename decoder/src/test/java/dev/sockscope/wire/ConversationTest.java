package dev.sockscope.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The {@code .frames} format that the golden tests decode and the demo plays. */
class ConversationTest {
    private static final String TEXT = """
            # a comment before the first frame
            <<< server
            {"hello":
              "client"}
            >>> client
            ping
            <<< server
            pong
            <<< server binary
            00 ff 10
            >>> client
            last
            <<< server close
            1008 Invalid or missing token
            """;

    @Test
    void framesAreReadWithTheirSenderTypeAndPayload() {
        Conversation c = Conversation.parse("test", TEXT);
        assertThat(c.frames()).extracting(f -> f.from().sender() + " " + f.type().label())
                .containsExactly("server text", "client text", "server text", "server binary", "client text", "server close");
        assertThat(c.frames().get(0).text()).isEqualTo("{\"hello\":\n  \"client\"}");
        assertThat(c.frames().get(3).payload()).containsExactly(0x00, 0xff, 0x10);
        assertThat(c.frames().get(5).closeCode()).isEqualTo(1008);
        assertThat(c.frames().get(5).closeReason()).isEqualTo("Invalid or missing token");
    }

    @Test
    void theOpeningIsWhatTheServerSaysFirstAndEachClientFrameGetsWhatFollowsIt() {
        Conversation c = Conversation.parse("test", TEXT);
        assertThat(c.opening()).extracting(ScriptedFrame::text).containsExactly("{\"hello\":\n  \"client\"}");
        assertThat(c.exchanges()).hasSize(2);
        assertThat(c.exchanges().get(0).sent().text()).isEqualTo("ping");
        assertThat(c.exchanges().get(0).answers()).extracting(f -> f.type().label()).containsExactly("text", "binary");
        assertThat(c.exchanges().get(1).sent().text()).isEqualTo("last");
        assertThat(c.exchanges().get(1).answers()).singleElement().extracting(ScriptedFrame::closeCode).isEqualTo(1008);
        assertThat(c.from(Direction.CLIENT_TO_SERVER)).extracting(ScriptedFrame::text).containsExactly("ping", "last");
    }

    @Test
    void theBuiltInConversationsAreOnTheClasspath() {
        Conversation session = Conversation.builtIn("max", "02-session");
        assertThat(session.name()).isEqualTo("max/02-session");
        assertThat(session.exchanges().get(0).sent().text()).contains("\"opcode\":6");
        assertThatThrownBy(() -> Conversation.builtIn("max", "nope")).hasMessageContaining("no built-in conversation");
    }
}

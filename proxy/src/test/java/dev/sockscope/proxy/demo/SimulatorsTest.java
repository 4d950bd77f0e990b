package dev.sockscope.proxy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.ScriptedFrame;

/** The simulators without sockets: what each says comes from the golden conversations, its state is typed. */
class SimulatorsTest {
    /** What a simulator sent, in order: texts, and closes as "close CODE REASON". */
    private static final class Said implements Simulator.Peer {
        final List<String> sent = new ArrayList<>();

        @Override
        public void send(String text) {
            sent.add(text);
        }

        @Override
        public void sendBinary(byte[] data) {
            sent.add("binary " + java.util.HexFormat.of().formatHex(data));
        }

        @Override
        public void ping(byte[] data) {
            sent.add("ping " + java.util.HexFormat.of().formatHex(data));
        }

        @Override
        public void close(int code, String reason) {
            sent.add("close " + code + " " + reason);
        }
    }

    private static final Simulator.Upgrade PLAIN = new Simulator.Upgrade("/", Map.of(), Map.of(), List.of());

    @Test
    void maxWantsTheHandshakeFirstThenAnswersAsTheRecordedSessionAnsweredReAddressedToTheRequest() {
        Simulators.Max max = new Simulators.Max();
        Said peer = new Said();
        Simulators.Max.State state = max.onOpen(PLAIN, peer);
        assertThat(state).isEqualTo(Simulators.Max.State.AWAITING_HANDSHAKE);

        state = max.onText(state, peer, "{\"cmd\":0,\"seq\":40,\"opcode\":19,\"payload\":{}}");
        assertThat(state).isEqualTo(Simulators.Max.State.AWAITING_HANDSHAKE);
        assertThat(peer.sent).singleElement().asString().contains("\"cmd\":3,\"seq\":40").contains("handshake (6) must come first");

        state = max.onText(state, peer, "{\"cmd\":0,\"seq\":41,\"opcode\":6,\"payload\":{}}");
        assertThat(state).isEqualTo(Simulators.Max.State.HANDSHAKEN);
        state = max.onText(state, peer, "{\"cmd\":0,\"seq\":42,\"opcode\":19,\"payload\":{}}");
        assertThat(peer.sent.subList(1, peer.sent.size())).containsExactly(
                "{\"cmd\":1,\"seq\":41,\"opcode\":6,\"payload\":{}}",
                "{\"cmd\":1,\"seq\":42,\"opcode\":19,\"payload\":{\"profile\":{\"id\":7,\"name\":\"Anna\"}}}",
                // A push keeps the seq it was recorded with.
                Simulators.MAX_SESSION.frames().get(4).text());
        max.onText(state, peer, "{\"cmd\":0,\"seq\":43,\"opcode\":4242,\"payload\":{}}");
        assertThat(peer.sent.get(peer.sent.size() - 1)).contains("\"cmd\":3,\"seq\":43").contains("unknown opcode 4242");
        max.onText(state, peer, "{\"cmd\":0,\"seq\":44,\"opcode\":19,\"payload\":{\"token\":\"edited\"}}");
        assertThat(peer.sent.get(peer.sent.size() - 1)).as("a token not the demo account's").contains("\"cmd\":3,\"seq\":44")
                .contains("login.token");
    }

    @Test
    void eventChatAnswersEachEventWithTheRecordedAnswersAndLeavesTheUnrecordedOneUnanswered() {
        Simulators.EventChat chat = new Simulators.EventChat();
        Said peer = new Said();
        Simulator.Upgrade upgrade = new Simulator.Upgrade("/ws", Map.of("sid", "2"), Map.of(), List.of("access_token", "a.jwt.here"));
        assertThat(chat.select(upgrade)).isEqualTo("access_token");
        chat.onOpen(upgrade, peer);
        chat.onText(null, peer, "{\"name\":\"Event.SendMessage\",\"args\":\"{}\"}");
        assertThat(peer.sent).hasSize(2);
        assertThat(peer.sent.get(0)).contains("\"name\":\"Event.SendMessage\"");
        assertThat(peer.sent.get(1)).contains("\"name\":\"Event.ReceiveMessage\"");
        chat.onText(null, peer, "{\"name\":\"Event.GetUnreadInfo\",\"args\":\"{}\"}");
        assertThat(peer.sent).hasSize(2);
        Said refused = new Said();
        chat.onOpen(new Simulator.Upgrade("/ws", Map.of(), Map.of(), List.of("access_token")), refused);
        assertThat(refused.sent).singleElement().asString().startsWith("close 1008 ");
    }

    @Test
    void maimKeepsThePlatformOfTheHandshakeForItsReplies() {
        Simulators.Maim maim = new Simulators.Maim();
        Said peer = new Said();
        String platform = maim.onOpen(new Simulator.Upgrade("/ws", Map.of(),
                Map.of("platform", "qq", "authorization", Simulators.MAIM_TOKEN), List.of()), peer);
        assertThat(platform).isEqualTo("qq");
        ScriptedFrame message = Simulators.MAIM_MESSAGE.from(Direction.CLIENT_TO_SERVER).get(0);
        assertThat(maim.onText(platform, peer, message.text())).isEqualTo("qq");
        assertThat(peer.sent).singleElement().asString().startsWith("{\"message_info\":{\"platform\":\"qq\"")
                .contains("{\"type\":\"reply\",\"data\":\"msg_001\"}");
    }

    @Test
    void pushSimulatorsSendTheirConversationOnConnect() {
        Said qq = new Said();
        new Simulators.QqPush().onOpen(PLAIN, qq);
        assertThat(qq.sent).containsExactlyElementsOf(Simulators.QQ_PUSH.opening().stream().map(ScriptedFrame::text).toList());
        Said zavodchat = new Said();
        new Simulators.ZavodchatMain().onOpen(new Simulator.Upgrade("/", Map.of(), Map.of("cookie", "zavodchat_token=x"), List.of()),
                zavodchat);
        assertThat(zavodchat.sent).hasSize(Simulators.ZAVODCHAT_MAIN.frames().size());
    }
}

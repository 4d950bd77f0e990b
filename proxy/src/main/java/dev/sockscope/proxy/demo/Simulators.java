package dev.sockscope.proxy.demo;

import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.wire.Conversation;
import dev.sockscope.wire.ScriptedFrame;

/**
 * The five seed protocols as upstreams (zavodchat has two sockets, so six simulators). What they say comes from the
 * golden conversations ({@link Conversation}), the same frames the decoding tests decode: a simulator pushes a
 * conversation's opening, or answers a request as the recorded conversation answered it.
 */
public final class Simulators {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The token the maim simulator accepts; any other gets 1008 "Invalid or missing token", as the document says. */
    public static final String MAIM_TOKEN = "demo-maim-token";
    public static final String ZAVODCHAT_TOKEN = "3c3beb77-b54a-4733-8c5d-acd7b2680241";

    /** A MAX session as the document prescribes: the scripted client sends its requests, the simulator answers them. */
    public static final Conversation MAX_SESSION = Conversation.builtIn("max", "02-session");
    /** More MAX requests with their answers (the document's contradicting opcodes), for clients of your own. */
    static final Conversation MAX_OPCODES = Conversation.builtIn("max", "04-contradicting-opcodes");
    /** Every event-chat example: requests, answers and a push. */
    public static final Conversation EVENT_CHAT = Conversation.builtIn("event-chat", "01-documented");
    /** Pairing oddities and errors, among them a request no server answers (GetUnreadInfo). */
    public static final Conversation EVENT_CHAT_ODDITIES = Conversation.builtIn("event-chat", "02-pairing-and-errors");
    /** A group message for the maim simulator to answer. */
    public static final Conversation MAIM_MESSAGE = Conversation.builtIn("maim", "03-group-message");
    /** Every main-socket event of the document, verbatim (three are not valid JSON there): pushed on connect. */
    public static final Conversation ZAVODCHAT_MAIN = Conversation.builtIn("zavodchat", "01-main-socket");
    /** The voice socket's commands, which the server does not answer. */
    public static final Conversation ZAVODCHAT_VOICE = Conversation.builtIn("zavodchat", "02-voice-socket");
    /** One push of every documented type: pushed on connect. */
    public static final Conversation QQ_PUSH = Conversation.builtIn("qq-push", "03-every-event-type");

    private Simulators() {
    }

    public static List<Simulator<?>> all() {
        return List.of(new Max(), new EventChat(), new Maim(), new ZavodchatMain(), new ZavodchatVoice(), new QqPush());
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return null;
        }
    }

    /** Sends recorded server frames: text as it is, a close frame as a close. */
    static void play(Simulator.Peer peer, List<ScriptedFrame> frames) {
        for (ScriptedFrame f : frames) {
            switch (f.type()) {
                case TEXT -> peer.send(f.text());
                case CLOSE -> peer.close(f.closeCode(), f.closeReason());
                default -> throw new IllegalArgumentException("a simulator sends text and close frames, not " + f.type().label());
            }
        }
    }

    /**
     * MAX: the handshake (6) must come first; a LOGIN (19) whose token is not the demo account's (An9x...) is refused;
     * then every request is answered as the recorded sessions answered its
     * opcode, an answer to the recorded request taking the seq of this one. Its state is whether the handshake came.
     */
    static final class Max implements Simulator<Max.State> {
        enum State { AWAITING_HANDSHAKE, HANDSHAKEN }

        /** The first recorded request of each opcode, with what answered it. */
        private final Map<Integer, Conversation.Exchange> byOpcode = new HashMap<>();

        Max() {
            for (Conversation recorded : List.of(MAX_SESSION, MAX_OPCODES)) {
                for (Conversation.Exchange e : recorded.exchanges()) {
                    JsonNode sent = parse(e.sent().text());
                    if (sent != null && sent.has("opcode")) {
                        byOpcode.putIfAbsent(sent.path("opcode").asInt(), e);
                    }
                }
            }
        }

        @Override
        public String name() {
            return "max";
        }

        @Override
        public State onOpen(Upgrade upgrade, Peer peer) {
            return State.AWAITING_HANDSHAKE;
        }

        @Override
        public State onText(State state, Peer peer, String text) {
            JsonNode f = parse(text);
            if (f == null || !f.has("opcode")) {
                peer.send(reply(3, 0, 0, "{\"error\":\"proto.payload\",\"localizedMessage\":\"not an envelope\"}"));
                return state;
            }
            int seq = f.path("seq").asInt();
            int op = f.path("opcode").asInt();
            if (op != 6 && state == State.AWAITING_HANDSHAKE) {
                peer.send(reply(3, seq, op, "{\"error\":\"proto.state\",\"localizedMessage\":\"handshake (6) must come first\"}"));
                return state;
            }
            if (op == 19 && !f.path("payload").path("token").asText("An9x").startsWith("An9x")) {
                // The demo account's tokens start with An9x: another one (edited on the way) is refused, as MAX would.
                peer.send(reply(3, seq, op, "{\"error\":\"login.token\",\"localizedMessage\":\"token is invalid or expired\"}"));
                return state;
            }
            Conversation.Exchange recorded = byOpcode.get(op);
            if (recorded == null) {
                peer.send(reply(3, seq, op, "{\"error\":\"proto.opcode\",\"localizedMessage\":\"unknown opcode " + op + "\"}"));
            } else {
                int recordedSeq = parse(recorded.sent().text()).path("seq").asInt();
                for (ScriptedFrame answer : recorded.answers()) {
                    peer.send(withSeq(answer.text(), recordedSeq, seq));
                }
            }
            return op == 6 ? State.HANDSHAKEN : state;
        }

        /** The recorded answer, re-addressed to this request when it answered the recorded one (a push keeps its seq). */
        private static String withSeq(String answer, int recordedSeq, int seq) {
            JsonNode a = parse(answer);
            if (seq == recordedSeq || !(a instanceof ObjectNode o) || o.path("cmd").asInt() == 0 || o.path("seq").asInt() != recordedSeq) {
                return answer;
            }
            o.put("seq", seq);
            return o.toString();
        }

        private static String reply(int cmd, int seq, int opcode, String payload) {
            return "{\"cmd\":" + cmd + ",\"seq\":" + seq + ",\"opcode\":" + opcode + ",\"payload\":" + payload + "}";
        }
    }

    /**
     * The support chat: selects access_token, refuses a handshake without a JWT, and answers each Event as the
     * recorded conversation answered it (SendMessage with its ReceiveMessage push); an Event the recording never
     * answered (GetUnreadInfo, which the document lists but does not describe) gets no answer.
     */
    static final class EventChat implements Simulator<Void> {
        private final Map<String, List<ScriptedFrame>> answersByName = new HashMap<>();

        EventChat() {
            for (Conversation.Exchange e : EVENT_CHAT.exchanges()) {
                JsonNode sent = parse(e.sent().text());
                if (sent != null) {
                    answersByName.putIfAbsent(sent.path("name").asText(), e.answers());
                }
            }
        }

        @Override
        public String name() {
            return "event-chat";
        }

        @Override
        public String select(Upgrade upgrade) {
            // The browser drops the socket unless the server selects one of the offered values.
            return upgrade.subprotocols().contains("access_token") ? "access_token" : null;
        }

        @Override
        public Void onOpen(Upgrade upgrade, Peer peer) {
            if (!upgrade.subprotocols().contains("access_token") || upgrade.subprotocols().size() < 2) {
                peer.close(1008, "access_token and a JWT are required in Sec-WebSocket-Protocol");
            }
            return null;
        }

        @Override
        public Void onText(Void none, Peer peer, String text) {
            JsonNode f = parse(text);
            play(peer, answersByName.getOrDefault(f == null ? "" : f.path("name").asText(), List.of()));
            return null;
        }
    }

    /**
     * maim_message: checks the authorization header (1008 when wrong), answers each message with one carrying a
     * generated 512 KiB image. Its state is the platform the client named in its handshake.
     */
    static final class Maim implements Simulator<String> {
        private static final String IMAGE = Base64.getEncoder().encodeToString(DemoImage.png(512 * 1024));

        @Override
        public String name() {
            return "maim";
        }

        @Override
        public String onOpen(Upgrade upgrade, Peer peer) {
            if (!MAIM_TOKEN.equals(upgrade.header("authorization"))) {
                peer.close(1008, "Invalid or missing token");
            }
            return upgrade.header("platform") == null ? "default" : upgrade.header("platform");
        }

        @Override
        public String onText(String platform, Peer peer, String text) {
            JsonNode f = parse(text);
            String to = f == null ? "?" : f.path("message_info").path("user_info").path("user_id").asText("?");
            ObjectNode reply = JSON.createObjectNode();
            ObjectNode info = reply.putObject("message_info");
            info.put("platform", platform);
            info.put("message_id", "bot_" + System.nanoTime());
            info.put("time", System.currentTimeMillis() / 1000.0);
            ObjectNode user = info.putObject("user_info");
            user.put("platform", platform);
            user.put("user_id", "maimbot");
            user.put("user_nickname", "麦麦");
            ObjectNode group = info.putObject("group_info");
            group.put("platform", platform);
            group.put("group_id", "group_789");
            group.put("group_name", "技术交流群");
            ObjectNode seg = reply.putObject("message_segment");
            seg.put("type", "seglist");
            var data = seg.putArray("data");
            data.addObject().put("type", "reply").put("data", f == null ? "?" : f.path("message_info").path("message_id").asText());
            data.addObject().put("type", "at").put("data", to);
            data.addObject().put("type", "text").put("data", " 这是效果图：");
            data.addObject().put("type", "image").put("data", IMAGE);
            peer.send(reply.toString());
            return platform;
        }
    }

    /** zavodchat's main socket: checks the cookie, then pushes every event of the document, as printed there. */
    static final class ZavodchatMain implements Simulator<Void> {
        @Override
        public String name() {
            return "zavodchat";
        }

        @Override
        public Void onOpen(Upgrade upgrade, Peer peer) {
            String cookie = upgrade.header("cookie");
            if (cookie == null || !cookie.contains("zavodchat_token=")) {
                peer.close(1008, "zavodchat_token cookie required");
                return null;
            }
            play(peer, ZAVODCHAT_MAIN.opening());
            return null;
        }

        @Override
        public Void onText(Void none, Peer peer, String text) {
            // The main socket only pushes.
            return null;
        }
    }

    /** zavodchat's voice socket (?channel=ID): takes enable_video / disable_video, answers nothing. */
    static final class ZavodchatVoice implements Simulator<Void> {
        @Override
        public String name() {
            return "zavodchat-voice";
        }

        @Override
        public Void onOpen(Upgrade upgrade, Peer peer) {
            if (!upgrade.query().containsKey("channel")) {
                peer.close(1008, "channel query parameter required");
            }
            return null;
        }

        @Override
        public Void onText(Void none, Peer peer, String text) {
            return null;
        }
    }

    /** QQ-style push: one of every documented event type, right after the connection opens. */
    static final class QqPush implements Simulator<Void> {
        @Override
        public String name() {
            return "qq-push";
        }

        @Override
        public Void onOpen(Upgrade upgrade, Peer peer) {
            play(peer, QQ_PUSH.opening());
            return null;
        }

        @Override
        public Void onText(Void none, Peer peer, String text) {
            return null;
        }
    }
}

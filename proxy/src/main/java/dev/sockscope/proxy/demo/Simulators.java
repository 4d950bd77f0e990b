package dev.sockscope.proxy.demo;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The five seed protocols as upstreams (zavodchat has two sockets, so six simulators). */
public final class Simulators {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The token the maim simulator accepts; any other gets 1008 "Invalid or missing token", as the document says. */
    public static final String MAIM_TOKEN = "demo-maim-token";
    public static final String ZAVODCHAT_TOKEN = "3c3beb77-b54a-4733-8c5d-acd7b2680241";
    /** Events the zavodchat main socket pushes on connect: one of each in the document. */
    public static final int ZAVODCHAT_EVENT_COUNT = 21;

    private Simulators() {
    }

    public static List<Simulator> all() {
        return List.of(new Max(), new EventChat(), new Maim(), new ZavodchatMain(), new ZavodchatVoice(), new QqPush());
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return null;
        }
    }

    /** MAX: handshake (6) → login (19) answered, then NOTIF_SYNC and a NOTIF_MESSAGE push; every request answered by seq. */
    static final class Max implements Simulator {
        private final AtomicInteger pushSeq = new AtomicInteger();

        @Override
        public String name() {
            return "max";
        }

        @Override
        public Object onOpen(Upgrade upgrade, Peer peer) {
            return new boolean[] {false};
        }

        @Override
        public void onText(Object state, Peer peer, String text) {
            JsonNode f = parse(text);
            if (f == null || !f.has("opcode")) {
                peer.send("{\"cmd\":3,\"seq\":0,\"opcode\":0,\"payload\":{\"error\":\"proto.payload\",\"localizedMessage\":\"not an envelope\"}}");
                return;
            }
            int seq = f.path("seq").asInt();
            int op = f.path("opcode").asInt();
            boolean[] handshaken = (boolean[]) state;
            if (op != 6 && !handshaken[0]) {
                peer.send(reply(3, seq, op, "{\"error\":\"proto.state\",\"localizedMessage\":\"handshake (6) must come first\"}"));
                return;
            }
            switch (op) {
                case 6 -> {
                    handshaken[0] = true;
                    peer.send(reply(1, seq, 6, "{\"location\":\"RU\"}"));
                }
                case 19 -> {
                    peer.send(reply(1, seq, 19, "{\"profile\":{\"id\":7,\"name\":\"Anna\"}}"));
                    peer.send(reply(0, pushSeq.incrementAndGet(), 6, "{\"profile\":{\"id\":7,\"name\":\"Anna\"},\"config\":{},"
                            + "\"contacts\":[{\"id\":8,\"names\":[{\"name\":\"Boris\"}]}],\"chats\":[{\"id\":12345}],\"messages\":{}}"));
                    peer.send(reply(0, pushSeq.incrementAndGet(), 128,
                            "{\"chatId\":12345,\"message\":{\"id\":\"m1\",\"sender\":8,\"text\":\"Привет! Как дела?\"},\"chat\":{\"id\":12345}}"));
                }
                case 1 -> peer.send(reply(1, seq, 1, "{}"));
                case 49, 76 -> peer.send(reply(1, seq, op, "{\"messages\":[{\"id\":\"m1\",\"text\":\"Привет! Как дела?\"}]}"));
                case 64, 152 -> peer.send(reply(1, seq, op, "{\"message\":{\"id\":\"m2\",\"text\":\""
                        + f.path("payload").path("message").path("text").asText().replace("\"", "") + "\"}}"));
                case 32, 50, 75, 83, 88, 60 -> peer.send(reply(1, seq, op, "{}"));
                default -> peer.send(reply(3, seq, op, "{\"error\":\"proto.opcode\",\"localizedMessage\":\"unknown opcode " + op + "\"}"));
            }
        }

        private static String reply(int cmd, int seq, int opcode, String payload) {
            return "{\"cmd\":" + cmd + ",\"seq\":" + seq + ",\"opcode\":" + opcode + ",\"payload\":" + payload + "}";
        }
    }

    /** The support chat: selects access_token, answers each Event by name, pushes ReceiveMessage after SendMessage. */
    static final class EventChat implements Simulator {
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
        public Object onOpen(Upgrade upgrade, Peer peer) {
            if (!upgrade.subprotocols().contains("access_token") || upgrade.subprotocols().size() < 2) {
                peer.close(1008, "access_token and a JWT are required in Sec-WebSocket-Protocol");
            }
            return null;
        }

        @Override
        public void onText(Object state, Peer peer, String text) {
            JsonNode f = parse(text);
            String name = f == null ? "" : f.path("name").asText();
            JsonNode args = f == null ? null : parse(f.path("args").asText("{}"));
            switch (name) {
                case "Event.AddConversation" -> peer.send("{\"name\":\"Event.AddConversation\",\"ok\":true,\"result\":{\"id\":2,"
                        + "\"session_channel\":\"100\",\"application_id\":" + (args == null ? 0 : args.path("application_id").asInt())
                        + ",\"create_at\":\"2020-03-05T18:11:50.6982843Z\",\"update_at\":\"2020-03-05T18:11:50.6982843Z\"}}");
                case "Event.GetConversationList" -> peer.send("{\"name\":\"Event.GetConversationList\",\"ok\":true,\"result\":"
                        + "{\"conversations\":[{\"id\":2,\"session_channel\":\"100\",\"application_id\":100}]}}");
                case "Event.GetMessageList" -> peer.send("{\"name\":\"Event.GetMessageList\",\"ok\":true,\"result\":{\"Messages\":"
                        + "[{\"id\":1,\"session_channel\":\"100\",\"content\":\"Hello World\",\"sender_id\":1,\"status\":0}]}}");
                case "Event.SendMessage" -> {
                    String content = args == null ? "" : args.path("content").asText().replace("\"", "");
                    peer.send("{\"name\":\"Event.SendMessage\",\"ok\":true,\"result\":{\"message\":{\"id\":10,\"session_channel\":\"100\","
                            + "\"content\":\"" + content + "\",\"sender_id\":1,\"status\":0}}}");
                    peer.send("{\"name\":\"Event.ReceiveMessage\",\"ok\":true,\"result\":{\"message\":{\"id\":11,\"session_channel\":\"100\","
                            + "\"content\":\"thanks, looking into it\",\"sender_id\":2,\"status\":0}}}");
                }
                case "Event.ReadMessage" -> peer.send("{\"name\":\"Event.ReadMessage\",\"ok\":true,\"result\":null}");
                case "Event.GetUnreadInfo" -> {
                    // Listed by the document but not described: this server never answers it.
                }
                default -> peer.send("{\"name\":\"" + name.replace("\"", "") + "\",\"ok\":false,\"result\":\"unknown event\"}");
            }
        }
    }

    /** maim_message: checks the authorization header (1008 when wrong), answers each message with one carrying an image. */
    static final class Maim implements Simulator {
        private static final String IMAGE = Base64.getEncoder().encodeToString(DemoImage.png(512 * 1024));

        @Override
        public String name() {
            return "maim";
        }

        @Override
        public Object onOpen(Upgrade upgrade, Peer peer) {
            if (!MAIM_TOKEN.equals(upgrade.header("authorization"))) {
                peer.close(1008, "Invalid or missing token");
            }
            return upgrade.header("platform") == null ? "default" : upgrade.header("platform");
        }

        @Override
        public void onText(Object state, Peer peer, String text) {
            JsonNode f = parse(text);
            String to = f == null ? "?" : f.path("message_info").path("user_info").path("user_id").asText("?");
            ObjectNode reply = JSON.createObjectNode();
            ObjectNode info = reply.putObject("message_info");
            info.put("platform", (String) state);
            info.put("message_id", "bot_" + System.nanoTime());
            info.put("time", System.currentTimeMillis() / 1000.0);
            ObjectNode user = info.putObject("user_info");
            user.put("platform", (String) state);
            user.put("user_id", "maimbot");
            user.put("user_nickname", "麦麦");
            ObjectNode group = info.putObject("group_info");
            group.put("platform", (String) state);
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
        }
    }

    /** zavodchat's main socket: checks the cookie, then pushes one of every event (one malformed, as in the document). */
    static final class ZavodchatMain implements Simulator {
        static final List<String> EVENTS = List.of(
                "{\"data\":{\"author_id\":1,\"channel_id\":1,\"edited\":\"2024-12-04 18:36:14.045681+00\",\"id\":6,\"sent\":\"2024-12-04 18:36:14.045681+00\",\"server_id\":1,\"text\":\"its over guys\"},\"name\":\"message_created\"}",
                "{\"data\":{\"channel_id\":1,\"edited\":\"2025-01-11 01:05:03.080518+00\",\"id\":6,\"server_id\":1,\"text\":\"you_are_good_people\"},\"name\":\"message_edited\"}",
                "{\"data\":{\"channel_id\":1,\"id\":8,\"server_id\":1},\"name\":\"message_deleted\"}",
                "{\"data\":{\"id\":7,\"name\":\"political_discussion\",\"server_id\":1,\"type\":0},\"name\":\"channel_created\"}",
                "{\"data\":{\"id\":7,\"name\":\"shared_photos\",\"server_id\":1,\"type\":1},\"name\":\"channel_edited\"}",
                "{\"data\":{\"id\":7,\"server_id\":1},\"name\":\"channel_deleted\"}",
                "{\"data\":{\"id\":1,\"name\":\"speed_cameras_hotspots\"},\"name\":\"server_edited\"}",
                "{\"data\":{\"id\":2},\"name\":\"server_deleted\"}",
                "{\"data\":{\"id\":412,\"name\":\"cyb3rc001\",\"avatar\":\"avatar_453912.png\",\"status\":0,\"server_id\":1},\"name\":\"user_joined\"}",
                "{\"data\":{\"id\":1,\"server_id\":1},\"name\":\"user_kicked\"}",
                // As printed in the document: a stray brace makes it invalid JSON.
                "{\"data\":{\"id\":412,\"status\":1,\"avatar\":\"avatar_444212.png\",\"name\":\"rena_fan_no1\"}},\"name\":\"user_changed\"}",
                "{\"data\":{\"channel_id\":2,\"id\":2,\"server_id\":1,\"mute\":0,\"deaf\":0},\"name\":\"user_joined_vc\"}",
                "{\"data\":{\"channel_id\":2,\"id\":2,\"server_id\":1},\"name\":\"user_left_vc\"}",
                "{\"data\":{\"channel_id\":2,\"deaf\":0,\"id\":1,\"mute\":1,\"server_id\":1},\"name\":\"user_changed_vc_state\"}",
                "{\"data\":{\"role_id\":7,\"server_id\":1,\"user_id\":2},\"name\":\"role_assigned\"}",
                "{\"data\":{\"role_id\":7,\"server_id\":1,\"user_id\":2},\"name\":\"role_disallowed\"}",
                "{\"data\":{\"expires\":\"2026-01-09T03:05:30.623Z\",\"id\":41,\"server_id\":1},\"name\":\"user_banned\"}",
                "{\"data\":{\"id\":48,\"server_id\":1},\"name\":\"user_unbanned\"}",
                "{\"data\":{\"expires\":\"2026-01-11T19:14:50.604Z\",\"id\":58,\"server_id\":1},\"name\":\"ban_changed\"}",
                "{\"data\":{\"id\":1},\"name\":\"got_server_owner\"}",
                "{\"data\":{\"roles\":[{\"color\":\"#ff0000\",\"id\":2,\"name\":\"admin\",\"perms1\":65536},{\"color\":\"#999999\",\"id\":1,\"name\":\"default\",\"perms1\":158377}],\"server_id\":1},\"name\":\"roles_updated\"}");

        @Override
        public String name() {
            return "zavodchat";
        }

        @Override
        public Object onOpen(Upgrade upgrade, Peer peer) {
            String cookie = upgrade.header("cookie");
            if (cookie == null || !cookie.contains("zavodchat_token=")) {
                peer.close(1008, "zavodchat_token cookie required");
                return null;
            }
            EVENTS.forEach(peer::send);
            return null;
        }

        @Override
        public void onText(Object state, Peer peer, String text) {
            // The main socket only pushes.
        }
    }

    /** zavodchat's voice socket (?channel=ID): takes enable_video / disable_video, answers nothing. */
    static final class ZavodchatVoice implements Simulator {
        @Override
        public String name() {
            return "zavodchat-voice";
        }

        @Override
        public Object onOpen(Upgrade upgrade, Peer peer) {
            if (!upgrade.query().containsKey("channel")) {
                peer.close(1008, "channel query parameter required");
            }
            return null;
        }

        @Override
        public void onText(Object state, Peer peer, String text) {
        }
    }

    /** QQ-style push: one of every documented event type, right after the connection opens. */
    static final class QqPush implements Simulator {
        static final List<String> EVENTS = buildEvents();

        private static List<String> buildEvents() {
            List<String> e = new ArrayList<>();
            String t = "\"time\":1732350000,";
            e.add("{\"type\":\"msg\"," + t + "\"data\":{\"type\":\"private\",\"known\":true,\"channel\":0,\"sender\":10001,\"msgID\":5,\"msgContent\":[\"晚上好\"],\"reply\":{\"to\":20002,\"time\":1732349000,\"text\":\"在吗\",\"id\":\"r1\"}}}");
            e.add("{\"type\":\"msg\"," + t + "\"data\":{\"type\":\"group\",\"known\":false,\"channel\":30003,\"sender\":10003,\"msgID\":8,\"msgContent\":[\"hello group\"]}}");
            e.add("{\"type\":\"revoke\"," + t + "\"data\":{\"type\":\"private\",\"revoker\":10001,\"revokee\":10001,\"channel\":10001,\"msgID\":5}}");
            e.add("{\"type\":\"revoke\"," + t + "\"data\":{\"type\":\"group\",\"revoker\":10004,\"revokee\":10003,\"channel\":30003,\"msgID\":8}}");
            e.add("{\"type\":\"user\"," + t + "\"data\":{\"type\":\"online\"}}");
            e.add("{\"type\":\"user\"," + t + "\"data\":{\"type\":\"offline\"}}");
            e.add("{\"type\":\"user\"," + t + "\"data\":{\"type\":\"newFriendRequest\",\"who\":10005,\"nick\":\"小明\",\"source\":\"group 30003\",\"comment\":\"加个好友\"}}");
            e.add("{\"type\":\"user\"," + t + "\"data\":{\"type\":\"groupInvite\",\"group\":30004,\"groupName\":\"摸鱼群\",\"inviter\":10005}}");
            e.add("{\"type\":\"user\"," + t + "\"data\":{\"type\":\"friendAdded\",\"who\":10005,\"nick\":\"小明\"}}");
            e.add("{\"type\":\"user\"," + t + "\"data\":{\"type\":\"friendRemoved\",\"who\":10006,\"nick\":\"\"}}");
            e.add("{\"type\":\"user\"," + t + "\"data\":{\"type\":\"groupJoined\",\"which\":30004}}");
            e.add("{\"type\":\"user\"," + t + "\"data\":{\"type\":\"groupLeft\",\"which\":30005,\"operator\":10007}}");
            e.add("{\"type\":\"group\"," + t + "\"data\":{\"type\":\"joinRequest\",\"who\":10008,\"group\":30003,\"comment\":\"让我进去\",\"inviter\":0}}");
            e.add("{\"type\":\"group\"," + t + "\"data\":{\"type\":\"mute\",\"who\":0,\"group\":30003,\"operator\":10004,\"duration\":600}}");
            e.add("{\"type\":\"group\"," + t + "\"data\":{\"type\":\"mute\",\"who\":0,\"group\":30003,\"operator\":10004,\"duration\":0}}");
            e.add("{\"type\":\"group\"," + t + "\"data\":{\"type\":\"mute\",\"who\":10003,\"group\":30003,\"operator\":10004,\"duration\":3600}}");
            e.add("{\"type\":\"group\"," + t + "\"data\":{\"type\":\"admin\",\"who\":10003,\"group\":30003,\"status\":true}}");
            e.add("{\"type\":\"group\"," + t + "\"data\":{\"type\":\"memberJoined\",\"who\":10008,\"group\":30003}}");
            e.add("{\"type\":\"group\"," + t + "\"data\":{\"type\":\"memberLeft\",\"who\":10003,\"group\":30003,\"operator\":10004}}");
            return List.copyOf(e);
        }

        @Override
        public String name() {
            return "qq-push";
        }

        @Override
        public Object onOpen(Upgrade upgrade, Peer peer) {
            EVENTS.forEach(peer::send);
            return null;
        }

        @Override
        public void onText(Object state, Peer peer, String text) {
        }
    }
}

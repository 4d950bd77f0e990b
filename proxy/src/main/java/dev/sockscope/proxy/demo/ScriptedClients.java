package dev.sockscope.proxy.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Clients that talk to the simulators (through the proxy) as each seed document prescribes. Each script waits for
 * the answers it expects, with a deadline, so a broken relay shows as a clear failure rather than a hang.
 */
public final class ScriptedClients {
    static final Duration WAIT = Duration.ofSeconds(10);
    /** The JWT of seed 001's example (admin_id 1, long expired). */
    public static final String EVENT_CHAT_JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiIiLCJpYXQiOm51bGwsImV4cCI6MTYxNDkyMzExNiwiYXVkIjoiIiwic3ViIjoiIiwiYWRtaW5faWQiOiIxIn0.G789lqmV0yUs9sKVTcpid6HK3D4zK98kum-EgWs3yiY";

    private final HttpClient http = HttpClient.newHttpClient();

    /** Runs every script against {@code proxied} (simulator name → proxy address) and says what each did. */
    public List<String> runAll(Map<String, URI> proxied) throws Exception {
        return runAll(proxied, List.of("max", "event-chat", "maim", "zavodchat", "qq-push"));
    }

    /** Runs the named scripts only (zavodchat includes its voice socket). */
    public List<String> runAll(Map<String, URI> proxied, List<String> names) throws Exception {
        List<String> done = new ArrayList<>();
        for (String name : names) {
            done.add(switch (name) {
                case "max" -> max(proxied.get("max"));
                case "event-chat" -> eventChat(proxied.get("event-chat"));
                case "maim" -> maim(proxied.get("maim"));
                case "zavodchat" -> zavodchat(proxied.get("zavodchat"), proxied.get("zavodchat-voice"));
                case "qq-push" -> qqPush(proxied.get("qq-push"));
                default -> throw new IllegalArgumentException("no scripted client named " + name);
            });
        }
        return done;
    }

    /** A connected client and what it received. */
    static final class Conn implements WebSocket.Listener {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        void send(String text) {
            ws.sendText(text, true).join();
        }

        String next(String what) throws InterruptedException {
            String m = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new IllegalStateException("no " + what + " within " + WAIT.toSeconds() + " s");
            }
            return m;
        }

        void await(int messages, String what) throws InterruptedException {
            for (int i = 0; i < messages; i++) {
                next(what);
            }
        }

        void close() throws Exception {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "demo done").join();
            closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private Conn connect(URI uri, WebSocket.Builder builder) {
        Conn c = new Conn();
        c.ws = builder.connectTimeout(WAIT).buildAsync(uri, c).join();
        return c;
    }

    String max(URI proxy) throws Exception {
        Conn c = connect(proxy.resolve("/websocket"), http.newWebSocketBuilder());
        c.send("{\"cmd\":0,\"seq\":1,\"opcode\":6,\"payload\":{\"userAgent\":{\"deviceType\":\"WEB\"}}}");
        c.next("MAX handshake answer");
        c.send("{\"cmd\":0,\"seq\":2,\"opcode\":19,\"payload\":{\"interactive\":true,\"token\":\"An9xQ2hY7tLp0sDemoToken\",\"chatsSync\":0,"
                + "\"contactsSync\":0,\"presenceSync\":0,\"draftsSync\":0,\"chatsCount\":40}}");
        c.await(3, "MAX login answer, NOTIF_SYNC and NOTIF_MESSAGE");
        c.send("{\"cmd\":0,\"seq\":3,\"opcode\":1,\"payload\":{\"interactive\":false}}");
        c.next("MAX heartbeat answer");
        c.send("{\"cmd\":0,\"seq\":4,\"opcode\":76,\"payload\":{\"chatId\":\"12345\",\"from\":\"m1\",\"forward\":0,\"backward\":50}}");
        c.next("MAX history answer");
        c.send("{\"cmd\":0,\"seq\":5,\"opcode\":64,\"payload\":{\"chatId\":\"12345\",\"message\":{\"cid\":1678886400000,\"text\":\"Всё хорошо!\",\"elements\":[],\"attaches\":[]}}}");
        c.next("MAX send answer");
        c.send("{\"cmd\":0,\"seq\":6,\"opcode\":999,\"payload\":{}}");
        c.next("MAX error for an unknown opcode");
        c.close();
        return "max: handshake, login (token masked), sync and a push, heartbeat, history (as opcode 76), send, an unknown opcode";
    }

    String eventChat(URI proxy) throws Exception {
        Conn c = connect(proxy.resolve("/ws?sid=2"), http.newWebSocketBuilder().subprotocols("access_token", EVENT_CHAT_JWT));
        c.send("{\"name\":\"Event.AddConversation\",\"args\":\"{\\\"user_id\\\":1,\\\"application_id\\\":100}\"}");
        c.next("AddConversation answer");
        c.send("{\"name\":\"Event.GetConversationList\",\"args\":\"{\\\"user_id\\\":1}\"}");
        c.next("GetConversationList answer");
        c.send("{\"name\":\"Event.SendMessage\",\"args\":\"{\\\"session_channel\\\":\\\"100\\\",\\\"sender_id\\\":1,\\\"content\\\":\\\"Hey\\\"}\"}");
        c.await(2, "SendMessage answer and ReceiveMessage push");
        c.send("{\"name\":\"Event.ReadMessage\",\"args\":\"{\\\"session_channel\\\":\\\"100\\\",\\\"executor_id\\\":1,\\\"message_id\\\":11}\"}");
        c.next("ReadMessage answer");
        c.send("{\"name\":\"Event.GetUnreadInfo\",\"args\":\"{\\\"user_id\\\":1}\"}");
        c.close();
        return "event-chat: JWT in the subprotocol, four requests paired by name, a ReceiveMessage push, GetUnreadInfo left unanswered";
    }

    String maim(URI proxy) throws Exception {
        Conn refused = connect(proxy.resolve("/ws"), http.newWebSocketBuilder().header("platform", "my_platform").header("authorization", "wrong-token"));
        int code = refused.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (code != 1008) {
            throw new IllegalStateException("maim: a bad token should be closed with 1008, got " + code);
        }
        Conn c = connect(proxy.resolve("/ws"), http.newWebSocketBuilder().header("platform", "my_platform").header("authorization", Simulators.MAIM_TOKEN));
        c.send("{\"message_info\":{\"platform\":\"my_platform\",\"message_id\":\"msg_001\",\"time\":1703123456.789,\"user_info\":"
                + "{\"platform\":\"my_platform\",\"user_id\":\"123456789\",\"user_nickname\":\"张三\"},\"group_info\":{\"platform\":\"my_platform\","
                + "\"group_id\":\"group_789\",\"group_name\":\"技术交流群\"}},\"message_segment\":{\"type\":\"seglist\",\"data\":[{\"type\":\"text\","
                + "\"data\":\"你好，\"},{\"type\":\"at\",\"data\":\"maimbot\"},{\"type\":\"text\",\"data\":\" 请发效果图\"}]}}");
        c.next("maim reply with an image");
        c.close();
        return "maim: a bad token closed with 1008, then a group message answered with a 512 KiB image";
    }

    String zavodchat(URI main, URI voice) throws Exception {
        Conn c = connect(main.resolve("/?status=2"), http.newWebSocketBuilder().header("Cookie", "zavodchat_token=" + Simulators.ZAVODCHAT_TOKEN));
        c.await(Simulators.ZavodchatMain.EVENTS.size(), "zavodchat events");
        Conn v = connect(voice.resolve("/?channel=2"), http.newWebSocketBuilder().header("Cookie", "zavodchat_token=" + Simulators.ZAVODCHAT_TOKEN));
        v.send("{\"data\":{\"codec\":\"H264\",\"bitrate\":9216000},\"name\":\"enable_video\"}");
        v.send("{\"data\":\"\",\"name\":\"disable_video\"}");
        v.close();
        c.close();
        return "zavodchat: " + Simulators.ZavodchatMain.EVENTS.size() + " main-socket events (one malformed, as documented), and the voice socket's enable/disable_video";
    }

    String qqPush(URI proxy) throws Exception {
        Conn c = connect(proxy.resolve("/"), http.newWebSocketBuilder());
        c.await(Simulators.QqPush.EVENTS.size(), "QQ pushes");
        c.close();
        return "qq-push: " + Simulators.QqPush.EVENTS.size() + " pushes, every documented event type";
    }
}

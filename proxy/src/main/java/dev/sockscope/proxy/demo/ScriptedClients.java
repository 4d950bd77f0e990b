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

import dev.sockscope.wire.Conversation;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.ScriptedFrame;

/**
 * Clients that talk to the simulators (through the proxy) as each seed document prescribes, playing the client's
 * side of the golden conversations. Each script waits for the answers it expects, with a deadline, so a broken relay
 * shows as a clear failure rather than a hang.
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

    /**
     * Plays the client's side of a recorded conversation: waits for the server's opening, then sends each client
     * frame and waits for as many messages as the recording answered it with.
     */
    private static void play(Conn c, Conversation recorded) throws InterruptedException {
        c.await(recorded.opening().size(), recorded.name() + " opening");
        for (Conversation.Exchange e : recorded.exchanges()) {
            c.send(e.sent().text());
            c.await(e.answers().size(), "answer to frame " + (recorded.frames().indexOf(e.sent()) + 1) + " of " + recorded.name());
        }
    }

    String max(URI proxy) throws Exception {
        Conn c = connect(proxy.resolve("/websocket"), http.newWebSocketBuilder());
        play(c, Simulators.MAX_SESSION);
        c.close();
        return "max: " + Simulators.MAX_SESSION.name() + ": handshake, login (token masked) and sync, heartbeat and a push,"
                + " history answered with an error, an unknown opcode and an answer to nothing";
    }

    String eventChat(URI proxy) throws Exception {
        Conn c = connect(proxy.resolve("/ws?sid=2"), http.newWebSocketBuilder().subprotocols("access_token", EVENT_CHAT_JWT));
        play(c, Simulators.EVENT_CHAT);
        c.send(Simulators.EVENT_CHAT_ODDITIES.from(Direction.CLIENT_TO_SERVER).stream()
                .filter(f -> f.text().contains("\"Event.GetUnreadInfo\"")).findFirst().orElseThrow().text());
        c.close();
        return "event-chat: " + Simulators.EVENT_CHAT.name() + ": JWT in the subprotocol, five requests paired by name,"
                + " a ReceiveMessage push; then GetUnreadInfo, left unanswered";
    }

    String maim(URI proxy) throws Exception {
        Conn refused = connect(proxy.resolve("/ws"), http.newWebSocketBuilder().header("platform", "my_platform").header("authorization", "wrong-token"));
        int code = refused.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (code != 1008) {
            throw new IllegalStateException("maim: a bad token should be closed with 1008, got " + code);
        }
        Conn c = connect(proxy.resolve("/ws"), http.newWebSocketBuilder().header("platform", "my_platform").header("authorization", Simulators.MAIM_TOKEN));
        for (ScriptedFrame message : Simulators.MAIM_MESSAGE.from(Direction.CLIENT_TO_SERVER)) {
            c.send(message.text());
            c.next("maim reply with an image");
        }
        c.close();
        return "maim: a bad token closed with 1008, then " + Simulators.MAIM_MESSAGE.name() + " answered with a 512 KiB image";
    }

    String zavodchat(URI main, URI voice) throws Exception {
        Conn c = connect(main.resolve("/?status=2"), http.newWebSocketBuilder().header("Cookie", "zavodchat_token=" + Simulators.ZAVODCHAT_TOKEN));
        play(c, Simulators.ZAVODCHAT_MAIN);
        Conn v = connect(voice.resolve("/?channel=2"), http.newWebSocketBuilder().header("Cookie", "zavodchat_token=" + Simulators.ZAVODCHAT_TOKEN));
        play(v, Simulators.ZAVODCHAT_VOICE);
        v.close();
        c.close();
        return "zavodchat: " + Simulators.ZAVODCHAT_MAIN.name() + ", " + Simulators.ZAVODCHAT_MAIN.frames().size()
                + " main-socket events (three not JSON, as printed in the document), and the voice socket's "
                + Simulators.ZAVODCHAT_VOICE.name();
    }

    String qqPush(URI proxy) throws Exception {
        Conn c = connect(proxy.resolve("/"), http.newWebSocketBuilder());
        play(c, Simulators.QQ_PUSH);
        c.close();
        return "qq-push: " + Simulators.QQ_PUSH.name() + ", " + Simulators.QQ_PUSH.frames().size() + " pushes, every documented event type";
    }
}

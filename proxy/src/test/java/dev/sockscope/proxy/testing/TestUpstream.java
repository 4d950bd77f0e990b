package dev.sockscope.proxy.testing;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

/**
 * A real WebSocket upstream for tests, on Jetty's core API so that it sees and sends raw frames.
 * It echoes every data frame exactly as framed (opcode, fin), answers pings, and obeys commands sent
 * as text frames starting with '!':
 * <ul>
 * <li>{@code !close CODE REASON}: closes with that code and reason;</li>
 * <li>{@code !die}: drops the TCP connection without a close frame;</li>
 * <li>{@code !ping PAYLOAD}: sends a ping;</li>
 * <li>{@code !binary N}: sends a binary message of N bytes.</li>
 * </ul>
 * A request for {@code /status/NNN} is refused with HTTP status NNN.
 */
public final class TestUpstream implements AutoCloseable {

    /** A frame as the upstream received it. */
    public record Received(byte opcode, boolean fin, byte[] payload, long nanoTime) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** The upgrade request as the upstream saw it. */
    public record SeenHandshake(String path, String query, List<HttpField> headers, List<String> subprotocols,
                                List<String> extensions) {
        public String header(String name) {
            return headers.stream().filter(f -> f.getName().equalsIgnoreCase(name)).map(HttpField::getValue)
                    .findFirst().orElse(null);
        }

        public long count(String name) {
            return headers.stream().filter(f -> f.getName().equalsIgnoreCase(name)).count();
        }
    }

    /** The upgrade requests it saw, the frames it received and how its sessions closed, each in order. */
    public final EventQueue<SeenHandshake> handshakes = new EventQueue<>("the upstream");
    public final EventQueue<Received> frames = new EventQueue<>("the upstream");
    public final EventQueue<CloseStatus> closes = new EventQueue<>("the upstream");
    private final Server server;
    private final ServerConnector connector;
    private final boolean tls;

    private TestUpstream(Path keystore, String password, Consumer<Configuration> customize) throws Exception {
        server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        if (keystore != null) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(keystore.toString());
            ssl.setKeyStorePassword(password);
            http.addCustomizer(new SecureRequestCustomizer(false));
            connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        tls = keystore != null;
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebSocketUpgradeHandler ws = new WebSocketUpgradeHandler();
        ws.addMapping("/*", new Negotiator());
        ws.getConfiguration().setMaxFrameSize(256L << 20);
        ws.getConfiguration().setAutoFragment(false);
        customize.accept(ws.getConfiguration());
        server.setHandler(new Refuser(ws));
        server.start();
    }

    public static TestUpstream start() throws Exception {
        return new TestUpstream(null, null, c -> { });
    }

    /**
     * An upstream whose WebSocket configuration {@code customize} changes after the defaults above, say
     * {@code c -> c.setAutoFragment(true)}: Jetty 12.1 then inflates and deflates permessage-deflate messages
     * of any size in 8 KiB steps (and echoes them in as many frames) instead of closing with 1009 at 8 KiB.
     */
    public static TestUpstream start(Consumer<Configuration> customize) throws Exception {
        return new TestUpstream(null, null, customize);
    }

    /** A wss:// upstream with the (self-signed) key in {@code keystore}. */
    public static TestUpstream startTls(Path keystore, String password) throws Exception {
        return new TestUpstream(keystore, password, c -> { });
    }

    public int port() {
        return connector.getLocalPort();
    }

    public URI uri() {
        return URI.create((tls ? "wss" : "ws") + "://127.0.0.1:" + port());
    }

    public SeenHandshake nextHandshake() throws InterruptedException {
        return handshakes.next("handshake");
    }

    public Received nextFrame() throws InterruptedException {
        return frames.next("frame");
    }

    public CloseStatus nextClose() throws InterruptedException {
        return closes.next("close");
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** Refuses /status/NNN before any WebSocket handling. */
    private static final class Refuser extends Handler.Wrapper {
        Refuser(Handler next) {
            super(next);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = request.getHttpURI().getPath();
            if (path.startsWith("/status/")) {
                int status = Integer.parseInt(path.substring("/status/".length()));
                response.setStatus(status);
                response.getHeaders().put("X-Refused-By", "test-upstream");
                response.write(true, ByteBuffer.wrap(("refused " + status).getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
            return super.handle(request, response, callback);
        }
    }

    private final class Negotiator extends WebSocketNegotiator.AbstractNegotiator {
        @Override
        public FrameHandler negotiate(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
            List<HttpField> headers = new ArrayList<>();
            request.getHeaders().forEach(headers::add);
            List<String> extensions = request.getExtensions().stream().map(e -> e.getName()).toList();
            handshakes.add(new SeenHandshake(request.getHttpURI().getPath(), request.getHttpURI().getQuery(), headers,
                    List.copyOf(request.getSubProtocols()), extensions));
            if (!request.getSubProtocols().isEmpty()) {
                response.setAcceptedSubProtocol(request.getSubProtocols().get(0));
            }
            response.getHeaders().add("X-Upstream", "test");
            response.getHeaders().add("Set-Cookie", "upstream_session=abc123; Path=/");
            return new Echo();
        }
    }

    /** Echoes each frame as framed; obeys '!' commands. */
    private final class Echo implements FrameHandler {
        private CoreSession session;

        @Override
        public void onOpen(CoreSession coreSession, Callback callback) {
            this.session = coreSession;
            callback.succeeded();
            coreSession.demand();
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            byte[] payload = new byte[frame.getPayloadLength()];
            frame.getPayload().duplicate().get(payload);
            frames.add(new Received(frame.getOpCode(), frame.isFin(), payload, System.nanoTime()));
            byte op = frame.getOpCode();
            if (op == OpCode.CLOSE) {
                callback.succeeded(); // core answers the close with the same code
                return;
            }
            if (op == OpCode.PING) {
                session.sendFrame(new Frame(OpCode.PONG, ByteBuffer.wrap(payload)), done(callback), false);
                return;
            }
            if (op == OpCode.PONG) {
                callback.succeeded();
                session.demand();
                return;
            }
            String text = op == OpCode.TEXT && frame.isFin() ? new String(payload, StandardCharsets.UTF_8) : "";
            if (text.startsWith("!close ")) {
                String[] parts = text.split(" ", 3);
                callback.succeeded();
                session.close(Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : null, Callback.NOOP);
                session.demand();
            } else if (text.equals("!die")) {
                callback.succeeded();
                session.abort();
            } else if (text.startsWith("!ping ")) {
                session.sendFrame(new Frame(OpCode.PING, text.substring(6)), done(callback), false);
            } else if (text.startsWith("!binary ")) {
                byte[] big = new byte[Integer.parseInt(text.substring(8))];
                session.sendFrame(new Frame(OpCode.BINARY, ByteBuffer.wrap(big)), done(callback), false);
            } else {
                session.sendFrame(new Frame(op, frame.isFin(), ByteBuffer.wrap(payload)), done(callback), false);
            }
        }

        private Callback done(Callback callback) {
            return Callback.from(() -> {
                callback.succeeded();
                session.demand();
            }, callback::failed);
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            callback.succeeded();
        }

        @Override
        public void onClosed(CloseStatus closeStatus, Callback callback) {
            closes.add(closeStatus);
            callback.succeeded();
        }
    }

}

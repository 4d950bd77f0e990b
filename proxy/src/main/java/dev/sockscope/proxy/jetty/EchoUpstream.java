package dev.sockscope.proxy.jetty;

import java.io.IOException;
import java.net.URI;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

/**
 * A local WebSocket echo server: echoes every data frame as framed, answers pings, selects the first
 * offered subprotocol. For trying Sockscope without a real upstream (the demo) and for smoke tests.
 */
public final class EchoUpstream implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;

    private EchoUpstream(String host, int port) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("sockscope-echo");
        threads.setDaemon(true);
        server = new Server(threads);
        connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        WebSocketUpgradeHandler ws = new WebSocketUpgradeHandler();
        ws.addMapping("/*", new WebSocketNegotiator.AbstractNegotiator() {
            @Override
            public FrameHandler negotiate(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
                if (!request.getSubProtocols().isEmpty()) {
                    response.setAcceptedSubProtocol(request.getSubProtocols().get(0));
                }
                return new Echo();
            }
        });
        ws.getConfiguration().setMaxFrameSize(64L << 20);
        ws.getConfiguration().setAutoFragment(false);
        server.setHandler(ws);
        try {
            server.start();
        } catch (Exception e) {
            throw new IOException("cannot start the echo server on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public static EchoUpstream start(String host, int port) throws IOException {
        return new EchoUpstream(host, port);
    }

    public URI uri() {
        return URI.create("ws://" + connector.getHost() + ":" + connector.getLocalPort());
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception ignored) {
            // stopping a local test server
        }
    }

    private static final class Echo implements FrameHandler {
        private CoreSession session;

        @Override
        public void onOpen(CoreSession coreSession, Callback callback) {
            session = coreSession;
            callback.succeeded();
            session.demand();
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            byte op = frame.getOpCode();
            if (op == OpCode.CLOSE) {
                callback.succeeded();
                return;
            }
            if (op == OpCode.PONG) {
                callback.succeeded();
                session.demand();
                return;
            }
            Frame reply = op == OpCode.PING ? new Frame(OpCode.PONG, frame.getPayload())
                    : new Frame(op, frame.isFin(), frame.getPayload());
            session.sendFrame(reply, Callback.from(() -> {
                callback.succeeded();
                session.demand();
            }, callback::failed), false);
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            callback.succeeded();
        }

        @Override
        public void onClosed(CloseStatus closeStatus, Callback callback) {
            callback.succeeded();
        }
    }
}

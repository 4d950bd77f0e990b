package dev.sockscope.proxy.jetty;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BufferUtil;
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

import dev.sockscope.proxy.demo.Simulator;
import dev.sockscope.wire.QueryString;

/** Hosts {@link Simulator}s, each on its own port, on Jetty's WebSocket core. */
public final class SimulatorServer implements AutoCloseable {
    private final Server server;
    private final Map<String, ServerConnector> connectors = new LinkedHashMap<>();

    private SimulatorServer(String host, List<Simulator<?>> simulators) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("sockscope-simulator");
        threads.setDaemon(true);
        server = new Server(threads);
        List<Handler> handlers = new ArrayList<>();
        for (Simulator<?> sim : simulators) {
            ServerConnector connector = new ServerConnector(server);
            connector.setHost(host);
            connector.setPort(0);
            connector.setName(sim.name());
            server.addConnector(connector);
            connectors.put(sim.name(), connector);
            WebSocketUpgradeHandler ws = new WebSocketUpgradeHandler();
            ws.addMapping("/*", new WebSocketNegotiator.AbstractNegotiator() {
                @Override
                public FrameHandler negotiate(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
                    Simulator.Upgrade upgrade = upgrade(request);
                    String selected = sim.select(upgrade);
                    if (selected != null) {
                        response.setAcceptedSubProtocol(selected);
                    }
                    return new Connection<>(sim, upgrade);
                }
            });
            ws.getConfiguration().setMaxFrameSize(64L << 20);
            ws.getConfiguration().setMaxTextMessageSize(64L << 20);
            handlers.add(new VirtualConnectorHandler(sim.name(), ws));
        }
        server.setHandler(new Handler.Sequence(handlers));
        try {
            server.start();
        } catch (Exception e) {
            throw new IOException("cannot start the protocol simulators on " + host + ": " + e.getMessage(), e);
        }
    }

    public static SimulatorServer start(String host, List<Simulator<?>> simulators) throws IOException {
        return new SimulatorServer(host, simulators);
    }

    /** Where a simulator listens, by name. */
    public URI uri(String name) {
        ServerConnector c = connectors.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no simulator named " + name);
        }
        return URI.create("ws://" + c.getHost() + ":" + c.getLocalPort());
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception ignored) {
            // stopping local simulators
        }
    }

    private static Simulator.Upgrade upgrade(ServerUpgradeRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        request.getHeaders().forEach(f -> headers.merge(f.getLowerCaseName(), f.getValue(), (a, b) -> a + "; " + b));
        return new Simulator.Upgrade(request.getHttpURI().getPath(), QueryString.decoded(request.getHttpURI().getQuery()), headers,
                List.copyOf(request.getSubProtocols()));
    }

    /** Routes requests to the upgrade handler of the connector they arrived on. */
    private static final class VirtualConnectorHandler extends Handler.Wrapper {
        private final String connectorName;

        VirtualConnectorHandler(String connectorName, Handler handler) {
            super(handler);
            this.connectorName = connectorName;
        }

        @Override
        public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response, Callback callback)
                throws Exception {
            if (!connectorName.equals(request.getConnectionMetaData().getConnector().getName())) {
                return false;
            }
            return super.handle(request, response, callback);
        }
    }

    /** One client's connection to a simulator, with the state the simulator keeps for it. */
    private static final class Connection<S> implements FrameHandler, Simulator.Peer {
        private final Simulator<S> simulator;
        private final Simulator.Upgrade upgrade;
        private final StringBuilder text = new StringBuilder();
        private CoreSession session;
        private S state;

        Connection(Simulator<S> simulator, Simulator.Upgrade upgrade) {
            this.simulator = simulator;
            this.upgrade = upgrade;
        }

        @Override
        public void onOpen(CoreSession coreSession, Callback callback) {
            session = coreSession;
            callback.succeeded();
            state = simulator.onOpen(upgrade, this);
            session.demand();
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            byte op = frame.getOpCode();
            if (op == OpCode.TEXT || (op == OpCode.CONTINUATION && text.length() > 0)) {
                text.append(StandardCharsets.UTF_8.decode(frame.getPayload().slice()));
                if (frame.isFin()) {
                    String message = text.toString();
                    text.setLength(0);
                    state = simulator.onText(state, this, message);
                }
            } else if (op == OpCode.PING) {
                session.sendFrame(new Frame(OpCode.PONG).setPayload(BufferUtil.copy(frame.getPayload())), Callback.NOOP, false);
            }
            callback.succeeded();
            if (op != OpCode.CLOSE) {
                session.demand();
            }
        }

        @Override
        public void send(String message) {
            session.sendFrame(new Frame(OpCode.TEXT).setPayload(message), Callback.NOOP, false);
        }

        @Override
        public void close(int code, String reason) {
            session.close(code, reason, Callback.NOOP);
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            callback.succeeded();
        }

        @Override
        public void onClosed(CloseStatus closeStatus, Callback callback) {
            callback.succeeded();
        }

        @Override
        public String toString() {
            return simulator.name().toLowerCase(Locale.ROOT);
        }
    }
}

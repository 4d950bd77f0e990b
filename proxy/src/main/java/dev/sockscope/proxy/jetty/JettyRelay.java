package dev.sockscope.proxy.jetty;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;
import org.eclipse.jetty.websocket.core.server.Handshaker;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.proxy.ForwardProxy;
import dev.sockscope.capture.MemoryBudget;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.tap.MessageBudget;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.intercept.Injection;
import dev.sockscope.proxy.intercept.InterceptPoint;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.MicroClock;

/**
 * The relay on Jetty 12: one server with a connector per route (and the forward proxy's, with {@code --forward}),
 * its upgrade path (pass-through, or terminating with {@code --terminate}), and the registry of open sessions.
 * Each upgrade dials the upstream before the client's upgrade is answered, so that the upstream's status,
 * subprotocol choice and headers can be passed back to the client.
 */
public final class JettyRelay implements Relay {
    private static final Logger LOG = LoggerFactory.getLogger(JettyRelay.class);

    private final List<Route> routes;
    private final ForwardProxy forward;
    private final RelayOptions options;
    private final CaptureBus bus;
    private final LongSupplier sessionIds;
    private final InterceptPoint intercept;
    private final MessageBudget messages;
    private final OpenSessions sessions = new OpenSessions();
    private final Map<Connector, Route> routeByConnector = new ConcurrentHashMap<>();
    private final List<Route> bound = new ArrayList<>();
    private ForwardListener forwardListener;
    private String forwardListen;
    private Server server;

    private JettyRelay(List<Route> routes, ForwardProxy forward, RelayOptions options, CaptureBus bus, LongSupplier sessionIds,
                       InterceptPoint intercept, MessageBudget messages) {
        this.intercept = intercept;
        this.messages = messages;
        this.routes = List.copyOf(routes);
        this.forward = forward;
        this.options = options;
        this.bus = bus;
        this.sessionIds = sessionIds;
    }

    /** Binds every route and starts relaying. Fails with a clear message if an address is taken. */
    public static JettyRelay start(List<Route> routes, RelayOptions options, CaptureBus bus, LongSupplier sessionIds)
            throws IOException {
        return start(routes, null, options, bus, sessionIds);
    }

    /** Routes and, unless {@code forward} is null, the forward proxy listener beside them. */
    public static JettyRelay start(List<Route> routes, ForwardProxy forward, RelayOptions options, CaptureBus bus,
                                   LongSupplier sessionIds) throws IOException {
        return start(routes, forward, options, bus, sessionIds, InterceptPoint.withoutLabels());
    }

    /** As above, with the intercept point its pass-through sessions ask while it is active. */
    public static JettyRelay start(List<Route> routes, ForwardProxy forward, RelayOptions options, CaptureBus bus,
                                   LongSupplier sessionIds, InterceptPoint intercept) throws IOException {
        return start(routes, forward, options, bus, sessionIds, intercept, MessageBudget.from(MemoryBudget.forThisHeap()));
    }

    /** As above, its messages in progress held within {@code messages} (a proxy's share of its {@code --memory}). */
    public static JettyRelay start(List<Route> routes, ForwardProxy forward, RelayOptions options, CaptureBus bus,
                                   LongSupplier sessionIds, InterceptPoint intercept, MessageBudget messages) throws IOException {
        if (routes.isEmpty() && forward == null) {
            throw new IllegalArgumentException("at least one route (or the forward proxy) is needed");
        }
        JettyRelay relay = new JettyRelay(routes, forward, options, bus, sessionIds, intercept, messages);
        relay.doStart();
        return relay;
    }

    private void doStart() throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(256, 8);
        threads.setName("sockscope-relay");
        threads.setDaemon(true);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSendDateHeader(false); // a 101 carries the upstream's headers, not ours
        // Non-browser clients put {, |, ^ or a space-free JSON in a path too: take it (it is relayed escaped, see
        // Route.upstreamFor, and recorded as sent) rather than answer Jetty's own unrecorded 400.
        http.setUriCompliance(UriCompliance.DEFAULT.with("sockscope-relay", UriCompliance.Violation.ILLEGAL_PATH_CHARACTERS));
        HandshakeDeadline deadline = new HandshakeDeadline(server.getScheduler(), options.handshakeTimeout());
        for (Route route : routes) {
            RelayConnector connector = new RelayConnector(server, new HttpConnectionFactory(http));
            connector.setHost(route.listenHost());
            connector.setPort(route.listenPort());
            connector.setAcceptQueueSize(1024);
            // Until the upgrade, the idle timeout is the handshake's; each session then sets its own.
            connector.setIdleTimeout(options.handshakeTimeout().toMillis());
            connector.addEventListener(deadline);
            server.addConnector(connector);
            routeByConnector.put(connector, route);
        }
        UpgradeContext context = new UpgradeContext(options, bus, new MicroClock(), sessionIds, sessions, intercept, messages);
        UpgradeHandler.UpgradePath path;
        if (options.terminate()) {
            path = TerminatingUpgrade.path(context, terminatingEngine(threads));
        } else {
            UpstreamDialler dialler = new UpstreamDialler(threads, server.getScheduler(), options.insecure(), options.connectTimeout());
            server.addBean(dialler, true);
            path = PassThroughUpgrade.path(context, dialler, server.getScheduler(), threads);
        }
        UpgradeHandler upgrades = new UpgradeHandler(routeByConnector::get, deadline, sessions, path);
        if (forward == null) {
            server.setHandler(upgrades);
        } else {
            forwardListener = new ForwardListener(server, http, forward, options, upgrades);
            server.setHandler(forwardListener.handler());
        }
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly();
            throw new IOException("cannot listen: " + e.getMessage(), e);
        } catch (Exception e) {
            stopQuietly();
            throw new IOException("cannot start the relay: " + e.getMessage(), e);
        }
        if (forwardListener != null) {
            forwardListen = forwardListener.listenAddress();
        }
        for (Connector c : server.getConnectors()) {
            Route r = routeByConnector.get(c);
            if (r == null) {
                continue;
            }
            Route actual = new Route(r.listenHost(), ((ServerConnector) c).getLocalPort(), r.upstream(), r.protocol());
            bound.add(actual);
            routeByConnector.put(c, actual); // sessions record the port really listened on, not a requested 0
        }
    }

    /** Jetty's WebSocket client (over an upstream HTTP client of its own) and server side, for --terminate. */
    private TerminatingUpgrade.Engine terminatingEngine(QueuedThreadPool threads) {
        WebSocketComponents components = WebSocketServerComponents.ensureWebSocketComponents(server);
        HttpClient http1 = UpstreamHttpClient.create(threads, null, options.insecure(), options.connectTimeout());
        WebSocketCoreClient wsClient = new WebSocketCoreClient(http1, components);
        server.addBean(wsClient);
        return new TerminatingUpgrade.Engine(wsClient, components, Handshaker.newInstance());
    }

    @Override
    public Optional<String> forwardListen() {
        return Optional.ofNullable(forwardListen);
    }

    @Override
    public List<Route> boundRoutes() {
        return List.copyOf(bound);
    }

    /** The routes' listening connectors (each also dials its plain upstreams). */
    Collection<Connector> routeConnectors() {
        return List.copyOf(routeByConnector.keySet());
    }

    @Override
    public InterceptPoint intercept() {
        return intercept;
    }

    @Override
    public CompletableFuture<Long> send(long sessionId, Direction to, Injection what) {
        return sessions.find(sessionId).map(s -> s.inject(to, what)).orElseGet(() -> CompletableFuture.failedFuture(
                new java.util.NoSuchElementException("session " + sessionId + " is not open in this proxy")));
    }

    @Override
    public int activeSessions() {
        return sessions.count();
    }

    @Override
    public CompletableFuture<Void> whenIdle() {
        return sessions.whenIdle();
    }

    @Override
    public void stop(Duration grace) {
        sessions.stopAccepting();
        sessions.closeAll(grace);
        stopQuietly();
    }

    private void stopQuietly() {
        try {
            if (server != null) {
                server.stop();
            }
        } catch (Exception e) {
            LOG.warn("stopping the relay: {}", e.getMessage());
        }
    }
}

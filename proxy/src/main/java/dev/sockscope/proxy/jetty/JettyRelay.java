package dev.sockscope.proxy.jetty;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.ExtensionConfig;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.UpgradeListener;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;
import org.eclipse.jetty.websocket.core.exception.UpgradeException;
import org.eclipse.jetty.websocket.core.server.Handshaker;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.proxy.ClientHandshake;
import dev.sockscope.proxy.ForwardProxy;
import dev.sockscope.proxy.tls.HostCertificates;
import dev.sockscope.proxy.HandshakeHeaders;
import dev.sockscope.proxy.tap.Describe;
import dev.sockscope.proxy.tap.MessageBudget;
import dev.sockscope.proxy.tap.NegotiatedExtensions;
import dev.sockscope.proxy.tap.PassThroughSession;
import dev.sockscope.wire.Direction;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.capture.CaptureBus;
import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.MicroClock;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * The relay on Jetty 12's WebSocket core: a server connector per route, and a core client that dials the
 * upstream before the client's upgrade is answered, so that the upstream's status, subprotocol choice and
 * headers can be passed back to the client.
 */
public final class JettyRelay implements Relay {
    private static final Logger LOG = LoggerFactory.getLogger(JettyRelay.class);
    private static final String DEFLATE = "permessage-deflate";
    /** How an upstream's refusal was framed: the proxy's own answer to the client frames it anew. */
    private static final Set<String> REFUSAL_FRAMING = Set.of("connection", "keep-alive", "transfer-encoding",
            "content-length");

    /** Names of the forward proxy's two connectors: the CONNECT listener, and the loopback TLS one tunnels end in. */
    private static final String FORWARD_CONNECTOR = "sockscope-forward";
    private static final String INTERCEPT_CONNECTOR = "sockscope-intercept";

    private final List<Route> routes;
    private final ForwardProxy forward;
    private ForwardTunnels tunnels;
    private String forwardListen;
    private final RelayOptions options;
    private final CaptureBus bus;
    private final LongSupplier sessionIds;
    private final MicroClock clock = new MicroClock();
    private final Set<Live> active = ConcurrentHashMap.newKeySet();
    /** Completed when {@link #active} next becomes empty; guarded by {@code active}. */
    private final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();
    private final Set<org.eclipse.jetty.io.EndPoint> awaitingRequest = ConcurrentHashMap.newKeySet();
    private final MessageBudget budget = MessageBudget.forThisHeap();
    private UpstreamDialler dialler;
    private final Map<Connector, Route> routeByConnector = new ConcurrentHashMap<>();
    private final List<Route> bound = new ArrayList<>();
    private Server server;
    private WebSocketCoreClient wsClient;
    private WebSocketComponents components;
    private final Handshaker handshaker = Handshaker.newInstance();
    private volatile boolean stopping;

    private JettyRelay(List<Route> routes, ForwardProxy forward, RelayOptions options, CaptureBus bus, LongSupplier sessionIds) {
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
        if (routes.isEmpty() && forward == null) {
            throw new IllegalArgumentException("at least one route (or the forward proxy) is needed");
        }
        JettyRelay relay = new JettyRelay(routes, forward, options, bus, sessionIds);
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
        for (Route route : routes) {
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(route.listenHost());
            connector.setPort(route.listenPort());
            connector.setAcceptQueueSize(1024);
            // Until the upgrade, the idle timeout is the handshake's; each session then sets its own.
            connector.setIdleTimeout(options.handshakeTimeout().toMillis());
            connector.addEventListener(new HandshakeDeadline());
            server.addConnector(connector);
            routeByConnector.put(connector, route);
        }
        if (forward == null) {
            server.setHandler(new UpgradeHandler());
        } else {
            server.setHandler(forwardHandlers(http));
        }
        components = WebSocketServerComponents.ensureWebSocketComponents(server);

        ClientConnector clientConnector = new ClientConnector();
        clientConnector.setExecutor(threads);
        // wss:// upstreams are verified against the system trust store unless --insecure.
        org.eclipse.jetty.util.ssl.SslContextFactory.Client tls = new org.eclipse.jetty.util.ssl.SslContextFactory.Client();
        if (options.insecure()) {
            tls.setTrustAll(true);
            tls.setEndpointIdentificationAlgorithm(null);
        }
        clientConnector.setSslContextFactory(tls);
        HttpClient http1 = new HttpClient(new HttpClientTransportOverHTTP(clientConnector));
        http1.setExecutor(threads);
        http1.setUserAgentField(null);             // the client's own User-Agent is forwarded instead
        http1.setHttpCookieStore(new HttpCookieStore.Empty()); // cookies pass through as headers, never stored
        http1.setConnectTimeout(options.connectTimeout().toMillis());
        http1.setFollowRedirects(false);
        // Every session dials its own upstream connection (then upgraded out of the pool): never queue a burst.
        http1.setMaxConnectionsPerDestination(100_000);
        http1.setMaxRequestsQueuedPerDestination(100_000);
        wsClient = new WebSocketCoreClient(http1, components);
        server.addBean(wsClient);
        dialler = new UpstreamDialler(threads, server.getScheduler(), options.insecure(), options.connectTimeout());
        server.addBean(dialler, true);
        try {
            server.start();
            http1.getContentDecoderFactories().clear(); // no Accept-Encoding of our own (HttpClient adds its decoders at start)
        } catch (IOException e) {
            stopQuietly();
            throw new IOException("cannot listen: " + e.getMessage(), e);
        } catch (Exception e) {
            stopQuietly();
            throw new IOException("cannot start the relay: " + e.getMessage(), e);
        }
        for (Connector c : server.getConnectors()) {
            if (FORWARD_CONNECTOR.equals(c.getName())) {
                ServerConnector sc = (ServerConnector) c;
                forwardListen = "forward " + (forward.listenHost().contains(":") ? "[" + forward.listenHost() + "]" : forward.listenHost())
                        + ":" + sc.getLocalPort();
            }
            Route r = routeByConnector.get(c);
            if (r == null) {
                continue;
            }
            Route actual = new Route(r.listenHost(), ((ServerConnector) c).getLocalPort(), r.upstream(), r.protocol());
            bound.add(actual);
            routeByConnector.put(c, actual); // sessions record the port really listened on, not a requested 0
        }
    }

    /**
     * The forward proxy: its listener, and a loopback TLS connector that intercepted tunnels are connected to, with
     * a certificate per host. Decrypted upgrades there take the same path as a route's; other requests are forwarded.
     */
    private Handler forwardHandlers(HttpConfiguration http) throws IOException {
        ServerConnector listener = new ServerConnector(server, new HttpConnectionFactory(http));
        listener.setName(FORWARD_CONNECTOR);
        listener.setHost(forward.listenHost());
        listener.setPort(forward.listenPort());
        listener.setIdleTimeout(options.handshakeTimeout().toMillis());
        server.addConnector(listener);

        org.eclipse.jetty.util.ssl.SslContextFactory.Server tls = new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
        ServerConnector intercept = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
        intercept.setName(INTERCEPT_CONNECTOR);
        intercept.setHost("127.0.0.1");
        intercept.setPort(0);
        intercept.setIdleTimeout(options.handshakeTimeout().toMillis());
        server.addConnector(intercept);

        HttpForward httpForward = new HttpForward(this::httpForwardTarget, options.insecure());
        tunnels = new ForwardTunnels(forward, intercept::getLocalPort, new ForwardDispatch(httpForward));
        tunnels.setIdleTimeout(options.idleTimeout().toMillis());
        tunnels.setConnectTimeout(options.connectTimeout().toMillis());
        HostCertificates certificates = new HostCertificates(forward.ca(), port -> {
            ForwardTunnels.Target t = tunnels.targetOf(port);
            return t == null ? null : t.host();
        });
        try {
            tls.setSslContext(certificates.sslContext());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot set up TLS interception: " + e.getMessage(), e);
        }
        intercept.addBean(new InterceptedHandshakes());
        intercept.addEventListener(new org.eclipse.jetty.io.Connection.Listener() {
            @Override
            public void onClosed(org.eclipse.jetty.io.Connection connection) {
                if (connection instanceof org.eclipse.jetty.io.ssl.SslConnection ssl) {
                    // The engine keeps the peer's port; the closed endpoint no longer knows it.
                    ForwardTunnels.Target refused = tunnels.tunnelClosed(ssl.getSSLEngine().getPeerPort());
                    if (refused != null) {
                        LOG.warn("TLS interception of {} failed: the client refused Sockscope's certificate (or left before its TLS "
                                + "handshake completed). Trust Sockscope's CA ('sockscope ca' says how); a client that pins the "
                                + "host's own certificate cannot be intercepted: leave the host out of --intercept so that it is "
                                + "tunnelled untouched", refused.authority());
                    }
                }
            }
        });
        return tunnels;
    }

    static boolean isForwardListener(Request request) {
        return FORWARD_CONNECTOR.equals(request.getConnectionMetaData().getConnector().getName());
    }

    private static boolean isInterceptListener(Request request) {
        return INTERCEPT_CONNECTOR.equals(request.getConnectionMetaData().getConnector().getName());
    }

    /** Where a forwarded (non-WebSocket) request goes: its own absolute URI, or the intercepted tunnel's host. */
    private org.eclipse.jetty.http.HttpURI httpForwardTarget(Request request) {
        if (isInterceptListener(request)) {
            ForwardTunnels.Target t = tunnels.targetOf(Request.getRemotePort(request));
            return org.eclipse.jetty.http.HttpURI.build(request.getHttpURI()).scheme("https").host(t.host()).port(t.port());
        }
        return request.getHttpURI();
    }

    /**
     * Notes each intercepted tunnel whose client accepted Sockscope's certificate: one that closes without having done
     * so refused it (it does not trust the CA, or pins the host's own certificate), which is logged when it closes,
     * since a TLS 1.3 client's refusal may reach the server as a plain close rather than a handshake failure.
     */
    private final class InterceptedHandshakes implements org.eclipse.jetty.io.ssl.SslHandshakeListener {
        @Override
        public void handshakeSucceeded(Event event) {
            tunnels.handshaken(event.getSSLEngine().getPeerPort());
        }
    }

    /** What a session records as its listen address and upstream, and where its upgrade is dialled. */
    private record SessionTarget(Route route, String listen, boolean forwarded) {
        static SessionTarget of(Route route) {
            return new SessionTarget(route, route.listen(), false);
        }

        URI dial(String path, String query) {
            return route.upstreamFor(path, query);
        }

        /** A route's session records the route's upstream; a forwarded one the whole URL, the only thing known of it. */
        String upstream(String path, String query) {
            return forwarded ? dial(path, query).toString() : route.upstream().toString();
        }
    }

    /**
     * The forward proxy's requests past CONNECT: WebSocket upgrades (absolute {@code ws://} or {@code http://} URIs
     * on the listener, or any upgrade in an intercepted tunnel) go to the relay; the rest to {@link HttpForward}.
     */
    private final class ForwardDispatch extends Handler.Wrapper {
        private final UpgradeHandler upgrades = new UpgradeHandler();

        ForwardDispatch(Handler httpForward) {
            super(httpForward);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            boolean upgrade = "websocket".equalsIgnoreCase(request.getHeaders().get(HttpHeader.UPGRADE));
            if (isInterceptListener(request)) {
                ForwardTunnels.Target t = tunnels.targetOf(Request.getRemotePort(request));
                if (t == null) {
                    answer(response, callback, HttpStatus.BAD_REQUEST_400, List.of(), "Sockscope: not an intercepted tunnel.");
                    return true;
                }
                if (!upgrade) {
                    return super.handle(request, response, callback);
                }
                upgrades.upgrade(request, response, callback, forwarded(URI.create("wss://" + t.authority())));
                return true;
            }
            if (!isForwardListener(request)) {
                return upgrades.handle(request, response, callback);
            }
            org.eclipse.jetty.http.HttpURI uri = request.getHttpURI();
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || !Set.of("http", "ws").contains(scheme)) {
                answer(response, callback, HttpStatus.BAD_REQUEST_400, List.of(),
                        "Sockscope: this is a forward proxy: send CONNECT host:port, or a request with an absolute http:// or ws:// URI.");
                return true;
            }
            if (!upgrade) {
                return super.handle(request, response, callback);
            }
            int port = uri.getPort() > 0 ? uri.getPort() : 80;
            String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
            upgrades.upgrade(request, response, callback, forwarded(URI.create("ws://" + host + ":" + port)));
            return true;
        }

        private SessionTarget forwarded(URI upstream) {
            Route route = new Route(forward.listenHost(), 0, upstream);
            return new SessionTarget(route, forwardListen, true);
        }
    }

    @Override
    public java.util.Optional<String> forwardListen() {
        return java.util.Optional.ofNullable(forwardListen);
    }

    @Override
    public List<Route> boundRoutes() {
        return List.copyOf(bound);
    }

    @Override
    public int activeSessions() {
        return active.size();
    }

    @Override
    public void stop(Duration grace) {
        stopping = true;
        for (Live s : active) {
            try {
                s.closeByProxy(1001, "Sockscope is shutting down", "proxy shut down while the session was open");
            } catch (RuntimeException e) {
                LOG.warn("closing a session on shutdown: {}", e.toString()); // the others still get their 1001
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!active.isEmpty() && System.nanoTime() < deadline) {
            synchronized (active) {
                try {
                    active.wait(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (!active.isEmpty()) {
            LOG.warn("{} sessions did not finish their close handshake within {}", active.size(), grace);
        }
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

    /** A session that the proxy may have to close itself. */
    interface Live {
        void closeByProxy(int code, String reason, String why);
    }

    private void sessionEnded(Live session) {
        List<CompletableFuture<Void>> idle = List.of();
        synchronized (active) {
            active.remove(session);
            active.notifyAll();
            if (active.isEmpty() && !idleWaiters.isEmpty()) {
                idle = new ArrayList<>(idleWaiters);
                idleWaiters.clear();
            }
        }
        idle.forEach(f -> f.complete(null));
    }

    @Override
    public CompletableFuture<Void> whenIdle() {
        CompletableFuture<Void> idle = new CompletableFuture<>();
        synchronized (active) {
            if (!active.isEmpty()) {
                idleWaiters.add(idle);
                return idle;
            }
        }
        idle.complete(null);
        return idle;
    }

    private void configureSession(Configuration configurable) {
        long max = options.maxMessageBytes();
        // Auto-fragmenting lets permessage-deflate inflate and deflate in 8 KiB steps: without it Jetty 12.1
        // refuses any compressed frame over 8 KiB (1009). Terminating, framing is Jetty's anyway.
        configurable.setAutoFragment(true);
        configurable.setMaxFrameSize(max);
        configurable.setMaxTextMessageSize(max);
        configurable.setMaxBinaryMessageSize(max);
        configurable.setInputBufferSize(32 * 1024);
        configurable.setOutputBufferSize(32 * 1024);
        configurable.setIdleTimeout(options.idleTimeout().isZero() ? Duration.ZERO : options.idleTimeout());
    }

    /** Takes each upgrade request, dials the upstream, then answers the client as the upstream answered us. */
    private final class UpgradeHandler extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            upgrade(request, response, callback, SessionTarget.of(routeByConnector.get(request.getConnectionMetaData().getConnector())));
            return true;
        }

        void upgrade(Request request, Response response, Callback callback, SessionTarget route) {
            awaitingRequest.remove(request.getConnectionMetaData().getConnection().getEndPoint());
            List<Header> headers = JettyHeaders.of(request.getHeaders());
            if (ClientHandshake.check(request.getMethod(), headers) instanceof ClientHandshake.Check.Invalid invalid) {
                answer(response, callback, invalid.status(), invalid.headers(), invalid.message());
                return;
            }
            if (stopping) {
                answer(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, List.of(), "Sockscope is shutting down.");
                return;
            }
            if (options.terminate()) {
                new Upgrade(route, request, response, callback).dial();
            } else {
                new PassThroughUpgrade(route, request, response, callback, headers).dial();
            }
        }
    }

    /** A plain-text answer that ends the connection (an upgrade that was not answered with 101). */
    private static void answer(Response response, Callback callback, int status, List<Header> headers, String body) {
        response.setStatus(status);
        for (Header h : headers) {
            response.getHeaders().add(h.name(), h.value());
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, org.eclipse.jetty.util.BufferUtil.toBuffer(body + "\n"), callback);
    }

    /**
     * Closes a connection whose client has not sent a whole upgrade request within the handshake timeout,
     * however slowly it trickles bytes (the idle timeout alone would let a trickle live forever).
     */
    private final class HandshakeDeadline implements org.eclipse.jetty.io.Connection.Listener {
        @Override
        public void onOpened(org.eclipse.jetty.io.Connection connection) {
            if (!(connection instanceof org.eclipse.jetty.server.internal.HttpConnection)) {
                return;
            }
            org.eclipse.jetty.io.EndPoint endPoint = connection.getEndPoint();
            awaitingRequest.add(endPoint);
            server.getScheduler().schedule(() -> {
                if (awaitingRequest.remove(endPoint)) {
                    endPoint.close(new TimeoutException("no complete upgrade request within " + options.handshakeTimeout().toSeconds() + " s"));
                }
            }, options.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void onClosed(org.eclipse.jetty.io.Connection connection) {
            awaitingRequest.remove(connection.getEndPoint());
        }
    }

    /**
     * One pass-through upgrade: the client's request goes upstream as sent; the upstream's answer comes back
     * as sent (a 101 with its Accept, subprotocol and extensions, so both legs negotiated the same thing, or
     * its refusal); then both connections become byte pumps with a tap.
     */
    private final class PassThroughUpgrade {
        private final SessionTarget route;
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final List<Header> requestHeaders;
        private final long id = sessionIds.getAsLong();
        private final long startedAt = clock.nowMicros();
        private final String path;
        private final String query;

        PassThroughUpgrade(SessionTarget route, Request request, Response response, Callback callback, List<Header> requestHeaders) {
            this.route = route;
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.requestHeaders = requestHeaders;
            this.path = request.getHttpURI().getPath();
            this.query = request.getHttpURI().getQuery();
        }

        void dial() {
            dialler.dial(route.dial(path, query), requestHeaders).whenComplete((outcome, failure) -> {
                if (failure != null) {
                    outcome = new UpstreamDialler.Outcome.Failed(HttpStatus.BAD_GATEWAY_502, "upstream unreachable: " + Describe.failure(failure));
                }
                if (outcome instanceof UpstreamDialler.Outcome.Upgraded up) {
                    upgrade(up);
                } else if (outcome instanceof UpstreamDialler.Outcome.Refused no) {
                    refused(no);
                } else if (outcome instanceof UpstreamDialler.Outcome.Failed f) {
                    failed(f);
                }
            });
        }

        private void upgrade(UpstreamDialler.Outcome.Upgraded up) {
            List<String> extensionValues = new ArrayList<>();
            String subprotocol = null;
            for (Header h : up.headers()) {
                if (h.name().equalsIgnoreCase("Sec-WebSocket-Extensions")) {
                    extensionValues.add(h.value());
                } else if (h.name().equalsIgnoreCase("Sec-WebSocket-Protocol")) {
                    subprotocol = h.value().trim();
                }
            }
            NegotiatedExtensions extensions = NegotiatedExtensions.parse(extensionValues);
            List<String> extensionList = new ArrayList<>();
            for (String v : extensionValues) {
                for (String e : v.split(",")) {
                    if (!e.isBlank()) {
                        extensionList.add(e.trim());
                    }
                }
            }
            PassThroughLink link = new PassThroughLink(server.getScheduler(), options.idleTimeout());
            PassThroughSession session = new PassThroughSession(id, extensions, options.maxMessageBytes(), budget, bus, clock,
                    link, ended -> sessionEnded(link));
            org.eclipse.jetty.io.EndPoint clientEnd = request.getConnectionMetaData().getConnection().getEndPoint();
            org.eclipse.jetty.io.ByteBufferPool pool = request.getConnectionMetaData().getConnector().getByteBufferPool();
            PumpConnection clientLeg = new PumpConnection(clientEnd, server.getThreadPool(), pool, Direction.CLIENT_TO_SERVER, link);
            PumpConnection upstreamLeg = new PumpConnection(up.endPoint(), server.getThreadPool(), pool, Direction.SERVER_TO_CLIENT, link);
            link.bind(session, clientLeg, upstreamLeg, () -> session.closeByProxy(1001, "idle timeout",
                    "no traffic either way for " + options.idleTimeout().toSeconds() + " s: closed by the proxy"));
            active.add(link);
            if (stopping) {
                // Dialled while the proxy was stopping: it opens, then closes at once like the others.
                link.closeByProxy(1001, "Sockscope is shutting down", "proxy shut down while the session was open");
            }

            response.setStatus(HttpStatus.SWITCHING_PROTOCOLS_101);
            JettyHeaders.copy(up.headers(), response.getHeaders(), name -> true);
            List<Header> returned = JettyHeaders.of(response.getHeaders());
            publishOpened(101, returned, subprotocol == null || subprotocol.isEmpty() ? null : subprotocol, extensionList);
            up.endPoint().upgrade(upstreamLeg); // opens the upstream leg; it starts reading once the client's is open too
            request.setAttribute(org.eclipse.jetty.server.HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, clientLeg);
            response.write(true, null, Callback.from(callback::succeeded, x -> {
                callback.failed(x);
                link.clientUpgradeFailed("client went away before its 101 was written: " + Describe.failure(x));
            }));
        }

        private void refused(UpstreamDialler.Outcome.Refused no) {
            response.setStatus(no.status());
            JettyHeaders.copy(no.headers(), response.getHeaders(), name -> !REFUSAL_FRAMING.contains(name.toLowerCase(Locale.ROOT)));
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            List<Header> returned = JettyHeaders.of(response.getHeaders());
            response.write(true, java.nio.ByteBuffer.wrap(no.body()), callback);
            publishOpened(no.status(), returned, null, List.of());
            bus.publish(new CaptureEvent.SessionClosed(id, new SessionEnd(clock.nowMicros(), null, null, ClosedBy.SERVER,
                    "upstream refused the upgrade with HTTP " + no.status()
                            + (no.reason() == null || no.reason().isBlank() ? "" : " " + no.reason()))));
        }

        private void failed(UpstreamDialler.Outcome.Failed f) {
            answer(response, callback, f.status(), List.of(), "Sockscope: " + f.error() + ".");
            publishOpened(f.status(), JettyHeaders.of(response.getHeaders()), null, List.of());
            bus.publish(new CaptureEvent.SessionClosed(id, new SessionEnd(clock.nowMicros(), null, null, ClosedBy.PROXY,
                    f.error() + " (" + route.dial(path, query) + ")")));
        }

        private void publishOpened(int status, List<Header> returned, String subprotocol, List<String> extensions) {
            Handshake handshake = new Handshake(path, query, requestHeaders, status, returned, subprotocol, extensions);
            String client = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
            bus.publish(new CaptureEvent.SessionOpened(
                    new SessionInfo(id, route.listen(), route.upstream(path, query), client, handshake, startedAt, route.route().protocol())));
        }
    }

    /** One upgrade in progress (terminating: each leg a Jetty WebSocket session). */
    private final class Upgrade {
        private final SessionTarget route;
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final long id = sessionIds.getAsLong();
        private final long startedAt = clock.nowMicros();
        private final String path;
        private final String query;
        private final List<Header> requestHeaders = new ArrayList<>();
        private final List<String> offeredSubprotocols = new ArrayList<>();
        private final URI target;
        private final RelaySession session;
        private volatile org.eclipse.jetty.client.Response upstreamAnswer;

        Upgrade(SessionTarget route, Request request, Response response, Callback callback) {
            this.route = route;
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.path = request.getHttpURI().getPath();
            this.query = request.getHttpURI().getQuery();
            requestHeaders.addAll(JettyHeaders.of(request.getHeaders()));
            for (HttpField f : request.getHeaders()) {
                if (f.getHeader() == HttpHeader.SEC_WEBSOCKET_SUBPROTOCOL) {
                    for (String p : f.getValues()) {
                        if (!p.isBlank()) {
                            offeredSubprotocols.add(p.trim());
                        }
                    }
                }
            }
            this.target = route.dial(path, query);
            this.session = new RelaySession(id, bus, clock, options.maxMessageBytes(), JettyRelay.this::sessionEnded);
        }

        void dial() {
            CoreClientUpgradeRequest up = CoreClientUpgradeRequest.from(wsClient, target, session.upstream);
            up.headers(headers -> JettyHeaders.copy(request.getHeaders(), headers, HandshakeHeaders::forwardUpstream));
            if (!offeredSubprotocols.isEmpty()) {
                up.setSubProtocols(offeredSubprotocols);
            }
            boolean clientOffersDeflate = request.getHeaders().getCSV(HttpHeader.SEC_WEBSOCKET_EXTENSIONS, true).stream()
                    .anyMatch(e -> ExtensionConfig.parse(e).getName().equalsIgnoreCase(DEFLATE));
            if (clientOffersDeflate) {
                up.addExtensions(DEFLATE);
            }
            up.timeout(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            up.setConfiguration(new Configuration.ConfigurationCustomizer() {
                {
                    configureSession(this);
                }
            });
            up.addListener(new UpgradeListener() {
                @Override
                public void onHandshakeResponse(org.eclipse.jetty.client.Request req, org.eclipse.jetty.client.Response res) {
                    upstreamAnswer = res;
                }
            });
            CompletableFuture<CoreSession> connected;
            try {
                connected = wsClient.connect(up);
            } catch (IOException | RuntimeException e) {
                refuse(e);
                return;
            }
            connected.whenComplete((coreSession, failure) -> {
                if (failure != null) {
                    refuse(failure);
                } else {
                    accept(coreSession);
                }
            });
        }

        private void accept(CoreSession upstreamSession) {
            active.add(session);
            List<Header> returned = java.util.Collections.synchronizedList(new ArrayList<>());
            org.eclipse.jetty.client.Response answer = upstreamAnswer;
            String subprotocol = upstreamSession.getNegotiatedSubProtocol();
            WebSocketNegotiator negotiator = new WebSocketNegotiator.AbstractNegotiator() {
                @Override
                public org.eclipse.jetty.websocket.core.FrameHandler negotiate(ServerUpgradeRequest req, ServerUpgradeResponse res, Callback cb) {
                    if (answer != null) {
                        JettyHeaders.copy(answer.getHeaders(), res.getHeaders(), HandshakeHeaders::returnToClient);
                    }
                    if (subprotocol != null && !subprotocol.isEmpty()) {
                        res.setAcceptedSubProtocol(subprotocol);
                    }
                    return session.client;
                }

                @Override
                public void customize(Configuration configurable) {
                    configureSession(configurable);
                }
            };
            session.onBothOpen(() -> onUpgraded(returned));
            Callback upgraded = Callback.from(() -> {
                returned.addAll(JettyHeaders.of(response.getHeaders())); // what the client was told, before the response is recycled
                callback.succeeded();
                session.openStepDone();
            }, x -> {
                returned.addAll(JettyHeaders.of(response.getHeaders()));
                callback.failed(x);
                publishOpened(101, returned, null, List.of());
                session.clientUpgradeFailed(x);
            });
            try {
                boolean done = handshaker.upgradeRequest(negotiator, request, response, upgraded, components, null);
                if (!done) {
                    returned.addAll(JettyHeaders.of(response.getHeaders()));
                    Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, "not a valid WebSocket upgrade");
                    publishOpened(HttpStatus.BAD_REQUEST_400, returned, null, List.of());
                    session.clientUpgradeFailed(new IOException("client upgrade request was not valid"));
                }
            } catch (Throwable x) {
                returned.addAll(JettyHeaders.of(response.getHeaders()));
                Response.writeError(request, response, callback, x);
                publishOpened(HttpStatus.INTERNAL_SERVER_ERROR_500, returned, null, List.of());
                session.clientUpgradeFailed(x);
            }
        }

        /** The client leg is open and its 101 is written: publish the handshake, then start relaying. */
        private void onUpgraded(List<Header> returned) {
            CoreSession clientSession = session.client.session;
            List<String> extensions = new ArrayList<>();
            for (ExtensionConfig e : clientSession.getNegotiatedExtensions()) {
                extensions.add(e.getParameterizedName());
            }
            String subprotocol = clientSession.getNegotiatedSubProtocol();
            publishOpened(101, returned, subprotocol == null || subprotocol.isEmpty() ? null : subprotocol, extensions);
            session.start();
        }

        private void publishOpened(int status, List<Header> returned, String subprotocol, List<String> extensions) {
            Handshake handshake = new Handshake(path, query, requestHeaders, status, returned, subprotocol, extensions);
            bus.publish(new CaptureEvent.SessionOpened(info(handshake)));
        }

        private void refuse(Throwable failure) {
            int status;
            String error;
            ClosedBy by = ClosedBy.PROXY;
            Throwable cause = unwrap(failure);
            if (cause instanceof UpgradeException ue && ue.getResponseStatusCode() > 0 && ue.getResponseStatusCode() != 101) {
                status = ue.getResponseStatusCode();
                error = "upstream refused the upgrade with HTTP " + status;
                by = ClosedBy.SERVER;
            } else if (cause instanceof TimeoutException || cause instanceof java.net.SocketTimeoutException) {
                status = HttpStatus.GATEWAY_TIMEOUT_504;
                error = "upstream " + target + " did not complete the handshake within " + options.connectTimeout().toSeconds() + " s";
            } else {
                status = HttpStatus.BAD_GATEWAY_502;
                error = "upstream " + target + " unreachable: " + describeConnectFailure(cause);
            }
            List<Header> returned = new ArrayList<>();
            org.eclipse.jetty.client.Response answer = upstreamAnswer;
            response.setStatus(status);
            if (answer != null && status == answer.getStatus()) {
                JettyHeaders.copy(answer.getHeaders(), response.getHeaders(), HandshakeHeaders::returnToClient);
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            returned.addAll(JettyHeaders.of(response.getHeaders()));
            response.write(true, org.eclipse.jetty.util.BufferUtil.toBuffer("Sockscope: " + error + "\n"), callback);
            publishOpened(status, returned, null, List.of());
            bus.publish(new CaptureEvent.SessionClosed(id, new SessionEnd(clock.nowMicros(), null, null, by, error)));
        }

        private SessionInfo info(Handshake handshake) {
            String client = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
            return new SessionInfo(id, route.listen(), route.upstream(path, query), client, handshake, startedAt, route.route().protocol());
        }
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof UpgradeException ue && ue.getResponseStatusCode() <= 0 && ue.getCause() != null) {
            return unwrap(ue.getCause());
        }
        return c;
    }

    private static String describeConnectFailure(Throwable cause) {
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        if (cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException) {
            return "unknown host";
        }
        if (cause instanceof javax.net.ssl.SSLException) {
            return "TLS handshake failed: " + cause.getMessage() + " (use --insecure for self-signed development servers)";
        }
        String m = RelaySession.describe(cause);
        return m.toLowerCase(Locale.ROOT).contains("refused") ? "connection refused" : m;
    }
}

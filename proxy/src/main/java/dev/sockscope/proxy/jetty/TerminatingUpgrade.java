package dev.sockscope.proxy.jetty;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.ExtensionConfig;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.UpgradeListener;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;
import org.eclipse.jetty.websocket.core.exception.UpgradeException;
import org.eclipse.jetty.websocket.core.server.Handshaker;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.proxy.ForwardProxy;
import dev.sockscope.proxy.HandshakeHeaders;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * One terminating upgrade ({@code --terminate}): each leg is a Jetty WebSocket session, so every message is
 * re-framed. The upstream is dialled with Jetty's WebSocket client first; the client's upgrade is then answered
 * with the upstream's subprotocol and headers.
 */
final class TerminatingUpgrade {
    private static final String DEFLATE = "permessage-deflate";

    /** Jetty's WebSocket client for the upstream legs and server side for the client legs, shared by every upgrade. */
    record Engine(WebSocketCoreClient client, WebSocketComponents components, Handshaker handshaker) {
    }

    /** The terminating path: every upgrade dialled with {@code engine}. */
    static UpgradeHandler.UpgradePath path(UpgradeContext context, Engine engine) {
        return (target, request, response, callback, headers) ->
                new TerminatingUpgrade(context, engine, target, request, response, callback).dial();
    }

    private final UpgradeContext context;
    private final Engine engine;
    private final SessionTarget target;
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final long id;
    private final long startedAt;
    private final String path;
    private final String query;
    private final List<Header> requestHeaders = new ArrayList<>();
    private final List<String> offeredSubprotocols = new ArrayList<>();
    /** Null when the request target could not be made into an upstream URL; {@link #unsendable} says why. */
    private final URI upstream;
    private final String unsendable;
    private final RelaySession session;
    /** The upstream's answer to the upgrade, once it came: status and headers. */
    private volatile UpstreamAnswer upstreamAnswer;

    private record UpstreamAnswer(int status, HttpFields headers) {
    }

    private TerminatingUpgrade(UpgradeContext context, Engine engine, SessionTarget target, Request request, Response response,
                               Callback callback) {
        this.context = context;
        this.engine = engine;
        this.target = target;
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.id = context.sessionIds().getAsLong();
        this.startedAt = context.clock().nowMicros();
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
        URI dialled;
        String unsendable = null;
        try {
            request.getHttpURI().toURI(); // Jetty's server handshake needs it, after the upstream would have been dialled
            dialled = target.dial(path, query);
        } catch (IllegalArgumentException e) {
            dialled = null;
            unsendable = "the request target is not a valid URI (" + (e.getCause() instanceof URISyntaxException u
                    ? u.getReason() + " at index " + u.getIndex() : e.getMessage())
                    + "); terminating (--terminate) cannot take it, passing through relays it as sent";
        }
        this.upstream = dialled;
        this.unsendable = unsendable;
        OpenSessions sessions = context.sessions();
        this.session = new RelaySession(id, context.bus(), context.clock(), context.options().maxMessageBytes(), sessions::ended);
    }

    /** Limits and buffers of both legs' Jetty sessions. */
    static void configure(Configuration configurable, RelayOptions options) {
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

    void dial() {
        if (upstream == null) {
            UpgradeHandler.answer(response, callback, HttpStatus.BAD_REQUEST_400, List.of(), "Sockscope: " + unsendable + ".");
            publishOpened(HttpStatus.BAD_REQUEST_400, JettyHeaders.of(response.getHeaders()), null, List.of());
            context.bus().publish(new CaptureEvent.SessionClosed(id, new SessionEnd(context.clock().nowMicros(), null, null,
                    ClosedBy.PROXY, unsendable)));
            return;
        }
        RelayOptions options = context.options();
        CoreClientUpgradeRequest up = CoreClientUpgradeRequest.from(engine.client(), upstream, session.upstream);
        up.headers(headers -> JettyHeaders.copy(request.getHeaders(), headers, HandshakeHeaders::forwardUpstream));
        if (target.forwarded() && ForwardProxy.isLoopbackName(upstream.getHost())) {
            up.headers(headers -> headers.put(ForwardProxy.FORWARDED_HEADER, "1")); // see ForwardedMark
        }
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
                configure(this, options);
            }
        });
        up.addListener(new UpgradeListener() {
            @Override
            public void onHandshakeResponse(org.eclipse.jetty.client.Request req, org.eclipse.jetty.client.Response res) {
                upstreamAnswer = new UpstreamAnswer(res.getStatus(), res.getHeaders());
            }
        });
        CompletableFuture<CoreSession> connected;
        try {
            connected = engine.client().connect(up);
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
        context.sessions().opened(session);
        List<Header> returned = Collections.synchronizedList(new ArrayList<>());
        UpstreamAnswer answer = upstreamAnswer;
        String subprotocol = upstreamSession.getNegotiatedSubProtocol();
        WebSocketNegotiator negotiator = new WebSocketNegotiator.AbstractNegotiator() {
            @Override
            public FrameHandler negotiate(ServerUpgradeRequest req, ServerUpgradeResponse res, Callback cb) {
                if (answer != null) {
                    JettyHeaders.copy(answer.headers(), res.getHeaders(), HandshakeHeaders::returnToClient);
                }
                if (subprotocol != null && !subprotocol.isEmpty()) {
                    res.setAcceptedSubProtocol(subprotocol);
                }
                return session.client;
            }

            @Override
            public void customize(Configuration configurable) {
                configure(configurable, context.options());
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
            boolean done = engine.handshaker().upgradeRequest(negotiator, request, response, upgraded, engine.components(), null);
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
        String client = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
        context.bus().publish(new CaptureEvent.SessionOpened(new SessionInfo(id, target.listen(), target.upstream(upstream), client,
                handshake, startedAt, target.route().protocol())));
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
        } else if (cause instanceof TimeoutException || cause instanceof SocketTimeoutException) {
            status = HttpStatus.GATEWAY_TIMEOUT_504;
            error = "upstream " + upstream + " did not complete the handshake within " + context.options().connectTimeout().toSeconds() + " s";
        } else {
            status = HttpStatus.BAD_GATEWAY_502;
            error = "upstream " + upstream + " unreachable: " + describeConnectFailure(cause);
        }
        List<Header> returned = new ArrayList<>();
        UpstreamAnswer answer = upstreamAnswer;
        response.setStatus(status);
        if (answer != null && status == answer.status()) {
            JettyHeaders.copy(answer.headers(), response.getHeaders(), HandshakeHeaders::returnToClient);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        returned.addAll(JettyHeaders.of(response.getHeaders()));
        response.write(true, BufferUtil.toBuffer("Sockscope: " + error + "\n"), callback);
        publishOpened(status, returned, null, List.of());
        context.bus().publish(new CaptureEvent.SessionClosed(id, new SessionEnd(context.clock().nowMicros(), null, null, by, error)));
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
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
        if (cause instanceof SSLException) {
            return "TLS handshake failed: " + cause.getMessage() + " (use --insecure for self-signed development servers)";
        }
        String m = RelaySession.describe(cause);
        return m.toLowerCase(Locale.ROOT).contains("refused") ? "connection refused" : m;
    }
}

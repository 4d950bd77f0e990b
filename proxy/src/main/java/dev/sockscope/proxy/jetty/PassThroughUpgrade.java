package dev.sockscope.proxy.jetty;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executor;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.proxy.intercept.SessionFacts;
import dev.sockscope.proxy.tap.Describe;
import dev.sockscope.proxy.tap.MessageBudget;
import dev.sockscope.proxy.tap.NegotiatedExtensions;
import dev.sockscope.proxy.tap.PassThroughSession;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * One pass-through upgrade: the client's request goes upstream as sent; the upstream's answer comes back
 * as sent (a 101 with its Accept, subprotocol and extensions, so both legs negotiated the same thing, or
 * its refusal); then both connections become byte pumps with a tap.
 */
final class PassThroughUpgrade {
    /** How an upstream's refusal was framed: the proxy's own answer to the client frames it anew. */
    private static final Set<String> REFUSAL_FRAMING = Set.of("connection", "keep-alive", "transfer-encoding",
            "content-length");

    /** The pass-through path: every upgrade dialled through {@code dialler}, its legs run on {@code executor}. */
    static UpgradeHandler.UpgradePath path(UpgradeContext context, UpstreamDialler dialler, Scheduler scheduler, Executor executor) {
        MessageBudget budget = context.messages();
        return (target, request, response, callback, headers) ->
                new PassThroughUpgrade(context, dialler, budget, scheduler, executor, target, request, response, callback, headers).dial();
    }

    private final UpgradeContext context;
    private final UpstreamDialler dialler;
    private final MessageBudget budget;
    private final Scheduler scheduler;
    private final Executor executor;
    private final SessionTarget target;
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final List<Header> requestHeaders;
    private final long id;
    private final long startedAt;
    private final String path;
    private final String query;
    private URI dialled;

    private PassThroughUpgrade(UpgradeContext context, UpstreamDialler dialler, MessageBudget budget, Scheduler scheduler,
                               Executor executor, SessionTarget target, Request request, Response response, Callback callback,
                               List<Header> requestHeaders) {
        this.context = context;
        this.dialler = dialler;
        this.budget = budget;
        this.scheduler = scheduler;
        this.executor = executor;
        this.target = target;
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.requestHeaders = requestHeaders;
        this.id = context.sessionIds().getAsLong();
        this.startedAt = context.clock().nowMicros();
        this.path = request.getHttpURI().getPath();
        this.query = request.getHttpURI().getQuery();
    }

    void dial() {
        try {
            dialled = target.dial(path, query);
        } catch (IllegalArgumentException e) {
            failed(new UpstreamDialler.Outcome.Failed(HttpStatus.BAD_REQUEST_400, "the request target cannot be sent upstream: "
                    + e.getMessage()));
            return;
        }
        dialler.dial(dialled, requestHeaders, target.forwarded(), request.getConnectionMetaData()).whenComplete((outcome, failure) -> {
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
        OpenSessions sessions = context.sessions();
        PassThroughLink link = new PassThroughLink(scheduler, context.options().idleTimeout());
        SessionFacts facts = new SessionFacts(id, target.listen(), String.valueOf(target.upstream(dialled)),
                subprotocol == null || subprotocol.isEmpty() ? null : subprotocol, target.route().protocol(), path, query, requestHeaders);
        PassThroughSession session = new PassThroughSession(id, extensions, context.options().maxMessageBytes(), budget,
                context.bus(), context.clock(), link, ended -> sessions.ended(link), context.intercept(), facts);
        EndPoint clientEnd = request.getConnectionMetaData().getConnection().getEndPoint();
        ByteBufferPool pool = request.getConnectionMetaData().getConnector().getByteBufferPool();
        PumpConnection clientLeg = new PumpConnection(clientEnd, executor, pool, Direction.CLIENT_TO_SERVER, link);
        PumpConnection upstreamLeg = new PumpConnection(up.endPoint(), executor, pool, Direction.SERVER_TO_CLIENT, link);
        link.bind(session, clientLeg, upstreamLeg, () -> session.closeByProxy(1001, "idle timeout",
                "no traffic either way for " + context.options().idleTimeout().toSeconds() + " s: closed by the proxy"));
        sessions.opened(link);
        if (sessions.stopping()) {
            // Dialled while the proxy was stopping: it opens, then closes at once like the others.
            link.closeByProxy(1001, "Sockscope is shutting down", "proxy shut down while the session was open");
        }

        response.setStatus(HttpStatus.SWITCHING_PROTOCOLS_101);
        JettyHeaders.copy(up.headers(), response.getHeaders(), name -> true);
        List<Header> returned = JettyHeaders.of(response.getHeaders());
        publishOpened(101, returned, subprotocol == null || subprotocol.isEmpty() ? null : subprotocol, extensionList);
        up.endPoint().upgrade(upstreamLeg); // opens the upstream leg; it starts reading once the client's is open too
        request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, clientLeg);
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
        response.write(true, ByteBuffer.wrap(no.body()), callback);
        publishOpened(no.status(), returned, null, List.of());
        context.bus().publish(new CaptureEvent.SessionClosed(id, new SessionEnd(context.clock().nowMicros(), null, null, ClosedBy.SERVER,
                "upstream refused the upgrade with HTTP " + no.status()
                        + (no.reason() == null || no.reason().isBlank() ? "" : " " + no.reason()))));
    }

    private void failed(UpstreamDialler.Outcome.Failed f) {
        UpgradeHandler.answer(response, callback, f.status(), List.of(), "Sockscope: " + f.error() + ".");
        publishOpened(f.status(), JettyHeaders.of(response.getHeaders()), null, List.of());
        context.bus().publish(new CaptureEvent.SessionClosed(id, new SessionEnd(context.clock().nowMicros(), null, null, ClosedBy.PROXY,
                f.error() + (dialled == null ? "" : " (" + dialled + ")"))));
    }

    private void publishOpened(int status, List<Header> returned, String subprotocol, List<String> extensions) {
        Handshake handshake = new Handshake(path, query, requestHeaders, status, returned, subprotocol, extensions);
        String client = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
        context.bus().publish(new CaptureEvent.SessionOpened(new SessionInfo(id, target.listen(), target.upstream(dialled), client,
                handshake, startedAt, target.route().protocol())));
    }
}

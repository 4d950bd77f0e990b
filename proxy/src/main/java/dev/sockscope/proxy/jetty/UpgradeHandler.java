package dev.sockscope.proxy.jetty;

import java.util.List;
import java.util.function.Function;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import dev.sockscope.proxy.ClientHandshake;
import dev.sockscope.proxy.Route;
import dev.sockscope.wire.Header;

/**
 * Takes each upgrade request on a route's connector (or handed over by the forward listener), checks it, and
 * hands it to the relay's upgrade path, which dials the upstream and answers the client as the upstream answered.
 */
final class UpgradeHandler extends Handler.Abstract.NonBlocking {
    /** One way of carrying out an upgrade: passing bytes through, or terminating each leg. */
    @FunctionalInterface
    interface UpgradePath {
        void upgrade(SessionTarget target, Request request, Response response, Callback callback, List<Header> headers);
    }

    private final Function<Connector, Route> routes;
    private final HandshakeDeadline deadline;
    private final OpenSessions sessions;
    private final UpgradePath path;

    UpgradeHandler(Function<Connector, Route> routes, HandshakeDeadline deadline, OpenSessions sessions, UpgradePath path) {
        this.routes = routes;
        this.deadline = deadline;
        this.sessions = sessions;
        this.path = path;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        upgrade(request, response, callback, SessionTarget.of(routes.apply(request.getConnectionMetaData().getConnector())));
        return true;
    }

    void upgrade(Request request, Response response, Callback callback, SessionTarget target) {
        deadline.requestArrived(request.getConnectionMetaData().getConnection().getEndPoint());
        List<Header> headers = JettyHeaders.of(request.getHeaders());
        if (ClientHandshake.check(request.getMethod(), headers) instanceof ClientHandshake.Check.Invalid invalid) {
            answer(response, callback, invalid.status(), invalid.headers(), invalid.message());
            return;
        }
        if (sessions.stopping()) {
            answer(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, List.of(), "Sockscope is shutting down.");
            return;
        }
        path.upgrade(target, request, response, callback, headers);
    }

    /** A plain-text answer that ends the connection (an upgrade that was not answered with 101). */
    static void answer(Response response, Callback callback, int status, List<Header> headers, String body) {
        response.setStatus(status);
        for (Header h : headers) {
            response.getHeaders().add(h.name(), h.value());
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, BufferUtil.toBuffer(body + "\n"), callback);
    }
}

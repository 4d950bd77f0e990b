package dev.sockscope.proxy.jetty;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import dev.sockscope.proxy.Route;

/**
 * The forward proxy's requests past CONNECT: WebSocket upgrades (absolute {@code ws://} or {@code http://} URIs
 * on the listener, or any upgrade in an intercepted tunnel) go to the relay's upgrade path; the rest to
 * {@link HttpForward}.
 */
final class ForwardDispatch extends Handler.Wrapper {
    private final UpgradeHandler upgrades;
    private final ForwardListener listener;

    ForwardDispatch(Handler httpForward, UpgradeHandler upgrades, ForwardListener listener) {
        super(httpForward);
        this.upgrades = upgrades;
        this.listener = listener;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        boolean upgrade = "websocket".equalsIgnoreCase(request.getHeaders().get(HttpHeader.UPGRADE));
        if (ForwardListener.isInterceptListener(request)) {
            ForwardTunnels.Target t = listener.tunnelOf(request);
            if (t == null) {
                UpgradeHandler.answer(response, callback, HttpStatus.BAD_REQUEST_400, List.of(), "Sockscope: not an intercepted tunnel.");
                return true;
            }
            if (!upgrade) {
                return super.handle(request, response, callback);
            }
            upgrades.upgrade(request, response, callback, forwarded(URI.create("wss://" + t.authority())));
            return true;
        }
        if (!ForwardListener.isForwardListener(request)) {
            return upgrades.handle(request, response, callback);
        }
        HttpURI uri = request.getHttpURI();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !Set.of("http", "ws").contains(scheme)) {
            UpgradeHandler.answer(response, callback, HttpStatus.BAD_REQUEST_400, List.of(),
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
        Route route = new Route(listener.forward().listenHost(), 0, upstream);
        return new SessionTarget(route, listener.listenAddress(), true);
    }
}

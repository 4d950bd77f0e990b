package dev.sockscope.proxy.jetty;

import org.eclipse.jetty.http.HttpStatus;
import java.util.Set;
import java.net.InetAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ConnectHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.proxy.ForwardProxy;

/**
 * CONNECT on the forward listener, as Jetty's {@link ConnectHandler} does it, with one change: a tunnel to a host
 * the user intercepts is connected to the relay's own TLS connector on loopback instead of to the host, so that the
 * decrypted requests take the route connectors' upgrade path. Which host a tunnel was for is remembered by the
 * tunnel's local port (the TLS connector's remote port) until that connection closes.
 */
final class ForwardTunnels extends ConnectHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardTunnels.class);

    /** Where an intercepted tunnel was headed. */
    record Target(String host, int port) {
        String authority() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private final ForwardProxy forward;
    private final IntSupplier interceptPort;
    private final Map<Integer, Target> byTunnelPort = new ConcurrentHashMap<>();
    private final Set<Integer> handshaken = ConcurrentHashMap.newKeySet();

    ForwardTunnels(ForwardProxy forward, IntSupplier interceptPort, Handler next) {
        super(next);
        this.forward = forward;
        this.interceptPort = interceptPort;
    }

    /** The target of the intercepted tunnel whose loopback leg has local port {@code port}, or null. */
    Target targetOf(int port) {
        return byTunnelPort.get(port);
    }

    /** The decrypted side of the tunnel with local port {@code port} completed its TLS handshake. */
    void handshaken(int port) {
        handshaken.add(port);
    }

    /** Forgets a tunnel; answers its target if its client never completed the TLS handshake (it refused us), else null. */
    Target tunnelClosed(int port) {
        Target t = byTunnelPort.remove(port);
        return handshaken.remove(port) ? null : t;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!ForwardListener.isForwardListener(request)) {
            return getHandler().handle(request, response, callback); // a route's port never tunnels
        }
        InetAddress client = ((InetSocketAddress) request.getConnectionMetaData().getRemoteSocketAddress()).getAddress();
        if (!forward.allows(client)) {
            LOG.warn("forward proxy request from {} refused: not loopback and not in --forward-allow", client.getHostAddress());
            Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403,
                    "this client may not use the forward proxy (see --forward-allow)");
            return true;
        }
        return super.handle(request, response, callback);
    }

    @Override
    protected void connectToServer(Request request, String host, int port, Promise<SocketChannel> promise) {
        if (!forward.intercepts(host)) {
            LOG.debug("CONNECT {}:{}: blind tunnel (not intercepted)", host, port);
            super.connectToServer(request, host, port, promise);
            return;
        }
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.socket().setTcpNoDelay(true);
            channel.connect(new InetSocketAddress("127.0.0.1", interceptPort.getAsInt())); // loopback: at once
            channel.configureBlocking(false);
            int local = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            byTunnelPort.put(local, new Target(host, port));
            promise.succeeded(channel);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // failing anyway
                }
            }
            promise.failed(e);
        }
    }
}

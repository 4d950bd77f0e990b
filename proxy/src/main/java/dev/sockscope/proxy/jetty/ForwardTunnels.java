package dev.sockscope.proxy.jetty;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ConnectHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.proxy.ForwardProxy;
import dev.sockscope.proxy.tap.PassThroughSession;

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

    /** How long the other side of a tunnel may stay open after one side ended its half. */
    static final Duration HALF_CLOSE_DEADLINE = PassThroughSession.CLOSE_DEADLINE;
    private static final String CLIENT_END = "sockscope.tunnel.client";
    private static final String SERVER_END = "sockscope.tunnel.server";
    private static final String HALF_CLOSED = "sockscope.tunnel.halfClosed";

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
        if (!client.isLoopbackAddress() && HttpMethod.CONNECT.is(request.getMethod())
                && ForwardProxy.isLoopbackName(request.getHttpURI().getHost())) {
            // A blind tunnel cannot be marked as forwarded: another machine may not open one to this one's loopback
            // services (the inspector first), which trust loopback.
            LOG.warn("forward proxy CONNECT from {} to {} refused: loopback services are for this machine", client.getHostAddress(),
                    request.getHttpURI().getAuthority());
            Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403,
                    "tunnels to this machine's loopback addresses are for clients on this machine only");
            return true;
        }
        return super.handle(request, response, callback);
    }

    /** The client's end of a tunnel gets the tunnel's idle deadline too (it had the listener's, for the CONNECT). */
    @Override
    protected DownstreamConnection newDownstreamConnection(EndPoint endPoint, ConcurrentMap<String, Object> context) {
        endPoint.setIdleTimeout(getIdleTimeout());
        context.put(CLIENT_END, endPoint);
        return super.newDownstreamConnection(endPoint, context);
    }

    @Override
    protected UpstreamConnection newUpstreamConnection(EndPoint endPoint, ConnectContext connectContext) {
        connectContext.getContext().put(SERVER_END, endPoint);
        return super.newUpstreamConnection(endPoint, connectContext);
    }

    /**
     * One side ended its half (end of stream): the tunnel passes that on and the other side gets
     * {@link #HALF_CLOSE_DEADLINE} to end its own, then both ends close. Without it a peer that never answers the
     * half-close (a server waiting for a TLS hello that will not come) keeps the other end in CLOSE-WAIT until the
     * idle timeout, an hour by default.
     */
    @Override
    protected int read(EndPoint endPoint, ByteBuffer buffer, ConcurrentMap<String, Object> context) throws IOException {
        int read = super.read(endPoint, buffer, context);
        if (read < 0 && context.putIfAbsent(HALF_CLOSED, Boolean.TRUE) == null) {
            getScheduler().schedule(() -> {
                for (String end : List.of(CLIENT_END, SERVER_END)) {
                    if (context.get(end) instanceof EndPoint e) {
                        e.close();
                    }
                }
            }, HALF_CLOSE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }
        return read;
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

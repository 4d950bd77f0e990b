package dev.sockscope.proxy.jetty;

import java.io.IOException;
import java.security.GeneralSecurityException;

import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.proxy.ForwardProxy;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.tls.HostCertificates;

/**
 * The forward proxy ({@code --forward}): its listener, and a loopback TLS connector that intercepted tunnels are
 * connected to, with a certificate per host. Decrypted upgrades there take the same path as a route's; other
 * requests are forwarded by {@link HttpForward}.
 */
final class ForwardListener {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardListener.class);
    /** Names of the forward proxy's two connectors: the CONNECT listener, and the loopback TLS one tunnels end in. */
    private static final String FORWARD_CONNECTOR = "sockscope-forward";
    private static final String INTERCEPT_CONNECTOR = "sockscope-intercept";

    private final ForwardProxy forward;
    private final ServerConnector listener;
    private final ForwardTunnels tunnels;
    private final Handler handler;

    /** Adds the forward proxy's connectors to {@code server}; {@link #handler} is the server's handler for them all. */
    ForwardListener(Server server, HttpConfiguration http, ForwardProxy forward, RelayOptions options, UpgradeHandler upgrades)
            throws IOException {
        this.forward = forward;
        listener = new ServerConnector(server, new HttpConnectionFactory(http));
        listener.setName(FORWARD_CONNECTOR);
        listener.setHost(forward.listenHost());
        listener.setPort(forward.listenPort());
        listener.setIdleTimeout(options.handshakeTimeout().toMillis());
        server.addConnector(listener);

        SslContextFactory.Server tls = new SslContextFactory.Server();
        ServerConnector intercept = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
        intercept.setName(INTERCEPT_CONNECTOR);
        intercept.setHost("127.0.0.1");
        intercept.setPort(0);
        intercept.setIdleTimeout(options.handshakeTimeout().toMillis());
        server.addConnector(intercept);

        HttpForward httpForward = new HttpForward(this::httpForwardTarget, options.insecure());
        tunnels = new ForwardTunnels(forward, intercept::getLocalPort, new ForwardDispatch(httpForward, upgrades, this));
        tunnels.setIdleTimeout(options.idleTimeout().toMillis());
        tunnels.setConnectTimeout(options.connectTimeout().toMillis());
        HostCertificates certificates = new HostCertificates(forward.ca(), port -> {
            ForwardTunnels.Target t = tunnels.targetOf(port);
            return t == null ? null : t.host();
        });
        try {
            tls.setSslContext(certificates.sslContext());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS interception: " + e.getMessage(), e);
        }
        intercept.addBean(new InterceptedHandshakes());
        intercept.addEventListener(new RefusedInterceptions());
        handler = tunnels;
    }

    Handler handler() {
        return handler;
    }

    ForwardProxy forward() {
        return forward;
    }

    /** The listen address as sessions record it ({@code forward 127.0.0.1:8080}); once the server is started. */
    String listenAddress() {
        String host = forward.listenHost();
        return "forward " + (host.contains(":") ? "[" + host + "]" : host) + ":" + listener.getLocalPort();
    }

    /** The target of the intercepted tunnel {@code request} came through, or null if it came through none. */
    ForwardTunnels.Target tunnelOf(Request request) {
        return tunnels.targetOf(Request.getRemotePort(request));
    }

    static boolean isForwardListener(Request request) {
        return FORWARD_CONNECTOR.equals(request.getConnectionMetaData().getConnector().getName());
    }

    static boolean isInterceptListener(Request request) {
        return INTERCEPT_CONNECTOR.equals(request.getConnectionMetaData().getConnector().getName());
    }

    /** Where a forwarded (non-WebSocket) request goes: its own absolute URI, or the intercepted tunnel's host. */
    private HttpURI httpForwardTarget(Request request) {
        if (isInterceptListener(request)) {
            ForwardTunnels.Target t = tunnelOf(request);
            return HttpURI.build(request.getHttpURI()).scheme("https").host(t.host()).port(t.port());
        }
        return request.getHttpURI();
    }

    /**
     * Notes each intercepted tunnel whose client accepted Sockscope's certificate: one that closes without having done
     * so refused it (it does not trust the CA, or pins the host's own certificate), which is logged when it closes,
     * since a TLS 1.3 client's refusal may reach the server as a plain close rather than a handshake failure.
     */
    private final class InterceptedHandshakes implements SslHandshakeListener {
        @Override
        public void handshakeSucceeded(Event event) {
            tunnels.handshaken(event.getSSLEngine().getPeerPort());
        }
    }

    /** Forgets each intercepted tunnel as it closes, and says so when its client refused Sockscope's certificate. */
    private final class RefusedInterceptions implements Connection.Listener {
        @Override
        public void onClosed(Connection connection) {
            if (connection instanceof SslConnection ssl) {
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
    }
}

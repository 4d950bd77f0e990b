package dev.sockscope.proxy.jetty;

import java.util.function.Function;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Everything on the forward proxy that is not a WebSocket upgrade (page loads, XHR, fonts), forwarded as it is by
 * Jetty's proxy handler and not recorded: plain {@code http://} absolute-URI requests, and the decrypted requests of
 * an intercepted tunnel re-sent over TLS to the tunnel's host. Upstream certificates are checked as the relay's are.
 */
final class HttpForward extends ProxyHandler.Reverse {
    private final boolean insecure;

    HttpForward(Function<Request, HttpURI> target, boolean insecure) {
        super(target);
        this.insecure = insecure;
        setUseServerThreadPool(true);
    }

    @Override
    protected HttpClient newHttpClient() {
        ClientConnector connector = new ClientConnector();
        SslContextFactory.Client tls = new SslContextFactory.Client();
        if (insecure) {
            tls.setTrustAll(true);
            tls.setEndpointIdentificationAlgorithm(null);
        }
        connector.setSslContextFactory(tls);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setUserAgentField(null); // the client's own goes instead
        return client;
    }

    /**
     * An intercepting proxy is invisible: no Via, no Forwarded headers of ours, except toward this machine, where
     * the inspector must tell a proxy client's request from its user's ({@link ForwardedMark}).
     */
    @Override
    protected void addProxyHeaders(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        ForwardedMark.onLocalTarget(proxyToServerRequest);
    }
}

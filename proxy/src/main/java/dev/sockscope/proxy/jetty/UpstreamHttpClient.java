package dev.sockscope.proxy.jetty;

import java.time.Duration;
import java.util.concurrent.Executor;

import org.eclipse.jetty.client.DuplexConnectionPool;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The HTTP client that upstream handshakes are sent with (pass-through, terminating, replay and mock). Each
 * connection carries one handshake and is never reused: a 101 takes it out of the pool anyway, and an upstream
 * that refuses with a keep-alive answer (403 with Content-Length) must not get the next client's upgrade on
 * the same connection, where it may answer for the wrong client or close it under the next session.
 */
final class UpstreamHttpClient {
    private UpstreamHttpClient() {
    }

    /** A client on {@code executor}; {@code scheduler} may be null (the client's own). */
    static HttpClient create(Executor executor, Scheduler scheduler, boolean insecure, Duration connectTimeout) {
        ClientConnector connector = new ClientConnector();
        connector.setExecutor(executor);
        if (scheduler != null) {
            connector.setScheduler(scheduler);
        }
        SslContextFactory.Client tls = new SslContextFactory.Client();
        if (insecure) {
            tls.setTrustAll(true);
            tls.setEndpointIdentificationAlgorithm(null);
        }
        connector.setSslContextFactory(tls); // wss:// upstreams are verified against the system trust store unless --insecure
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
        transport.setConnectionPoolFactory(destination -> {
            DuplexConnectionPool pool = new DuplexConnectionPool(destination, destination.getHttpClient().getMaxConnectionsPerDestination());
            pool.setMaxUsage(1); // one handshake per connection, then closed
            return pool;
        });
        HttpClient http = new HttpClient(transport) {
            @Override
            protected void doStart() throws Exception {
                super.doStart();
                // HttpClient installs its decoders while starting when it has none: clear them after, so that the
                // upstream gets no Accept-Encoding the client did not send.
                getContentDecoderFactories().clear();
            }
        };
        http.setExecutor(executor);
        if (scheduler != null) {
            http.setScheduler(scheduler);
        }
        http.setUserAgentField(null);                         // the client's own User-Agent goes instead
        http.setHttpCookieStore(new HttpCookieStore.Empty()); // cookies pass as headers, never stored
        http.setConnectTimeout(connectTimeout.toMillis());
        http.setFollowRedirects(false);
        // Every session dials its own connection: never queue a burst.
        http.setMaxConnectionsPerDestination(100_000);
        http.setMaxRequestsQueuedPerDestination(100_000);
        return http;
    }
}

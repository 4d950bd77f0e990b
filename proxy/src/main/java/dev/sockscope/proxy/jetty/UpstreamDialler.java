package dev.sockscope.proxy.jetty;

import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpUpgrader;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;

import dev.sockscope.proxy.tap.Describe;
import dev.sockscope.wire.Header;

/**
 * Opens the upstream leg of a session: sends the client's upgrade request as the client sent it (its key,
 * subprotocol list and extension offer included; only {@code Host} and hop-by-hop headers change) and hands
 * back the raw connection once the upstream answers 101. TCP, TLS ({@code --insecure}), timeouts and refusals
 * are Jetty {@link HttpClient}'s for {@code wss://} upstreams; plain ones are dialled by {@link PlainUpgradeDial}.
 */
public final class UpstreamDialler extends ContainerLifeCycle {
    /** Request headers that belong to one hop: the upstream gets its own (HttpClient writes Host). */
    private static final Set<String> HOP_BY_HOP = Set.of("host", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "content-length", "proxy-authorization", "http2-settings");
    private static final int MAX_REFUSAL_BODY = 64 * 1024;

    /** What dialling came to. */
    public sealed interface Outcome {
        /** The upstream answered 101: {@code endPoint} is the raw connection, not read from yet. */
        record Upgraded(int status, List<Header> headers, EndPoint endPoint) implements Outcome {
        }

        /** The upstream answered something else; the client gets the same. */
        record Refused(int status, String reason, List<Header> headers, byte[] body) implements Outcome {
        }

        /** No answer: unreachable (502) or too slow (504). */
        record Failed(int status, String error) implements Outcome {
        }
    }

    private final HttpClient http;
    private final PlainUpgradeDial plain;
    private final Duration timeout;

    public UpstreamDialler(Executor executor, Scheduler scheduler, boolean insecure, Duration timeout) {
        http = UpstreamHttpClient.create(executor, scheduler, insecure, timeout);
        plain = new PlainUpgradeDial(executor, scheduler, timeout, MAX_REFUSAL_BODY);
        this.timeout = timeout;
        addBean(http);
        addBean(plain);
    }

    /** Dials {@code target} with {@code headers} (the client's, in its order); never fails the future. */
    public CompletableFuture<Outcome> dial(URI target, List<Header> headers) {
        return dial(target, headers, false);
    }

    /** ... and, for the forward proxy's clients, marks the request when it goes to this machine ({@link ForwardedMark}). */
    CompletableFuture<Outcome> dial(URI target, List<Header> headers, boolean forwarded) {
        return dial(target, headers, forwarded, null);
    }

    /** ... with a plain upstream watched by its client's selector when the client came through a {@link RelayConnector}. */
    CompletableFuture<Outcome> dial(URI target, List<Header> headers, boolean forwarded, ConnectionMetaData client) {
        String scheme = target.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("ws") || scheme.equals("http")) {
            HttpFields.Mutable fields = HttpFields.build();
            inClientOrder(headers, fields, hostOf(target));
            if (!fields.contains(HttpHeader.HOST)) {
                fields.add(HttpHeader.HOST, hostOf(target));
            }
            return plain.dial(target, List.copyOf(fields.asImmutable().stream().toList()), forwarded,
                    client == null ? null : client.getConnector(), client == null ? null : client.getConnection().getEndPoint());
        }
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Request request = http.newRequest(httpUri(target)).method(HttpMethod.GET).version(HttpVersion.HTTP_1_1)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .headers(h -> inClientOrder(headers, h, hostOf(target)));
        if (forwarded) {
            ForwardedMark.onLocalTarget(request);
        }
        request.attribute(HttpUpgrader.Factory.class.getName(), (HttpUpgrader.Factory) version -> new HttpUpgrader() {
            @Override
            public void prepare(Request req) {
                // The client's own upgrade headers are already there, verbatim.
            }

            @Override
            public void upgrade(Response response, EndPoint endPoint, Callback callback) {
                outcome.complete(new Outcome.Upgraded(response.getStatus(), JettyHeaders.of(response.getHeaders()), endPoint));
                callback.succeeded();
            }
        });
        request.send(new BufferingResponseListener(MAX_REFUSAL_BODY) {
            @Override
            public void onComplete(Result result) {
                if (outcome.isDone()) {
                    return;
                }
                Response response = result.getResponse();
                if (result.isSucceeded() || (response != null && response.getStatus() > 0 && response.getStatus() != 101
                        && !(result.getFailure() instanceof TimeoutException))) {
                    byte[] body = getContent();
                    outcome.complete(new Outcome.Refused(response.getStatus(), response.getReason(), JettyHeaders.of(response.getHeaders()),
                            body == null ? new byte[0] : body));
                    return;
                }
                Throwable failure = result.getFailure();
                if (isTimeout(failure)) {
                    outcome.complete(tooSlow(timeout));
                } else {
                    String why = Describe.failure(failure);
                    outcome.complete(new Outcome.Failed(502, "upstream unreachable: " + why
                            + (why.startsWith("TLS") ? " (use --insecure for self-signed development servers)" : "")));
                }
            }
        });
        return outcome;
    }

    /**
     * The client's headers in the client's order, less those that belong to its hop; {@code Host} stays where the
     * client put it, with the upstream's authority. Jetty's generator writes a {@code Connection} header it knows
     * last, so the client's goes as a field Jetty does not interpret, in its place.
     */
    private static void inClientOrder(List<Header> headers, HttpFields.Mutable to, String host) {
        for (Header h : headers) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (name.equals("host")) {
                to.add(new HttpField(HttpHeader.HOST, h.name(), host));
            } else if (name.equals("connection")) {
                to.add(new HttpField(null, h.name(), h.value()));
            } else if (!HOP_BY_HOP.contains(name)) {
                to.add(h.name(), h.value());
            }
        }
    }

    /** The Host an HTTP client writes for {@code target}: its authority, less a default port. */
    private static String hostOf(URI target) {
        boolean secure = target.getScheme().equalsIgnoreCase("wss") || target.getScheme().equalsIgnoreCase("https");
        int port = target.getPort();
        String host = target.getHost();
        return port < 0 || port == (secure ? 443 : 80) ? host : host + ":" + port;
    }

    /** HttpClient speaks http and https; the WebSocket schemes map onto them. */
    private static URI httpUri(URI target) {
        String scheme = target.getScheme().toLowerCase(Locale.ROOT);
        String mapped = scheme.equals("ws") ? "http" : scheme.equals("wss") ? "https" : scheme;
        return URI.create(mapped + target.toString().substring(scheme.length()));
    }

    /** The upstream did not answer the upgrade within {@code timeout}: the client gets 504. */
    static Outcome.Failed tooSlow(Duration timeout) {
        return new Outcome.Failed(504, "upstream did not complete the handshake within " + timeout.toSeconds() + " s");
    }

    static boolean isTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof TimeoutException || c instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

}

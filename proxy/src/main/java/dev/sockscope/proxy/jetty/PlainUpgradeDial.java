package dev.sockscope.proxy.jetty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpGenerator;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;

import dev.sockscope.proxy.ForwardProxy;
import dev.sockscope.proxy.tap.Describe;

/**
 * Dials a plain {@code ws://} upstream with one TCP connection, one request and one answer
 * ({@link PlainUpgradeConnection}), over Jetty's {@link ClientConnector}. Jetty's {@code HttpClient} did the same
 * through its destinations, connection pools, conversations and listeners, which cost as much CPU per connection as
 * the rest of the relay's connect path (docs/performance.md, "Connections"); {@code wss://} upstreams still go through
 * it (TLS). The request's bytes are what HttpClient wrote: the same fields, written by Jetty's {@link HttpGenerator}.
 */
final class PlainUpgradeDial extends ContainerLifeCycle {
    private final ClientConnector connector = new ClientConnector();
    private final SocketAddressResolver resolver;
    private final Executor executor;
    private final Scheduler scheduler;
    private final Duration timeout;
    private final int maxBody;

    PlainUpgradeDial(Executor executor, Scheduler scheduler, Duration timeout, int maxBody) {
        this.executor = executor;
        this.scheduler = scheduler;
        this.timeout = timeout;
        this.maxBody = maxBody;
        connector.setExecutor(executor);
        connector.setScheduler(scheduler);
        connector.setConnectTimeout(timeout);
        connector.setIdleTimeout(timeout); // until the 101; each session then sets its own
        connector.setSelectors(1);
        resolver = new SocketAddressResolver.Async(executor, scheduler, timeout.toMillis());
        addBean(connector);
    }

    /**
     * Sends {@code fields} (the request's headers in order, Host included) as an upgrade request for {@code target}; with
     * {@code forwarded}, marks it when it goes to this machine (the forward proxy's loop guard, {@link ForwardedMark}).
     */
    CompletableFuture<UpstreamDialler.Outcome> dial(URI target, List<HttpField> fields, boolean forwarded) {
        return dial(target, fields, forwarded, null, null);
    }

    /**
     * ... watched by {@code client}'s selector when it came in through a {@link RelayConnector} ({@code via}): both legs
     * of the session on one selector thread; else by this dial's own.
     */
    CompletableFuture<UpstreamDialler.Outcome> dial(URI target, List<HttpField> fields, boolean forwarded, Connector via,
                                                    EndPoint client) {
        RelayConnector relay = via instanceof RelayConnector r ? r : null;
        CompletableFuture<UpstreamDialler.Outcome> outcome = new CompletableFuture<>();
        Scheduler.Task deadline = scheduler.schedule(() -> outcome.complete(UpstreamDialler.tooSlow(timeout)),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        outcome.whenComplete((o, x) -> deadline.cancel());
        String host = target.getHost();
        int port = target.getPort() < 0 ? 80 : target.getPort();
        InetSocketAddress literal = ipLiteral(host, port);
        if (literal != null) {
            // Nothing to look up: connect on this thread rather than hand a "resolution" to another one.
            connect(List.of(literal), 0, target, fields, forwarded, relay, client, outcome);
            return outcome;
        }
        resolver.resolve(host, port, new HashMap<>(), new Promise<>() {
            @Override
            public void succeeded(List<InetSocketAddress> addresses) {
                connect(addresses, 0, target, fields, forwarded, relay, client, outcome);
            }

            @Override
            public void failed(Throwable x) {
                outcome.complete(unreachable(x));
            }
        });
        return outcome;
    }

    /**
     * The address when {@code host} is an IPv4 literal or a bracketed IPv6 one, which need no name service; else null
     * (a name, or something that only looks like a literal, such as 999.1.1.1, which goes to the resolver like any name).
     */
    static InetSocketAddress ipLiteral(String host, int port) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        try {
            if (host.charAt(0) == '[') {
                return new InetSocketAddress(InetAddress.getByName(host), port); // bracketed: parsed, never looked up
            }
            byte[] v4 = ipv4(host);
            return v4 == null ? null : new InetSocketAddress(InetAddress.getByAddress(v4), port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] ipv4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (value == 0) {
                    return null; // a leading zero (010.0.0.1) is octal to some tools: left to the resolver, as before
                }
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) {
                    return null;
                }
            } else if (c == '.' && value >= 0 && part < 3) {
                out[part++] = (byte) value;
                value = -1;
            } else {
                return null;
            }
        }
        if (part != 3 || value < 0) {
            return null;
        }
        out[3] = (byte) value;
        return out;
    }

    /** Tries each address the name resolved to in turn, as HttpClient does. */
    private void connect(List<InetSocketAddress> addresses, int index, URI target, List<HttpField> fields, boolean forwarded,
                         RelayConnector via, EndPoint client, CompletableFuture<UpstreamDialler.Outcome> outcome) {
        if (outcome.isDone()) {
            return;
        }
        InetSocketAddress address = addresses.get(index);
        boolean local = forwarded && (ForwardProxy.isLoopbackName(target.getHost()) || ForwardedMark.endsHere(address));
        ByteBuffer request = request(target, fields, local);
        Map<String, Object> context = new HashMap<>();
        context.put(Transport.class.getName(), Transport.TCP_IP);
        context.put(ClientConnectionFactory.CONTEXT_KEY, (ClientConnectionFactory) (endPoint, ctx) -> {
            PlainUpgradeConnection c = new PlainUpgradeConnection(endPoint, executor, request, maxBody, outcome);
            outcome.whenComplete((o, x) -> {
                if (o instanceof UpstreamDialler.Outcome.Failed) {
                    endPoint.close(); // the deadline passed while the upstream was still answering
                }
            });
            return c;
        });
        context.put(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY, new Promise<Connection>() {
            @Override
            public void succeeded(Connection connection) {
                // The connection writes its request as it opens.
            }

            @Override
            public void failed(Throwable x) {
                if (index + 1 < addresses.size() && !outcome.isDone()) {
                    connect(addresses, index + 1, target, fields, forwarded, via, client, outcome);
                } else {
                    outcome.complete(unreachable(x));
                }
            }
        });
        if (via != null && via.isRunning()) {
            via.dial(address, context, timeout.toMillis(), client);
        } else {
            connector.connect(address, context);
        }
    }

    private UpstreamDialler.Outcome.Failed unreachable(Throwable x) {
        if (UpstreamDialler.isTimeout(x)) {
            return UpstreamDialler.tooSlow(timeout);
        }
        String why = x instanceof UnresolvedAddressException ? "cannot resolve the upstream's name" : Describe.failure(x);
        return new UpstreamDialler.Outcome.Failed(HttpStatus.BAD_GATEWAY_502, "upstream unreachable: " + why);
    }

    /** The request's bytes: its line, then each field as Jetty's generator writes it. */
    private static ByteBuffer request(URI target, List<HttpField> fields, boolean markForwarded) {
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        String line = "GET " + path + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery()) + " HTTP/1.1\r\n";
        int size = line.length() + 64;
        for (HttpField f : fields) {
            size += f.getName().length() + f.getValue().length() + 4;
        }
        ByteBuffer out = BufferUtil.allocate(size + 2);
        int position = BufferUtil.flipToFill(out);
        out.put(line.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        for (HttpField f : fields) {
            if (!(markForwarded && f.getName().equalsIgnoreCase(ForwardProxy.FORWARDED_HEADER))) {
                HttpGenerator.putTo(f, out);
            }
        }
        if (markForwarded) {
            HttpGenerator.putTo(new HttpField(ForwardProxy.FORWARDED_HEADER, "1"), out);
        }
        BufferUtil.putCRLF(out);
        BufferUtil.flipToFlush(out, position);
        return out;
    }
}

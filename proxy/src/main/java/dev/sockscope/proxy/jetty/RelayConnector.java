package dev.sockscope.proxy.jetty;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.Executor;

import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.IO;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A route's listening connector that also dials the route's plain upstreams, each on the selector of the client it
 * is dialled for: both legs of a session are then watched by one selector thread, as nginx's worker watches both of
 * its sockets. With the upstream on a selector of its own (a separate {@link ClientConnector}), each leg woke its own
 * thread for every read, and the two threads handed each other the session's work. Sessions are spread over at least
 * two selectors, so that a burst of connections is still set up by two threads.
 *
 * <p>A dial is told apart from an accepted connection by its attachment: the context map {@link PlainUpgradeDial}
 * builds for a {@link ClientConnector}, marked with {@link #DIAL}.
 */
final class RelayConnector extends ServerConnector {
    /** Marks a selector attachment as an upstream dial; its value is the idle timeout until the upgrade, in ms. */
    static final String DIAL = RelayConnector.class.getName() + ".dial";

    /** The selector a dial on this thread should use: its client's. Set only around {@link SelectorManager#connect}. */
    private final ThreadLocal<ManagedSelector> clientSelector = new ThreadLocal<>();

    RelayConnector(Server server, ConnectionFactory... factories) {
        super(server, null, null, null, -1, Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors() / 2)), factories);
    }

    @Override
    protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) throws IOException {
        RelayEndPoint endPoint = new RelayEndPoint(channel, selector, key, getScheduler());
        endPoint.setIdleTimeout(getIdleTimeout());
        return endPoint;
    }

    /** An endpoint of this connector, accepted or dialled, that knows its selector: an upstream dialled for a client is watched by the client's. */
    static final class RelayEndPoint extends SocketChannelEndPoint {
        final ManagedSelector selector;

        RelayEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
            super(channel, selector, key, scheduler);
            this.selector = selector;
        }
    }

    @Override
    protected SelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors) {
        return new RelayManager(executor, scheduler, selectors);
    }

    /**
     * Connects to {@code address} without blocking and registers the channel with this connector's selector; the
     * context's {@link ClientConnectionFactory} makes the connection and its promise hears how the connect went, as
     * with {@link ClientConnector#connect}.
     */
    void dial(InetSocketAddress address, Map<String, Object> context, long idleTimeoutMillis, EndPoint client) {
        SocketChannel channel = null;
        try {
            clientSelector.set(client instanceof RelayEndPoint c ? c.selector : null);
            context.put(DIAL, idleTimeoutMillis);
            channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            if (channel.connect(address)) {
                getSelectorManager().accept(channel, context);
            } else {
                getSelectorManager().connect(channel, context);
            }
        } catch (Throwable x) {
            // UnresolvedAddressException and others are not IOExceptions: all of them fail the dial, none escapes.
            IO.close(channel);
            promise(context).failed(x);
        } finally {
            clientSelector.remove();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> dialContext(Object attachment) {
        return attachment instanceof Map<?, ?> map && map.containsKey(DIAL) ? (Map<String, Object>) map : null;
    }

    @SuppressWarnings("unchecked")
    private static Promise<Connection> promise(Map<String, Object> context) {
        return (Promise<Connection>) context.get(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY);
    }

    private final class RelayManager extends ServerConnectorManager {
        RelayManager(Executor executor, Scheduler scheduler, int selectors) {
            super(executor, scheduler, selectors);
        }

        @Override
        protected ManagedSelector chooseSelector() {
            ManagedSelector hint = clientSelector.get();
            return hint != null ? hint : super.chooseSelector();
        }

        @Override
        protected SocketChannelEndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector, SelectionKey key)
                throws IOException {
            SocketChannelEndPoint endPoint = super.newEndPoint(channel, selector, key);
            Map<String, Object> dial = dialContext(key.attachment());
            if (dial != null) {
                endPoint.setIdleTimeout((Long) dial.get(DIAL)); // until the 101; each session then sets its own
            }
            return endPoint;
        }

        @Override
        public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object attachment) throws IOException {
            Map<String, Object> dial = dialContext(attachment);
            if (dial == null) {
                return super.newConnection(channel, endPoint, attachment);
            }
            ClientConnectionFactory factory = (ClientConnectionFactory) dial.get(ClientConnectionFactory.CONTEXT_KEY);
            return factory.newConnection(endPoint, dial);
        }

        @Override
        public void connectionOpened(Connection connection, Object context) {
            Map<String, Object> dial = dialContext(context);
            if (dial == null) {
                super.connectionOpened(connection, context);
                return;
            }
            try {
                super.connectionOpened(connection, context);
                promise(dial).succeeded(connection);
            } catch (Throwable x) {
                promise(dial).failed(x);
            }
        }

        @Override
        protected void connectionFailed(SelectableChannel channel, Throwable failure, Object attachment) {
            super.connectionFailed(channel, failure, attachment);
            Map<String, Object> dial = dialContext(attachment);
            if (dial != null) {
                promise(dial).failed(failure);
            }
        }
    }
}

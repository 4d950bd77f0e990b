package dev.sockscope.proxy.demo;

import java.util.List;
import java.util.Map;

/**
 * A built-in upstream that behaves as one seed protocol's document says, for the demo and the integration tests.
 * Jetty-free: {@code proxy.jetty.SimulatorServer} hosts it.
 *
 * @param <S> what the simulator keeps for each connection ({@link Void} when it keeps nothing)
 */
public interface Simulator<S> {
    /** Short name, as printed by the demo (max, event-chat, maim, zavodchat, zavodchat-voice, qq-push). */
    String name();

    /** What the client offered in its upgrade request. */
    record Upgrade(String path, Map<String, String> query, Map<String, String> headers, List<String> subprotocols) {
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** The simulator's side of a connection. */
    interface Peer {
        void send(String text);

        void close(int code, String reason);
    }

    /** The subprotocol to select, or null for none. */
    default String select(Upgrade upgrade) {
        return null;
    }

    /** A client connected; returns the state kept for it. */
    S onOpen(Upgrade upgrade, Peer peer);

    /** A text message arrived; returns the connection's state from now on. */
    S onText(S state, Peer peer, String text);
}

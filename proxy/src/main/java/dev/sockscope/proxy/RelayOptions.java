package dev.sockscope.proxy;

import java.time.Duration;

/**
 * How the relay behaves, the same for every route.
 *
 * @param maxMessageBytes  the most of one message kept in the recording (the rest is counted, the frame marked
 *                         truncated); passing through, it bounds nothing. When terminating, larger messages
 *                         close both sides with 1009.
 * @param insecure         accept any certificate from wss:// upstreams (self-signed development servers)
 * @param connectTimeout   how long the upstream may take to complete its handshake
 * @param idleTimeout      a session with no traffic either way for this long is closed (1001); zero means never
 * @param handshakeTimeout how long a client may take to send its whole upgrade request
 * @param terminate        re-frame every message through Jetty's WebSocket sessions instead of passing bytes
 *                         through (the path for changing traffic; each leg negotiates its own extensions)
 */
public record RelayOptions(long maxMessageBytes, boolean insecure, Duration connectTimeout, Duration idleTimeout,
                           Duration handshakeTimeout, boolean terminate) {
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 64L << 20;
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public RelayOptions(long maxMessageBytes, boolean insecure, Duration connectTimeout, Duration idleTimeout) {
        this(maxMessageBytes, insecure, connectTimeout, idleTimeout, DEFAULT_HANDSHAKE_TIMEOUT, false);
    }

    public static RelayOptions defaults() {
        return new RelayOptions(DEFAULT_MAX_MESSAGE_BYTES, false, Duration.ofSeconds(15), Duration.ofHours(1));
    }

    public RelayOptions withInsecure(boolean value) {
        return new RelayOptions(maxMessageBytes, value, connectTimeout, idleTimeout, handshakeTimeout, terminate);
    }

    public RelayOptions withConnectTimeout(Duration value) {
        return new RelayOptions(maxMessageBytes, insecure, value, idleTimeout, handshakeTimeout, terminate);
    }

    public RelayOptions withMaxMessageBytes(long value) {
        return new RelayOptions(value, insecure, connectTimeout, idleTimeout, handshakeTimeout, terminate);
    }

    public RelayOptions withIdleTimeout(Duration value) {
        return new RelayOptions(maxMessageBytes, insecure, connectTimeout, value, handshakeTimeout, terminate);
    }

    public RelayOptions withHandshakeTimeout(Duration value) {
        return new RelayOptions(maxMessageBytes, insecure, connectTimeout, idleTimeout, value, terminate);
    }

    public RelayOptions withTerminate(boolean value) {
        return new RelayOptions(maxMessageBytes, insecure, connectTimeout, idleTimeout, handshakeTimeout, value);
    }
}

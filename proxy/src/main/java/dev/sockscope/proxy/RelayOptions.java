package dev.sockscope.proxy;

import java.time.Duration;

/**
 * How the relay behaves, the same for every route.
 *
 * @param maxMessageBytes largest message (all fragments together) relayed; larger ones close both sides with 1009
 * @param insecure        accept any certificate from wss:// upstreams (self-signed development servers)
 * @param connectTimeout  how long the upstream may take to complete its handshake
 * @param idleTimeout     a session with no frame either way for this long is closed (1001); zero means never
 */
public record RelayOptions(long maxMessageBytes, boolean insecure, Duration connectTimeout, Duration idleTimeout) {
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 64L << 20;

    public static RelayOptions defaults() {
        return new RelayOptions(DEFAULT_MAX_MESSAGE_BYTES, false, Duration.ofSeconds(15), Duration.ofHours(1));
    }

    public RelayOptions withInsecure(boolean value) {
        return new RelayOptions(maxMessageBytes, value, connectTimeout, idleTimeout);
    }

    public RelayOptions withMaxMessageBytes(long value) {
        return new RelayOptions(value, insecure, connectTimeout, idleTimeout);
    }
}

package dev.sockscope.wire;

/**
 * What is known of a session when it opens (or fails to open).
 *
 * @param id              unique within a recording database
 * @param listen          the proxy address the client connected to, host:port
 * @param upstream        the upstream base URL of the route
 * @param clientAddress   the client's remote address, host:port
 * @param handshake       the upgrade exchange
 * @param startedAtMicros wall-clock time of the upgrade request, microseconds since the epoch
 * @param protocol        the decoder the user chose for the route ({@code --protocol}), or null to detect one
 */
public record SessionInfo(long id, String listen, String upstream, String clientAddress,
                          Handshake handshake, long startedAtMicros, String protocol) {

    public SessionInfo(long id, String listen, String upstream, String clientAddress, Handshake handshake, long startedAtMicros) {
        this(id, listen, upstream, clientAddress, handshake, startedAtMicros, null);
    }

    public SessionInfo withHandshake(Handshake other) {
        return new SessionInfo(id, listen, upstream, clientAddress, other, startedAtMicros, protocol);
    }
}

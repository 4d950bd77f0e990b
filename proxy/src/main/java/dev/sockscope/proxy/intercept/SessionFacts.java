package dev.sockscope.proxy.intercept;

import java.util.List;

import dev.sockscope.wire.Header;

/**
 * What a breakpoint or a rule may match of the session a message belongs to.
 *
 * @param id          the session's id
 * @param route       where the client connected, as recorded ({@code 127.0.0.1:8080})
 * @param upstream    where it was relayed to
 * @param subprotocol the negotiated subprotocol, or null
 * @param protocol    the protocol the route was configured with ({@code --protocol}), or null
 * @param path        the client's handshake path ({@code /websocket}), or null when unknown
 * @param query       the client's handshake query (without {@code ?}), or null
 * @param headers     the client's handshake request headers, as sent (empty when unknown)
 */
public record SessionFacts(long id, String route, String upstream, String subprotocol, String protocol, String path,
                           String query, List<Header> headers) {
    public SessionFacts {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    /** Facts without the handshake's path, query and headers. */
    public SessionFacts(long id, String route, String upstream, String subprotocol, String protocol) {
        this(id, route, upstream, subprotocol, protocol, null, null, List.of());
    }
}

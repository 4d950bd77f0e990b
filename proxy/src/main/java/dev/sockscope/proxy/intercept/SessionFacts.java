package dev.sockscope.proxy.intercept;

/**
 * What a breakpoint may match of the session a message belongs to.
 *
 * @param id          the session's id
 * @param route       where the client connected, as recorded ({@code 127.0.0.1:8080})
 * @param upstream    where it was relayed to
 * @param subprotocol the negotiated subprotocol, or null
 * @param protocol    the protocol the route was configured with ({@code --protocol}), or null
 */
public record SessionFacts(long id, String route, String upstream, String subprotocol, String protocol) {
}

package dev.sockscope.proxy;

import java.util.Locale;
import java.util.Set;

/**
 * Which handshake headers cross the proxy. Hop-by-hop headers and the WebSocket handshake's own headers
 * are negotiated by each side separately; everything else (cookies, authorization, origin, user agent,
 * custom headers) goes through unchanged.
 */
public final class HandshakeHeaders {
    private static final Set<String> NOT_FORWARDED = Set.of(
            "host", "connection", "upgrade", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "content-length", "http2-settings",
            "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
            "sec-websocket-accept", "sec-websocket-protocol");
    /** Also dropped from the upstream's answer: the proxy's own server writes these. */
    private static final Set<String> NOT_RETURNED = Set.of("date", "server");

    private HandshakeHeaders() {
    }

    /** Should this header of the client's upgrade request be sent upstream? */
    public static boolean forwardUpstream(String name) {
        return !NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT));
    }

    /** Should this header of the upstream's 101 answer be returned to the client? */
    public static boolean returnToClient(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return !NOT_FORWARDED.contains(n) && !NOT_RETURNED.contains(n);
    }
}

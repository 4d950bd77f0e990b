package dev.sockscope.wire;

import java.util.List;

/**
 * The HTTP upgrade as the client made it and as the client was answered.
 *
 * @param path            request path, as sent (raw, not decoded)
 * @param query           raw query string without '?', or null
 * @param requestHeaders  headers the client sent
 * @param status          HTTP status the client got: 101, or the upstream's refusal, or 502 when unreachable
 * @param responseHeaders headers the client got
 * @param subprotocol     the subprotocol selected by the upstream, or null
 * @param extensions      extensions negotiated with the client (each side negotiates its own)
 */
public record Handshake(String path, String query, List<Header> requestHeaders, int status,
                        List<Header> responseHeaders, String subprotocol, List<String> extensions) {
    public Handshake {
        requestHeaders = List.copyOf(requestHeaders);
        responseHeaders = List.copyOf(responseHeaders);
        extensions = List.copyOf(extensions);
    }

    /** The path and query as the client asked for them. */
    public String target() {
        return query == null ? path : path + "?" + query;
    }
}

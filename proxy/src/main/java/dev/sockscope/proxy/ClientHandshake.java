package dev.sockscope.proxy;

import java.util.Base64;
import java.util.List;
import java.util.Locale;

import dev.sockscope.wire.Header;

/**
 * Checks a client's upgrade request before anything is dialled (RFC 6455 §4.2.1), so that a malformed
 * request costs the upstream nothing and gets a clear answer.
 */
public final class ClientHandshake {
    /** The outcome of the check. */
    public sealed interface Check {
        record Valid() implements Check {
        }

        /** Answer with {@code status}, {@code message} as the body and {@code headers} beside it. */
        record Invalid(int status, String message, List<Header> headers) implements Check {
        }
    }

    private ClientHandshake() {
    }

    public static Check check(String method, List<Header> headers) {
        if (!contains(headers, "upgrade", "websocket")) {
            return new Check.Invalid(426, "This is a Sockscope WebSocket relay: point a WebSocket client at this address.",
                    List.of(new Header("Upgrade", "websocket"), new Header("Connection", "Upgrade")));
        }
        if (!"GET".equals(method)) {
            return new Check.Invalid(405, "A WebSocket upgrade must be a GET request, not " + method + ".",
                    List.of(new Header("Allow", "GET")));
        }
        if (!contains(headers, "connection", "upgrade")) {
            return new Check.Invalid(400, "The upgrade request has no \"Connection: Upgrade\" header.", List.of());
        }
        String version = value(headers, "sec-websocket-version");
        if (!"13".equals(version == null ? null : version.trim())) {
            return new Check.Invalid(426, version == null ? "The upgrade request has no Sec-WebSocket-Version header."
                    : "Sec-WebSocket-Version " + version + " is not supported; use 13.",
                    List.of(new Header("Sec-WebSocket-Version", "13")));
        }
        String key = value(headers, "sec-websocket-key");
        if (key == null) {
            return new Check.Invalid(400, "The upgrade request has no Sec-WebSocket-Key header.", List.of());
        }
        try {
            if (Base64.getDecoder().decode(key.trim()).length != 16) {
                return new Check.Invalid(400, "Sec-WebSocket-Key must be 16 bytes in base64.", List.of());
            }
        } catch (IllegalArgumentException e) {
            return new Check.Invalid(400, "Sec-WebSocket-Key is not base64.", List.of());
        }
        return new Check.Valid();
    }

    private static String value(List<Header> headers, String name) {
        String found = null;
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                if (found != null) {
                    return "(more than one)";
                }
                found = h.value();
            }
        }
        return found;
    }

    /** Whether a comma-separated header has {@code token}, case-insensitively. */
    private static boolean contains(List<Header> headers, String name, String token) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                for (String t : h.value().split(",")) {
                    if (t.trim().toLowerCase(Locale.ROOT).equals(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}

package dev.sockscope.proxy.tap;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

/** Plain-language accounts of network failures for recordings and close reasons: no exception class names. */
public final class Describe {
    private Describe() {
    }

    public static String failure(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof SSLException) {
                break;
            }
            root = root.getCause();
        }
        if (root instanceof ConnectException) {
            return "connection refused";
        }
        if (root instanceof UnknownHostException || root instanceof UnresolvedAddressException) {
            return "unknown host";
        }
        if (root instanceof TimeoutException || root instanceof SocketTimeoutException) {
            return "timed out";
        }
        if (root instanceof EOFException || root instanceof ClosedChannelException) {
            return "connection closed";
        }
        if (root instanceof SSLException) {
            String m = root.getMessage() == null ? "" : root.getMessage();
            if (m.contains("PKIX") || m.contains("certification path")) {
                return "TLS handshake failed: the upstream's certificate is not trusted";
            }
            return "TLS handshake failed: " + withoutClassNames(m.isEmpty() ? "handshake error" : m);
        }
        String m = root.getMessage();
        if (m == null || m.isBlank()) {
            return "connection failed";
        }
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("reset")) {
            return "connection reset by peer";
        }
        if (lower.contains("broken pipe")) {
            return "connection closed by peer (broken pipe)";
        }
        if (lower.contains("refused")) {
            return "connection refused";
        }
        return withoutClassNames(m);
    }

    /** "javax.net.ssl.SSLHandshakeException: x" reads as "x". */
    private static String withoutClassNames(String m) {
        return m.replaceAll("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ?", "");
    }
}

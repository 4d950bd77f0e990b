package dev.sockscope.secrets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;

/**
 * Masks credentials in handshakes before they are stored or exported. A masked value keeps a short
 * prefix and a hash of the whole value, so two sessions that used the same token can still be told
 * apart: {@code Bearer eyJh…[sha256:1f0c2a9d7e]}.
 */
public final class SecretMasker {
    private static final Set<String> WHOLE_VALUE_HEADERS = Set.of(
            "x-api-key", "x-auth-token", "x-access-token", "api-key", "token");
    private static final Set<String> SECRET_QUERY_PARAMS = Set.of(
            "token", "access_token", "auth", "authorization", "key", "api_key", "apikey", "password",
            "secret", "jwt", "sig", "signature");
    /** Subprotocol entries that announce that the next entry is a credential. */
    private static final Set<String> TOKEN_MARKERS = Set.of("access_token", "token", "bearer", "authorization", "auth");
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");
    private static final Pattern PROTOCOL_NAME = Pattern.compile("[a-z][a-z0-9]*([._/-][a-z0-9]+)*");
    private static final String ELLIPSIS = "…";

    private SecretMasker() {
    }

    /** The masked form of a secret: a prefix of at most 4 characters (a quarter of short ones) and a hash. */
    public static String mask(String secret) {
        if (secret.isEmpty()) {
            return secret;
        }
        int keep = Math.min(4, secret.length() / 4);
        return secret.substring(0, keep) + ELLIPSIS + "[sha256:" + shortHash(secret) + "]";
    }

    public static boolean isMasked(String value) {
        return value.contains(ELLIPSIS + "[sha256:");
    }

    public static Handshake mask(Handshake h) {
        return new Handshake(h.path(), maskQuery(h.query()), maskHeaders(h.requestHeaders()), h.status(),
                maskHeaders(h.responseHeaders()), h.subprotocol(), h.extensions());
    }

    public static List<Header> maskHeaders(List<Header> headers) {
        List<Header> out = new ArrayList<>(headers.size());
        for (Header header : headers) {
            out.add(new Header(header.name(), maskHeaderValue(header.name(), header.value())));
        }
        return out;
    }

    public static String maskHeaderValue(String name, String value) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "authorization", "proxy-authorization" -> maskAuthorization(value);
            case "cookie" -> maskCookies(value);
            case "set-cookie" -> maskSetCookie(value);
            case "sec-websocket-protocol" -> maskSubprotocols(value);
            default -> WHOLE_VALUE_HEADERS.contains(n) ? mask(value) : value;
        };
    }

    /** "Bearer abc" keeps its scheme; a bare token is masked whole. */
    static String maskAuthorization(String value) {
        String v = value.trim();
        int space = v.indexOf(' ');
        if (space > 0 && space < 16) {
            return v.substring(0, space + 1) + mask(v.substring(space + 1).trim());
        }
        return mask(v);
    }

    static String maskCookies(String value) {
        String[] parts = value.split(";");
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.append(';');
            }
            out.append(maskPair(parts[i]));
        }
        return out.toString();
    }

    static String maskSetCookie(String value) {
        int semi = value.indexOf(';');
        return semi < 0 ? maskPair(value) : maskPair(value.substring(0, semi)) + value.substring(semi);
    }

    private static String maskPair(String pair) {
        int eq = pair.indexOf('=');
        if (eq < 0) {
            return pair;
        }
        String v = pair.substring(eq + 1);
        return v.isBlank() ? pair : pair.substring(0, eq + 1) + mask(v.trim());
    }

    /** Masks entries of an offered subprotocol list that are credentials rather than protocol names. */
    static String maskSubprotocols(String value) {
        String[] items = value.split(",");
        StringBuilder out = new StringBuilder(value.length());
        boolean nextIsToken = false;
        for (int i = 0; i < items.length; i++) {
            String item = items[i].trim();
            if (i > 0) {
                out.append(", ");
            }
            boolean secret = nextIsToken || looksLikeToken(item);
            out.append(secret ? mask(item) : item);
            nextIsToken = TOKEN_MARKERS.contains(item.toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }

    static boolean looksLikeToken(String item) {
        return JWT.matcher(item).matches() || (item.length() >= 24 && !PROTOCOL_NAME.matcher(item).matches());
    }

    /** Masks the values of query parameters whose names say they are credentials. */
    public static String maskQuery(String query) {
        if (query == null || query.isEmpty()) {
            return query;
        }
        String[] params = query.split("&", -1);
        StringBuilder out = new StringBuilder(query.length());
        for (int i = 0; i < params.length; i++) {
            if (i > 0) {
                out.append('&');
            }
            String p = params[i];
            int eq = p.indexOf('=');
            if (eq > 0 && SECRET_QUERY_PARAMS.contains(p.substring(0, eq).toLowerCase(Locale.ROOT)) && eq < p.length() - 1) {
                out.append(p, 0, eq + 1).append(mask(p.substring(eq + 1)));
            } else {
                out.append(p);
            }
        }
        return out.toString();
    }

    static String shortHash(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}

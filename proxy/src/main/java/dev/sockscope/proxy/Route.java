package dev.sockscope.proxy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One listen address fronting one upstream: {@code 127.0.0.1:9444=wss://host:444}. Port 0 picks a free port.
 * {@code protocol} is the decoder the user chose for the route ({@code --protocol}), or null to detect one.
 */
public record Route(String listenHost, int listenPort, URI upstream, String protocol) {

    public Route(String listenHost, int listenPort, URI upstream) {
        this(listenHost, listenPort, upstream, null);
    }

    /** The same route decoded as {@code name}. */
    public Route withProtocol(String name) {
        return new Route(listenHost, listenPort, upstream, name);
    }

    public Route {
        String scheme = upstream.getScheme() == null ? "" : upstream.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("upstream must be a ws:// or wss:// URL, got '" + upstream + "'");
        }
        if (upstream.getHost() == null) {
            throw new IllegalArgumentException("upstream URL has no host: '" + upstream + "'");
        }
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("listen port out of range: " + listenPort);
        }
    }

    /** Parses {@code [HOST:]PORT=UPSTREAM}; a bare port listens on 127.0.0.1. */
    public static Route parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw new IllegalArgumentException("a route is LISTEN=UPSTREAM, e.g. 127.0.0.1:9444=wss://example.org:444, got '" + spec + "'");
        }
        ListenAddress listen;
        try {
            listen = ListenAddress.parse(spec.substring(0, eq));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("listen port is not a number in '" + spec + "'");
        }
        String host = listen.host();
        int p = listen.port();
        URI upstream;
        try {
            upstream = URI.create(spec.substring(eq + 1).trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("upstream is not a URL in '" + spec + "': " + e.getMessage());
        }
        return new Route(host, p, upstream);
    }

    /**
     * Where a client request for {@code path?query} goes upstream. The upstream URL's path is used as is
     * when the client asks for "/", and prefixed otherwise; its query comes before the client's. Clients send
     * characters that a URI may not hold ({@code {"op":1}} unencoded, {@code |}, a {@code %} that starts no
     * escape): those, and only those, are percent-encoded, so that the upstream decodes what the client sent.
     */
    public URI upstreamFor(String path, String query) {
        String base = upstream.getRawPath() == null ? "" : upstream.getRawPath();
        String p;
        if (base.isEmpty() || base.equals("/")) {
            p = path == null || path.isEmpty() ? "/" : path;
        } else if (path == null || path.isEmpty() || path.equals("/")) {
            p = base;
        } else {
            p = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
        }
        String q = joinQueries(upstream.getRawQuery(), query);
        String authority = upstream.getRawAuthority();
        return URI.create(upstream.getScheme().toLowerCase(Locale.ROOT) + "://" + authority + escape(p, "/")
                + (q == null ? "" : "?" + escape(q, "/?")));
    }

    /** RFC 3986's characters for a path segment or query besides letters, digits and {@code extra}. */
    private static final String URI_CHARACTERS = "-._~!$&'()*+,;=:@";

    /** {@code s} with every character a URI cannot hold there percent-encoded (as UTF-8); valid escapes are kept. */
    static String escape(String s, String extra) {
        StringBuilder out = null;
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            boolean keep = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || (b < 0x80 && (URI_CHARACTERS.indexOf(b) >= 0 || extra.indexOf(b) >= 0))
                    || (b == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) && hex(bytes[i + 2]));
            if (keep && out == null) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(new String(bytes, 0, i, StandardCharsets.UTF_8));
            }
            if (keep) {
                out.append((char) b);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return out == null ? s : out.toString();
    }

    private static boolean hex(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    private static String joinQueries(String first, String second) {
        boolean a = first != null && !first.isEmpty();
        boolean b = second != null && !second.isEmpty();
        if (a && b) {
            return first + "&" + second;
        }
        return a ? first : b ? second : null;
    }

    public String listen() {
        return (listenHost.contains(":") ? "[" + listenHost + "]" : listenHost) + ":" + listenPort;
    }
}

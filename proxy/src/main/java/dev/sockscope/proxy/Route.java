package dev.sockscope.proxy;

import java.net.URI;
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
     * when the client asks for "/", and prefixed otherwise; its query comes before the client's.
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
        return URI.create(upstream.getScheme().toLowerCase(Locale.ROOT) + "://" + authority + p + (q == null ? "" : "?" + q));
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

package dev.sockscope.proxy;

/**
 * Where a listener binds, as users write it: {@code HOST:PORT}, {@code [IPv6]:PORT}, or a bare port (on 127.0.0.1).
 * The one parser for routes, {@code --ui}, {@code --forward} and {@code mock --listen}.
 */
public record ListenAddress(String host, int port) {
    public static final String LOOPBACK = "127.0.0.1";

    /** @throws NumberFormatException when the port is not a number (callers say which option it was) */
    public static ListenAddress parse(String text) {
        String host = LOOPBACK;
        String port = text.trim();
        int colon = port.lastIndexOf(':');
        if (colon >= 0) {
            host = port.substring(0, colon);
            port = port.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
        }
        return new ListenAddress(host, Integer.parseInt(port));
    }
}

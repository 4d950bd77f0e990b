package dev.sockscope.ui.web;

import dev.sockscope.proxy.ListenAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Where the inspector listens and who may use it. On a loopback address no token is needed (but the Host header
 * must name a loopback host, against DNS rebinding); on any other address a token is required: the one given, else a
 * random one, which the command prints.
 *
 * @param token null when none is required
 */
public record InspectorOptions(String host, int port, String token) {
    public static final String DEFAULT = "127.0.0.1:9400";

    /** {@code HOST:PORT} (or a bare port, on 127.0.0.1), with a token made up when the address is not loopback. */
    public static InspectorOptions parse(String hostPort, String token) {
        ListenAddress address;
        try {
            address = ListenAddress.parse(hostPort);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--ui " + hostPort + ": the port must be a number (HOST:PORT, e.g. " + DEFAULT + ")");
        }
        String host = address.host();
        int p = address.port();
        if (p < 0 || p > 65535 || host.isEmpty()) {
            throw new IllegalArgumentException("--ui " + hostPort + ": expected HOST:PORT with a port from 0 to 65535");
        }
        boolean loopback = isLoopback(host);
        String t = token != null && !token.isBlank() ? token : loopback ? null : randomToken();
        return new InspectorOptions(host, p, t);
    }

    public boolean loopback() {
        return isLoopback(host);
    }

    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String randomToken() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}

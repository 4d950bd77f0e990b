package dev.sockscope.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.sockscope.proxy.tls.CertificateAuthority;

/**
 * The forward proxy listener ({@code --forward}): HTTP CONNECT and absolute-URI requests, TLS intercepted with
 * {@code ca} for the hosts {@code intercept} matches (all when empty), blind tunnels for the others.
 *
 * @param allowed clients other than loopback that may use it ({@code --forward-allow}); loopback always may
 */
public record ForwardProxy(String listenHost, int listenPort, List<String> intercept, List<Cidr> allowed,
                           CertificateAuthority ca) {
    /**
     * Set on every request the forward proxy sends on to an address of this machine (loopback), so that a local
     * service that trusts loopback, Sockscope's inspector first, can tell a request a proxy client made from its own
     * user's: the inspector refuses those without its token. A proxy client cannot take it off.
     */
    public static final String FORWARDED_HEADER = "Sockscope-Forwarded";

    public ForwardProxy {
        intercept = List.copyOf(intercept);
        allowed = List.copyOf(allowed);
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("forward port out of range: " + listenPort);
        }
    }

    /** Whether a CONNECT to {@code host} is decrypted and its WebSockets recorded, rather than tunnelled blind. */
    public boolean intercepts(String host) {
        if (intercept.isEmpty()) {
            return true;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return intercept.stream().anyMatch(glob -> globPattern(glob).matcher(h).matches());
    }

    /** Whether {@code host}, as a request names it, is this machine's loopback ({@code localhost}, 127.x, [::1]). */
    public static boolean isLoopbackName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+") && !(h.contains(":") && h.matches("[0-9a-f:.]+"))) {
            return false; // a name: not resolved here (the connection's address is checked where one is made)
        }
        try {
            InetAddress a = InetAddress.getByName(h); // a literal: no lookup
            return a.isLoopbackAddress() || a.isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public boolean allows(InetAddress client) {
        return client.isLoopbackAddress() || allowed.stream().anyMatch(c -> c.contains(client));
    }

    /** {@code *} matches any run of characters (dots included), {@code ?} one; case does not matter. */
    static Pattern globPattern(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toLowerCase(Locale.ROOT).toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString());
    }

    /** An address block, {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a block of one. */
    public record Cidr(byte[] network, int prefix) {
        public static Cidr parse(String spec) {
            int slash = spec.indexOf('/');
            String address = slash < 0 ? spec : spec.substring(0, slash);
            if (!address.matches("[0-9a-fA-F:.]+")) {
                throw new IllegalArgumentException("not an IP address block: '" + spec + "' (e.g. 192.168.1.0/24)");
            }
            try {
                byte[] bytes = InetAddress.getByName(address).getAddress();
                int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(spec.substring(slash + 1));
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalArgumentException("prefix out of range in '" + spec + "'");
                }
                return new Cidr(bytes, prefix);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("not an IP address block: '" + spec + "' (e.g. 192.168.1.0/24)");
            }
        }

        public boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}

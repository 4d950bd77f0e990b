package dev.sockscope.proxy.tap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.sockscope.wire.Direction;

/**
 * What the upstream's {@code Sec-WebSocket-Extensions} answer means for the tap: whether permessage-deflate
 * is on and with which context-takeover rules, and which other extensions it cannot decode.
 *
 * @param deflate             permessage-deflate was negotiated
 * @param clientNoTakeover    {@code client_no_context_takeover}: each client message is compressed alone
 * @param serverNoTakeover    {@code server_no_context_takeover}: each server message is compressed alone
 * @param undecoded           other negotiated extensions, relayed and recorded as sent
 * @param clientWindowBits    {@code client_max_window_bits}: the server's inflater may keep only 2^N bytes (15 if not said)
 * @param serverWindowBits    {@code server_max_window_bits}: the client's inflater may keep only 2^N bytes (15 if not said)
 */
public record NegotiatedExtensions(boolean deflate, boolean clientNoTakeover, boolean serverNoTakeover, List<String> undecoded,
                                   int clientWindowBits, int serverWindowBits) {
    public static final NegotiatedExtensions NONE = new NegotiatedExtensions(false, false, false, List.of());

    public NegotiatedExtensions {
        undecoded = List.copyOf(undecoded);
    }

    public NegotiatedExtensions(boolean deflate, boolean clientNoTakeover, boolean serverNoTakeover, List<String> undecoded) {
        this(deflate, clientNoTakeover, serverNoTakeover, undecoded, 15, 15);
    }

    /** Parses the header values of the upstream's answer (RFC 7692 §7: a comma-separated list, parameters after ';'). */
    public static NegotiatedExtensions parse(List<String> headerValues) {
        boolean deflate = false;
        boolean clientNo = false;
        boolean serverNo = false;
        int clientBits = 15;
        int serverBits = 15;
        List<String> other = new ArrayList<>();
        for (String value : headerValues) {
            for (String extension : value.split(",")) {
                String[] parts = extension.split(";");
                String name = parts[0].trim().toLowerCase(Locale.ROOT);
                if (name.isEmpty()) {
                    continue;
                }
                if (!name.equals("permessage-deflate") || deflate) {
                    other.add(extension.trim());
                    continue;
                }
                deflate = true;
                for (int i = 1; i < parts.length; i++) {
                    String param = parts[i].trim().toLowerCase(Locale.ROOT);
                    int eq = param.indexOf('=');
                    String key = (eq < 0 ? param : param.substring(0, eq)).trim();
                    if (key.equals("client_no_context_takeover")) {
                        clientNo = true;
                    } else if (key.equals("server_no_context_takeover")) {
                        serverNo = true;
                    } else if (key.equals("client_max_window_bits") && eq > 0) {
                        clientBits = windowBits(param.substring(eq + 1));
                    } else if (key.equals("server_max_window_bits") && eq > 0) {
                        serverBits = windowBits(param.substring(eq + 1));
                    }
                }
            }
        }
        return new NegotiatedExtensions(deflate, clientNo, serverNo, other, clientBits, serverBits);
    }

    private static int windowBits(String value) {
        try {
            int bits = Integer.parseInt(value.trim().replace("\"", ""));
            return bits >= 8 && bits <= 15 ? bits : 15;
        } catch (NumberFormatException e) {
            return 15;
        }
    }

    /** The window bits of the receiver's inflater for messages from {@code from}. */
    public int windowBits(Direction from) {
        return from == Direction.CLIENT_TO_SERVER ? clientWindowBits : serverWindowBits;
    }

    /** Whether messages from {@code from} are compressed each on its own (the inflater resets between them). */
    public boolean noContextTakeover(Direction from) {
        return from == Direction.CLIENT_TO_SERVER ? clientNoTakeover : serverNoTakeover;
    }
}

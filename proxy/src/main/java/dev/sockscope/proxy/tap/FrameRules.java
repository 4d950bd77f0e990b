package dev.sockscope.proxy.tap;

import java.util.Arrays;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.Utf8Validator;

/**
 * What RFC 6455 (and RFC 7692) forbid in a frame, as notes for the recording: the tap only says what, the peer
 * decides what to do about it. Also the opcode classes and note joining the tap uses.
 */
final class FrameRules {
    private FrameRules() {
    }

    /**
     * Notes what is wrong with the frame whose header was just read, or null when nothing is; a length with its most
     * significant bit set is noted and read as {@link Long#MAX_VALUE}.
     */
    static String checkHeader(FrameHeader h, Direction from, NegotiatedExtensions extensions, boolean closeSent) {
        String note = null;
        if (h.payloadLength < 0) {
            note = joinNotes(note, "frame length has the most significant bit set");
            h.payloadLength = Long.MAX_VALUE;
        }
        if (closeSent) {
            note = joinNotes(note, "sent after the sender's close frame (RFC 6455 §5.5.1)");
        }
        boolean fromClient = from == Direction.CLIENT_TO_SERVER;
        if (fromClient && !h.masked) {
            note = joinNotes(note, "client frame not masked");
        } else if (!fromClient && h.masked) {
            note = joinNotes(note, "server frame masked");
        }
        if (isReserved(h.opcode)) {
            note = joinNotes(note, "reserved opcode 0x" + Integer.toHexString(h.opcode).toUpperCase());
        }
        boolean rsv1Allowed = extensions.deflate() && !isControl(h.opcode) && h.opcode != 0;
        int allowed = rsv1Allowed ? 4 : 0;
        if (!extensions.undecoded().isEmpty()) {
            allowed = 7; // an extension we do not know may use any of them
        }
        if ((h.rsv & ~allowed) != 0) {
            note = joinNotes(note, "RSV bits " + rsvText(h.rsv & ~allowed) + " set without an extension that defines them");
        }
        if (isControl(h.opcode) && !isReserved(h.opcode)) {
            if (h.payloadLength > 125) {
                note = joinNotes(note, "control frame payload over 125 bytes (" + h.payloadLength + ")");
            }
            if (!h.fin) {
                note = joinNotes(note, "fragmented control frame");
            }
        }
        return note;
    }

    /** Notes what is wrong with a close frame's payload, or null when nothing is. */
    static String checkClose(byte[] payload) {
        if (payload.length == 1) {
            return "close frame with a 1-byte payload";
        }
        if (payload.length < 2) {
            return null;
        }
        String note = null;
        int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        if (!sendableCloseCode(code)) {
            note = "close code " + code + " may not be sent (RFC 6455 §7.4)";
        }
        if (!Utf8Validator.isValid(Arrays.copyOfRange(payload, 2, payload.length))) {
            note = joinNotes(note, "close reason is not valid UTF-8");
        }
        return note;
    }

    /** Close codes an endpoint may put in a close frame (RFC 6455 §7.4.1 and the IANA registry). */
    static boolean sendableCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    static String joinNotes(String a, String b) {
        if (a == null) {
            return b;
        }
        return b == null || a.contains(b) ? a : a + "; " + b;
    }

    static boolean isControl(int opcode) {
        return opcode >= 0x8;
    }

    static boolean isReserved(int opcode) {
        return (opcode >= 0x3 && opcode <= 0x7) || opcode >= 0xB;
    }

    private static String rsvText(int bits) {
        StringBuilder s = new StringBuilder();
        for (int bit = 4, n = 1; bit > 0; bit >>= 1, n++) {
            if ((bits & bit) != 0) {
                s.append(s.length() == 0 ? "" : "+").append("RSV").append(n);
            }
        }
        return s.toString();
    }
}

package dev.sockscope.decode.mqtt;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the fields of one MQTT packet (big-endian integers, variable byte integers, length-prefixed strings and binary
 * data) from {@code bytes[pos, limit)}. Running out of bytes throws {@link Short}, a field that breaks the spec throws
 * {@link Malformed}: both stay inside this package, where the parser turns them into a value.
 */
final class Cursor {
    /** The packet is broken: a field the spec does not allow. */
    static class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** The bytes end before the field does (a packet cut short, or a CONNECT not yet whole). */
    static final class Short extends Malformed {
        Short(String message) {
            super(message);
        }
    }

    private final byte[] bytes;
    private final int limit;
    private int pos;

    Cursor(byte[] bytes, int pos, int limit) {
        this.bytes = bytes;
        this.pos = pos;
        this.limit = limit;
    }

    byte[] bytes() {
        return bytes;
    }

    int pos() {
        return pos;
    }

    int remaining() {
        return limit - pos;
    }

    boolean atEnd() {
        return pos >= limit;
    }

    private void need(int n, String what) throws Short {
        if (limit - pos < n) {
            throw new Short(what + " runs past the end of the packet");
        }
    }

    int u8(String what) throws Short {
        need(1, what);
        return bytes[pos++] & 0xFF;
    }

    int u16(String what) throws Short {
        need(2, what);
        int v = ((bytes[pos] & 0xFF) << 8) | (bytes[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    long u32(String what) throws Short {
        need(4, what);
        long v = ((long) (bytes[pos] & 0xFF) << 24) | ((bytes[pos + 1] & 0xFF) << 16) | ((bytes[pos + 2] & 0xFF) << 8) | (bytes[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    /** A variable byte integer: 7 bits a byte, at most 4 bytes. */
    int varint(String what) throws Malformed {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int b = u8(what);
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new Malformed(what + " is a variable byte integer longer than 4 bytes");
    }

    /** A UTF-8 string with its 2-byte length; malformed UTF-8 is refused, as the spec says. */
    String utf8(String what) throws Malformed {
        int n = u16(what + " length");
        need(n, what);
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, pos, n)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed(what + " is not valid UTF-8");
        }
        pos += n;
        return s;
    }

    /** Binary data with its 2-byte length. */
    byte[] binary(String what) throws Short {
        int n = u16(what + " length");
        need(n, what);
        byte[] out = Arrays.copyOfRange(bytes, pos, pos + n);
        pos += n;
        return out;
    }

    /** The rest of the packet. */
    byte[] rest() {
        byte[] out = Arrays.copyOfRange(bytes, pos, limit);
        pos = limit;
        return out;
    }

    void skip(int n, String what) throws Short {
        need(n, what);
        pos += n;
    }
}

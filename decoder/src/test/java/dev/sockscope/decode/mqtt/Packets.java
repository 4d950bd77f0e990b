package dev.sockscope.decode.mqtt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds MQTT packets by hand, field by field, as the OASIS specs lay them out (tests only). */
final class Packets {
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final int header;

    private Packets(int header) {
        this.header = header;
    }

    static Packets packet(int header) {
        return new Packets(header);
    }

    Packets u8(int... values) {
        for (int v : values) {
            body.write(v);
        }
        return this;
    }

    Packets u16(int v) {
        return u8(v >> 8, v & 0xFF);
    }

    Packets u32(long v) {
        return u8((int) (v >> 24) & 0xFF, (int) (v >> 16) & 0xFF, (int) (v >> 8) & 0xFF, (int) v & 0xFF);
    }

    Packets utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u16(b.length);
        body.writeBytes(b);
        return this;
    }

    Packets raw(byte[] b) {
        body.writeBytes(b);
        return this;
    }

    Packets raw(String s) {
        return raw(s.getBytes(StandardCharsets.UTF_8));
    }

    /** MQTT 5 properties: a variable byte integer length, then what {@code props} built. */
    Packets props(Packets props) {
        byte[] b = props.body.toByteArray();
        varint(body, b.length);
        body.writeBytes(b);
        return this;
    }

    /** The bytes of a property list under construction (no fixed header). */
    static Packets props() {
        return new Packets(-1);
    }

    byte[] bytes() {
        byte[] b = body.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header);
        varint(out, b.length);
        out.writeBytes(b);
        return out.toByteArray();
    }

    static void varint(ByteArrayOutputStream out, int n) {
        do {
            int b = n & 0x7F;
            n >>>= 7;
            out.write(n > 0 ? b | 0x80 : b);
        } while (n > 0);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}

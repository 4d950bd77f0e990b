package dev.sockscope.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 6455 frames as bytes, for tests that must send what no library would (reserved bits and opcodes, any
 * masking) and see exactly what a server sent: building one frame, and splitting a byte stream into frames.
 */
public final class WireFrames {
    private WireFrames() {
    }

    /** One frame as parsed from a stream: the payload is unmasked; {@code wireLength} counts header and payload. */
    public record Frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload, int wireLength) {
        public boolean control() {
            return opcode >= 0x8;
        }

        /** The close code of a close frame, or -1 when it carries none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }

        @Override
        public String toString() {
            return "Frame[fin=" + fin + ", rsv=" + rsv + ", opcode=0x" + Integer.toHexString(opcode) + ", masked=" + masked
                    + ", payload=" + payload.length + " B " + Bytes.summary(payload) + "]";
        }
    }

    /** The mask key the shorthand builders below use for client frames. */
    public static final byte[] MASK = {0x37, (byte) 0xFA, 0x21, 0x3D};

    /** A frame, masked with {@link #MASK} or not. */
    public static byte[] frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
        return frame(fin, rsv, opcode, payload, masked ? MASK : null);
    }

    public static byte[] text(boolean masked, String text) {
        return frame(true, 0, 0x1, masked, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static byte[] close(boolean masked, int code, String reason) {
        return frame(true, 0, 0x8, masked, closePayload(code, reason));
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A frame; masked with {@code mask} (4 bytes) when it is not null. {@code rsv}: 4 = RSV1, 2 = RSV2, 1 = RSV3. */
    public static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, byte[] mask) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
        out.write((fin ? 0x80 : 0) | (rsv & 7) << 4 | (opcode & 0x0F));
        int maskBit = mask == null ? 0 : 0x80;
        if (payload.length <= 125) {
            out.write(maskBit | payload.length);
        } else if (payload.length <= 0xFFFF) {
            out.write(maskBit | 126);
            out.write(payload.length >> 8);
            out.write(payload.length);
        } else {
            out.write(maskBit | 127);
            long n = payload.length;
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (n >> shift));
            }
        }
        if (mask == null) {
            out.writeBytes(payload);
        } else {
            out.writeBytes(mask);
            byte[] masked = new byte[payload.length];
            for (int i = 0; i < masked.length; i++) {
                masked[i] = (byte) (payload[i] ^ mask[i & 3]);
            }
            out.writeBytes(masked);
        }
        return out.toByteArray();
    }

    /** A close frame's payload: the code, then the reason in UTF-8. */
    public static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    /** Every whole frame in {@code bytes}, in order; a frame cut off at the end is left out. */
    public static List<Frame> parse(byte[] bytes) {
        return parse(bytes, 0, bytes.length).frames();
    }

    /** Frames parsed from part of a stream, and where the first frame not yet whole starts. */
    public record Parsed(List<Frame> frames, int end) {
    }

    public static Parsed parse(byte[] bytes, int from, int to) {
        List<Frame> frames = new ArrayList<>();
        int at = from;
        while (true) {
            if (to - at < 2) {
                break;
            }
            int b0 = bytes[at] & 0xFF;
            int b1 = bytes[at + 1] & 0xFF;
            boolean masked = (b1 & 0x80) != 0;
            int len7 = b1 & 0x7F;
            int header = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
            if (to - at < header) {
                break;
            }
            long length = len7;
            if (len7 == 126) {
                length = ((bytes[at + 2] & 0xFFL) << 8) | (bytes[at + 3] & 0xFFL);
            } else if (len7 == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | (bytes[at + 2 + i] & 0xFFL);
                }
            }
            if (length > Integer.MAX_VALUE - 64 || to - at - header < length) {
                break;
            }
            byte[] payload = Arrays.copyOfRange(bytes, at + header, at + header + (int) length);
            if (masked) {
                int m = at + header - 4;
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= bytes[m + (i & 3)];
                }
            }
            frames.add(new Frame((b0 & 0x80) != 0, (b0 >> 4) & 7, b0 & 0x0F, masked, payload, header + (int) length));
            at += header + (int) length;
        }
        return new Parsed(frames, at);
    }
}

package dev.sockscope.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;

/** Builds RFC 6455 frames byte by byte, broken ones included, and permessage-deflate payloads, for tests. */
public final class WireFrames {
    public static final byte[] MASK = {0x37, (byte) 0xFA, 0x21, 0x3D};

    private WireFrames() {
    }

    /** A frame: FIN, RSV bits (4 = RSV1), opcode, masked with {@link #MASK} or not, the payload as given. */
    public static byte[] frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            out.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            out.write(maskBit | 126);
            out.write(payload.length >> 8);
            out.write(payload.length);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >> shift));
            }
        }
        if (masked) {
            out.writeBytes(MASK);
            byte[] m = payload.clone();
            for (int i = 0; i < m.length; i++) {
                m[i] ^= MASK[i & 3];
            }
            out.writeBytes(m);
        } else {
            out.writeBytes(payload);
        }
        return out.toByteArray();
    }

    public static byte[] text(boolean masked, String text) {
        return frame(true, 0, 0x1, masked, text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] close(boolean masked, int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return frame(true, 0, 0x8, masked, p);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** One direction's permessage-deflate compressor (RFC 7692 §7.2.1): sync flush, the 00 00 FF FF tail removed. */
    public static final class Compressor {
        private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        private final boolean noContextTakeover;

        public Compressor(boolean noContextTakeover) {
            this.noContextTakeover = noContextTakeover;
        }

        public byte[] compress(byte[] message) {
            if (noContextTakeover) {
                deflater.reset();
            }
            deflater.setInput(message);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            int n;
            do {
                n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
                out.write(buf, 0, n);
            } while (n == buf.length);
            byte[] all = out.toByteArray();
            return Arrays.copyOf(all, all.length - 4);
        }
    }
}

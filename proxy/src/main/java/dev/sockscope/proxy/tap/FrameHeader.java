package dev.sockscope.proxy.tap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One direction's frame header as {@link FrameTap} reads it: bytes gathered across reads until the header is
 * whole, then decoded; its masking key then unmasks the frame's payload bytes by their offset in the frame.
 * Not thread-safe: one direction, one reader at a time.
 */
final class FrameHeader {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    // The header being read.
    private final byte[] bytes = new byte[14];
    private int have;
    // The frame decoded last.
    boolean fin;
    int rsv;
    int opcode;
    boolean masked;
    private final byte[] mask = new byte[4];
    /** Set to {@link Long#MAX_VALUE} when the header's length has its most significant bit set. */
    long payloadLength;

    /** Takes the next header byte; true when that completed the header, which is then decoded. */
    boolean add(byte b) {
        bytes[have++] = b;
        if (have >= 2 && have == length()) {
            decode();
            return true;
        }
        return false;
    }

    /** True when some of a header has been read but not all of it. */
    boolean started() {
        return have != 0;
    }

    private int length() {
        int len7 = bytes[1] & 0x7F;
        int n = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
        return (bytes[1] & 0x80) != 0 ? n + 4 : n;
    }

    private void decode() {
        int b0 = bytes[0] & 0xFF;
        int b1 = bytes[1] & 0xFF;
        fin = (b0 & 0x80) != 0;
        rsv = (b0 >> 4) & 0x07;
        opcode = b0 & 0x0F;
        masked = (b1 & 0x80) != 0;
        int len7 = b1 & 0x7F;
        int at = 2;
        if (len7 == 126) {
            payloadLength = ((bytes[2] & 0xFFL) << 8) | (bytes[3] & 0xFFL);
            at = 4;
        } else if (len7 == 127) {
            payloadLength = 0;
            for (int i = 2; i < 10; i++) {
                payloadLength = (payloadLength << 8) | (bytes[i] & 0xFFL);
            }
            at = 10;
        } else {
            payloadLength = len7;
        }
        if (masked) {
            System.arraycopy(bytes, at, mask, 0, 4);
        }
        have = 0;
    }

    /** Copies payload bytes out of the network buffer, unmasking them by their offset in the frame. */
    void copyOut(ByteBuffer src, int at, byte[] dst, int dstAt, int n, long offsetInFrame) {
        src.get(at, dst, dstAt, n);
        if (!masked) {
            return;
        }
        int k = (int) (offsetInFrame & 3);
        // Eight bytes at a time: the 4-byte key, rotated to this offset, repeats twice in a long.
        long key = 0;
        for (int i = 0; i < 8; i++) {
            key |= (mask[(k + i) & 3] & 0xFFL) << (8 * i);
        }
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            LONGS.set(dst, dstAt + i, (long) LONGS.get(dst, dstAt + i) ^ key);
        }
        for (; i < n; i++) {
            dst[dstAt + i] ^= mask[(k + i) & 3];
        }
    }
}

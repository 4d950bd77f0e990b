package dev.sockscope.proxy.tap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.zip.Deflater;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * Builds the frames the proxy sends itself in one direction: masked toward the upstream, one frame per message, and,
 * once the direction is re-encoded, compressed with permessage-deflate so that the receiver's inflater history stays
 * what the proxy's own {@link Deflater} remembers.
 *
 * <p>Under context takeover with a 32 KiB window the Deflater is primed with the receiver's history (the last 32 KiB
 * of uncompressed bytes it inflated) and kept from message to message. When the receiver's window is smaller
 * ({@code *_max_window_bits} below 15: Java's Deflater always looks 32 KiB back) or its history is not known, messages
 * are Huffman-coded only: no back-references at all, which any inflater reads whatever its window and history, and
 * which still adds the message to that history as the receiver expects. Under no context takeover each message is
 * compressed alone.
 */
public final class MessageEncoder {
    private static final SecureRandom MASKS = new SecureRandom();
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    private final boolean mask;
    private final boolean deflate;
    private final boolean takeover;
    private final boolean huffmanOnly;
    private final byte[] history;
    private Deflater deflater;

    /** @param history the receiver's inflater history when it is known (context takeover), else null */
    public MessageEncoder(Direction d, NegotiatedExtensions extensions, byte[] history) {
        this.mask = d == Direction.CLIENT_TO_SERVER;
        this.deflate = extensions.deflate();
        this.takeover = !extensions.noContextTakeover(d);
        this.huffmanOnly = takeover && (extensions.windowBits(d) < 15 || history == null);
        this.history = history;
    }

    /** A frame that does not touch the receiver's inflater: control frames, and data sent uncompressed. */
    public static ByteBuffer plain(Direction d, FrameType type, byte[] payload) {
        return frame(opcode(type), false, payload, d == Direction.CLIENT_TO_SERVER);
    }

    /** A data message compressed as described above (or plain, if permessage-deflate was not negotiated). */
    public ByteBuffer encode(FrameType type, byte[] payload) {
        if (!deflate || type.isControl()) {
            return frame(opcode(type), false, payload, mask);
        }
        return frame(opcode(type), true, compress(payload), mask);
    }

    private byte[] compress(byte[] payload) {
        if (deflater == null) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            if (huffmanOnly) {
                deflater.setStrategy(Deflater.HUFFMAN_ONLY);
            } else if (takeover && history != null && history.length > 0) {
                deflater.setDictionary(history);
            }
        }
        deflater.setInput(payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, payload.length / 2));
        byte[] buf = new byte[Math.max(256, Math.min(payload.length + 64, 64 * 1024))];
        while (true) {
            int n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
            if (n < buf.length && deflater.needsInput()) {
                break;
            }
        }
        if (!takeover) {
            deflater.end();
            deflater = null;
        }
        byte[] bytes = out.toByteArray();
        // RFC 7692 §7.2.1: the sync flush's empty block tail is not sent.
        if (bytes.length >= 4 && Arrays.equals(bytes, bytes.length - 4, bytes.length, TAIL, 0, 4)) {
            bytes = Arrays.copyOf(bytes, bytes.length - 4);
        }
        return bytes.length == 0 ? new byte[] {0} : bytes;
    }

    static int opcode(FrameType type) {
        return switch (type) {
            case TEXT -> 0x1;
            case BINARY -> 0x2;
            case CLOSE -> 0x8;
            case PING -> 0x9;
            case PONG -> 0xA;
        };
    }

    /**
     * A data message sent uncompressed in {@code count} frames (the first with its opcode, then continuations, the last
     * final), its payload split as evenly as it goes: a frame may be empty when there are more frames than bytes.
     */
    public static ByteBuffer fragments(Direction d, FrameType type, byte[] payload, int count) {
        boolean mask = d == Direction.CLIENT_TO_SERVER;
        ByteBuffer[] parts = new ByteBuffer[count];
        int size = 0;
        for (int i = 0; i < count; i++) {
            int from = (int) ((long) payload.length * i / count);
            int to = (int) ((long) payload.length * (i + 1) / count);
            parts[i] = frame(i == 0 ? opcode(type) : 0x0, false, i == count - 1, Arrays.copyOfRange(payload, from, to), mask);
            size += parts[i].remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(size);
        for (ByteBuffer part : parts) {
            all.put(part);
        }
        return all.flip();
    }

    static ByteBuffer frame(int opcode, boolean rsv1, byte[] payload, boolean mask) {
        return frame(opcode, rsv1, true, payload, mask);
    }

    private static ByteBuffer frame(int opcode, boolean rsv1, boolean fin, byte[] payload, boolean mask) {
        int n = payload.length;
        int lengthBytes = n < 126 ? 0 : n < 65536 ? 2 : 8;
        ByteBuffer b = ByteBuffer.allocate(2 + lengthBytes + (mask ? 4 : 0) + n);
        b.put((byte) ((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode));
        int maskBit = mask ? 0x80 : 0;
        if (lengthBytes == 0) {
            b.put((byte) (maskBit | n));
        } else if (lengthBytes == 2) {
            b.put((byte) (maskBit | 126)).putShort((short) n);
        } else {
            b.put((byte) (maskBit | 127)).putLong(n);
        }
        if (!mask) {
            return b.put(payload).flip();
        }
        byte[] key = new byte[4];
        MASKS.nextBytes(key);
        b.put(key);
        for (int i = 0; i < n; i++) {
            b.put((byte) (payload[i] ^ key[i & 3]));
        }
        return b.flip();
    }
}

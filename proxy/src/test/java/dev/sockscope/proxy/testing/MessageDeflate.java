package dev.sockscope.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * permessage-deflate (RFC 7692) for one direction of a test client, on java.util.zip: a message is
 * compressed with SYNC_FLUSH and its 00 00 FF FF tail removed; inflating appends the tail again. With no
 * context takeover the (de)compressor starts afresh for each message.
 */
public final class MessageDeflate {
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    private MessageDeflate() {
    }

    public static final class Compressor {
        private final Deflater deflater;
        private final boolean noContextTakeover;
        private final byte[] buffer = new byte[64 * 1024];

        public Compressor(int level, boolean noContextTakeover) {
            this.deflater = new Deflater(level, true);
            this.noContextTakeover = noContextTakeover;
        }

        public byte[] compress(byte[] message) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(message.length / 2 + 64);
            deflater.setInput(message);
            while (true) {
                int n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
                out.write(buffer, 0, n);
                if (n < buffer.length && deflater.needsInput()) {
                    break;
                }
            }
            byte[] all = out.toByteArray();
            if (!endsWithTail(all)) {
                throw new IllegalStateException("SYNC_FLUSH output does not end with 00 00 FF FF");
            }
            if (noContextTakeover) {
                deflater.reset();
            }
            return java.util.Arrays.copyOf(all, all.length - TAIL.length);
        }
    }

    public static final class Decompressor {
        private final Inflater inflater = new Inflater(true);
        private final boolean noContextTakeover;
        private final byte[] buffer = new byte[64 * 1024];

        public Decompressor(boolean noContextTakeover) {
            this.noContextTakeover = noContextTakeover;
        }

        /** The message whose compressed payload (all fragments joined, without the tail) is {@code compressed}. */
        public byte[] decompress(byte[] compressed) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 2 + 64);
            try {
                inflater.setInput(compressed);
                drain(out);
                inflater.setInput(TAIL);
                drain(out);
            } catch (DataFormatException e) {
                throw new IllegalStateException("cannot inflate: " + e.getMessage(), e);
            }
            if (noContextTakeover) {
                inflater.reset();
            }
            return out.toByteArray();
        }

        private void drain(ByteArrayOutputStream out) throws DataFormatException {
            while (true) {
                int n = inflater.inflate(buffer);
                out.write(buffer, 0, n);
                if (n == 0 && (inflater.needsInput() || inflater.finished())) {
                    return;
                }
            }
        }
    }

    private static boolean endsWithTail(byte[] b) {
        if (b.length < 4) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            if (b[b.length - 4 + i] != TAIL[i]) {
                return false;
            }
        }
        return true;
    }
}

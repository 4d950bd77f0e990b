package dev.sockscope.recordings;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * How a frame block's bytes are kept ({@code frame_blocks.compression}): 0 as encoded, 1 raw deflate at its fastest
 * level. JSON chat frames shrink three- to five-fold, which more than pays for the deflate on the recorder's thread
 * in what H2 no longer has to write (README, "Speed of the inspector"). The codec's bytes are the same either way.
 */
final class BlockCompression {
    static final int NONE = 0;
    static final int DEFLATE = 1;
    /** Below this saving, a block is kept as encoded (binary media, already-compressed payloads). */
    private static final double MIN_SAVING = 0.125;

    private BlockCompression() {
    }

    /** The bytes to store and how: deflated when it saves enough. */
    record Stored(byte[] bytes, int compression) {
    }

    static Stored compress(byte[] encoded) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        try {
            deflater.setInput(encoded);
            deflater.finish();
            int limit = (int) (encoded.length * (1 - MIN_SAVING));
            byte[] out = new byte[Math.max(64, limit)];
            int n = 0;
            while (!deflater.finished() && n < out.length) {
                n += deflater.deflate(out, n, out.length - n);
            }
            return deflater.finished() && n < limit ? new Stored(Arrays.copyOf(out, n), DEFLATE) : new Stored(encoded, NONE);
        } finally {
            deflater.end();
        }
    }

    static byte[] expand(byte[] stored, int compression, int sizeHint) {
        if (compression == NONE) {
            return stored;
        }
        if (compression != DEFLATE) {
            throw new IllegalArgumentException("frame block compression " + compression + " is newer than this Sockscope understands");
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(stored);
            byte[] out = new byte[Math.max(1024, sizeHint)];
            int n = 0;
            while (!inflater.finished()) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                int got = inflater.inflate(out, n, out.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException("frame block is truncated");
                }
                n += got;
            }
            return n == out.length ? out : Arrays.copyOf(out, n);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("frame block is corrupt: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}

package dev.sockscope.recordings;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * How a frame block's bytes are kept ({@code frame_blocks.compression}): 0 as encoded, 1 raw deflate at its fastest
 * level. JSON chat frames shrink three- to five-fold, which more than pays for the deflate on the recorder's thread
 * in what H2 no longer has to write (docs/performance.md, "Speed of the inspector"). The codec's bytes are the same either way.
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

    /**
     * The writer's compressor: one deflater, reset between blocks (setting one up costs more than deflating a small
     * block), and a memory per session of blocks that did not shrink: such a session (binary media, random or
     * already-compressed payloads) is not tried again for the next {@value #SKIP_AFTER_FAILURE} blocks, so that it costs
     * the recorder nothing. Not thread-safe: the store's writer alone uses it.
     */
    static final class Compressor {
        static final int SKIP_AFTER_FAILURE = 16;
        /**
         * Smaller blocks (a batch's few frames of each of many busy sessions) are kept as encoded: they save a few
         * hundred bytes for a deflate call each, and a long session's blocks are large (256 KiB) anyway.
         */
        static final int MIN_DEFLATED = 4 << 10;
        private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        private final java.util.Map<Long, Integer> skipping = new java.util.HashMap<>();
        private byte[] out = new byte[64 << 10];

        Stored compress(long sessionId, byte[] encoded) {
            if (encoded.length < MIN_DEFLATED) {
                return new Stored(encoded, NONE);
            }
            Integer skip = skipping.get(sessionId);
            if (skip != null) {
                if (skip <= 1) {
                    skipping.remove(sessionId);
                } else {
                    skipping.put(sessionId, skip - 1);
                }
                return new Stored(encoded, NONE);
            }
            deflater.reset();
            deflater.setInput(encoded);
            deflater.finish();
            int limit = (int) (encoded.length * (1 - MIN_SAVING));
            if (out.length < limit) {
                out = new byte[limit];
            }
            int n = 0;
            while (!deflater.finished() && n < limit) {
                n += deflater.deflate(out, n, limit - n);
            }
            if (deflater.finished() && n < limit) {
                return new Stored(Arrays.copyOf(out, n), DEFLATE);
            }
            skipping.put(sessionId, SKIP_AFTER_FAILURE);
            return new Stored(encoded, NONE);
        }

        /** The session ended: forget it. */
        void forget(long sessionId) {
            skipping.remove(sessionId);
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

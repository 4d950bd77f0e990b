package dev.sockscope.recordings;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * How a frame block's bytes are kept ({@code frame_blocks.compression}): 0 as encoded, 1 raw deflate at its fastest
 * level (what recordings made before 2026-12-06 hold), 2 LZ4 (what is written now: the block's length as a 4-byte int,
 * then one LZ4 block). Deflate made JSON chat frames three- to five-fold smaller but was an eighth of the proxy's CPU at
 * 1 KiB messages, more than the recorder's own Java code, on cores the user's app shares (docs/performance.md,
 * "The blocks' compression"); LZ4 makes them two- to four-fold smaller at several times the speed. The codec's bytes
 * are the same either way.
 */
final class BlockCompression {
    static final int NONE = 0;
    static final int DEFLATE = 1;
    static final int LZ4 = 2;
    /** The LZ4 implementation: the JNI build of the reference C code where it loads, else the pure-Java one. */
    private static final LZ4Factory LZ4_FACTORY = LZ4Factory.fastestInstance();
    /**
     * A stored length above this is corruption, not a block (blocks close at 256 KiB plus one frame whose payload is
     * under 64 KiB); a larger block, should one come, is kept as encoded.
     */
    private static final int MAX_EXPANDED = 64 << 20;
    /** Below this saving, a block is kept as encoded (binary media, already-compressed payloads). */
    private static final double MIN_SAVING = 0.125;

    private BlockCompression() {
    }

    /** The bytes to store and how: deflated when it saves enough. */
    record Stored(byte[] bytes, int compression) {
    }

    /**
     * The writer's compressor: LZ4 into one reused buffer, and a memory per session of blocks that did not shrink:
     * such a session (binary media, random or already-compressed payloads) is not tried again for the next
     * {@value #SKIP_AFTER_FAILURE} blocks, so that it costs the recorder nothing. Not thread-safe: the store's writer
     * alone uses it. A folder's writer compresses as the journal writes ({@link #compressInto}), in the order the
     * blocks were planned; a team store's when it plans them ({@link #compress}). Either way the same blocks are tried
     * and the same bytes stored.
     */
    static final class Compressor {
        static final int SKIP_AFTER_FAILURE = 16;
        /**
         * Smaller blocks (a batch's few frames of each of many busy sessions) are kept as encoded: they save a few
         * hundred bytes for a compression call each, and a long session's blocks are large (256 KiB) anyway.
         */
        static final int MIN_COMPRESSED = 4 << 10;
        /** The encoded block a compression reads is kept for the next one up to this size (a block is 256 KiB or so). */
        private static final int SCRATCH_KEPT = 1 << 20;
        private final LZ4Compressor lz4 = LZ4_FACTORY.fastCompressor();
        private final java.util.Map<Long, Integer> skipping = new java.util.HashMap<>();
        /** Sessions ended in the batch being written: forgotten once its blocks are ({@link #forgetAfterWrites}). */
        private final java.util.List<Long> ended = new java.util.ArrayList<>();
        private byte[] out = new byte[64 << 10];
        private byte[] scratch;

        Stored compress(long sessionId, byte[] encoded) {
            if (!tries(sessionId, encoded.length)) {
                return new Stored(encoded, NONE);
            }
            int room = 4 + lz4.maxCompressedLength(encoded.length);
            if (out.length < room) {
                out = new byte[room];
            }
            int n = 4 + lz4.compress(encoded, 0, encoded.length, out, 4, room - 4);
            if (n < limit(encoded.length)) {
                ByteBuffer.wrap(out).putInt(0, encoded.length);
                return new Stored(Arrays.copyOf(out, n), LZ4);
            }
            failed(sessionId);
            return new Stored(encoded, NONE);
        }

        /** Whether a block of this size may be tried at all (its session aside): else it is kept as encoded. */
        static boolean mayTry(int encodedLength) {
            return encodedLength >= MIN_COMPRESSED && encodedLength <= MAX_EXPANDED; // the reader refuses larger ones
        }

        /** The most bytes {@link #compressInto} writes for a block of this size. */
        int room(int encodedLength) {
            return mayTry(encodedLength) ? Math.max(encodedLength, 4 + lz4.maxCompressedLength(encodedLength)) : encodedLength;
        }

        /** Whether this block of the session is tried; a session that failed lately has one block fewer to skip. */
        private boolean tries(long sessionId, int encodedLength) {
            if (!mayTry(encodedLength)) {
                return false;
            }
            Integer skip = skipping.get(sessionId);
            if (skip != null) {
                if (skip <= 1) {
                    skipping.remove(sessionId);
                } else {
                    skipping.put(sessionId, skip - 1);
                }
                return false;
            }
            return true;
        }

        private static int limit(int encodedLength) {
            return (int) (encodedLength * (1 - MIN_SAVING));
        }

        private void failed(long sessionId) {
            skipping.put(sessionId, SKIP_AFTER_FAILURE);
        }

        /**
         * Writes a block at {@code dest}'s position, which has {@link #room} for it, and says how: LZ4 straight from the
         * encoded block into {@code dest} (the encoded block is made in a reused array, since LZ4 reads it whole), or,
         * when the session is skipped or the block is small, the block encoded straight into {@code dest}.
         */
        int compressInto(BlockBody block, ByteBuffer dest) {
            long sessionId = block.sessionId();
            int encodedLength = block.encodedSize();
            if (!tries(sessionId, encodedLength)) {
                block.encode(new Bytes.BufferOut(dest));
                return NONE;
            }
            byte[] encoded = scratch != null && scratch.length >= encodedLength ? scratch : new byte[encodedLength];
            if (encodedLength <= SCRATCH_KEPT) {
                scratch = encoded;
            }
            ByteBuffer in = ByteBuffer.wrap(encoded, 0, encodedLength);
            block.encode(new Bytes.BufferOut(in));
            int at = dest.position();
            int n = 4 + lz4.compress(in, 0, encodedLength, dest, at + 4, lz4.maxCompressedLength(encodedLength));
            if (n < limit(encodedLength)) {
                dest.putInt(at, encodedLength).position(at + n);
                return LZ4;
            }
            failed(sessionId);
            dest.put(encoded, 0, encodedLength); // over what LZ4 wrote: the one block that pays a third copy
            return NONE;
        }

        /** The session ended: forget it. */
        void forget(long sessionId) {
            skipping.remove(sessionId);
        }

        /** The session ended in the batch being planned: forget it once its blocks are written ({@link #writesDone}). */
        void forgetAfterWrites(long sessionId) {
            ended.add(sessionId);
        }

        /** The last batch's blocks are written (or failed): forget the sessions that ended in it. */
        void writesDone() {
            ended.forEach(skipping::remove);
            ended.clear();
        }
    }

    static byte[] expand(byte[] stored, int compression, int sizeHint) {
        if (compression == NONE) {
            return stored;
        }
        if (compression == LZ4) {
            return expandLz4(stored);
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

    /** An LZ4 block back to its bytes, with the safe decompressor: a corrupt block fails, never reads past its input. */
    private static byte[] expandLz4(byte[] stored) {
        if (stored.length < 4) {
            throw new IllegalArgumentException("frame block is truncated");
        }
        int length = ByteBuffer.wrap(stored).getInt(0);
        if (length < 0 || length > MAX_EXPANDED) {
            throw new IllegalArgumentException("frame block is corrupt: it says it holds " + length + " bytes");
        }
        byte[] out = new byte[length];
        LZ4SafeDecompressor lz4 = LZ4_FACTORY.safeDecompressor();
        int n;
        try {
            n = lz4.decompress(stored, 4, stored.length - 4, out, 0, length);
        } catch (LZ4Exception e) {
            throw new IllegalArgumentException("frame block is corrupt: " + e.getMessage(), e);
        }
        if (n != length) {
            throw new IllegalArgumentException("frame block is truncated: " + n + " of " + length + " bytes");
        }
        return out;
    }
}

package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A frame block on its way to its session's recording file, the value a folder's BLOCK entry holds where a team store's
 * holds the block's bytes: issue 20 asks for at most two copies of a payload between the socket read and the disk, the
 * tap's and one more. The block is encoded when the journal writes it, straight into the journal's direct write
 * buffer ({@link Journal#append}), so that a payload is copied once there, with no array of the whole block between
 * (the array encoder copied it into a growing array and again into an exact one, and the journal a third time), and
 * no copy by the JDK (a heap buffer written to a file goes through a temporary direct one). A block the compressor
 * tries is encoded into its reused array instead, since LZ4 reads the whole block, and LZ4 writes into the journal's
 * buffer: the payload is copied twice here too, then compressed once.
 *
 * <p>The large payloads are in their files when the body is made (as the array encoder put them there), and its size
 * is counted then, so that the journal makes room and the compressor decides as it did on the array. The bytes are
 * those of {@link FrameBlockCodec#encode(List, FrameBlockCodec.PayloadSink)} and
 * {@link BlockCompression.Compressor#compress}: {@code BlockWritePathTest}.
 */
final class BlockBody {
    private final long sessionId;
    private final List<StoredFrame> frames;
    private final long[] where;
    private final int encodedSize;
    private final BlockCompression.Compressor compressor;

    private BlockBody(long sessionId, List<StoredFrame> frames, long[] where, int encodedSize,
                      BlockCompression.Compressor compressor) {
        this.sessionId = sessionId;
        this.frames = frames;
        this.where = where;
        this.encodedSize = encodedSize;
        this.compressor = compressor;
    }

    /** The session's frames as a block: their large payloads handed to {@code sink} now, the rest kept for the write. */
    static BlockBody of(long sessionId, List<StoredFrame> frames, FrameBlockCodec.PayloadSink sink,
                        BlockCompression.Compressor compressor) throws IOException {
        long[] where = FrameBlockCodec.place(frames, sink);
        return new BlockBody(sessionId, frames, where, FrameBlockCodec.size(frames, where), compressor);
    }

    long sessionId() {
        return sessionId;
    }

    /** The block's size as encoded (uncompressed). */
    int encodedSize() {
        return encodedSize;
    }

    /**
     * How the block is stored, as far as is known before it is written: {@link BlockCompression#NONE} for one too small
     * to be tried; else {@link BlockCompression#LZ4}, which {@link #writeTo} may still make NONE (the session is
     * skipped, or LZ4 did not save enough).
     */
    int plannedCompression() {
        return BlockCompression.Compressor.mayTry(encodedSize) ? BlockCompression.LZ4 : BlockCompression.NONE;
    }

    /** The most bytes {@link #writeTo} writes. */
    int maxStoredSize() {
        return compressor.room(encodedSize);
    }

    /** Whether the block leaves a text payload out (to its payload file), so that its bytes cannot rule a search out. */
    boolean leavesOutText() {
        return FrameBlockCodec.leavesOutText(frames, where);
    }

    /** Writes the stored bytes at {@code out}'s position (room for {@link #maxStoredSize}) and says how they are stored. */
    int writeTo(ByteBuffer out) {
        return compressor.compressInto(this, out);
    }

    /** The encoded (uncompressed) bytes into {@code out}. */
    void encode(Bytes.Sink out) {
        FrameBlockCodec.write(out, frames, where);
    }
}
